#include "service/grpc/request_validator.h"

#include <algorithm>
#include <cmath>
#include <persona/segmenter.hpp>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "service/catalog/catalog_validator.h"
#include "service/grpc/request_rules.h"
#include "service/grpc/time_zone_cache.h"

namespace persona {
namespace {

using persona::v1::ScoreCustomerRequest;
using request_rules::kMaxTagBytes;
using request_rules::kRuleCount;

// google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// Beyond this many keys in one list, the check leaves duplicates to the wording pass (its hash
// sets) rather than comparing every pair.
constexpr size_t kMaxPairwiseKeys = 64;

// The outcome of one rule on one value.
enum class Finding : uint8_t {
  kHolds,
  kAboveMax,
  kOutOfRange,
  kNotFinite,
  kUnknownEnumValue,
  kNotCountryCode,
  kBlank,
  kTooLong,
  kControlCharacter,
  kNotPersonaId,
  kMissing,
  kTimeOutOfRange,
  kNanosOutOfRange,
  kAfterAsOf,
  kTooManyEntries,
  kDuplicate,
  kNotADate,
  kYearOutOfRange,
  kDateAfterAsOf,
  kUnknownTimeZone,
  kUndecided,  // the check could not tell cheaply; the wording pass decides
};

struct RuleContext {
  const RequestLimits& limits;
  int64_t as_of;  // the request's as_of when it is valid, else now
  // as_of's date in the customer's time zone when it is known, else in UTC: a birth date
  // may be "today" where the customer lives.
  absl::CivilDay as_of_day;
};

uint64_t LimitOf(Limit limit, const RequestLimits& limits) {
  switch (limit) {
    case Limit::kTopK:
      return limits.max_top_k;
    case Limit::kPersonaIds:
      return limits.max_persona_ids;
    case Limit::kOrders:
      return limits.max_orders;
    case Limit::kTags:
      return limits.max_tags;
    case Limit::kAttributes:
      return limits.max_attributes;
    case Limit::kItems:
      return limits.max_items_per_order;
    case Limit::kEvents:
      return limits.max_events;
    case Limit::kProperties:
      return limits.max_properties_per_event;
    case Limit::kLifeEvents:
      return limits.max_life_events;
    case Limit::kNone:
      break;
  }
  return 0;
}

uint64_t MaxOf(const RequestRule& rule, const RequestLimits& limits) {
  return rule.limit == Limit::kNone ? static_cast<uint64_t>(rule.max) : LimitOf(rule.limit, limits);
}

Finding TimestampFinding(const google::protobuf::Timestamp& t) {
  if (t.seconds() < kMinTimestampSeconds || t.seconds() > kMaxTimestampSeconds) {
    return Finding::kTimeOutOfRange;
  }
  if (t.nanos() < 0 || t.nanos() > 999999999) return Finding::kNanosOutOfRange;
  return Finding::kHolds;
}

int64_t EffectiveAsOf(const ScoreCustomerRequest& request, int64_t now_unix_seconds) {
  if (request.has_as_of() && TimestampFinding(request.as_of()) == Finding::kHolds) {
    return request.as_of().seconds();
  }
  return now_unix_seconds;
}

RuleContext MakeContext(const ScoreCustomerRequest& request, int64_t now_unix_seconds,
                        const RequestLimits& limits) {
  const int64_t as_of = EffectiveAsOf(request, now_unix_seconds);
  absl::TimeZone zone = absl::UTCTimeZone();
  const std::string& name = request.customer().demographics().location().time_zone();
  if (!name.empty()) FindTimeZone(name, &zone);  // unknown: UTC (and the rule says why)
  return RuleContext{limits, as_of, absl::ToCivilDay(absl::FromUnixSeconds(as_of), zone)};
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

Finding CalendarDateFinding(const persona::v1::CalendarDate& date, const RuleContext& context) {
  if (date.month() < 1 || date.month() > 12 || date.day() < 1) return Finding::kNotADate;
  if (date.year() != 0 && (date.year() < 1900 || date.year() > context.as_of_day.year())) {
    return Finding::kYearOutOfRange;
  }
  // An unknown year allows 29 February: 2000 was a leap year.
  if (date.day() > DaysInMonth(date.year() == 0 ? 2000 : date.year(), date.month())) {
    return Finding::kNotADate;
  }
  if (date.year() != 0 &&
      absl::CivilDay(date.year(), date.month(), date.day()) > context.as_of_day) {
    return Finding::kDateAfterAsOf;
  }
  return Finding::kHolds;
}

// The table's names are std::string_view, which this Abseil's StrCat does not take.
absl::string_view Words(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Every kind's test but the uniqueness ones, which need what the walker has seen so far.
// Instantiated per rule, so the kind and bounds are constants and each rule compiles to just
// its own test.
template <size_t I>
Finding EvaluateRule(const RuleField& field, const RuleContext& context) {
  constexpr const RequestRule& rule = kRequestRules[I];
  if (!field.present) {
    return rule.kind == RuleKind::kTimestamp && rule.required ? Finding::kMissing : Finding::kHolds;
  }
  switch (rule.kind) {
    case RuleKind::kAtMost:
      return field.integer >= 0 &&
                     static_cast<uint64_t>(field.integer) <= MaxOf(rule, context.limits)
                 ? Finding::kHolds
                 : Finding::kAboveMax;
    case RuleKind::kCount:
      return static_cast<uint64_t>(field.integer) <= LimitOf(rule.limit, context.limits)
                 ? Finding::kHolds
                 : Finding::kTooManyEntries;
    case RuleKind::kBetween:
      return field.integer >= rule.min && field.integer <= rule.max ? Finding::kHolds
                                                                    : Finding::kOutOfRange;
    case RuleKind::kEnumKnown:
      return rule.known(static_cast<int>(field.integer)) ? Finding::kHolds
                                                         : Finding::kUnknownEnumValue;
    case RuleKind::kCountryCode: {
      if (field.text->empty()) return Finding::kHolds;
      const std::string_view code = sdk::TrimAsciiWhitespace(*field.text);
      return code.size() == 2 && IsAsciiLetter(code[0]) && IsAsciiLetter(code[1])
                 ? Finding::kHolds
                 : Finding::kNotCountryCode;
    }
    case RuleKind::kText: {
      const std::string& text = *field.text;
      if ((rule.blank == Blank::kRejectEmpty && text.empty()) ||
          (rule.blank == Blank::kRejectBlank && sdk::TrimAsciiWhitespace(text).empty()) ||
          (rule.blank == Blank::kRejectWhitespaceOnly && !text.empty() &&
           sdk::TrimAsciiWhitespace(text).empty())) {
        return Finding::kBlank;
      }
      if (text.size() > static_cast<size_t>(rule.max)) return Finding::kTooLong;
      for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) return Finding::kControlCharacter;
      }
      return Finding::kHolds;
    }
    case RuleKind::kPersonaId:
      return IsValidPersonaId(*field.text) ? Finding::kHolds : Finding::kNotPersonaId;
    case RuleKind::kFiniteInRange:
      if (!std::isfinite(field.number)) return Finding::kNotFinite;
      return field.number >= rule.min && field.number <= rule.max ? Finding::kHolds
                                                                  : Finding::kOutOfRange;
    case RuleKind::kInRange:
      // NaN fails both comparisons; infinities the range.
      return field.number >= rule.min && field.number <= rule.max ? Finding::kHolds
                                                                  : Finding::kOutOfRange;
    case RuleKind::kTimestamp: {
      const Finding finding = TimestampFinding(*field.time);
      if (finding != Finding::kHolds) return finding;
      return rule.not_after_as_of && field.time->seconds() > context.as_of ? Finding::kAfterAsOf
                                                                           : Finding::kHolds;
    }
    case RuleKind::kCalendarDate:
      return CalendarDateFinding(*field.date, context);
    case RuleKind::kTimeZone: {
      if (field.text->empty()) return Finding::kHolds;
      absl::TimeZone zone;
      return FindTimeZone(*field.text, &zone) ? Finding::kHolds : Finding::kUnknownTimeZone;
    }
    case RuleKind::kUnique:
    case RuleKind::kUniqueIgnoringCase:
      break;
  }
  return Finding::kUndecided;
}

bool SameKey(const RequestRule& rule, std::string_view a, std::string_view b) {
  if (rule.kind == RuleKind::kUniqueIgnoringCase) {
    return sdk::EqualsIgnoreCase(sdk::TrimAsciiWhitespace(a), sdk::TrimAsciiWhitespace(b));
  }
  return a == b;
}

// The words for a broken rule: the only place a rule's message is written.
std::string RuleWording(const RequestRule& rule, Finding finding, const RuleField& field,
                        const RuleContext& context) {
  switch (finding) {
    case Finding::kAboveMax:
      return absl::StrCat("must be at most ", MaxOf(rule, context.limits), ", got ", field.integer);
    case Finding::kTooManyEntries:
      return absl::StrCat("at most ", LimitOf(rule.limit, context.limits), " ", Words(rule.noun),
                          ", got ", field.integer);
    case Finding::kOutOfRange:
      if (rule.kind == RuleKind::kBetween) {
        return absl::StrCat("must be between ", static_cast<int64_t>(rule.min), " and ",
                            static_cast<int64_t>(rule.max), ", got ", field.integer);
      }
      return absl::StrCat("must be between ", rule.min, " and ", rule.max, ", got ", field.number);
    case Finding::kNotFinite:
      return "must be a finite number";
    case Finding::kUnknownEnumValue:
      return absl::StrCat("unknown enum value ", field.integer);
    case Finding::kNotCountryCode:
      return absl::StrCat("must be an ISO 3166-1 alpha-2 code such as \"ID\", got \"",
                          field.text->substr(0, 40), "\"");
    case Finding::kBlank:
      return std::string(rule.blank_message);
    case Finding::kTooLong:
      return absl::StrCat("must be at most ", static_cast<int64_t>(rule.max), " bytes, got ",
                          field.text->size());
    case Finding::kControlCharacter:
      return "must not contain control characters";
    case Finding::kNotPersonaId:
      return absl::StrCat("\"", field.text->substr(0, 80),
                          "\" is not a persona id ([a-z0-9][a-z0-9_.-]*, at most 64 bytes)");
    case Finding::kMissing:
      return "is required";
    case Finding::kTimeOutOfRange:
      return "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z";
    case Finding::kNanosOutOfRange:
      return "nanos must be between 0 and 999999999";
    case Finding::kAfterAsOf:
      return absl::StrCat("is after as_of (", field.time->seconds() - context.as_of,
                          " s in the future): it cannot come from the future");
    case Finding::kDuplicate:
      if (rule.kind == RuleKind::kUniqueIgnoringCase) {
        return absl::StrCat(
            "duplicates another tag once case and surrounding whitespace are ignored (\"",
            sdk::NormalizeTag(*field.text), "\")");
      }
      return absl::StrCat("duplicate ", Words(rule.noun), " \"", field.text->substr(0, 80), "\"");
    case Finding::kNotADate:
      return absl::StrCat("is not a calendar date: year ", field.date->year(), " month ",
                          field.date->month(), " day ", field.date->day());
    case Finding::kYearOutOfRange:
      return absl::StrCat("year must be 0 (unknown) or between 1900 and ", context.as_of_day.year(),
                          ", got ", field.date->year());
    case Finding::kDateAfterAsOf:
      return absl::StrCat("is after as_of's date (", absl::FormatCivilTime(context.as_of_day),
                          " where the customer lives)");
    case Finding::kUnknownTimeZone:
      return absl::StrCat("unknown IANA time zone \"", field.text->substr(0, 64),
                          "\" (use a name such as \"Asia/Jakarta\")");
    case Finding::kHolds:
    case Finding::kUndecided:
      break;
  }
  return "is invalid";
}

// ---------------------------------------------------------------------------------------
// The walker: kRequestRules, in order, unrolled at compile time, so each rule's reader and
// kind are constants the compiler folds into straight-line code. A Visitor provides:
//   static constexpr bool kSortedMaps;  // visit map entries in key order
//   void BeginList();                   // a list's elements start (resets duplicate keys)
//   Finding Unique(const RequestRule&, const RuleField&);  // kUnique*: seen this key before?
//   bool Report(const RequestRule& rule, const RequestRule* list, const RuleElement* element,
//               Finding, const RuleField&);  // a broken rule; false stops the walk
// Walk* return false when the visitor stopped the walk.
// ---------------------------------------------------------------------------------------

template <bool kSorted, typename Map, typename Visit>
bool ForEachEntry(const Map& map, Visit&& visit) {
  if constexpr (!kSorted) {
    for (const auto& entry : map) {
      if (!visit(entry)) return false;
    }
  } else {
    // The same request always reports the same violations in the same order.
    std::vector<const typename Map::value_type*> entries;
    entries.reserve(map.size());
    for (const auto& entry : map) entries.push_back(&entry);
    std::sort(entries.begin(), entries.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* entry : entries) {
      if (!visit(*entry)) return false;
    }
  }
  return true;
}

template <bool kSorted, typename Visit>
bool ForEachElement(const RuleField& list, Visit&& visit) {
  RuleElement element;
  if (list.strings != nullptr) {
    for (const std::string& text : *list.strings) {
      element.text = &text;
      if (!visit(element)) return false;
      ++element.index;
    }
  } else if (list.orders != nullptr) {
    for (const persona::v1::Order& order : *list.orders) {
      element.order = &order;
      if (!visit(element)) return false;
      ++element.index;
    }
  } else if (list.interests != nullptr) {
    return ForEachEntry<kSorted>(*list.interests, [&](const auto& entry) {
      element.key = &entry.first;
      element.number = entry.second;
      return visit(element);
    });
  } else if (list.attributes != nullptr) {
    return ForEachEntry<kSorted>(*list.attributes, [&](const auto& entry) {
      element.key = &entry.first;
      element.text = &entry.second;
      return visit(element);
    });
  } else if (list.events != nullptr) {
    for (const persona::v1::Event& event : *list.events) {
      element.event = &event;
      if (!visit(element)) return false;
      ++element.index;
    }
  } else if (list.platforms != nullptr) {
    for (const persona::v1::Platform& platform : *list.platforms) {
      element.platform = &platform;
      if (!visit(element)) return false;
      ++element.index;
    }
  } else if (list.life_events != nullptr) {
    for (const persona::v1::LifeEvent& life_event : *list.life_events) {
      element.life_event = &life_event;
      if (!visit(element)) return false;
      ++element.index;
    }
  }
  return true;
}

// The entries of a list inside `outer` (an order's items, an event's properties).
template <bool kSorted, typename Visit>
bool ForEachNestedElement(const RuleField& list, const RuleElement& outer, Visit&& visit) {
  RuleElement element = outer;
  if (list.items != nullptr) {
    for (const persona::v1::OrderItem& item : *list.items) {
      element.item = &item;
      if (!visit(element)) return false;
      ++element.sub_index;
    }
  } else if (list.properties != nullptr) {
    return ForEachEntry<kSorted>(*list.properties, [&](const auto& entry) {
      element.sub_key = &entry.first;
      element.sub_text = &entry.second;
      return visit(element);
    });
  }
  return true;
}

// The nested rules [I, End) of the list headed by element rule `Sub` (itself under `List`),
// on one entry of that nested list.
template <size_t List, size_t Sub, size_t I, size_t End, typename Visitor>
bool WalkNestedElement(const ScoreCustomerRequest& request, const RuleElement& element,
                       const RuleContext& context, Visitor& visitor) {
  if constexpr (I == End) {
    return true;
  } else {
    constexpr const RequestRule& rule = kRequestRules[I];
    const RuleField field = rule.read(request, element);
    const Finding finding = EvaluateRule<I>(field, context);
    if (finding != Finding::kHolds) {
      if (!visitor.Report(rule, &kRequestRules[List], &element, &kRequestRules[Sub], finding,
                          field)) {
        return false;
      }
      if (rule.stop == Stop::kOnViolation ||
          (rule.stop == Stop::kOnBlank && finding == Finding::kBlank)) {
        return true;
      }
    }
    return WalkNestedElement<List, Sub, I + 1, End>(request, element, context, visitor);
  }
}

// The element rules [I, End) of the list headed by rule `List`, on one element.
template <size_t List, size_t I, size_t End, typename Visitor>
bool WalkElement(const ScoreCustomerRequest& request, const RuleElement& element,
                 const RuleContext& context, Visitor& visitor) {
  if constexpr (I == End) {
    return true;
  } else {
    constexpr const RequestRule& rule = kRequestRules[I];
    const RuleField field = rule.read(request, element);
    Finding finding;
    if constexpr (rule.kind == RuleKind::kUnique || rule.kind == RuleKind::kUniqueIgnoringCase) {
      finding = visitor.Unique(rule, field);
    } else {
      finding = EvaluateRule<I>(field, context);
    }
    if (finding != Finding::kHolds) {
      if (!visitor.Report(rule, &kRequestRules[List], &element, nullptr, finding, field)) {
        return false;
      }
      if (rule.stop == Stop::kOnViolation ||
          (rule.stop == Stop::kOnBlank && finding == Finding::kBlank)) {
        return true;
      }
    }
    if constexpr (rule.kind == RuleKind::kCount) {
      constexpr size_t end = request_rules::NestedRulesEnd(I);
      // A nested list over its limit is not looked into either.
      if (finding == Finding::kHolds) {
        const bool go_on = ForEachNestedElement<Visitor::kSortedMaps>(
            field, element, [&](const RuleElement& entry) {
              return WalkNestedElement<List, I, I + 1, end>(request, entry, context, visitor);
            });
        if (!go_on) return false;
      }
      return WalkElement<List, end, End>(request, element, context, visitor);
    } else {
      return WalkElement<List, I + 1, End>(request, element, context, visitor);
    }
  }
}

template <size_t I, typename Visitor>
bool WalkRules(const ScoreCustomerRequest& request, const RuleContext& context, Visitor& visitor) {
  if constexpr (I == kRuleCount) {
    return true;
  } else {
    constexpr const RequestRule& rule = kRequestRules[I];
    const RuleField field = rule.read(request, RuleElement{});
    const Finding finding = EvaluateRule<I>(field, context);
    if (finding != Finding::kHolds &&
        !visitor.Report(rule, nullptr, nullptr, nullptr, finding, field)) {
      return false;
    }
    if constexpr (rule.kind == RuleKind::kCount) {
      constexpr size_t end = request_rules::ElementRulesEnd(I);
      // A list over its limit is not looked into: one violation says it all.
      if (finding == Finding::kHolds) {
        visitor.BeginList();
        const bool go_on =
            ForEachElement<Visitor::kSortedMaps>(field, [&](const RuleElement& element) {
              return WalkElement<I, I + 1, end>(request, element, context, visitor);
            });
        if (!go_on) return false;
      }
      return WalkRules<end>(request, context, visitor);
    } else {
      return WalkRules<I + 1>(request, context, visitor);
    }
  }
}

// Stops at the first broken rule; allocates nothing. Duplicate keys are compared pairwise
// against the ones seen so far in the list, up to kMaxPairwiseKeys.
class FirstViolation {
 public:
  static constexpr bool kSortedMaps = false;

  void BeginList() { seen_count_ = 0; }

  Finding Unique(const RequestRule& rule, const RuleField& field) {
    const std::string& key = *field.text;
    if (key.empty()) return Finding::kHolds;
    for (size_t i = 0; i < seen_count_; ++i) {
      if (SameKey(rule, *seen_[i], key)) return Finding::kDuplicate;
    }
    if (seen_count_ == kMaxPairwiseKeys) return Finding::kUndecided;
    seen_[seen_count_++] = &key;
    return Finding::kHolds;
  }

  bool Report(const RequestRule&, const RequestRule*, const RuleElement*, const RequestRule*,
              Finding, const RuleField&) {
    return false;
  }

 private:
  const std::string* seen_[kMaxPairwiseKeys];  // [0, seen_count_) are set
  size_t seen_count_ = 0;
};

// Collects and words every broken rule.
class EveryViolation {
 public:
  static constexpr bool kSortedMaps = true;

  EveryViolation(const RuleContext& context, std::vector<RuleViolation>* out)
      : context_(context), out_(out) {}

  void BeginList() { seen_.clear(); }

  Finding Unique(const RequestRule& rule, const RuleField& field) {
    const std::string& key = *field.text;
    if (key.empty()) return Finding::kHolds;
    std::string seen_as = rule.kind == RuleKind::kUniqueIgnoringCase ? sdk::NormalizeTag(key) : key;
    return seen_.insert(std::move(seen_as)).second ? Finding::kHolds : Finding::kDuplicate;
  }

  bool Report(const RequestRule& rule, const RequestRule* list, const RuleElement* element,
              const RequestRule* nested_list, Finding finding, const RuleField& field) {
    out_->push_back(
        {&rule,
         {PathOf(rule, list, element, nested_list), RuleWording(rule, finding, field, context_)}});
    return true;
  }

 private:
  static std::string PathOf(const RequestRule& rule, const RequestRule* list,
                            const RuleElement* element, const RequestRule* nested_list) {
    if (list == nullptr) return std::string(rule.field);
    std::string path =
        element->key != nullptr
            ? absl::StrCat(Words(list->field), "[\"", element->key->substr(0, kMaxTagBytes), "\"]")
            : absl::StrCat(Words(list->field), "[", element->index, "]");
    if (nested_list != nullptr) {
      if (element->sub_key != nullptr) {
        absl::StrAppend(&path, Words(nested_list->field), "[\"",
                        element->sub_key->substr(0, kMaxTagBytes), "\"]");
      } else {
        absl::StrAppend(&path, Words(nested_list->field), "[", element->sub_index, "]");
      }
    }
    absl::StrAppend(&path, Words(rule.field));
    return path;
  }

  const RuleContext& context_;
  std::vector<RuleViolation>* out_;
  absl::flat_hash_set<std::string> seen_;
};

}  // namespace

bool PassesEveryRequestRule(const ScoreCustomerRequest& request, int64_t now_unix_seconds,
                            const RequestLimits& limits) {
  const RuleContext context = MakeContext(request, now_unix_seconds, limits);
  FirstViolation visitor;
  return WalkRules<0>(request, context, visitor);
}

std::vector<RuleViolation> DescribeRequestViolations(const ScoreCustomerRequest& request,
                                                     int64_t now_unix_seconds,
                                                     const RequestLimits& limits) {
  const RuleContext context = MakeContext(request, now_unix_seconds, limits);
  std::vector<RuleViolation> violations;
  EveryViolation visitor(context, &violations);
  WalkRules<0>(request, context, visitor);
  return violations;
}

std::vector<FieldViolation> ValidateScoreRequest(const ScoreCustomerRequest& request,
                                                 int64_t now_unix_seconds,
                                                 const RequestLimits& limits) {
  // Nearly every request is valid: the check answers that without building a path, a message
  // or a set. Only a request it stopped (or could not decide) is walked again for the words.
  if (PassesEveryRequestRule(request, now_unix_seconds, limits)) return {};
  std::vector<FieldViolation> violations;
  for (RuleViolation& found : DescribeRequestViolations(request, now_unix_seconds, limits)) {
    violations.push_back(std::move(found.violation));
  }
  return violations;
}

}  // namespace persona
