#include "triggers_segmenter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "fixed_utc_offset.h"
#include "whole_number.h"

namespace persona {
namespace triggers {
namespace {

using sdk::CivilDate;
using sdk::ParamError;
using sdk::Value;

// ---------------------------------------------------------------------------------------
// Load time. Everything here may allocate and throw ParamError.
// ---------------------------------------------------------------------------------------

double ParseWeight(const Value& v) {
  const double weight = v.Number();
  if (!(weight > 0.0) || !std::isfinite(weight)) {
    v.Fail("must be greater than 0, got " + Value::FormatNumber(weight));
  }
  return weight;
}

AnniversaryField ParseAnniversary(const Value& v) {
  if (!v.IsObject()) v.Fail("must be an object such as {\"within_days\": 14}");
  v.RejectUnknownKeys({"within_days", "days_after", "tolerance_days", "weight"});
  AnniversaryField field;
  field.within_days = WholeNumberIn(v.Get("within_days"), 0, 365);
  if (std::optional<Value> d = v.Find("days_after")) field.days_after = WholeNumberIn(*d, 0, 365);
  if (std::optional<Value> t = v.Find("tolerance_days")) {
    field.tolerance_days = WholeNumberIn(*t, 0, 365);
  }
  if (std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  return field;
}

// Non-empty normalised names from a list (or one string), refusing duplicates. Each comes with
// the path it was written at.
std::vector<std::pair<std::string, Value>> ParseNames(const Value& list, const char* what) {
  std::vector<Value> items;
  if (list.IsString()) {
    items.push_back(list);
  } else {
    items = list.List();
  }
  if (items.empty()) list.Fail(std::string("must name at least one ") + what);
  std::vector<std::pair<std::string, Value>> names;
  for (const Value& item : items) {
    std::string name = sdk::NormalizeTag(item.String());
    if (name.empty()) item.Fail("must not be empty");
    for (const auto& seen : names) {
      if (seen.first == name) {
        item.Fail("duplicate " + std::string(what) + " \"" + name + "\" (same as " +
                  seen.second.path() + " after trimming and lowercasing)");
      }
    }
    names.emplace_back(std::move(name), item);
  }
  return names;
}

SeasonsField ParseSeasons(const Value& v, const SeasonCalendar& calendar) {
  SeasonsField field;
  std::optional<Value> list;
  if (v.IsObject()) {
    v.RejectUnknownKeys({"any_of", "weight"});
    list = v.Get("any_of");
    if (std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  } else if (v.IsList() || v.IsString()) {
    list = v;
  } else {
    v.Fail("must be a list of season names or an object {\"any_of\": [...], \"weight\": w}");
  }
  for (const auto& [name, item] : ParseNames(*list, "season")) {
    const std::optional<size_t> index = calendar.Find(name);
    if (!index) {
      const std::string known = calendar.NameList();
      item.Fail(
          "unknown season \"" + name + "\" (" +
          (known.empty() ? std::string("config.calendars defines none") : "configured: " + known) +
          ")");
    }
    field.mask |= uint32_t{1} << *index;
  }
  // In name order, as the label and the active list are written.
  field.wanted_text = calendar.NameList(field.mask);
  return field;
}

LifeEventsField ParseLifeEvents(const Value& v) {
  if (!v.IsObject()) {
    v.Fail(
        "must be an object such as {\"any_of\": [\"new_baby\", \"moved\"], \"within_days\": 90}");
  }
  v.RejectUnknownKeys({"any_of", "within_days", "weight"});
  LifeEventsField field;
  const Value any_of = v.Get("any_of");
  std::vector<std::pair<std::string, Value>> names = ParseNames(any_of, "life event type");
  // Bounded so an explanation always fits its stack buffer whole.
  if (names.size() > LifeEventsField::kMaxTypes) {
    any_of.Fail("at most " + std::to_string(LifeEventsField::kMaxTypes) + " types, got " +
                std::to_string(names.size()));
  }
  for (auto& named : names) {
    if (named.first.size() > LifeEventsField::kMaxTypeLength) {
      named.second.Fail("a life event type has at most " +
                        std::to_string(LifeEventsField::kMaxTypeLength) + " characters");
    }
    field.types.push_back(std::move(named.first));
  }
  std::sort(field.types.begin(), field.types.end());
  for (const std::string& type : field.types) {
    field.wanted_text += (field.wanted_text.empty() ? "" : ", ") + type;
  }
  field.within_days = WholeNumberIn(v.Get("within_days"), 1, TriggersSegmenter::kMaxLifeEventDays);
  if (std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  return field;
}

// ---------------------------------------------------------------------------------------
// Hot path helpers. Nothing below allocates or throws.
// ---------------------------------------------------------------------------------------

// A non-negative count as decimal text in `buffer` (at least 12 bytes).
std::string_view FormatCount(int64_t n, char* buffer) {
  char* end = buffer + 12;
  char* p = end;
  uint64_t v = n < 0 ? 0 : static_cast<uint64_t>(n);
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && p > buffer);
  return std::string_view(p, static_cast<size_t>(end - p));
}

// "in 5 days", "today", "in 1 day".
const char* DaysWord(int64_t n) { return n == 1 ? "day" : "days"; }

void ExplainAnniversary(const AnniversaryField& field, AnniversaryDistance distance,
                        double affinity, const char* what, const sdk::ScoreContext& context,
                        size_t index, const char* detail) {
  char reason[192];
  int n;
  if (distance.days_until == 0) {
    n = std::snprintf(reason, sizeof(reason), "%s today", what);
  } else if (distance.days_since >= 0 && distance.days_since <= field.days_after) {
    n = std::snprintf(reason, sizeof(reason), "%s %d %s ago (days_after %d)", what,
                      distance.days_since, DaysWord(distance.days_since), field.days_after);
  } else {
    n = std::snprintf(reason, sizeof(reason), "%s in %d %s (within %d", what, distance.days_until,
                      DaysWord(distance.days_until), field.within_days);
    if (n > 0 && field.tolerance_days > 0 && static_cast<size_t>(n) < sizeof(reason)) {
      n += std::snprintf(reason + n, sizeof(reason) - n, ", tolerance %d", field.tolerance_days);
    }
    if (n > 0 && static_cast<size_t>(n) < sizeof(reason)) {
      n += std::snprintf(reason + n, sizeof(reason) - n, ")");
    }
  }
  if (n > 0 && static_cast<size_t>(n) < sizeof(reason)) {
    std::snprintf(reason + n, sizeof(reason) - n, " -> %.3g", affinity);
  }
  context.AddDetail(index, detail, affinity, false, reason);
}

void AddAnniversary(const AnniversaryField& field,
                    const std::optional<AnniversaryDistance>& distance, const char* what,
                    const char* detail, const char* missing_reason,
                    const sdk::ScoreContext& context, bool explain, size_t index,
                    sdk::AffinityAccumulator& accumulator) {
  if (!distance) {
    accumulator.AddMissing(field.weight);
    if (explain) context.AddDetail(index, detail, 0.0, true, missing_reason);
    return;
  }
  const double affinity = AnniversaryAffinity(field, *distance);
  accumulator.AddPresent(field.weight, affinity);
  if (explain) ExplainAnniversary(field, *distance, affinity, what, context, index, detail);
}

// The newest life event of a listed type in the last within_days local days, if any.
struct LifeEventMatch {
  bool found = false;
  std::string_view type;
  int64_t days_ago = 0;
};

LifeEventMatch FindLifeEvent(const LifeEventsField& field, const sdk::LifeEvents& events,
                             int64_t as_of, int32_t offset) {
  // Oldest first: walk back from the newest and stop at the first one out of the window.
  for (size_t i = events.size(); i-- > 0;) {
    const sdk::LifeEvent event = events[i];
    const int64_t ago = sdk::LocalDaysAgo(event.time_unix_seconds(), as_of, offset);
    if (ago >= field.within_days) break;
    if (ago < 0) continue;  // the host refuses these; a later date is never "in the last days"
    if (std::binary_search(field.types.begin(), field.types.end(), event.type(),
                           [](std::string_view a, std::string_view b) { return a < b; })) {
      return LifeEventMatch{true, event.type(), ago};
    }
  }
  return LifeEventMatch{};
}

}  // namespace

AnniversaryDistance BirthdayDistance(CivilDate birth, CivilDate today) {
  return AnniversaryDistance{sdk::DaysUntilNextAnniversary(birth, today),
                             sdk::DaysSinceLastAnniversary(birth, today)};
}

AnniversaryDistance SignupAnniversaryDistance(CivilDate signup, CivilDate today) {
  const CivilDate first = sdk::ObservedAnniversary(signup, signup.year + 1);
  AnniversaryDistance distance = BirthdayDistance(signup, today);
  const int64_t today_days = sdk::DaysFromCivil(today);
  if (today_days + distance.days_until < sdk::DaysFromCivil(first)) {
    distance.days_until = static_cast<int32_t>(sdk::DaysBetween(today, first));
  }
  if (today_days - distance.days_since < sdk::DaysFromCivil(first)) distance.days_since = -1;
  return distance;
}

double AnniversaryAffinity(const AnniversaryField& field, AnniversaryDistance distance) {
  if (distance.days_since >= 0 && distance.days_since <= field.days_after) return 1.0;
  if (distance.days_until <= field.within_days) return 1.0;
  const double beyond = static_cast<double>(distance.days_until - field.within_days);
  return std::max(0.0, 1.0 - beyond / (static_cast<double>(field.tolerance_days) + 1.0));
}

std::unique_ptr<TriggersSegmenter> TriggersSegmenter::Create(const Value& config) {
  SeasonCalendar calendar;
  int32_t offset = 0;
  // The ABI promises an object, empty when the catalog has no config; a null is read the same.
  if (!config.IsNull()) {
    config.RejectUnknownKeys({"calendars", "default_time_zone"});
    if (std::optional<Value> c = config.Find("calendars")) calendar = SeasonCalendar::Parse(*c);
    if (std::optional<Value> tz = config.Find("default_time_zone")) {
      offset = ParseFixedUtcOffset(*tz);
    }
  }
  return std::make_unique<TriggersSegmenter>(std::move(calendar), offset);
}

std::unique_ptr<TriggersCriterion> TriggersSegmenter::Compile(const Value& params) const {
  params.RejectUnknownKeys({"birthday", "signup_anniversary", "seasons", "life_events"});
  if (params.size() == 0) {
    params.Fail("must name at least one of birthday, signup_anniversary, seasons, life_events");
  }
  auto criterion = std::make_unique<TriggersCriterion>();
  if (std::optional<Value> v = params.Find("birthday")) criterion->birthday = ParseAnniversary(*v);
  if (std::optional<Value> v = params.Find("signup_anniversary")) {
    criterion->signup_anniversary = ParseAnniversary(*v);
  }
  if (std::optional<Value> v = params.Find("seasons")) {
    criterion->seasons = ParseSeasons(*v, calendar_);
  }
  if (std::optional<Value> v = params.Find("life_events")) {
    criterion->life_events = ParseLifeEvents(*v);
  }
  return criterion;
}

void TriggersSegmenter::Score(const PersonaCustomer& customer, const Criterion* const* criteria,
                              size_t count, const sdk::ScoreContext& context,
                              PersonaCriterionScore* scores) const noexcept {
  // Per-customer facts, once: the local date, the active seasons, the anniversaries.
  const int64_t as_of = context.as_of_unix_seconds();
  const int32_t offset = sdk::UtcOffsetOr(customer, default_offset_seconds_);
  const CivilDate today = sdk::LocalDate(as_of, offset);
  const uint32_t active = calendar_.ActiveMask(today);

  std::optional<AnniversaryDistance> birthday;
  if (const std::optional<CivilDate> birth = sdk::BirthDate(customer);
      birth && sdk::IsValidCivilDate(*birth)) {
    birthday = BirthdayDistance(*birth, today);
  }
  std::optional<AnniversaryDistance> signup;
  if (const std::optional<int64_t> signup_time = sdk::SignupTime(customer)) {
    // The customer's offset at as_of, the only one the host gives: a signup across a DST
    // change may land a day off, which an anniversary campaign does not notice.
    signup = SignupAnniversaryDistance(sdk::LocalDate(*signup_time, offset), today);
  }

  // Labels are per customer, not per criterion: the ABI wants them even when count == 0.
  char active_text[SeasonCalendar::kMaxActiveListLength + 1];
  const size_t active_length =
      calendar_.FormatNames(active, ",", "none", active_text, sizeof(active_text));
  context.AddLabel("season", std::string_view(active_text, active_length));
  char number[12];
  if (birthday) context.AddLabel("birthday_in_days", FormatCount(birthday->days_until, number));
  if (signup) {
    context.AddLabel("signup_anniversary_in_days", FormatCount(signup->days_until, number));
  }

  const bool explain = context.explain();
  const sdk::LifeEvents life_events = sdk::LifeEventsOf(customer);
  for (size_t i = 0; i < count; ++i) {
    const Criterion* criterion = criteria[i];
    if (criterion == nullptr) {
      scores[i] = PersonaCriterionScore{0.0, 0.0};
      continue;
    }
    sdk::AffinityAccumulator accumulator;
    if (criterion->birthday) {
      AddAnniversary(*criterion->birthday, birthday, "birthday", "birthday",
                     "customer gave no birth date", context, explain, i, accumulator);
    }
    if (criterion->signup_anniversary) {
      AddAnniversary(*criterion->signup_anniversary, signup, "signup anniversary",
                     "signup_anniversary", "customer has no signup time", context, explain, i,
                     accumulator);
    }
    if (criterion->seasons) {
      const SeasonsField& field = *criterion->seasons;
      const double affinity = (active & field.mask) != 0 ? 1.0 : 0.0;
      accumulator.AddPresent(field.weight, affinity);
      if (explain) {
        char names[SeasonCalendar::kMaxActiveListLength + 1];
        calendar_.FormatNames(active, ", ", "none", names, sizeof(names));
        char reason[2 * SeasonCalendar::kMaxActiveListLength + 64];
        std::snprintf(reason, sizeof(reason), "active seasons: %s; wanted %s -> %g", names,
                      field.wanted_text.c_str(), affinity);
        context.AddDetail(i, "seasons", affinity, false, reason);
      }
    }
    if (criterion->life_events) {
      const LifeEventsField& field = *criterion->life_events;
      const LifeEventMatch match = FindLifeEvent(field, life_events, as_of, offset);
      const double affinity = match.found ? 1.0 : 0.0;
      accumulator.AddPresent(field.weight, affinity);
      if (explain) {
        char reason[LifeEventsField::kMaxTypes * (LifeEventsField::kMaxTypeLength + 2) + 128];
        if (match.found) {
          const int type_length = static_cast<int>(match.type.size());
          if (match.days_ago == 0) {
            std::snprintf(reason, sizeof(reason), "%.*s today (within %d) -> 1", type_length,
                          match.type.data(), field.within_days);
          } else {
            std::snprintf(reason, sizeof(reason), "%.*s %lld %s ago (within %d) -> 1", type_length,
                          match.type.data(), static_cast<long long>(match.days_ago),
                          DaysWord(match.days_ago), field.within_days);
          }
        } else {
          std::snprintf(reason, sizeof(reason), "no %s in the last %d %s%s -> 0",
                        field.wanted_text.c_str(), field.within_days, DaysWord(field.within_days),
                        life_events.empty() ? " (customer has no life events)" : "");
        }
        context.AddDetail(i, "life_events", affinity, false, reason);
      }
    }
    scores[i] = accumulator.Result();
  }
}

}  // namespace triggers
}  // namespace persona
