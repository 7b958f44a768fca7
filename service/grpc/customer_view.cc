#include "service/grpc/customer_view.h"

#include <algorithm>
#include <cassert>
#include <persona/segmenter.hpp>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "service/grpc/time_zone_cache.h"

namespace persona {
namespace {

PersonaString Str(std::string_view s) { return PersonaString{s.data(), s.size()}; }

PersonaOptionalNumber Number(bool present, double value) {
  return PersonaOptionalNumber{present ? value : 0.0, present ? 1 : 0};
}

PersonaOptionalTime Time(bool present, const google::protobuf::Timestamp& time) {
  return PersonaOptionalTime{present ? time.seconds() : 0, present ? 1 : 0};
}

std::string_view View(PersonaString s) { return std::string_view(s.data, s.size); }

// Fills `order` with the indices of `list` by time, ties in list order. std::sort on the
// index as tie-break: std::stable_sort allocates a buffer on every call.
template <typename List>
void SortByTime(const List& list, std::vector<size_t>* order) {
  order->clear();
  for (int i = 0; i < list.size(); ++i) order->push_back(static_cast<size_t>(i));
  std::sort(order->begin(), order->end(), [&](size_t a, size_t b) {
    const int64_t ta = list[static_cast<int>(a)].time().seconds();
    const int64_t tb = list[static_cast<int>(b)].time().seconds();
    return ta != tb ? ta < tb : a < b;
  });
}

// Bytes Token() may append for one customer: every token's untrimmed size.
size_t TokenBytes(const persona::v1::Customer& customer) {
  size_t bytes = 0;
  for (const auto& order : customer.behavior().orders()) {
    bytes += order.channel().size();
    for (const auto& item : order.items()) bytes += item.category().size() + item.brand().size();
  }
  for (const auto& event : customer.behavior().events()) {
    bytes += event.type().size() + event.channel().size();
  }
  for (const auto& platform : customer.digital().platforms()) bytes += platform.name().size();
  for (const auto& life_event : customer.life_events()) bytes += life_event.type().size();
  return bytes;
}

}  // namespace

std::string_view GenderName(persona::v1::Gender value) {
  switch (value) {
    case persona::v1::GENDER_FEMALE:
      return "female";
    case persona::v1::GENDER_MALE:
      return "male";
    case persona::v1::GENDER_NON_BINARY:
      return "non_binary";
    case persona::v1::GENDER_OTHER:
      return "other";
    default:
      return "";
  }
}

std::string_view UrbanicityName(persona::v1::Urbanicity value) {
  switch (value) {
    case persona::v1::URBANICITY_URBAN:
      return "urban";
    case persona::v1::URBANICITY_SUBURBAN:
      return "suburban";
    case persona::v1::URBANICITY_RURAL:
      return "rural";
    default:
      return "";
  }
}

std::string_view EducationName(persona::v1::Education value) {
  switch (value) {
    case persona::v1::EDUCATION_PRIMARY:
      return "primary";
    case persona::v1::EDUCATION_SECONDARY:
      return "secondary";
    case persona::v1::EDUCATION_VOCATIONAL:
      return "vocational";
    case persona::v1::EDUCATION_BACHELOR:
      return "bachelor";
    case persona::v1::EDUCATION_MASTER:
      return "master";
    case persona::v1::EDUCATION_DOCTORATE:
      return "doctorate";
    default:
      return "";
  }
}

std::string_view DeviceName(persona::v1::Device value) {
  switch (value) {
    case persona::v1::DEVICE_MOBILE:
      return "mobile";
    case persona::v1::DEVICE_DESKTOP:
      return "desktop";
    case persona::v1::DEVICE_TABLET:
      return "tablet";
    default:
      return "";
  }
}

std::string_view MaritalStatusName(persona::v1::MaritalStatus value) {
  switch (value) {
    case persona::v1::MARITAL_STATUS_SINGLE:
      return "single";
    case persona::v1::MARITAL_STATUS_MARRIED:
      return "married";
    case persona::v1::MARITAL_STATUS_DOMESTIC_PARTNERSHIP:
      return "domestic_partnership";
    case persona::v1::MARITAL_STATUS_DIVORCED:
      return "divorced";
    case persona::v1::MARITAL_STATUS_WIDOWED:
      return "widowed";
    default:
      return "";
  }
}

void CustomerView::AppendLowered(std::string_view tag) {
  // One append and an in-place pass: push_back per character was a capacity check each.
  const size_t at = tag_bytes_.size();
  tag_bytes_.append(tag.data(), tag.size());
  for (size_t i = at; i < tag_bytes_.size(); ++i) tag_bytes_[i] = sdk::AsciiLower(tag_bytes_[i]);
}

template <typename Strings>
void CustomerView::AddTags(const Strings& source, std::vector<PendingTag>* out) {
  out->clear();
  for (const std::string& raw : source) {
    const std::string_view tag = sdk::TrimAsciiWhitespace(raw);
    if (tag.empty()) continue;
    out->push_back(PendingTag{tag_bytes_.size(), tag.size(), 0.0});
    AppendLowered(tag);
  }
}

PersonaStringList CustomerView::FinishList(std::vector<PendingTag>& tags,
                                           std::vector<PersonaString>* out) {
  out->clear();
  for (const PendingTag& tag : tags)
    out->push_back(Str({tag_bytes_.data() + tag.offset, tag.size}));
  const auto view = [](const PersonaString& s) { return std::string_view(s.data, s.size); };
  std::sort(out->begin(), out->end(),
            [&](const PersonaString& a, const PersonaString& b) { return view(a) < view(b); });
  out->erase(std::unique(out->begin(), out->end(),
                         [&](const PersonaString& a, const PersonaString& b) {
                           return view(a) == view(b);
                         }),
             out->end());
  return PersonaStringList{out->data(), out->size()};
}

PersonaString CustomerView::Token(std::string_view raw) {
  const std::string_view token = sdk::TrimAsciiWhitespace(raw);
  if (token.empty()) return PersonaString{};
  assert(token_bytes_.size() + token.size() <= token_bytes_.capacity());
  const size_t at = token_bytes_.size();
  token_bytes_.append(token.data(), token.size());
  for (size_t i = at; i < token_bytes_.size(); ++i) {
    token_bytes_[i] = sdk::AsciiLower(token_bytes_[i]);
  }
  return Str({token_bytes_.data() + at, token.size()});
}

void CustomerView::ResetOrders(const persona::v1::Behavior& behavior) {
  const auto& orders = behavior.orders();
  SortByTime(orders, &by_time_);
  orders_.clear();
  order_details_.clear();
  items_.clear();
  for (size_t index : by_time_) {
    const persona::v1::Order& order = orders[static_cast<int>(index)];
    orders_.push_back(PersonaOrder{Str(order.order_id()), order.time().seconds(), order.amount()});
    PersonaOrderDetail detail{};
    detail.channel = Token(order.channel());
    detail.discount_amount = Number(order.has_discount_amount(), order.discount_amount());
    detail.voucher_code = Str(order.voucher_code());
    // items_ may still grow: the offset becomes a pointer below.
    detail.item_count = static_cast<size_t>(order.items_size());
    for (const auto& item : order.items()) {
      items_.push_back(PersonaOrderItem{Str(item.sku()), Token(item.category()),
                                        Token(item.brand()),
                                        Number(item.has_quantity(), item.quantity()),
                                        Number(item.has_unit_price(), item.unit_price())});
    }
    order_details_.push_back(detail);
  }
  size_t first_item = 0;
  for (PersonaOrderDetail& detail : order_details_) {
    detail.items = detail.item_count == 0 ? nullptr : items_.data() + first_item;
    first_item += detail.item_count;
  }
  view_.orders = orders_.data();
  view_.order_count = orders_.size();
  view_.order_details = orders_.empty() ? nullptr : order_details_.data();
}

void CustomerView::ResetEvents(const persona::v1::Behavior& behavior) {
  events_.clear();
  properties_.clear();
  SortByTime(behavior.events(), &by_time_);
  for (size_t index : by_time_) {
    const persona::v1::Event& event = behavior.events(static_cast<int>(index));
    const size_t first = properties_.size();
    for (const auto& [key, value] : event.properties()) {
      properties_.push_back(PersonaKeyValue{Str(key), Str(value)});
    }
    std::sort(properties_.begin() + static_cast<std::ptrdiff_t>(first), properties_.end(),
              [](const PersonaKeyValue& a, const PersonaKeyValue& b) {
                return View(a.key) < View(b.key);
              });
    PersonaEvent out{};
    out.type = Token(event.type());
    out.time_unix_seconds = event.time().seconds();
    out.channel = Token(event.channel());
    out.device = Str(DeviceName(event.device()));
    // properties_ may still grow: until the loop ends, `properties` holds the offset.
    out.properties = nullptr;
    out.property_count = properties_.size() - first;
    events_.push_back(out);
  }
  size_t first_property = 0;
  for (PersonaEvent& event : events_) {
    event.properties = event.property_count == 0 ? nullptr : properties_.data() + first_property;
    first_property += event.property_count;
  }
  view_.events = events_.data();
  view_.event_count = events_.size();
  const auto& satisfaction = behavior.satisfaction();
  view_.nps = Number(satisfaction.has_nps(), satisfaction.nps());
  view_.csat = Number(satisfaction.has_csat(), satisfaction.csat());
}

void CustomerView::ResetDigitalAndTriggers(const persona::v1::Customer& customer,
                                           int64_t as_of_unix_seconds) {
  const auto& digital = customer.digital();
  platforms_.clear();
  for (const auto& platform : digital.platforms()) {
    PersonaPlatform out{};
    out.name = Token(platform.name());
    out.sessions_30d = Number(platform.has_sessions_30d(), platform.sessions_30d());
    out.last_seen = Time(platform.has_last_seen(), platform.last_seen());
    platforms_.push_back(out);
  }
  const auto name_of = [](const PersonaPlatform& p) { return View(p.name); };
  std::sort(platforms_.begin(), platforms_.end(),
            [&](const auto& a, const auto& b) { return name_of(a) < name_of(b); });
  // Validation rejects names equal after normalisation; keep the first if one slips through.
  platforms_.erase(
      std::unique(platforms_.begin(), platforms_.end(),
                  [&](const auto& a, const auto& b) { return name_of(a) == name_of(b); }),
      platforms_.end());
  view_.platforms = platforms_.data();
  view_.platform_count = platforms_.size();
  view_.primary_device = Str(DeviceName(digital.primary_device()));

  life_events_.clear();
  SortByTime(customer.life_events(), &by_time_);
  for (size_t index : by_time_) {
    const persona::v1::LifeEvent& life_event = customer.life_events(static_cast<int>(index));
    life_events_.push_back(PersonaLifeEvent{Token(life_event.type()), life_event.time().seconds()});
  }
  view_.life_events = life_events_.data();
  view_.life_event_count = life_events_.size();
  view_.signup_time = Time(customer.has_signup_time(), customer.signup_time());

  const auto& demographics = customer.demographics();
  if (demographics.has_birth_date()) {
    const auto& date = demographics.birth_date();
    view_.birth_date = PersonaCivilDate{date.year(), date.month(), date.day(), 1};
  }
  const std::string& time_zone = demographics.location().time_zone();
  absl::TimeZone zone;
  if (!time_zone.empty() && FindTimeZone(time_zone, &zone)) {
    view_.time_zone = Str(time_zone);
    view_.utc_offset_seconds = zone.At(absl::FromUnixSeconds(as_of_unix_seconds)).offset;
  }
}

void CustomerView::Reset(const persona::v1::Customer& customer) {
  Reset(customer, absl::ToUnixSeconds(absl::Now()));
}

void CustomerView::Reset(const persona::v1::Customer& customer, int64_t as_of_unix_seconds) {
  view_ = PersonaCustomer{};
  view_.struct_size = sizeof(PersonaCustomer);
  view_.customer_id = Str(customer.customer_id());
  tag_bytes_.clear();
  token_bytes_.clear();
  // std::string::reserve may shrink (and reallocate) when asked for less: only ever grow.
  const size_t token_bytes = TokenBytes(customer);
  if (token_bytes > token_bytes_.capacity()) token_bytes_.reserve(token_bytes);

  const auto& demographics = customer.demographics();
  view_.age = Number(demographics.has_age(), demographics.age());
  view_.gender = Str(GenderName(demographics.gender()));
  view_.country = Str(sdk::TrimAsciiWhitespace(demographics.location().country()));
  view_.region = Str(sdk::TrimAsciiWhitespace(demographics.location().region()));
  view_.city = Str(sdk::TrimAsciiWhitespace(demographics.location().city()));
  view_.urbanicity = Str(UrbanicityName(demographics.location().urbanicity()));
  view_.education = Str(EducationName(demographics.education()));
  view_.annual_income = Number(demographics.has_annual_income(), demographics.annual_income());
  view_.occupation = Str(sdk::TrimAsciiWhitespace(demographics.occupation()));
  view_.marital_status = Str(MaritalStatusName(demographics.marital_status()));
  view_.household_size = Number(demographics.has_household_size(), demographics.household_size());

  const auto& behavior = customer.behavior();
  ResetOrders(behavior);
  ResetEvents(behavior);
  ResetDigitalAndTriggers(customer, as_of_unix_seconds);
  const auto& rfm = behavior.rfm();
  view_.rfm_days_since_last_order =
      Number(rfm.has_days_since_last_order(), rfm.days_since_last_order());
  view_.rfm_order_count = Number(rfm.has_order_count(), rfm.order_count());
  view_.rfm_total_spend = Number(rfm.has_total_spend(), rfm.total_spend());

  const auto& psychographics = customer.psychographics();
  pending_interests_.clear();
  for (const auto& [raw, strength] : psychographics.interests()) {
    const std::string_view tag = sdk::TrimAsciiWhitespace(raw);
    if (tag.empty()) continue;
    pending_interests_.push_back(PendingTag{tag_bytes_.size(), tag.size(), strength});
    AppendLowered(tag);
  }
  AddTags(behavior.preferred_brands(), &pending_brands_);
  AddTags(behavior.channels(), &pending_channels_);
  AddTags(psychographics.values(), &pending_values_);
  AddTags(psychographics.lifestyle(), &pending_lifestyle_);
  AddTags(psychographics.preferred_channels(), &pending_preferred_channels_);
  AddTags(customer.digital().contact_opt_ins(), &pending_opt_ins_);

  // tag_bytes_ is complete: pointers into it are stable from here on.
  interests_.clear();
  for (const PendingTag& tag : pending_interests_) {
    interests_.push_back(
        PersonaTagStrength{Str({tag_bytes_.data() + tag.offset, tag.size}), tag.strength});
  }
  const auto tag_of = [](const PersonaTagStrength& t) {
    return std::string_view(t.tag.data, t.tag.size);
  };
  std::sort(interests_.begin(), interests_.end(),
            [&](const auto& a, const auto& b) { return tag_of(a) < tag_of(b); });
  // Validation rejects tags equal after normalisation; keep the first if one slips through.
  interests_.erase(
      std::unique(interests_.begin(), interests_.end(),
                  [&](const auto& a, const auto& b) { return tag_of(a) == tag_of(b); }),
      interests_.end());
  view_.interests = interests_.data();
  view_.interest_count = interests_.size();
  view_.preferred_brands = FinishList(pending_brands_, &brands_);
  view_.channels = FinishList(pending_channels_, &channels_);
  view_.values = FinishList(pending_values_, &values_);
  view_.lifestyle = FinishList(pending_lifestyle_, &lifestyle_);
  view_.preferred_channels = FinishList(pending_preferred_channels_, &preferred_channels_);
  view_.contact_opt_ins = FinishList(pending_opt_ins_, &opt_ins_);

  const auto& personality = psychographics.personality();
  view_.openness = Number(personality.has_openness(), personality.openness());
  view_.conscientiousness =
      Number(personality.has_conscientiousness(), personality.conscientiousness());
  view_.extraversion = Number(personality.has_extraversion(), personality.extraversion());
  view_.agreeableness = Number(personality.has_agreeableness(), personality.agreeableness());
  view_.neuroticism = Number(personality.has_neuroticism(), personality.neuroticism());

  attributes_.clear();
  for (const auto& [key, value] : customer.attributes()) {
    attributes_.push_back(PersonaKeyValue{Str(key), Str(value)});
  }
  const auto key_of = [](const PersonaKeyValue& kv) {
    return std::string_view(kv.key.data, kv.key.size);
  };
  std::sort(attributes_.begin(), attributes_.end(),
            [&](const auto& a, const auto& b) { return key_of(a) < key_of(b); });
  view_.attributes = attributes_.data();
  view_.attribute_count = attributes_.size();
}

}  // namespace persona
