// Test helper: a PersonaCustomer built the way the server normalises one before score(), so
// a test sees exactly what the plugin will see in production. Test code only: allocates
// freely.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <persona/sdk/strings.hpp>
#include <string>
#include <utility>
#include <vector>

namespace persona {
namespace sdk {
namespace testing {

// The struct_size of a customer from an ABI 1.1 host: everything before the first field ABI
// 1.2 appended. CustomerBuilder::BuildSized(kCustomerSizeAbi11) hands a plugin such a customer.
inline constexpr size_t kCustomerSizeAbi11 = offsetof(PersonaCustomer, order_details);

// One line of an order (ABI 1.2). category and brand are normalised like tags by Build().
struct OrderItemData {
  std::string sku;
  std::string category;
  std::string brand;
  std::optional<double> quantity;
  std::optional<double> unit_price;
};

// What ABI 1.2 adds to an order. channel is normalised like a tag; voucher_code stays as
// given.
struct OrderDetailData {
  std::string channel;
  std::optional<double> discount_amount;
  std::string voucher_code;
  std::vector<OrderItemData> items;
};

// An event's optional parts. channel and device are normalised like tags; properties are
// sorted by key, a later value for the same key replacing the earlier one.
struct EventData {
  std::string channel;
  std::string device;
  std::vector<std::pair<std::string, std::string>> properties;
};

// Builds a PersonaCustomer the way the server hands it to score(): tag lists trimmed,
// lowercased, sorted and unique; orders (with their details), events and life events sorted
// by time; attributes, event properties and platforms sorted by key or name. Fields not set
// are absent. Build() may be called again after more setters.
class CustomerBuilder {
 public:
  CustomerBuilder& Id(std::string id) { return Set(&id_, std::move(id)); }
  CustomerBuilder& Age(double age) { return SetNumber(&view_.age, age); }
  CustomerBuilder& Gender(std::string v) { return Set(&gender_, std::move(v)); }
  CustomerBuilder& Country(std::string v) { return Set(&country_, std::move(v)); }
  CustomerBuilder& Region(std::string v) { return Set(&region_, std::move(v)); }
  CustomerBuilder& City(std::string v) { return Set(&city_, std::move(v)); }
  CustomerBuilder& Urbanicity(std::string v) { return Set(&urbanicity_, std::move(v)); }
  CustomerBuilder& Education(std::string v) { return Set(&education_, std::move(v)); }
  CustomerBuilder& AnnualIncome(double v) { return SetNumber(&view_.annual_income, v); }
  CustomerBuilder& Occupation(std::string v) { return Set(&occupation_, std::move(v)); }
  CustomerBuilder& MaritalStatus(std::string v) { return Set(&marital_status_, std::move(v)); }
  CustomerBuilder& HouseholdSize(double v) { return SetNumber(&view_.household_size, v); }
  CustomerBuilder& Order(std::string id, int64_t time_unix_seconds, double amount) {
    return Order(std::move(id), time_unix_seconds, amount, OrderDetailData{});
  }
  // An order with its ABI 1.2 details (an order given without them gets empty details, as
  // the server sends for an order whose request carried none).
  CustomerBuilder& Order(std::string id, int64_t time_unix_seconds, double amount,
                         OrderDetailData detail) {
    orders_.push_back({std::move(id), time_unix_seconds, amount, std::move(detail)});
    return *this;
  }
  CustomerBuilder& Rfm(double days_since_last_order, double order_count, double total_spend) {
    SetNumber(&view_.rfm_days_since_last_order, days_since_last_order);
    SetNumber(&view_.rfm_order_count, order_count);
    return SetNumber(&view_.rfm_total_spend, total_spend);
  }
  CustomerBuilder& Interest(std::string tag, double strength) {
    interests_.emplace_back(std::move(tag), strength);
    return *this;
  }
  CustomerBuilder& Brands(std::vector<std::string> v) { return SetList(&brands_, std::move(v)); }
  CustomerBuilder& Channels(std::vector<std::string> v) {
    return SetList(&channels_, std::move(v));
  }
  CustomerBuilder& Values(std::vector<std::string> v) { return SetList(&values_, std::move(v)); }
  CustomerBuilder& Lifestyle(std::vector<std::string> v) {
    return SetList(&lifestyle_, std::move(v));
  }
  CustomerBuilder& PreferredChannels(std::vector<std::string> v) {
    return SetList(&preferred_channels_, std::move(v));
  }
  CustomerBuilder& Openness(double v) { return SetNumber(&view_.openness, v); }
  CustomerBuilder& Conscientiousness(double v) { return SetNumber(&view_.conscientiousness, v); }
  CustomerBuilder& Extraversion(double v) { return SetNumber(&view_.extraversion, v); }
  CustomerBuilder& Agreeableness(double v) { return SetNumber(&view_.agreeableness, v); }
  CustomerBuilder& Neuroticism(double v) { return SetNumber(&view_.neuroticism, v); }
  // --- ABI 1.2 ---
  CustomerBuilder& Event(std::string type, int64_t time_unix_seconds, EventData data = {}) {
    events_.push_back({std::move(type), time_unix_seconds, std::move(data)});
    return *this;
  }
  CustomerBuilder& Nps(double v) { return SetNumber(&view_.nps, v); }
  CustomerBuilder& Csat(double v) { return SetNumber(&view_.csat, v); }
  // A later platform with the same (normalised) name replaces the earlier one.
  CustomerBuilder& Platform(std::string name, std::optional<double> sessions_30d = std::nullopt,
                            std::optional<int64_t> last_seen_unix_seconds = std::nullopt) {
    platforms_.push_back({std::move(name), sessions_30d, last_seen_unix_seconds});
    return *this;
  }
  CustomerBuilder& PrimaryDevice(std::string v) { return Set(&primary_device_, std::move(v)); }
  CustomerBuilder& ContactOptIns(std::vector<std::string> v) {
    return SetList(&contact_opt_ins_, std::move(v));
  }
  CustomerBuilder& LifeEvent(std::string type, int64_t time_unix_seconds) {
    life_events_.push_back({std::move(type), time_unix_seconds});
    return *this;
  }
  CustomerBuilder& SignupTime(int64_t unix_seconds) {
    view_.signup_time = PersonaOptionalTime{unix_seconds, 1};
    return *this;
  }
  // year 0: a birthday without a year.
  CustomerBuilder& BirthDate(int32_t year, int32_t month, int32_t day) {
    view_.birth_date = PersonaCivilDate{year, month, day, 1};
    return *this;
  }
  // The zone's name and the offset in force at the as_of the test scores at: the server
  // computes the offset; a test states it.
  CustomerBuilder& TimeZone(std::string name, int32_t utc_offset_seconds) {
    time_zone_ = std::move(name);
    view_.utc_offset_seconds = utc_offset_seconds;
    return *this;
  }

  // A later value for the same key replaces the earlier one.
  CustomerBuilder& Attribute(std::string key, std::string value) {
    for (auto& kv : attributes_) {
      if (kv.first == key) {
        kv.second = std::move(value);
        return *this;
      }
    }
    attributes_.emplace_back(std::move(key), std::move(value));
    return *this;
  }

  // The view borrows from this builder: valid until the builder changes or goes away.
  const PersonaCustomer& Build() { return BuildSized(sizeof(PersonaCustomer)); }

  // The same customer as a host whose PersonaCustomer ends at `struct_size` hands it over
  // (kCustomerSizeAbi11: an ABI 1.1 host). The fields past it are still filled in memory, so
  // a plugin that reads one without checking struct_size sees data where it must see none.
  const PersonaCustomer& BuildSized(size_t struct_size) {
    BuildAll();
    view_.struct_size = struct_size;
    return view_;
  }

 private:
  void BuildAll() {
    view_.customer_id = Str(id_);
    view_.gender = Str(gender_);
    view_.country = Str(country_);
    view_.region = Str(region_);
    view_.city = Str(city_);
    view_.urbanicity = Str(urbanicity_);
    view_.education = Str(education_);
    view_.occupation = Str(occupation_);
    view_.marital_status = Str(marital_status_);

    std::stable_sort(orders_.begin(), orders_.end(),
                     [](const OrderData& a, const OrderData& b) { return a.time < b.time; });
    order_views_.clear();
    order_detail_views_.clear();
    item_views_.clear();
    for (OrderData& o : orders_) {
      o.detail.channel = NormalizeTag(o.detail.channel);
      for (OrderItemData& item : o.detail.items) {
        item.category = NormalizeTag(item.category);
        item.brand = NormalizeTag(item.brand);
      }
      std::vector<PersonaOrderItem> items;
      for (const OrderItemData& item : o.detail.items) {
        items.push_back({Str(item.sku), Str(item.category), Str(item.brand), Number(item.quantity),
                         Number(item.unit_price)});
      }
      item_views_.push_back(std::move(items));  // moving a vector keeps its buffer
      order_views_.push_back({Str(o.id), o.time, o.amount});
      order_detail_views_.push_back({Str(o.detail.channel), Number(o.detail.discount_amount),
                                     Str(o.detail.voucher_code), Data(item_views_.back()),
                                     item_views_.back().size()});
    }
    view_.orders = Data(order_views_);
    view_.order_count = order_views_.size();
    view_.order_details = Data(order_detail_views_);

    std::stable_sort(events_.begin(), events_.end(),
                     [](const EventRecord& a, const EventRecord& b) { return a.time < b.time; });
    event_views_.clear();
    property_views_.clear();
    for (EventRecord& e : events_) {
      e.type = NormalizeTag(e.type);
      e.data.channel = NormalizeTag(e.data.channel);
      e.data.device = NormalizeTag(e.data.device);
      NormaliseMap(&e.data.properties);
      std::vector<PersonaKeyValue> properties;
      for (const auto& [key, value] : e.data.properties) {
        properties.push_back({Str(key), Str(value)});
      }
      property_views_.push_back(std::move(properties));
      event_views_.push_back({Str(e.type), e.time, Str(e.data.channel), Str(e.data.device),
                              Data(property_views_.back()), property_views_.back().size()});
    }
    view_.events = Data(event_views_);
    view_.event_count = event_views_.size();

    for (PlatformRecord& p : platforms_) p.name = NormalizeTag(p.name);
    std::vector<PlatformRecord> platforms;  // by name, the last given for a name winning
    for (auto it = platforms_.rbegin(); it != platforms_.rend(); ++it) {
      const bool seen = std::any_of(platforms.begin(), platforms.end(),
                                    [&](const PlatformRecord& p) { return p.name == it->name; });
      if (!seen) platforms.push_back(*it);
    }
    std::sort(platforms.begin(), platforms.end(),
              [](const PlatformRecord& a, const PlatformRecord& b) { return a.name < b.name; });
    platform_records_ = std::move(platforms);
    platform_views_.clear();
    for (const PlatformRecord& p : platform_records_) {
      platform_views_.push_back(
          {Str(p.name), Number(p.sessions_30d),
           p.last_seen ? PersonaOptionalTime{*p.last_seen, 1} : PersonaOptionalTime{0, 0}});
    }
    view_.platforms = Data(platform_views_);
    view_.platform_count = platform_views_.size();

    primary_device_ = NormalizeTag(primary_device_);
    view_.primary_device = Str(primary_device_);
    view_.contact_opt_ins = contact_opt_ins_.Build();

    std::stable_sort(
        life_events_.begin(), life_events_.end(),
        [](const LifeEventRecord& a, const LifeEventRecord& b) { return a.time < b.time; });
    life_event_views_.clear();
    for (LifeEventRecord& e : life_events_) {
      e.type = NormalizeTag(e.type);
      life_event_views_.push_back({Str(e.type), e.time});
    }
    view_.life_events = Data(life_event_views_);
    view_.life_event_count = life_event_views_.size();

    view_.time_zone = Str(time_zone_);
    if (time_zone_.empty()) view_.utc_offset_seconds = 0;  // the server sends 0 without a zone

    std::vector<std::pair<std::string, double>> interests;
    for (const auto& [tag, strength] : interests_)
      interests.emplace_back(NormalizeTag(tag), strength);
    std::stable_sort(interests.begin(), interests.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    interest_tags_.clear();
    // Reserved so that pushing a tag never moves the earlier ones (a short string's bytes
    // live inside it, and the views point at them).
    interest_tags_.reserve(interests.size());
    interest_views_.clear();
    for (const auto& [tag, strength] : interests) {
      if (!interest_tags_.empty() && interest_tags_.back() == tag) continue;  // keep the first
      interest_tags_.push_back(tag);
      interest_views_.push_back({Str(interest_tags_.back()), strength});
    }
    view_.interests = interest_views_.data();
    view_.interest_count = interest_views_.size();

    view_.preferred_brands = brands_.Build();
    view_.channels = channels_.Build();
    view_.values = values_.Build();
    view_.lifestyle = lifestyle_.Build();
    view_.preferred_channels = preferred_channels_.Build();

    std::sort(attributes_.begin(), attributes_.end());
    attribute_views_.clear();
    for (const auto& [key, value] : attributes_) attribute_views_.push_back({Str(key), Str(value)});
    view_.attributes = attribute_views_.data();
    view_.attribute_count = attribute_views_.size();
  }

  struct OrderData {
    std::string id;
    int64_t time;
    double amount;
    OrderDetailData detail;
  };
  struct EventRecord {
    std::string type;
    int64_t time;
    EventData data;
  };
  struct PlatformRecord {
    std::string name;
    std::optional<double> sessions_30d;
    std::optional<int64_t> last_seen;
  };
  struct LifeEventRecord {
    std::string type;
    int64_t time;
  };
  // A normalised tag list and the views into it.
  struct TagList {
    std::vector<std::string> tags;
    std::vector<PersonaString> views;
    PersonaStringList Build() {
      for (std::string& tag : tags) tag = NormalizeTag(tag);
      std::sort(tags.begin(), tags.end());
      tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
      views.clear();
      for (const std::string& tag : tags) views.push_back(Str(tag));
      return PersonaStringList{views.data(), views.size()};
    }
  };

  // NULL for an empty array, as the server sends it.
  template <typename T>
  static const T* Data(const std::vector<T>& v) {
    return v.empty() ? nullptr : v.data();
  }
  static PersonaOptionalNumber Number(std::optional<double> v) {
    return v ? PersonaOptionalNumber{*v, 1} : PersonaOptionalNumber{0.0, 0};
  }
  // Sorted by key, unique, the last value given for a key winning.
  static void NormaliseMap(std::vector<std::pair<std::string, std::string>>* map) {
    std::stable_sort(map->begin(), map->end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::string, std::string>> unique;
    for (auto& kv : *map) {
      if (!unique.empty() && unique.back().first == kv.first) {
        unique.back().second = std::move(kv.second);
      } else {
        unique.push_back(std::move(kv));
      }
    }
    *map = std::move(unique);
  }
  static PersonaString Str(const std::string& s) {
    return s.empty() ? PersonaString{nullptr, 0} : PersonaString{s.data(), s.size()};
  }
  CustomerBuilder& Set(std::string* field, std::string value) {
    *field = std::move(value);
    return *this;
  }
  CustomerBuilder& SetNumber(PersonaOptionalNumber* field, double value) {
    *field = PersonaOptionalNumber{value, 1};
    return *this;
  }
  CustomerBuilder& SetList(TagList* list, std::vector<std::string> tags) {
    list->tags = std::move(tags);
    return *this;
  }

  PersonaCustomer view_{};
  std::string id_, gender_, country_, region_, city_, urbanicity_, education_, occupation_,
      marital_status_;
  std::vector<OrderData> orders_;
  std::vector<PersonaOrder> order_views_;
  std::vector<PersonaOrderDetail> order_detail_views_;
  std::vector<std::vector<PersonaOrderItem>> item_views_;
  std::vector<EventRecord> events_;
  std::vector<PersonaEvent> event_views_;
  std::vector<std::vector<PersonaKeyValue>> property_views_;
  std::vector<PlatformRecord> platforms_, platform_records_;
  std::vector<PersonaPlatform> platform_views_;
  std::string primary_device_, time_zone_;
  std::vector<LifeEventRecord> life_events_;
  std::vector<PersonaLifeEvent> life_event_views_;
  std::vector<std::pair<std::string, double>> interests_;
  std::vector<std::string> interest_tags_;
  std::vector<PersonaTagStrength> interest_views_;
  TagList brands_, channels_, values_, lifestyle_, preferred_channels_, contact_opt_ins_;
  std::vector<std::pair<std::string, std::string>> attributes_;
  std::vector<PersonaKeyValue> attribute_views_;
};

}  // namespace testing
}  // namespace sdk
}  // namespace persona
