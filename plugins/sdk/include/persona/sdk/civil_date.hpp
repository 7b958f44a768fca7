// Calendar arithmetic for windows, birthdays and anniversaries, without a time-zone database:
// the host hands every score call the customer's UTC offset in force at as_of, and everything
// here is a pure function of instants, offsets and proleptic Gregorian dates. constexpr,
// allocation-free and exception-free: made for the hot path.
//
// Rules (stated once, relied on by every helper):
//   - A local date is the calendar date of `unix_seconds + utc_offset_seconds`, so a negative
//     offset moves an instant to the previous date before its UTC midnight.
//   - 29 February in a common year is observed on 28 February (the usual convention for
//     birthdays and contract anniversaries): a customer born on 29 February 2000 has a
//     birthday on 28 February 2023 and on 29 February 2024.
//   - Anniversaries depend on month and day only; the year of the event (0 = unknown) is
//     ignored, so callers check themselves that the event is not after today.
#pragma once

#include <cstdint>

namespace persona {
namespace sdk {

// A proleptic Gregorian date. year 0 is a real (leap) year to the arithmetic here; in
// customer data it means "year unknown" and matters only to anniversaries, which ignore it.
struct CivilDate {
  int32_t year = 0;
  int32_t month = 1;  // 1..12
  int32_t day = 1;    // 1..DaysInMonth(year, month)
};

constexpr bool operator==(CivilDate a, CivilDate b) {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}
constexpr bool operator!=(CivilDate a, CivilDate b) { return !(a == b); }
constexpr bool operator<(CivilDate a, CivilDate b) {
  if (a.year != b.year) return a.year < b.year;
  if (a.month != b.month) return a.month < b.month;
  return a.day < b.day;
}

// ISO 8601 numbering.
enum class Weekday : int32_t {
  kMonday = 1,
  kTuesday = 2,
  kWednesday = 3,
  kThursday = 4,
  kFriday = 5,
  kSaturday = 6,
  kSunday = 7,
};

inline constexpr int64_t kSecondsPerDay = 86400;

constexpr bool IsLeapYear(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

// 28..31; 0 for a month outside 1..12.
constexpr int32_t DaysInMonth(int64_t year, int32_t month) {
  switch (month) {
    case 1:
    case 3:
    case 5:
    case 7:
    case 8:
    case 10:
    case 12:
      return 31;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    case 2:
      return IsLeapYear(year) ? 29 : 28;
    default:
      return 0;
  }
}

constexpr bool IsValidCivilDate(CivilDate d) {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= DaysInMonth(d.year, d.month);
}

// Days since 1970-01-01 (negative before). Howard Hinnant's days_from_civil: exact for every
// valid date, no tables, no loops.
constexpr int64_t DaysFromCivil(CivilDate date) {
  const int64_t m = date.month;
  const int64_t y = static_cast<int64_t>(date.year) - (m <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                           // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + date.day - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                   // [0, 146096]
  return era * 146097 + doe - 719468;
}

// The inverse of DaysFromCivil.
constexpr CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return CivilDate{static_cast<int32_t>(year), static_cast<int32_t>(month),
                   static_cast<int32_t>(day)};
}

// `to` minus `from` in days: positive when `to` is later.
constexpr int64_t DaysBetween(CivilDate from, CivilDate to) {
  return DaysFromCivil(to) - DaysFromCivil(from);
}

constexpr CivilDate AddDays(CivilDate date, int64_t days) {
  return CivilFromDays(DaysFromCivil(date) + days);
}

constexpr Weekday DayOfWeek(CivilDate date) {
  const int64_t days = DaysFromCivil(date);  // 1970-01-01 was a Thursday
  const int64_t monday_based = ((days + 3) % 7 + 7) % 7;
  return static_cast<Weekday>(monday_based + 1);
}

// Days since 1970-01-01 of the local date of an instant. Splits the instant into whole days
// and a second of the day before adding the offset, so no instant overflows.
constexpr int64_t LocalDayNumber(int64_t unix_seconds, int32_t utc_offset_seconds) {
  int64_t days = unix_seconds / kSecondsPerDay;
  int64_t second_of_day = unix_seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    days -= 1;
  }
  int64_t local = second_of_day + utc_offset_seconds;
  while (local < 0) {
    local += kSecondsPerDay;
    days -= 1;
  }
  while (local >= kSecondsPerDay) {
    local -= kSecondsPerDay;
    days += 1;
  }
  return days;
}

// The calendar date at `unix_seconds` where the clock is `utc_offset_seconds` ahead of UTC.
constexpr CivilDate LocalDate(int64_t unix_seconds, int32_t utc_offset_seconds) {
  return CivilFromDays(LocalDayNumber(unix_seconds, utc_offset_seconds));
}

// The date on which `event`'s anniversary is observed in `year`: the same month and day, with
// 29 February observed on 28 February when `year` is a common year.
constexpr CivilDate ObservedAnniversary(CivilDate event, int32_t year) {
  if (event.month == 2 && event.day == 29 && !IsLeapYear(year)) return CivilDate{year, 2, 28};
  return CivilDate{year, event.month, event.day};
}

// Days from `today` to the next observed anniversary of `event` (a birthday, a signup date),
// today included: 0 when it is today, at most 365. Month and day only (see the rules above):
// born 29 February, the next birthday from 28 February 2023 is 0 days away (observed that
// day), from 1 March 2023 it is 365 days away (29 February 2024) and from 1 March 2024 it is
// 364 days away (28 February 2025).
constexpr int32_t DaysUntilNextAnniversary(CivilDate event, CivilDate today) {
  CivilDate next = ObservedAnniversary(event, today.year);
  if (next < today) next = ObservedAnniversary(event, today.year + 1);
  return static_cast<int32_t>(DaysBetween(today, next));
}

// Days from the latest observed anniversary of `event` on or before `today` to `today`: 0
// when it is today, at most 365. Same rules as DaysUntilNextAnniversary.
constexpr int32_t DaysSinceLastAnniversary(CivilDate event, CivilDate today) {
  CivilDate last = ObservedAnniversary(event, today.year);
  if (today < last) last = ObservedAnniversary(event, today.year - 1);
  return static_cast<int32_t>(DaysBetween(last, today));
}

}  // namespace sdk
}  // namespace persona
