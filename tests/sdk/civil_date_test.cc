// The SDK's civil-date arithmetic at its boundaries: leap years (2000, 1900, 2024, 2023), the
// epoch and dates before it, local dates either side of local midnight with positive and
// negative offsets, and anniversaries of 29 February in common and leap years.
#include <gtest/gtest.h>

#include <cstdint>
#include <persona/sdk/civil_date.hpp>

namespace {

using persona::sdk::AddDays;
using persona::sdk::CivilDate;
using persona::sdk::CivilFromDays;
using persona::sdk::DayOfWeek;
using persona::sdk::DaysBetween;
using persona::sdk::DaysFromCivil;
using persona::sdk::DaysInMonth;
using persona::sdk::DaysSinceLastAnniversary;
using persona::sdk::DaysUntilNextAnniversary;
using persona::sdk::IsLeapYear;
using persona::sdk::IsValidCivilDate;
using persona::sdk::LocalDate;
using persona::sdk::ObservedAnniversary;
using persona::sdk::Weekday;

constexpr int64_t kDay = 86400;
// 2026-01-01T00:00:00Z.
constexpr int64_t k2026 = 1767225600;
constexpr int32_t kJakarta = 7 * 3600;
constexpr int32_t kNewYorkWinter = -5 * 3600;

TEST(CivilDateTest, LeapYearsFollowTheGregorianRule) {
  EXPECT_TRUE(IsLeapYear(2000));   // divisible by 400
  EXPECT_FALSE(IsLeapYear(1900));  // by 100, not by 400
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_TRUE(IsLeapYear(0));  // so a year-less 29 February is a real date
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(2023, 4), 30);
  EXPECT_EQ(DaysInMonth(2023, 12), 31);
  EXPECT_EQ(DaysInMonth(2023, 13), 0);
  EXPECT_TRUE(IsValidCivilDate(CivilDate{2024, 2, 29}));
  EXPECT_FALSE(IsValidCivilDate(CivilDate{2023, 2, 29}));
  EXPECT_TRUE(IsValidCivilDate(CivilDate{0, 2, 29}));
}

TEST(CivilDateTest, DaysFromCivilCountsFromTheEpoch) {
  EXPECT_EQ(DaysFromCivil(CivilDate{1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil(CivilDate{1969, 12, 31}), -1);
  EXPECT_EQ(DaysFromCivil(CivilDate{2026, 1, 1}), k2026 / kDay);
  EXPECT_EQ(DaysFromCivil(CivilDate{2000, 1, 1}), 10957);
  EXPECT_EQ(DaysFromCivil(CivilDate{1900, 1, 1}), -25567);
  EXPECT_EQ(DaysFromCivil(CivilDate{2024, 2, 29}), 19782);
}

// Every day from 1899 to 2101 follows the one before it: the next day of the month, or the
// first of the next month after the month's last day. CivilFromDays inverts DaysFromCivil.
TEST(CivilDateTest, ConsecutiveDaysWalkTheCalendar) {
  CivilDate previous = CivilFromDays(DaysFromCivil(CivilDate{1899, 1, 1}) - 1);
  EXPECT_EQ(previous, (CivilDate{1898, 12, 31}));
  for (int64_t d = DaysFromCivil(CivilDate{1899, 1, 1});
       d <= DaysFromCivil(CivilDate{2101, 12, 31}); ++d) {
    const CivilDate date = CivilFromDays(d);
    ASSERT_TRUE(IsValidCivilDate(date)) << d;
    ASSERT_EQ(DaysFromCivil(date), d);
    if (previous.day < DaysInMonth(previous.year, previous.month)) {
      ASSERT_EQ(date, (CivilDate{previous.year, previous.month, previous.day + 1})) << d;
    } else if (previous.month < 12) {
      ASSERT_EQ(date, (CivilDate{previous.year, previous.month + 1, 1})) << d;
    } else {
      ASSERT_EQ(date, (CivilDate{previous.year + 1, 1, 1})) << d;
    }
    previous = date;
  }
}

TEST(CivilDateTest, DaysBetweenAcrossFebruaryAndYearEnds) {
  EXPECT_EQ(DaysBetween(CivilDate{2023, 2, 28}, CivilDate{2023, 3, 1}), 1);
  EXPECT_EQ(DaysBetween(CivilDate{2024, 2, 28}, CivilDate{2024, 3, 1}), 2);
  EXPECT_EQ(DaysBetween(CivilDate{1900, 2, 28}, CivilDate{1900, 3, 1}), 1);
  EXPECT_EQ(DaysBetween(CivilDate{2000, 2, 28}, CivilDate{2000, 3, 1}), 2);
  EXPECT_EQ(DaysBetween(CivilDate{2023, 12, 31}, CivilDate{2024, 1, 1}), 1);
  EXPECT_EQ(DaysBetween(CivilDate{2024, 1, 1}, CivilDate{2023, 12, 31}), -1);
  EXPECT_EQ(DaysBetween(CivilDate{2024, 1, 1}, CivilDate{2025, 1, 1}), 366);
  EXPECT_EQ(DaysBetween(CivilDate{2023, 1, 1}, CivilDate{2024, 1, 1}), 365);
  EXPECT_EQ(AddDays(CivilDate{2024, 2, 28}, 1), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(AddDays(CivilDate{2026, 1, 1}, -1), (CivilDate{2025, 12, 31}));
}

TEST(CivilDateTest, DayOfWeekIsIso) {
  EXPECT_EQ(DayOfWeek(CivilDate{1970, 1, 1}), Weekday::kThursday);
  EXPECT_EQ(DayOfWeek(CivilDate{1969, 12, 29}), Weekday::kMonday);
  EXPECT_EQ(DayOfWeek(CivilDate{1900, 1, 1}), Weekday::kMonday);
  EXPECT_EQ(DayOfWeek(CivilDate{2000, 1, 1}), Weekday::kSaturday);
  EXPECT_EQ(DayOfWeek(CivilDate{2023, 12, 31}), Weekday::kSunday);
  EXPECT_EQ(DayOfWeek(CivilDate{2024, 2, 29}), Weekday::kThursday);
  EXPECT_EQ(DayOfWeek(CivilDate{2026, 1, 1}), Weekday::kThursday);
}

TEST(CivilDateTest, LocalDateChangesAtLocalMidnight) {
  EXPECT_EQ(LocalDate(k2026, 0), (CivilDate{2026, 1, 1}));
  EXPECT_EQ(LocalDate(k2026 - 1, 0), (CivilDate{2025, 12, 31}));
  // Jakarta (+7): local midnight is 17:00 UTC the day before.
  EXPECT_EQ(LocalDate(k2026 - 7 * 3600 - 1, kJakarta), (CivilDate{2025, 12, 31}));
  EXPECT_EQ(LocalDate(k2026 - 7 * 3600, kJakarta), (CivilDate{2026, 1, 1}));
  // New York in winter (-5): still the old year until 05:00 UTC.
  EXPECT_EQ(LocalDate(k2026 + 5 * 3600 - 1, kNewYorkWinter), (CivilDate{2025, 12, 31}));
  EXPECT_EQ(LocalDate(k2026 + 5 * 3600, kNewYorkWinter), (CivilDate{2026, 1, 1}));
  // The widest offsets in use, +14 and -12.
  EXPECT_EQ(LocalDate(k2026 - 14 * 3600, 14 * 3600), (CivilDate{2026, 1, 1}));
  EXPECT_EQ(LocalDate(k2026 + 12 * 3600 - 1, -12 * 3600), (CivilDate{2025, 12, 31}));
  // Before the epoch.
  EXPECT_EQ(LocalDate(-1, 0), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(LocalDate(0, -1), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(LocalDate(-kDay, kDay - 1), (CivilDate{1969, 12, 31}));
}

// The stated rule: 29 February is observed on 28 February in a common year.
TEST(CivilDateTest, TwentyNinthOfFebruaryIsObservedOnTheTwentyEighthInCommonYears) {
  const CivilDate leapling{2000, 2, 29};
  EXPECT_EQ(ObservedAnniversary(leapling, 2023), (CivilDate{2023, 2, 28}));
  EXPECT_EQ(ObservedAnniversary(leapling, 2024), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(ObservedAnniversary(leapling, 1900), (CivilDate{1900, 2, 28}));
  EXPECT_EQ(DaysUntilNextAnniversary(leapling, CivilDate{2023, 2, 27}), 1);
  EXPECT_EQ(DaysUntilNextAnniversary(leapling, CivilDate{2023, 2, 28}), 0);
  EXPECT_EQ(DaysUntilNextAnniversary(leapling, CivilDate{2023, 3, 1}), 365);  // 2024-02-29
  EXPECT_EQ(DaysUntilNextAnniversary(leapling, CivilDate{2024, 2, 28}), 1);
  EXPECT_EQ(DaysUntilNextAnniversary(leapling, CivilDate{2024, 2, 29}), 0);
  EXPECT_EQ(DaysUntilNextAnniversary(leapling, CivilDate{2024, 3, 1}), 364);  // 2025-02-28
  EXPECT_EQ(DaysSinceLastAnniversary(leapling, CivilDate{2023, 2, 28}), 0);
  EXPECT_EQ(DaysSinceLastAnniversary(leapling, CivilDate{2023, 3, 1}), 1);
  EXPECT_EQ(DaysSinceLastAnniversary(leapling, CivilDate{2024, 2, 28}), 365);  // 2023-02-28
  EXPECT_EQ(DaysSinceLastAnniversary(leapling, CivilDate{2024, 2, 29}), 0);
  EXPECT_EQ(DaysSinceLastAnniversary(leapling, CivilDate{2025, 2, 27}), 364);  // 2024-02-29
  // A birthday without a year behaves the same.
  EXPECT_EQ(DaysUntilNextAnniversary(CivilDate{0, 2, 29}, CivilDate{2023, 2, 28}), 0);
  EXPECT_EQ(DaysUntilNextAnniversary(CivilDate{0, 2, 29}, CivilDate{2024, 2, 28}), 1);
}

TEST(CivilDateTest, AnniversariesAcrossYearEnds) {
  EXPECT_EQ(DaysUntilNextAnniversary(CivilDate{1990, 12, 31}, CivilDate{2025, 12, 31}), 0);
  EXPECT_EQ(DaysUntilNextAnniversary(CivilDate{1990, 12, 31}, CivilDate{2026, 1, 1}), 364);
  EXPECT_EQ(DaysUntilNextAnniversary(CivilDate{1990, 1, 1}, CivilDate{2025, 12, 31}), 1);
  EXPECT_EQ(DaysSinceLastAnniversary(CivilDate{1990, 1, 1}, CivilDate{2025, 12, 31}), 364);
  EXPECT_EQ(DaysSinceLastAnniversary(CivilDate{1990, 1, 1}, CivilDate{2024, 12, 31}), 365);
  EXPECT_EQ(DaysSinceLastAnniversary(CivilDate{1990, 12, 31}, CivilDate{2026, 1, 1}), 1);
  // The longest wait: the day after, with a 29 February in between.
  EXPECT_EQ(DaysUntilNextAnniversary(CivilDate{1990, 3, 1}, CivilDate{2023, 3, 2}), 365);
  EXPECT_EQ(DaysUntilNextAnniversary(CivilDate{1990, 3, 1}, CivilDate{2022, 3, 2}), 364);
}

// Over three whole years and events on every kind of day: the answer is in 0..365, lands on
// the observed anniversary, and no observed anniversary lies strictly between.
TEST(CivilDateTest, AnniversaryDistancesAreTheNearestObservedDates) {
  const CivilDate events[] = {{2000, 2, 29}, {1990, 1, 1},   {1990, 2, 28},
                              {1990, 3, 1},  {1990, 12, 31}, {0, 7, 15}};
  for (const CivilDate& event : events) {
    for (int64_t d = DaysFromCivil(CivilDate{2023, 1, 1});
         d <= DaysFromCivil(CivilDate{2025, 12, 31}); ++d) {
      const CivilDate today = CivilFromDays(d);
      const int32_t until = DaysUntilNextAnniversary(event, today);
      const int32_t since = DaysSinceLastAnniversary(event, today);
      ASSERT_GE(until, 0);
      ASSERT_LE(until, 365);
      ASSERT_GE(since, 0);
      ASSERT_LE(since, 365);
      const CivilDate next = AddDays(today, until);
      const CivilDate last = AddDays(today, -since);
      ASSERT_EQ(next, ObservedAnniversary(event, next.year)) << d;
      ASSERT_EQ(last, ObservedAnniversary(event, last.year)) << d;
      for (int64_t k = d - since + 1; k < d + until; ++k) {
        const CivilDate between = CivilFromDays(k);
        ASSERT_NE(between, ObservedAnniversary(event, between.year)) << d << " " << k;
      }
    }
  }
}

// The helpers are constexpr: a plugin may precompute with them.
static_assert(DaysFromCivil(CivilDate{1970, 1, 2}) == 1);
static_assert(DaysUntilNextAnniversary(CivilDate{2000, 2, 29}, CivilDate{2023, 2, 28}) == 0);

}  // namespace
