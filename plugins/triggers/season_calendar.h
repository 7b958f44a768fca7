// The config's `calendars`: named seasons ("harbolnas", "lebaran", "payday") and which of them
// are active on a customer's local date. Parsed once at load; ActiveMask answers for every
// season at once, without allocating, so Score computes it once per customer.
//
// Depends on the plugin SDK only (civil_date.hpp and calendar_window.hpp do the calendar
// arithmetic, with their 29 February rule).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <persona/segmenter.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace persona {
namespace triggers {

// How a season recurs. A season has exactly one.
enum class SeasonKind {
  kYearly,       // fixed days of every year: Harbolnas 11.11 and 12.12
  kDates,        // dated occurrences, one per listed date: Lebaran 2026-03-20, 2027-03-10
  kMonthly,      // a day range of every month: payday, the 25th to the end of the month
  kYearlyRange,  // a day range of every year, maybe across the year's end: 12.20 to 1.2
};

struct Season {
  std::string name;  // normalised: lowercase letters, digits, '_' and '-'
  SeasonKind kind = SeasonKind::kYearly;
  std::vector<sdk::MonthDay> yearly;  // kYearly: at least one
  std::vector<int64_t> dates;         // kDates: days since 1970-01-01, sorted
  int32_t from_day = 1;               // kMonthly: 1..31
  int32_t to_day = 31;                // kMonthly: 1..31, before from_day = across month end
  sdk::MonthDay from;                 // kYearlyRange
  sdk::MonthDay to;                   // kYearlyRange, before `from` = across the year's end
  // The window around every occurrence: active from days_before days before its first day to
  // days_after days after its last day.
  int32_t days_before = 0;
  int32_t days_after = 0;
};

// Whether `season` is active on the local date `today`. Allocation-free.
bool IsActive(const Season& season, sdk::CivilDate today) noexcept;

class SeasonCalendar {
 public:
  // ActiveMask has one bit per season, so the label can be built without allocating.
  static constexpr size_t kMaxSeasons = 32;
  static constexpr size_t kMaxNameLength = 40;
  // The longest list of active names: every season, each with a separator.
  static constexpr size_t kMaxActiveListLength = kMaxSeasons * (kMaxNameLength + 2);
  static constexpr int32_t kMaxDaysAround = 366;
  static constexpr int32_t kMaxMonthlyDaysAround = 31;

  // `calendars` is the config's object of named seasons (see README.md). Throws
  // sdk::ParamError naming the path.
  static SeasonCalendar Parse(const sdk::Value& calendars);

  const std::vector<Season>& seasons() const { return seasons_; }  // sorted by name
  // Index of the season named `name` (normalised), if configured.
  std::optional<size_t> Find(std::string_view name) const;
  // "harbolnas, lebaran, payday", for messages; "" when there are none.
  std::string NameList() const;
  // The names of the seasons in `mask`, in name order, joined by ", ". Load time.
  std::string NameList(uint32_t mask) const;

  // Bit i set when seasons()[i] is active on `today`. Allocation-free.
  uint32_t ActiveMask(sdk::CivilDate today) const noexcept;

  // Writes the names of the seasons in `mask`, in name order, separated by `separator`,
  // into `buffer` (NUL-terminated, truncated to `capacity`), or `none_text` when the mask is
  // empty. Returns the length written. Allocation-free.
  size_t FormatNames(uint32_t mask, std::string_view separator, std::string_view none_text,
                     char* buffer, size_t capacity) const noexcept;

 private:
  std::vector<Season> seasons_;
};

}  // namespace triggers
}  // namespace persona
