// Windows over local calendar days, and the recurring calendar ranges seasons are made of:
// "an event in the last 14 days", "payday, the 25th to the end of the month", "Harbolnas,
// 11 November with 3 days before", "the year's turn, 30 December to 2 January". Built on
// civil_date.hpp and its rules (local dates from UTC offsets; 29 February observed on
// 28 February in a common year). constexpr, allocation-free, for the hot path.
#pragma once

#include <cstdint>
#include <persona/sdk/civil_date.hpp>

namespace persona {
namespace sdk {

// Whether `unix_seconds` falls in the last `days` local calendar days ending with as_of's:
// today counts as the first day, so days = 1 is "today", days = 7 is today and the 6 days
// before it, and an instant exactly `days` local dates back is outside. Only local dates are
// compared, never hours: an instant at 00:00 local and one at 23:59 of the same day are in or
// out together. An instant on a later local date than as_of is outside; days <= 0 is empty.
constexpr bool WithinLastLocalDays(int64_t unix_seconds, int64_t as_of_unix_seconds,
                                   int32_t utc_offset_seconds, int64_t days) {
  const int64_t ago = LocalDayNumber(as_of_unix_seconds, utc_offset_seconds) -
                      LocalDayNumber(unix_seconds, utc_offset_seconds);
  return ago >= 0 && ago < days;
}

// How many local calendar days before as_of's date the instant's date is (0 = today, negative
// for a later date): the number WithinLastLocalDays compares with `days`.
constexpr int64_t LocalDaysAgo(int64_t unix_seconds, int64_t as_of_unix_seconds,
                               int32_t utc_offset_seconds) {
  return LocalDayNumber(as_of_unix_seconds, utc_offset_seconds) -
         LocalDayNumber(unix_seconds, utc_offset_seconds);
}

// A day of the year, without a year ("11.11", "12.30").
struct MonthDay {
  int32_t month = 1;  // 1..12
  int32_t day = 1;    // 1..31, a real day in a leap year (29 February allowed)
};

// Whether `today`'s day of the month is in [first_day, last_day], a range that repeats every
// month ("payday": 25..31). A bound past the month's length means its last day, so 25..31 is
// "the 25th to the end of the month" in every month, and 31..31 is the last day of each month.
// first_day > last_day wraps across the month's end: 28..3 is the 28th to the 3rd of the next.
constexpr bool InMonthlyDayRange(CivilDate today, int32_t first_day, int32_t last_day) {
  const int32_t length = DaysInMonth(today.year, today.month);
  const int32_t first = first_day < length ? first_day : length;
  const int32_t last = last_day < length ? last_day : length;
  if (first <= last) return today.day >= first && today.day <= last;
  return today.day >= first || today.day <= last;
}

// Whether `today` is in the yearly range first..last, both inclusive ("12.30" to "1.2"). When
// last comes before first in the year, the range wraps across the year's end. A 29 February
// bound is 28 February in a common year (the civil_date.hpp rule).
constexpr bool InYearlyRange(CivilDate today, MonthDay first, MonthDay last) {
  const CivilDate from = ObservedAnniversary(CivilDate{0, first.month, first.day}, today.year);
  const CivilDate to = ObservedAnniversary(CivilDate{0, last.month, last.day}, today.year);
  if (!(to < from)) return !(today < from) && !(to < today);
  return !(today < from) || !(to < today);
}

// Whether `today` is within `days_before` days before to `days_after` days after an observed
// occurrence of the yearly `date` ("11.11" with 3 days before: 8 to 11 November). Occurrences
// in neighbouring years count, so 1.1 with 2 days before includes 30 December. Negative
// counts are treated as 0.
constexpr bool InYearlyDateWindow(CivilDate today, MonthDay date, int32_t days_before,
                                  int32_t days_after) {
  const int64_t before = days_before > 0 ? days_before : 0;
  const int64_t after = days_after > 0 ? days_after : 0;
  // The first occurrence whose window has not ended yet: on or after today - after.
  const int64_t start = DaysFromCivil(today) - after;
  const int64_t next =
      start + DaysUntilNextAnniversary(CivilDate{0, date.month, date.day}, CivilFromDays(start));
  return next - before <= DaysFromCivil(today);
}

// Whether `today` is within `days_before` days before to `days_after` days after one dated
// occurrence (a holiday whose date moves every year, such as Lebaran, listed per year).
constexpr bool InDateWindow(CivilDate today, CivilDate date, int32_t days_before,
                            int32_t days_after) {
  const int64_t offset = DaysBetween(date, today);
  return offset >= -static_cast<int64_t>(days_before > 0 ? days_before : 0) &&
         offset <= (days_after > 0 ? days_after : 0);
}

}  // namespace sdk
}  // namespace persona
