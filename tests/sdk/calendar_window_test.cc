// The SDK's calendar windows at their edges: the last N local days (N-1, N and N+1 days
// back, local midnight with positive and negative offsets), monthly day ranges in short
// months, yearly ranges and dated windows across the year's end and 29 February.
#include <gtest/gtest.h>

#include <cstdint>
#include <persona/sdk/calendar_window.hpp>

namespace {

using persona::sdk::CivilDate;
using persona::sdk::InDateWindow;
using persona::sdk::InMonthlyDayRange;
using persona::sdk::InYearlyDateWindow;
using persona::sdk::InYearlyRange;
using persona::sdk::LocalDaysAgo;
using persona::sdk::MonthDay;
using persona::sdk::WithinLastLocalDays;

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
// 2026-01-01T00:00:00Z.
constexpr int64_t k2026 = 1767225600;

TEST(CalendarWindowTest, LastNDaysCountTodayAsTheFirst) {
  const int64_t as_of = k2026 + 12 * kHour;  // Thursday 1 January 2026, noon UTC
  const int64_t n = 7;
  // N-1 local dates back (26 December) is the window's first day, from its first second.
  EXPECT_TRUE(WithinLastLocalDays(as_of - (n - 1) * kDay, as_of, 0, n));
  EXPECT_TRUE(WithinLastLocalDays(k2026 - (n - 1) * kDay, as_of, 0, n));
  // N dates back (25 December) is outside, to its last second; N+1 too.
  EXPECT_FALSE(WithinLastLocalDays(k2026 - (n - 1) * kDay - 1, as_of, 0, n));
  EXPECT_FALSE(WithinLastLocalDays(as_of - n * kDay, as_of, 0, n));
  EXPECT_FALSE(WithinLastLocalDays(as_of - (n + 1) * kDay, as_of, 0, n));
  // Today counts whole, later hours included; tomorrow does not.
  EXPECT_TRUE(WithinLastLocalDays(k2026 + 23 * kHour, as_of, 0, n));
  EXPECT_FALSE(WithinLastLocalDays(k2026 + kDay, as_of, 0, n));
  // One day is today only; zero days is nothing.
  EXPECT_TRUE(WithinLastLocalDays(k2026, as_of, 0, 1));
  EXPECT_FALSE(WithinLastLocalDays(k2026 - 1, as_of, 0, 1));
  EXPECT_FALSE(WithinLastLocalDays(as_of, as_of, 0, 0));
  EXPECT_EQ(LocalDaysAgo(as_of - n * kDay, as_of, 0), n);
}

TEST(CalendarWindowTest, LastNDaysFollowTheLocalMidnight) {
  // Jakarta (+7): as_of is 07:30 on 1 January; local midnight was 17:00 UTC on 31 December.
  const int32_t jakarta = 7 * 3600;
  const int64_t as_of = k2026 + 30 * 60;
  EXPECT_FALSE(WithinLastLocalDays(k2026 - 7 * kHour - 1, as_of, jakarta, 1));  // 23:59:59
  EXPECT_TRUE(WithinLastLocalDays(k2026 - 7 * kHour - 1, as_of, jakarta, 2));
  EXPECT_TRUE(WithinLastLocalDays(k2026 - 7 * kHour, as_of, jakarta, 1));  // 00:00:00
  // The same instant in UTC is still 31 December: yesterday.
  EXPECT_FALSE(WithinLastLocalDays(k2026 - 7 * kHour, as_of, 0, 1));

  // New York in winter (-5): as_of is 22:00 on 31 December; midnight was 05:00 UTC that day.
  const int32_t new_york = -5 * 3600;
  const int64_t late = k2026 + 3 * kHour;
  EXPECT_EQ(LocalDaysAgo(k2026 - kDay + 5 * kHour - 1, late, new_york), 1);
  EXPECT_EQ(LocalDaysAgo(k2026 - kDay + 5 * kHour, late, new_york), 0);
  EXPECT_FALSE(WithinLastLocalDays(k2026 - kDay + 5 * kHour - 1, late, new_york, 1));
  EXPECT_TRUE(WithinLastLocalDays(k2026 - kDay + 5 * kHour, late, new_york, 1));
  // 04:00 UTC on 1 January is 23:00 on 31 December there: today, not tomorrow.
  EXPECT_TRUE(WithinLastLocalDays(k2026 + 4 * kHour, late, new_york, 1));
}

TEST(CalendarWindowTest, MonthlyRangeToTheEndOfEveryMonth) {
  // Payday: the 25th to the end of the month.
  EXPECT_FALSE(InMonthlyDayRange(CivilDate{2024, 2, 24}, 25, 31));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2024, 2, 25}, 25, 31));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2024, 2, 29}, 25, 31));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2023, 2, 28}, 25, 31));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2023, 4, 30}, 25, 31));
  EXPECT_FALSE(InMonthlyDayRange(CivilDate{2023, 5, 1}, 25, 31));
  // The last day of each month.
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2023, 2, 28}, 31, 31));
  EXPECT_FALSE(InMonthlyDayRange(CivilDate{2024, 2, 28}, 31, 31));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2024, 2, 29}, 31, 31));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2023, 4, 30}, 31, 31));
  EXPECT_FALSE(InMonthlyDayRange(CivilDate{2023, 1, 30}, 31, 31));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2023, 1, 31}, 31, 31));
  // Across the month's end: the 28th to the 3rd.
  EXPECT_FALSE(InMonthlyDayRange(CivilDate{2023, 1, 27}, 28, 3));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2023, 1, 30}, 28, 3));
  EXPECT_TRUE(InMonthlyDayRange(CivilDate{2023, 2, 3}, 28, 3));
  EXPECT_FALSE(InMonthlyDayRange(CivilDate{2023, 2, 4}, 28, 3));
}

TEST(CalendarWindowTest, YearlyRangeWrapsAcrossTheYearEnd) {
  const MonthDay from{12, 30};
  const MonthDay to{1, 2};
  EXPECT_FALSE(InYearlyRange(CivilDate{2025, 12, 29}, from, to));
  EXPECT_TRUE(InYearlyRange(CivilDate{2025, 12, 30}, from, to));
  EXPECT_TRUE(InYearlyRange(CivilDate{2025, 12, 31}, from, to));
  EXPECT_TRUE(InYearlyRange(CivilDate{2026, 1, 1}, from, to));
  EXPECT_TRUE(InYearlyRange(CivilDate{2026, 1, 2}, from, to));
  EXPECT_FALSE(InYearlyRange(CivilDate{2026, 1, 3}, from, to));
  EXPECT_FALSE(InYearlyRange(CivilDate{2026, 6, 15}, from, to));
  // Within one year.
  EXPECT_FALSE(InYearlyRange(CivilDate{2023, 2, 28}, MonthDay{3, 1}, MonthDay{3, 31}));
  EXPECT_TRUE(InYearlyRange(CivilDate{2023, 3, 1}, MonthDay{3, 1}, MonthDay{3, 31}));
  EXPECT_TRUE(InYearlyRange(CivilDate{2023, 3, 31}, MonthDay{3, 1}, MonthDay{3, 31}));
  EXPECT_FALSE(InYearlyRange(CivilDate{2023, 4, 1}, MonthDay{3, 1}, MonthDay{3, 31}));
  // A range from 29 February starts on the 28th in a common year.
  EXPECT_FALSE(InYearlyRange(CivilDate{2023, 2, 27}, MonthDay{2, 29}, MonthDay{3, 2}));
  EXPECT_TRUE(InYearlyRange(CivilDate{2023, 2, 28}, MonthDay{2, 29}, MonthDay{3, 2}));
  EXPECT_FALSE(InYearlyRange(CivilDate{2024, 2, 28}, MonthDay{2, 29}, MonthDay{3, 2}));
  EXPECT_TRUE(InYearlyRange(CivilDate{2024, 2, 29}, MonthDay{2, 29}, MonthDay{3, 2}));
}

TEST(CalendarWindowTest, YearlyDateWithDaysBeforeAndAfter) {
  // Harbolnas, 11 November, with 3 days before.
  const MonthDay harbolnas{11, 11};
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2025, 11, 7}, harbolnas, 3, 0));
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2025, 11, 8}, harbolnas, 3, 0));
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2025, 11, 11}, harbolnas, 3, 0));
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2025, 11, 12}, harbolnas, 3, 0));
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2025, 11, 12}, harbolnas, 3, 1));
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2025, 11, 13}, harbolnas, 3, 1));
  // New Year's Day with 2 days before reaches into the old year.
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2025, 12, 29}, MonthDay{1, 1}, 2, 0));
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2025, 12, 30}, MonthDay{1, 1}, 2, 0));
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2026, 1, 1}, MonthDay{1, 1}, 2, 0));
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2026, 1, 2}, MonthDay{1, 1}, 2, 0));
  // New Year's Eve with 2 days after reaches into the new year.
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2026, 1, 2}, MonthDay{12, 31}, 0, 2));
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2026, 1, 3}, MonthDay{12, 31}, 0, 2));
  // 29 February: observed on the 28th in a common year.
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2023, 2, 28}, MonthDay{2, 29}, 0, 0));
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2023, 3, 1}, MonthDay{2, 29}, 0, 0));
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2024, 2, 28}, MonthDay{2, 29}, 0, 0));
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2024, 2, 29}, MonthDay{2, 29}, 0, 0));
  // Negative counts are zero.
  EXPECT_FALSE(InYearlyDateWindow(CivilDate{2025, 11, 10}, harbolnas, -3, -1));
  EXPECT_TRUE(InYearlyDateWindow(CivilDate{2025, 11, 11}, harbolnas, -3, -1));
}

TEST(CalendarWindowTest, DatedWindowAroundOneOccurrence) {
  const CivilDate lebaran{2026, 3, 20};
  EXPECT_FALSE(InDateWindow(CivilDate{2026, 3, 12}, lebaran, 7, 2));
  EXPECT_TRUE(InDateWindow(CivilDate{2026, 3, 13}, lebaran, 7, 2));
  EXPECT_TRUE(InDateWindow(CivilDate{2026, 3, 22}, lebaran, 7, 2));
  EXPECT_FALSE(InDateWindow(CivilDate{2026, 3, 23}, lebaran, 7, 2));
  EXPECT_FALSE(InDateWindow(CivilDate{2027, 3, 20}, lebaran, 7, 2));  // not yearly
}

}  // namespace
