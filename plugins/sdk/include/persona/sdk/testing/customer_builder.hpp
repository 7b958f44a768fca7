// Test helper: a PersonaCustomer built the way the server normalises one before score(), so
// a test sees exactly what the plugin will see in production. Test code only: allocates
// freely.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <cstdint>
#include <persona/sdk/strings.hpp>
#include <string>
#include <utility>
#include <vector>

namespace persona {
namespace sdk {
namespace testing {

// Builds a PersonaCustomer the way the server hands it to score(): tag lists trimmed,
// lowercased, sorted and unique; orders sorted by time; attributes sorted by key. Fields
// not set are absent. Build() may be called again after more setters.
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
    orders_.push_back({std::move(id), time_unix_seconds, amount});
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
  const PersonaCustomer& Build() {
    view_.struct_size = sizeof(PersonaCustomer);
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
    for (const OrderData& o : orders_) order_views_.push_back({Str(o.id), o.time, o.amount});
    view_.orders = order_views_.data();
    view_.order_count = order_views_.size();

    std::vector<std::pair<std::string, double>> interests;
    for (const auto& [tag, strength] : interests_)
      interests.emplace_back(NormalizeTag(tag), strength);
    std::stable_sort(interests.begin(), interests.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    interest_tags_.clear();
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
    return view_;
  }

 private:
  struct OrderData {
    std::string id;
    int64_t time;
    double amount;
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
  std::vector<std::pair<std::string, double>> interests_;
  std::vector<std::string> interest_tags_;
  std::vector<PersonaTagStrength> interest_views_;
  TagList brands_, channels_, values_, lifestyle_, preferred_channels_;
  std::vector<std::pair<std::string, std::string>> attributes_;
  std::vector<PersonaKeyValue> attribute_views_;
};

}  // namespace testing
}  // namespace sdk
}  // namespace persona
