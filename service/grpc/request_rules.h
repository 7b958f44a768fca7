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
};

// Which RequestLimits member bounds a kAtMost or kCount rule.
enum class Limit : uint8_t { kNone, kTopK, kPersonaIds, kOrders, kTags, kAttributes };

// What a kText rule rejects before looking at length: nothing, "" or all-whitespace.
enum class Blank : uint8_t { kAllowed, kRejectEmpty, kRejectBlank };

// Which violations of an element rule end the checks of that element (the rules after it
// would only repeat the complaint about a value that is not there).
enum class Stop : uint8_t { kNever, kOnViolation, kOnBlank };

// The list element or map entry an element rule looks at.
struct RuleElement {
  int index = 0;                      // position in a repeated field
  const std::string* key = nullptr;   // map entries: the key (their paths quote it)
  const std::string* text = nullptr;  // string elements; attribute values
  const persona::v1::Order* order = nullptr;
  double number = 0.0;  // interest strength
};

// A rule's view of the field it checks. `present` is false for an unset optional field,
// which satisfies every rule but a required timestamp.
struct RuleField {
  bool present = true;
  int64_t integer = 0;
  double number = 0.0;
  const std::string* text = nullptr;
  const google::protobuf::Timestamp* time = nullptr;
  // kCount: the container whose entries the element rules below it check; exactly one set.
  const google::protobuf::RepeatedPtrField<std::string>* strings = nullptr;
  const google::protobuf::RepeatedPtrField<persona::v1::Order>* orders = nullptr;
  const google::protobuf::Map<std::string, double>* interests = nullptr;
  const google::protobuf::Map<std::string, std::string>* attributes = nullptr;
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
};

constexpr size_t kRuleCount = sizeof(kRequestRules) / sizeof(kRequestRules[0]);

// Where the element rules of the kCount rule at `list` end (one past the last).
constexpr size_t ElementRulesEnd(size_t list) {
  size_t end = list + 1;
  while (end < kRuleCount && kRequestRules[end].element) ++end;
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
      if (rule.element || rule.limit == Limit::kNone || rule.noun.empty()) return false;
      uniques_in_list = 0;
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
    if (unique && (!rule.element || ++uniques_in_list > 1)) return false;
    if ((rule.blank == Blank::kAllowed) != rule.blank_message.empty()) return false;
  }
  return true;
}
static_assert(TableIsWellFormed(), "kRequestRules is malformed");

}  // namespace request_rules

using request_rules::kRequestRules;

}  // namespace persona
