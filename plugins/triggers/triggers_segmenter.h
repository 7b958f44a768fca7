// The triggers segmenter: grades *when* a customer buys — a birthday or signup anniversary
// coming up, a season (Harbolnas, Lebaran, payday) under way, a recent life event — on the
// customer's local calendar at as_of. See README.md for the config, the params and the exact
// grading; the tests in tests/unit/triggers/ pin them.
//
// Depends on the plugin SDK only (plugins/sdk/include), never on service/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <persona/segmenter.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "season_calendar.h"

namespace persona {
namespace triggers {

// `birthday` and `signup_anniversary`: how near the next (or how recent the last) yearly
// occurrence of a date must be.
struct AnniversaryField {
  int32_t within_days = 0;     // 0..365: the next occurrence at most this many days ahead
  int32_t days_after = 0;      // 0..365: or the last one at most this many days ago
  int32_t tolerance_days = 0;  // 0..365: linear decay beyond within_days
  double weight = 1.0;
};

// `seasons`: any of the listed configured seasons active.
struct SeasonsField {
  uint32_t mask = 0;        // bit i: SeasonCalendar::seasons()[i] is listed
  std::string wanted_text;  // "harbolnas, payday", for explanations
  double weight = 1.0;
};

// `life_events`: a listed life event in the last within_days local days.
struct LifeEventsField {
  static constexpr size_t kMaxTypes = 16;
  static constexpr size_t kMaxTypeLength = 64;
  std::vector<std::string> types;  // normalised, sorted by bytes, unique, non-empty
  std::string wanted_text;         // "moved, new_baby", for explanations
  int32_t within_days = 1;         // >= 1; 1 = today only
  double weight = 1.0;
};

// One compiled criterion. Every field is optional, at least one is set.
struct TriggersCriterion {
  std::optional<AnniversaryField> birthday;
  std::optional<AnniversaryField> signup_anniversary;
  std::optional<SeasonsField> seasons;
  std::optional<LifeEventsField> life_events;
};

// Where a customer stands relative to a yearly date, on their local calendar.
struct AnniversaryDistance {
  int32_t days_until = 0;  // to the next occurrence, 0 = today
  int32_t days_since = 0;  // since the last occurrence, 0 = today; -1 = there was none yet
};

// Pure rules, exposed so the tests can pin them without building customers.

// The birthday: any year's occurrence counts (29 February observed on 28 February in a common
// year, the civil_date.hpp rule).
AnniversaryDistance BirthdayDistance(sdk::CivilDate birth, sdk::CivilDate today);

// The signup anniversary: occurrences from the year after the signup on; the signup date
// itself is not an anniversary (signed up today: the first one is a year away).
AnniversaryDistance SignupAnniversaryDistance(sdk::CivilDate signup, sdk::CivilDate today);

// 1 when the last occurrence is at most days_after days ago or the next at most within_days
// ahead; beyond, 1 - (days_until - within_days) / (tolerance_days + 1), down to 0.
double AnniversaryAffinity(const AnniversaryField& field, AnniversaryDistance distance);

class TriggersSegmenter {
 public:
  using Criterion = TriggersCriterion;

  // Absence means "not happening": no birth date is no birthday to act on.
  static constexpr double kDefaultMissingAffinity = 0.0;
  static constexpr int32_t kMaxLifeEventDays = 36500;

  static constexpr char kParamsDoc[] = R"json({
    "params": {
      "birthday": "{within_days (0..365), days_after (0..365), tolerance_days (0..365), weight}: 1 when the customer's next birthday (birth_date, local date at as_of) is at most within_days away, or was at most days_after ago",
      "signup_anniversary": "same shape as birthday, on the local date of signup_time; the signup day itself is no anniversary",
      "seasons": "list of season names defined in config.calendars, or {any_of: [...], weight}: 1 when one is active on the customer's local date",
      "life_events": "{any_of: [life event types such as new_baby, moved], within_days (1..36500), weight}: 1 when one happened in the last within_days local days"},
    "config": {
      "calendars": "named seasons, each one of yearly [\"11.11\"], dates [\"2026-03-20\"], monthly {from_day, to_day}, yearly_range {from, to}, plus days_before, days_after",
      "default_time_zone": "UTC or a fixed offset such as +07:00, for customers without a time_zone"},
    "example": {"birthday": {"within_days": 14},
                "life_events": {"any_of": ["new_baby", "moved"], "within_days": 90}}})json";

  // Config: {"calendars": {...}, "default_time_zone": "+07:00"}, both optional. Throws
  // sdk::ParamError naming the path.
  static std::unique_ptr<TriggersSegmenter> Create(const sdk::Value& config);

  TriggersSegmenter(SeasonCalendar calendar, int32_t default_offset_seconds)
      : calendar_(std::move(calendar)), default_offset_seconds_(default_offset_seconds) {}

  // Validates one criterion's params; throws sdk::ParamError naming the path.
  std::unique_ptr<Criterion> Compile(const sdk::Value& params) const;

  // Hot path: no allocation, no locks, no exceptions; text only when context.explain().
  void Score(const PersonaCustomer& customer, const Criterion* const* criteria, size_t count,
             const sdk::ScoreContext& context, PersonaCriterionScore* scores) const noexcept;

  const SeasonCalendar& calendar() const { return calendar_; }
  int32_t default_offset_seconds() const { return default_offset_seconds_; }

 private:
  SeasonCalendar calendar_;
  int32_t default_offset_seconds_;
};

}  // namespace triggers
}  // namespace persona
