#pragma once

// Every rule a ScoreCustomerRequest must satisfy, written once: kRequestRules below. The
// validator walks this one table twice (request_validator.cc): an allocation-free pass that
// stops at the first broken rule, and, only for a request that failed it, a pass that words
// every violation. A rule cannot exist in one pass and not the other.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "persona/v1/persona_service.pb.h"

namespace persona {

// What a rule checks. Each kind's test is written once (EvaluateRule) and worded once
// (RuleWording), both in request_validator.cc.
enum class RuleKind : uint8_t {
  kAtMost,              // integer <= max, or <= a RequestLimits bound
  kBetween,             // integer in [min, max]
  kEnumKnown,           // an enum value this build knows
  kCountryCode,         // empty, or an ISO 3166-1 alpha-2 code once trimmed
  kText,                // at most max bytes, no control characters; optionally not blank
  kPersonaId,           // the catalog's persona id syntax
  kFiniteInRange,       // finite, then in [min, max]: money
  kInRange,             // in [min, max], NaN and infinities out: strengths and traits
  kTimestamp,           // google.protobuf.Timestamp's range; optionally required, not after as_of
  kCount,               // entries of a list or map <= a RequestLimits bound; heads element rules
  kUnique,              // no earlier element has the same (non-empty) key
  kUniqueIgnoringCase,  // ... the same key once trimmed and ASCII-lowercased
  kCalendarDate,        // a real date; year 0 (unknown) or 1900..as_of's; not after as_of
  kTimeZone,            // empty, or an IANA time zone name the server's database knows
};

// Which RequestLimits member bounds a kAtMost or kCount rule.
enum class Limit : uint8_t {
  kNone,
  kTopK,
  kPersonaIds,
  kOrders,
  kTags,
  kAttributes,
  kItems,
  kEvents,
  kProperties,
  kLifeEvents,
};

// What a kText rule rejects before looking at length: nothing, "", all-whitespace (including
// ""), or all-whitespace but not "" (optional text: empty means not given).
enum class Blank : uint8_t { kAllowed, kRejectEmpty, kRejectBlank, kRejectWhitespaceOnly };

// Which violations of an element rule end the checks of that element (the rules after it
// would only repeat the complaint about a value that is not there).
enum class Stop : uint8_t { kNever, kOnViolation, kOnBlank };

// The list element or map entry an element rule looks at.
struct RuleElement {
  int index = 0;                      // position in a repeated field
  const std::string* key = nullptr;   // map entries: the key (their paths quote it)
  const std::string* text = nullptr;  // string elements; attribute values
  const persona::v1::Order* order = nullptr;
  const persona::v1::Event* event = nullptr;
  const persona::v1::Platform* platform = nullptr;
  const persona::v1::LifeEvent* life_event = nullptr;
  double number = 0.0;  // interest strength
  // Nested rules: the entry of the element's own list (an order's items, an event's
  // properties) besides the element above.
  int sub_index = 0;
  const std::string* sub_key = nullptr;
  const std::string* sub_text = nullptr;
  const persona::v1::OrderItem* item = nullptr;
};

// A rule's view of the field it checks. `present` is false for an unset optional field,
// which satisfies every rule but a required timestamp.
struct RuleField {
  bool present = true;
  int64_t integer = 0;
  double number = 0.0;
  const std::string* text = nullptr;
  const google::protobuf::Timestamp* time = nullptr;
  const persona::v1::CalendarDate* date = nullptr;
  // kCount: the container whose entries the element rules below it check; exactly one set.
  const google::protobuf::RepeatedPtrField<std::string>* strings = nullptr;
  const google::protobuf::RepeatedPtrField<persona::v1::Order>* orders = nullptr;
  const google::protobuf::Map<std::string, double>* interests = nullptr;
  const google::protobuf::Map<std::string, std::string>* attributes = nullptr;
  const google::protobuf::RepeatedPtrField<persona::v1::Event>* events = nullptr;
  const google::protobuf::RepeatedPtrField<persona::v1::Platform>* platforms = nullptr;
  const google::protobuf::RepeatedPtrField<persona::v1::LifeEvent>* life_events = nullptr;
  // Nested lists (kCount rules that are themselves element rules).
  const google::protobuf::RepeatedPtrField<persona::v1::OrderItem>* items = nullptr;
  const google::protobuf::Map<std::string, std::string>* properties = nullptr;
};

using RuleReader = RuleField (*)(const persona::v1::ScoreCustomerRequest&, const RuleElement&);

struct RequestRule {
  std::string_view name;  // unique in the table; tests find a rule's bad example by it
  // Top-level and kCount rules: the field's path. Element rules: what follows the element's
  // "[i]" or "[\"key\"]" in its path ("" or ".order_id").
  std::string_view field;
  RuleKind kind = RuleKind::kAtMost;
  RuleReader read = nullptr;
  bool element = false;  // checks each element of the nearest kCount rule above it
  // Checks each entry of a list inside each element (an order's items): follows an element
  // kCount rule, which heads it. Nested lists have no uniqueness rules (the walkers keep one
  // seen-set, for the outer list).
  bool nested = false;
  double min = 0.0;
  double max = 0.0;  // kText: bytes
  Limit limit = Limit::kNone;
  std::string_view noun;  // kCount: "orders" ("at most 5 orders"); kUnique: "order id"
  Blank blank = Blank::kAllowed;
  std::string_view blank_message;  // kText with a Blank other than kAllowed
  bool required = false;           // kTimestamp: unset is a violation
  bool not_after_as_of = false;    // kTimestamp
  bool (*known)(int) = nullptr;    // kEnumKnown
  Stop stop = Stop::kNever;

  constexpr RequestRule OfEachElement(Stop stop_on = Stop::kNever) const {
    RequestRule rule = *this;
    rule.element = true;
    rule.stop = stop_on;
    return rule;
  }
  constexpr RequestRule OfEachNestedElement(Stop stop_on = Stop::kNever) const {
    RequestRule rule = OfEachElement(stop_on);
    rule.nested = true;
    return rule;
  }
  constexpr RequestRule Rejecting(Blank what, std::string_view message) const {
    RequestRule rule = *this;
    rule.blank = what;
    rule.blank_message = message;
    return rule;
  }
  constexpr RequestRule Required() const {
    RequestRule rule = *this;
    rule.required = true;
    return rule;
  }
  constexpr RequestRule NotAfterAsOf() const {
    RequestRule rule = *this;
    rule.not_after_as_of = true;
    return rule;
  }
};

namespace request_rules {

using Request = persona::v1::ScoreCustomerRequest;
using Element = RuleElement;

constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxTextBytes = 128;
constexpr size_t kMaxTagBytes = 64;  // also where a map key is cut in a violation's path
constexpr size_t kMaxAttributeValueBytes = 1024;
constexpr double kMaxMoney = 1e12;
constexpr double kMaxQuantity = 1e6;        // units of one order line
constexpr double kMaxSessions30d = 100000;  // sessions on one platform in 30 days

constexpr RequestRule Rule(std::string_view name, std::string_view field, RuleKind kind,
                           RuleReader read) {
  RequestRule rule;
  rule.name = name;
  rule.field = field;
  rule.kind = kind;
  rule.read = read;
  return rule;
}
constexpr RequestRule AtMost(std::string_view name, std::string_view field, double max,
                             RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kAtMost, read);
  rule.max = max;
  return rule;
}
constexpr RequestRule AtMost(std::string_view name, std::string_view field, Limit limit,
                             RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kAtMost, read);
  rule.limit = limit;
  return rule;
}
constexpr RequestRule Between(std::string_view name, std::string_view field, double min, double max,
                              RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kBetween, read);
  rule.min = min;
  rule.max = max;
  return rule;
}
constexpr RequestRule EnumKnown(std::string_view name, std::string_view field, bool (*known)(int),
                                RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kEnumKnown, read);
  rule.known = known;
  return rule;
}
constexpr RequestRule Text(std::string_view name, std::string_view field, size_t max_bytes,
                           RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kText, read);
  rule.max = static_cast<double>(max_bytes);
  return rule;
}
constexpr RequestRule Money(std::string_view name, std::string_view field, RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kFiniteInRange, read);
  rule.max = kMaxMoney;
  return rule;
}
constexpr RequestRule UnitInterval(std::string_view name, std::string_view field, RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kInRange, read);
  rule.max = 1.0;
  return rule;
}
constexpr RequestRule Count(std::string_view name, std::string_view field, Limit limit,
                            std::string_view noun, RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kCount, read);
  rule.limit = limit;
  rule.noun = noun;
  return rule;
}
constexpr RequestRule Unique(std::string_view name, std::string_view field, std::string_view noun,
                             RuleReader read) {
  RequestRule rule = Rule(name, field, RuleKind::kUnique, read);
  rule.noun = noun;
  return rule;
}

// Readers' building blocks.
inline RuleField Integer(int64_t value) {
  RuleField field;
  field.integer = value;
  return field;
}
inline RuleField OptionalInteger(bool present, int64_t value) {
  RuleField field = Integer(value);
  field.present = present;
  return field;
}
inline RuleField Number(double value) {
  RuleField field;
  field.number = value;
  return field;
}
inline RuleField OptionalNumber(bool present, double value) {
  RuleField field = Number(value);
  field.present = present;
  return field;
}
inline RuleField String(const std::string& value) {
  RuleField field;
  field.text = &value;
  return field;
}
inline RuleField Time(bool present, const google::protobuf::Timestamp& value) {
  RuleField field;
  field.present = present;
  field.time = &value;
  return field;
}
inline RuleField Strings(const google::protobuf::RepeatedPtrField<std::string>& list) {
  RuleField field = Integer(list.size());
  field.strings = &list;
  return field;
}
inline RuleField Orders(const google::protobuf::RepeatedPtrField<persona::v1::Order>& list) {
  RuleField field = Integer(list.size());
  field.orders = &list;
  return field;
}
inline RuleField Interests(const google::protobuf::Map<std::string, double>& map) {
  RuleField field = Integer(static_cast<int64_t>(map.size()));
  field.interests = &map;
  return field;
}
inline RuleField Attributes(const google::protobuf::Map<std::string, std::string>& map) {
  RuleField field = Integer(static_cast<int64_t>(map.size()));
  field.attributes = &map;
  return field;
}
inline RuleField Date(bool present, const persona::v1::CalendarDate& value) {
  RuleField field;
  field.present = present;
  field.date = &value;
  return field;
}
template <typename List, typename Set>
RuleField ListOf(const List& list, Set set) {
  RuleField field = Integer(static_cast<int64_t>(list.size()));
  field.*set = &list;
  return field;
}
inline const persona::v1::Demographics& Demo(const Request& r) {
  return r.customer().demographics();
}
inline const persona::v1::Location& Where(const Request& r) {
  return r.customer().demographics().location();
}
inline const persona::v1::Behavior& Behavior(const Request& r) { return r.customer().behavior(); }
inline const persona::v1::RfmSummary& Rfm(const Request& r) {
  return r.customer().behavior().rfm();
}
inline const persona::v1::Psychographics& Psycho(const Request& r) {
  return r.customer().psychographics();
}
inline const persona::v1::Personality& Traits(const Request& r) {
  return r.customer().psychographics().personality();
}
inline const persona::v1::Satisfaction& Satisfaction(const Request& r) {
  return r.customer().behavior().satisfaction();
}
inline const persona::v1::DigitalPresence& Digital(const Request& r) {
  return r.customer().digital();
}

// The element rules every tag list shares.
constexpr RequestRule Tag(std::string_view name) {
  return Text(name, "", kMaxTagBytes,
              [](const Request&, const Element& e) { return String(*e.text); })
      .Rejecting(Blank::kRejectBlank, "must not be empty")
      .OfEachElement();
}

// In the order violations are reported. Element rules follow their kCount rule and run only
// when the count is within its limit.
inline constexpr RequestRule kRequestRules[] = {
    AtMost("top_k", "top_k", Limit::kTopK,
           [](const Request& r, const Element&) { return Integer(r.top_k()); }),

    Count("persona_ids", "persona_ids", Limit::kPersonaIds, "ids",
          [](const Request& r, const Element&) { return Strings(r.persona_ids()); }),
    Rule("persona_ids.id", "", RuleKind::kPersonaId,
         [](const Request&, const Element& e) { return String(*e.text); })
        .OfEachElement(Stop::kOnViolation),
    Unique("persona_ids.unique", "", "persona id",
           [](const Request&, const Element& e) { return String(*e.text); })
        .OfEachElement(),

    Rule("as_of", "as_of", RuleKind::kTimestamp,
         [](const Request& r, const Element&) { return Time(r.has_as_of(), r.as_of()); }),

    Text("customer_id", "customer.customer_id", kMaxIdBytes,
         [](const Request& r, const Element&) { return String(r.customer().customer_id()); }),

    Between("age", "customer.demographics.age", 0, 130,
            [](const Request& r, const Element&) {
              return OptionalInteger(Demo(r).has_age(), Demo(r).age());
            }),
    EnumKnown("gender", "customer.demographics.gender", persona::v1::Gender_IsValid,
              [](const Request& r, const Element&) { return Integer(Demo(r).gender()); }),
    Rule("country", "customer.demographics.location.country", RuleKind::kCountryCode,
         [](const Request& r, const Element&) { return String(Where(r).country()); }),
    Text("region", "customer.demographics.location.region", kMaxTextBytes,
         [](const Request& r, const Element&) { return String(Where(r).region()); }),
    Text("city", "customer.demographics.location.city", kMaxTextBytes,
         [](const Request& r, const Element&) { return String(Where(r).city()); }),
    EnumKnown("urbanicity", "customer.demographics.location.urbanicity",
              persona::v1::Urbanicity_IsValid,
              [](const Request& r, const Element&) { return Integer(Where(r).urbanicity()); }),
    Rule("time_zone", "customer.demographics.location.time_zone", RuleKind::kTimeZone,
         [](const Request& r, const Element&) { return String(Where(r).time_zone()); }),
    EnumKnown("education", "customer.demographics.education", persona::v1::Education_IsValid,
              [](const Request& r, const Element&) { return Integer(Demo(r).education()); }),
    Money("annual_income", "customer.demographics.annual_income",
          [](const Request& r, const Element&) {
            return OptionalNumber(Demo(r).has_annual_income(), Demo(r).annual_income());
          }),
    Text("occupation", "customer.demographics.occupation", kMaxTextBytes,
         [](const Request& r, const Element&) { return String(Demo(r).occupation()); }),
    EnumKnown("marital_status", "customer.demographics.marital_status",
              persona::v1::MaritalStatus_IsValid,
              [](const Request& r, const Element&) { return Integer(Demo(r).marital_status()); }),
    Between("household_size", "customer.demographics.household_size", 1, 50,
            [](const Request& r, const Element&) {
              return OptionalInteger(Demo(r).has_household_size(), Demo(r).household_size());
            }),
    Rule("birth_date", "customer.demographics.birth_date", RuleKind::kCalendarDate,
         [](const Request& r, const Element&) {
           return Date(Demo(r).has_birth_date(), Demo(r).birth_date());
         }),

    Count("orders", "customer.behavior.orders", Limit::kOrders, "orders",
          [](const Request& r, const Element&) { return Orders(Behavior(r).orders()); }),
    Text("orders.order_id", ".order_id", kMaxIdBytes,
         [](const Request&, const Element& e) { return String(e.order->order_id()); })
        .Rejecting(Blank::kRejectBlank, "is required")
        .OfEachElement(),
    Unique("orders.order_id.unique", ".order_id", "order id",
           [](const Request&, const Element& e) { return String(e.order->order_id()); })
        .OfEachElement(),
    Rule(
        "orders.time", ".time", RuleKind::kTimestamp,
        [](const Request&, const Element& e) { return Time(e.order->has_time(), e.order->time()); })
        .Required()
        .NotAfterAsOf()
        .OfEachElement(),
    Money("orders.amount", ".amount",
          [](const Request&, const Element& e) { return Number(e.order->amount()); })
        .OfEachElement(),
    Text("orders.channel", ".channel", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(e.order->channel()); })
        .Rejecting(Blank::kRejectWhitespaceOnly, "must not be blank (leave it empty)")
        .OfEachElement(),
    Money("orders.discount_amount", ".discount_amount",
          [](const Request&, const Element& e) {
            return OptionalNumber(e.order->has_discount_amount(), e.order->discount_amount());
          })
        .OfEachElement(),
    Text("orders.voucher_code", ".voucher_code", kMaxIdBytes,
         [](const Request&, const Element& e) { return String(e.order->voucher_code()); })
        .OfEachElement(),
    Count("orders.items", ".items", Limit::kItems, "items",
          [](const Request&, const Element& e) {
            return ListOf(e.order->items(), &RuleField::items);
          })
        .OfEachElement(),
    Text("orders.items.sku", ".sku", kMaxIdBytes,
         [](const Request&, const Element& e) { return String(e.item->sku()); })
        .OfEachNestedElement(),
    Text("orders.items.category", ".category", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(e.item->category()); })
        .Rejecting(Blank::kRejectWhitespaceOnly, "must not be blank (leave it empty)")
        .OfEachNestedElement(),
    Text("orders.items.brand", ".brand", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(e.item->brand()); })
        .Rejecting(Blank::kRejectWhitespaceOnly, "must not be blank (leave it empty)")
        .OfEachNestedElement(),
    Between("orders.items.quantity", ".quantity", 1, kMaxQuantity,
            [](const Request&, const Element& e) {
              return OptionalInteger(e.item->has_quantity(), e.item->quantity());
            })
        .OfEachNestedElement(),
    Money("orders.items.unit_price", ".unit_price",
          [](const Request&, const Element& e) {
            return OptionalNumber(e.item->has_unit_price(), e.item->unit_price());
          })
        .OfEachNestedElement(),

    AtMost("rfm.days_since_last_order", "customer.behavior.rfm.days_since_last_order", 36500,
           [](const Request& r, const Element&) {
             return OptionalInteger(Rfm(r).has_days_since_last_order(),
                                    Rfm(r).days_since_last_order());
           }),
    AtMost("rfm.order_count", "customer.behavior.rfm.order_count", 10000000,
           [](const Request& r, const Element&) {
             return OptionalInteger(Rfm(r).has_order_count(), Rfm(r).order_count());
           }),
    Money("rfm.total_spend", "customer.behavior.rfm.total_spend",
          [](const Request& r, const Element&) {
            return OptionalNumber(Rfm(r).has_total_spend(), Rfm(r).total_spend());
          }),

    Count("preferred_brands", "customer.behavior.preferred_brands", Limit::kTags, "entries",
          [](const Request& r, const Element&) { return Strings(Behavior(r).preferred_brands()); }),
    Tag("preferred_brands.tag"),
    Count("channels", "customer.behavior.channels", Limit::kTags, "entries",
          [](const Request& r, const Element&) { return Strings(Behavior(r).channels()); }),
    Tag("channels.tag"),

    Count("events", "customer.behavior.events", Limit::kEvents, "events",
          [](const Request& r, const Element&) {
            return ListOf(Behavior(r).events(), &RuleField::events);
          }),
    Text("events.type", ".type", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(e.event->type()); })
        .Rejecting(Blank::kRejectBlank, "is required")
        .OfEachElement(),
    Rule(
        "events.time", ".time", RuleKind::kTimestamp,
        [](const Request&, const Element& e) { return Time(e.event->has_time(), e.event->time()); })
        .Required()
        .NotAfterAsOf()
        .OfEachElement(),
    Text("events.channel", ".channel", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(e.event->channel()); })
        .Rejecting(Blank::kRejectWhitespaceOnly, "must not be blank (leave it empty)")
        .OfEachElement(),
    EnumKnown("events.device", ".device", persona::v1::Device_IsValid,
              [](const Request&, const Element& e) { return Integer(e.event->device()); })
        .OfEachElement(),
    Count("events.properties", ".properties", Limit::kProperties, "properties",
          [](const Request&, const Element& e) {
            return ListOf(e.event->properties(), &RuleField::properties);
          })
        .OfEachElement(),
    Text("events.properties.key", "", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(*e.sub_key); })
        .Rejecting(Blank::kRejectEmpty, "key must not be empty")
        .OfEachNestedElement(),
    Text("events.properties.value", "", kMaxAttributeValueBytes,
         [](const Request&, const Element& e) { return String(*e.sub_text); })
        .OfEachNestedElement(),

    Between("satisfaction.nps", "customer.behavior.satisfaction.nps", 0, 10,
            [](const Request& r, const Element&) {
              return OptionalInteger(Satisfaction(r).has_nps(), Satisfaction(r).nps());
            }),
    Between("satisfaction.csat", "customer.behavior.satisfaction.csat", 1, 5,
            [](const Request& r, const Element&) {
              return OptionalInteger(Satisfaction(r).has_csat(), Satisfaction(r).csat());
            }),

    Count("interests", "customer.psychographics.interests", Limit::kTags, "interests",
          [](const Request& r, const Element&) { return Interests(Psycho(r).interests()); }),
    Text("interests.tag", "", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(*e.key); })
        .Rejecting(Blank::kRejectBlank, "tag must not be empty")
        .OfEachElement(Stop::kOnBlank),
    UnitInterval("interests.strength", "",
                 [](const Request&, const Element& e) { return Number(e.number); })
        .OfEachElement(),
    Rule("interests.unique", "", RuleKind::kUniqueIgnoringCase,
         [](const Request&, const Element& e) { return String(*e.key); })
        .OfEachElement(),

    Count("values", "customer.psychographics.values", Limit::kTags, "entries",
          [](const Request& r, const Element&) { return Strings(Psycho(r).values()); }),
    Tag("values.tag"),
    Count("lifestyle", "customer.psychographics.lifestyle", Limit::kTags, "entries",
          [](const Request& r, const Element&) { return Strings(Psycho(r).lifestyle()); }),
    Tag("lifestyle.tag"),
    Count("preferred_channels", "customer.psychographics.preferred_channels", Limit::kTags,
          "entries",
          [](const Request& r, const Element&) { return Strings(Psycho(r).preferred_channels()); }),
    Tag("preferred_channels.tag"),

    UnitInterval("personality.openness", "customer.psychographics.personality.openness",
                 [](const Request& r, const Element&) {
                   return OptionalNumber(Traits(r).has_openness(), Traits(r).openness());
                 }),
    UnitInterval(
        "personality.conscientiousness", "customer.psychographics.personality.conscientiousness",
        [](const Request& r, const Element&) {
          return OptionalNumber(Traits(r).has_conscientiousness(), Traits(r).conscientiousness());
        }),
    UnitInterval("personality.extraversion", "customer.psychographics.personality.extraversion",
                 [](const Request& r, const Element&) {
                   return OptionalNumber(Traits(r).has_extraversion(), Traits(r).extraversion());
                 }),
    UnitInterval("personality.agreeableness", "customer.psychographics.personality.agreeableness",
                 [](const Request& r, const Element&) {
                   return OptionalNumber(Traits(r).has_agreeableness(), Traits(r).agreeableness());
                 }),
    UnitInterval("personality.neuroticism", "customer.psychographics.personality.neuroticism",
                 [](const Request& r, const Element&) {
                   return OptionalNumber(Traits(r).has_neuroticism(), Traits(r).neuroticism());
                 }),

    Count("attributes", "customer.attributes", Limit::kAttributes, "attributes",
          [](const Request& r, const Element&) { return Attributes(r.customer().attributes()); }),
    Text("attributes.key", "", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(*e.key); })
        .Rejecting(Blank::kRejectEmpty, "key must not be empty")
        .OfEachElement(),
    Text("attributes.value", "", kMaxAttributeValueBytes,
         [](const Request&, const Element& e) { return String(*e.text); })
        .OfEachElement(),

    Count("digital.platforms", "customer.digital.platforms", Limit::kTags, "platforms",
          [](const Request& r, const Element&) {
            return ListOf(Digital(r).platforms(), &RuleField::platforms);
          }),
    Text("digital.platforms.name", ".name", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(e.platform->name()); })
        .Rejecting(Blank::kRejectBlank, "is required")
        .OfEachElement(Stop::kOnBlank),
    Rule("digital.platforms.name.unique", ".name", RuleKind::kUniqueIgnoringCase,
         [](const Request&, const Element& e) { return String(e.platform->name()); })
        .OfEachElement(),
    Between("digital.platforms.sessions_30d", ".sessions_30d", 0, kMaxSessions30d,
            [](const Request&, const Element& e) {
              return OptionalInteger(e.platform->has_sessions_30d(), e.platform->sessions_30d());
            })
        .OfEachElement(),
    Rule("digital.platforms.last_seen", ".last_seen", RuleKind::kTimestamp,
         [](const Request&, const Element& e) {
           return Time(e.platform->has_last_seen(), e.platform->last_seen());
         })
        .NotAfterAsOf()
        .OfEachElement(),
    EnumKnown(
        "digital.primary_device", "customer.digital.primary_device", persona::v1::Device_IsValid,
        [](const Request& r, const Element&) { return Integer(Digital(r).primary_device()); }),
    Count("digital.contact_opt_ins", "customer.digital.contact_opt_ins", Limit::kTags, "entries",
          [](const Request& r, const Element&) { return Strings(Digital(r).contact_opt_ins()); }),
    Tag("digital.contact_opt_ins.tag"),

    Count("life_events", "customer.life_events", Limit::kLifeEvents, "life events",
          [](const Request& r, const Element&) {
            return ListOf(r.customer().life_events(), &RuleField::life_events);
          }),
    Text("life_events.type", ".type", kMaxTagBytes,
         [](const Request&, const Element& e) { return String(e.life_event->type()); })
        .Rejecting(Blank::kRejectBlank, "is required")
        .OfEachElement(),
    Rule("life_events.time", ".time", RuleKind::kTimestamp,
         [](const Request&, const Element& e) {
           return Time(e.life_event->has_time(), e.life_event->time());
         })
        .Required()
        .NotAfterAsOf()
        .OfEachElement(),

    Rule("signup_time", "customer.signup_time", RuleKind::kTimestamp,
         [](const Request& r, const Element&) {
           return Time(r.customer().has_signup_time(), r.customer().signup_time());
         })
        .NotAfterAsOf(),
};

constexpr size_t kRuleCount = sizeof(kRequestRules) / sizeof(kRequestRules[0]);

// Where the element rules of the kCount rule at `list` end (one past the last).
constexpr size_t ElementRulesEnd(size_t list) {
  size_t end = list + 1;
  while (end < kRuleCount && kRequestRules[end].element) ++end;
  return end;
}

// Where the nested rules of the element kCount rule at `list` end (one past the last).
constexpr size_t NestedRulesEnd(size_t list) {
  size_t end = list + 1;
  while (end < kRuleCount && kRequestRules[end].nested) ++end;
  return end;
}

// The table's own consistency, checked by the compiler: unique names, element rules only
// under a count, at most one uniqueness rule per list (the walkers keep one seen-set per
// list), and what each kind needs. (Function pointers cannot be compared in a constant
// expression by every compiler mode - gcc refuses it at -O0 - so that every rule has a
// reader, and every kEnumKnown rule its names, is checked by request_rules_test.cc.)
constexpr bool TableIsWellFormed() {
  size_t uniques_in_list = 0;
  for (size_t i = 0; i < kRuleCount; ++i) {
    const RequestRule& rule = kRequestRules[i];
    if (rule.name.empty()) return false;
    for (size_t j = 0; j < i; ++j) {
      if (kRequestRules[j].name == rule.name) return false;
    }
    if (rule.kind == RuleKind::kCount) {
      if (rule.nested || rule.limit == Limit::kNone || rule.noun.empty()) return false;
      if (!rule.element) uniques_in_list = 0;
    }
    if (rule.nested) {
      const RequestRule& before = kRequestRules[i == 0 ? 0 : i - 1];
      if (i == 0 || !rule.element ||
          !(before.nested || (before.element && before.kind == RuleKind::kCount)))
        return false;
    }
    if (rule.element) {
      if (i == 0 ||
          (!kRequestRules[i - 1].element && kRequestRules[i - 1].kind != RuleKind::kCount))
        return false;
    } else if (rule.field.empty() || rule.stop != Stop::kNever) {
      return false;
    }
    const bool unique =
        rule.kind == RuleKind::kUnique || rule.kind == RuleKind::kUniqueIgnoringCase;
    if (unique && (!rule.element || rule.nested || ++uniques_in_list > 1)) return false;
    if ((rule.blank == Blank::kAllowed) != rule.blank_message.empty()) return false;
  }
  return true;
}
static_assert(TableIsWellFormed(), "kRequestRules is malformed");

}  // namespace request_rules

using request_rules::kRequestRules;

}  // namespace persona
