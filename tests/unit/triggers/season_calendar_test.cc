// The season calendar: which seasons are active on a local date, for every kind of season,
// at the edges of every window; checked against the SDK's range helpers and a day-by-day
// reference for windows.
#include "season_calendar.h"

#include <gtest/gtest.h>

#include <persona/sdk/testing/json_value.hpp>
#include <string>
#include <string_view>

namespace persona {
namespace triggers {
namespace {

using sdk::CivilDate;

SeasonCalendar Calendar(std::string_view json) {
  sdk::testing::JsonValue value(json);
  return SeasonCalendar::Parse(sdk::Value(&value.root(), "config.calendars"));
}

// Whether the only season of `json` is active on y-m-d.
bool Active(std::string_view json, int32_t y, int32_t m, int32_t d) {
  const SeasonCalendar calendar = Calendar(json);
  EXPECT_EQ(calendar.seasons().size(), 1u);
  return calendar.ActiveMask(CivilDate{y, m, d}) != 0;
}

TEST(SeasonCalendarTest, YearlyDatesWithDaysBefore) {
  constexpr char kHarbolnas[] =
      R"({"harbolnas": {"yearly": ["11.11", "12.12"], "days_before": 2, "days_after": 0}})";
  EXPECT_FALSE(Active(kHarbolnas, 2026, 11, 8));  // one day before the window
  EXPECT_TRUE(Active(kHarbolnas, 2026, 11, 9));   // exactly days_before
  EXPECT_TRUE(Active(kHarbolnas, 2026, 11, 11));
  EXPECT_FALSE(Active(kHarbolnas, 2026, 11, 12));  // days_after 0
  // The second date.
  EXPECT_FALSE(Active(kHarbolnas, 2026, 12, 9));
  EXPECT_TRUE(Active(kHarbolnas, 2026, 12, 10));
  EXPECT_TRUE(Active(kHarbolnas, 2026, 12, 12));
  EXPECT_FALSE(Active(kHarbolnas, 2026, 12, 13));
  EXPECT_FALSE(Active(kHarbolnas, 2026, 7, 15));
}

TEST(SeasonCalendarTest, YearlyDateWindowAcrossTheYearEnd) {
  constexpr char kNewYear[] =
      R"({"new_year": {"yearly": "1.1", "days_before": 2, "days_after": 1}})";
  EXPECT_FALSE(Active(kNewYear, 2026, 12, 29));
  EXPECT_TRUE(Active(kNewYear, 2026, 12, 30));
  EXPECT_TRUE(Active(kNewYear, 2027, 1, 2));
  EXPECT_FALSE(Active(kNewYear, 2027, 1, 3));
}

TEST(SeasonCalendarTest, TwentyNinthOfFebruaryIsObservedOnTheTwentyEighthInACommonYear) {
  constexpr char kLeapDay[] = R"({"leap_day": {"yearly": ["2.29"]}})";
  EXPECT_TRUE(Active(kLeapDay, 2027, 2, 28));
  EXPECT_FALSE(Active(kLeapDay, 2027, 3, 1));
  EXPECT_FALSE(Active(kLeapDay, 2028, 2, 28));
  EXPECT_TRUE(Active(kLeapDay, 2028, 2, 29));
}

TEST(SeasonCalendarTest, DatedWindowsPerYear) {
  constexpr char kLebaran[] = R"({"lebaran": {"dates": ["2026-03-20", "2027-03-10"],
                                              "days_before": 14, "days_after": 7}})";
  // 2026: 6 March .. 27 March.
  EXPECT_FALSE(Active(kLebaran, 2026, 3, 5));
  EXPECT_TRUE(Active(kLebaran, 2026, 3, 6));
  EXPECT_TRUE(Active(kLebaran, 2026, 3, 20));
  EXPECT_TRUE(Active(kLebaran, 2026, 3, 27));
  EXPECT_FALSE(Active(kLebaran, 2026, 3, 28));
  // 2027: 24 February .. 17 March.
  EXPECT_FALSE(Active(kLebaran, 2027, 2, 23));
  EXPECT_TRUE(Active(kLebaran, 2027, 2, 24));
  EXPECT_TRUE(Active(kLebaran, 2027, 3, 17));
  EXPECT_FALSE(Active(kLebaran, 2027, 3, 18));
  // Outside every listed year: no occurrence, never active.
  EXPECT_FALSE(Active(kLebaran, 2027, 3, 20));
  EXPECT_FALSE(Active(kLebaran, 2028, 2, 27));
  EXPECT_FALSE(Active(kLebaran, 2026, 8, 1));
}

TEST(SeasonCalendarTest, MonthlyRangeEndsWithTheMonth) {
  constexpr char kPayday[] = R"({"payday": {"monthly": {"from_day": 25, "to_day": 31}}})";
  EXPECT_FALSE(Active(kPayday, 2026, 2, 24));
  EXPECT_TRUE(Active(kPayday, 2026, 2, 25));
  EXPECT_TRUE(Active(kPayday, 2026, 2, 28));  // a common February ends on the 28th
  EXPECT_FALSE(Active(kPayday, 2026, 3, 1));
  EXPECT_TRUE(Active(kPayday, 2028, 2, 29));  // a leap February on the 29th
  EXPECT_TRUE(Active(kPayday, 2026, 4, 30));
  EXPECT_FALSE(Active(kPayday, 2026, 5, 1));
  EXPECT_TRUE(Active(kPayday, 2026, 5, 31));
}

TEST(SeasonCalendarTest, MonthlyRangeWithDaysAfterRunsIntoTheNextMonth) {
  constexpr char kPayday[] =
      R"({"payday": {"monthly": {"from_day": 25, "to_day": 31}, "days_after": 2}})";
  EXPECT_TRUE(Active(kPayday, 2026, 3, 1));
  EXPECT_TRUE(Active(kPayday, 2026, 3, 2));  // 28 February + 2
  EXPECT_FALSE(Active(kPayday, 2026, 3, 3));
  EXPECT_TRUE(Active(kPayday, 2026, 5, 2));  // 30 April + 2
  EXPECT_FALSE(Active(kPayday, 2026, 5, 3));
  EXPECT_TRUE(Active(kPayday, 2027, 1, 2));  // across the year end
  EXPECT_FALSE(Active(kPayday, 2027, 1, 3));
  EXPECT_FALSE(Active(kPayday, 2026, 3, 24));
}

TEST(SeasonCalendarTest, MonthlyRangeWrapsAcrossTheMonthEnd) {
  constexpr char kTurn[] =
      R"({"turn": {"monthly": {"from_day": 28, "to_day": 3}, "days_before": 1}})";
  EXPECT_FALSE(Active(kTurn, 2026, 1, 26));
  EXPECT_TRUE(Active(kTurn, 2026, 1, 27));  // days_before
  EXPECT_TRUE(Active(kTurn, 2026, 1, 31));
  EXPECT_TRUE(Active(kTurn, 2026, 2, 3));
  EXPECT_FALSE(Active(kTurn, 2026, 2, 4));
  EXPECT_TRUE(Active(kTurn, 2026, 2, 27));
  EXPECT_TRUE(Active(kTurn, 2026, 12, 31));
  EXPECT_TRUE(Active(kTurn, 2027, 1, 3));
  EXPECT_FALSE(Active(kTurn, 2027, 1, 4));
}

TEST(SeasonCalendarTest, YearlyRangeAcrossTheYearEnd) {
  constexpr char kYearEnd[] = R"({"year_end": {"yearly_range": {"from": "12.20", "to": "1.2"}}})";
  EXPECT_FALSE(Active(kYearEnd, 2026, 12, 19));
  EXPECT_TRUE(Active(kYearEnd, 2026, 12, 20));
  EXPECT_TRUE(Active(kYearEnd, 2026, 12, 31));
  EXPECT_TRUE(Active(kYearEnd, 2027, 1, 1));
  EXPECT_TRUE(Active(kYearEnd, 2027, 1, 2));
  EXPECT_FALSE(Active(kYearEnd, 2027, 1, 3));
  constexpr char kWide[] = R"({"year_end": {"yearly_range": {"from": "12.20", "to": "1.2"},
                                            "days_before": 3, "days_after": 1}})";
  EXPECT_FALSE(Active(kWide, 2026, 12, 16));
  EXPECT_TRUE(Active(kWide, 2026, 12, 17));
  EXPECT_TRUE(Active(kWide, 2027, 1, 3));
  EXPECT_FALSE(Active(kWide, 2027, 1, 4));
}

TEST(SeasonCalendarTest, BackToSchoolInJuly) {
  constexpr char kSchool[] =
      R"({"back_to_school": {"yearly_range": {"from": "7.1", "to": "7.31"}}})";
  EXPECT_FALSE(Active(kSchool, 2026, 6, 30));
  EXPECT_TRUE(Active(kSchool, 2026, 7, 1));
  EXPECT_TRUE(Active(kSchool, 2026, 7, 31));
  EXPECT_FALSE(Active(kSchool, 2026, 8, 1));
}

// Zero windows read the ranges exactly as the SDK does; windows widen them by exactly
// days_before and days_after: active on t iff an occurrence day lies in [t - after, t + before].
TEST(SeasonCalendarTest, AgreesDayByDayWithTheSdkAndAReference) {
  const CivilDate start{2026, 1, 1};
  const int32_t days = 3 * 366;
  for (const int32_t before : {0, 1, 5, 31}) {
    for (const int32_t after : {0, 2, 31}) {
      for (const auto& [from, to] : {std::pair{25, 31}, std::pair{28, 3}, std::pair{31, 31},
                                     std::pair{1, 1}, std::pair{30, 29}, std::pair{15, 15}}) {
        Season monthly;
        monthly.kind = SeasonKind::kMonthly;
        monthly.from_day = from;
        monthly.to_day = to;
        monthly.days_before = before;
        monthly.days_after = after;
        for (int32_t i = 0; i < days; ++i) {
          const CivilDate today = sdk::AddDays(start, i);
          bool expected = false;
          for (int32_t k = -after; k <= before && !expected; ++k) {
            expected = sdk::InMonthlyDayRange(sdk::AddDays(today, k), from, to);
          }
          ASSERT_EQ(IsActive(monthly, today), expected)
              << from << ".." << to << " -" << before << "+" << after << " on " << today.year << "-"
              << today.month << "-" << today.day;
        }
      }
    }
  }
  for (const int32_t before : {0, 3, 366}) {
    for (const int32_t after : {0, 7, 200}) {
      for (const auto& [from, to] : {std::pair{sdk::MonthDay{12, 20}, sdk::MonthDay{1, 2}},
                                     std::pair{sdk::MonthDay{7, 1}, sdk::MonthDay{7, 31}},
                                     std::pair{sdk::MonthDay{2, 29}, sdk::MonthDay{3, 1}},
                                     std::pair{sdk::MonthDay{3, 1}, sdk::MonthDay{2, 29}}}) {
        Season range;
        range.kind = SeasonKind::kYearlyRange;
        range.from = from;
        range.to = to;
        range.days_before = before;
        range.days_after = after;
        for (int32_t i = 0; i < days; i += (before + after > 100 ? 7 : 1)) {
          const CivilDate today = sdk::AddDays(start, i);
          bool expected = false;
          for (int32_t k = -after; k <= before && !expected; ++k) {
            expected = sdk::InYearlyRange(sdk::AddDays(today, k), from, to);
          }
          ASSERT_EQ(IsActive(range, today), expected)
              << from.month << "." << from.day << ".." << to.month << "." << to.day << " -"
              << before << "+" << after << " on " << today.year << "-" << today.month << "-"
              << today.day;
        }
      }
    }
  }
}

TEST(SeasonCalendarTest, SeasonsAreSortedByNameAndFormattedWithoutAllocating) {
  const SeasonCalendar calendar = Calendar(R"({
    "Zeta": {"monthly": {"from_day": 1, "to_day": 31}},
    "alpha": {"yearly_range": {"from": "1.1", "to": "12.31"}},
    "mid": {"dates": ["2020-01-01"]}})");
  ASSERT_EQ(calendar.seasons().size(), 3u);
  EXPECT_EQ(calendar.seasons()[0].name, "alpha");
  EXPECT_EQ(calendar.seasons()[1].name, "mid");
  EXPECT_EQ(calendar.seasons()[2].name, "zeta");  // normalised
  EXPECT_EQ(calendar.Find("zeta"), 2u);
  EXPECT_EQ(calendar.Find("Zeta"), std::nullopt);  // callers normalise
  EXPECT_EQ(calendar.NameList(), "alpha, mid, zeta");

  const uint32_t mask = calendar.ActiveMask(CivilDate{2026, 6, 15});
  EXPECT_EQ(mask, 0b101u);
  char buffer[64];
  EXPECT_EQ(
      std::string_view(buffer, calendar.FormatNames(mask, ",", "none", buffer, sizeof(buffer))),
      "alpha,zeta");
  EXPECT_EQ(std::string_view(buffer, calendar.FormatNames(0, ",", "none", buffer, sizeof(buffer))),
            "none");
  // Truncated to the capacity, NUL-terminated.
  EXPECT_EQ(calendar.FormatNames(mask, ",", "none", buffer, 4), 3u);
  EXPECT_STREQ(buffer, "alp");
}

TEST(SeasonCalendarTest, ThirtyTwoSeasonsFitTheMaskAndTheLabel) {
  std::string json = "{";
  for (int i = 0; i < 32; ++i) {
    json += std::string(i == 0 ? "" : ",") + "\"season_with_a_rather_long_name_number_" +
            (i < 10 ? "0" : "") + std::to_string(i) + "\": {\"monthly\": {\"from_day\": 1, " +
            "\"to_day\": 31}}";
  }
  json += "}";
  const SeasonCalendar calendar = Calendar(json);
  ASSERT_EQ(calendar.seasons().size(), 32u);
  const uint32_t mask = calendar.ActiveMask(CivilDate{2026, 6, 15});
  EXPECT_EQ(mask, 0xFFFFFFFFu);
  char buffer[SeasonCalendar::kMaxActiveListLength + 1];
  const size_t length = calendar.FormatNames(mask, ", ", "none", buffer, sizeof(buffer));
  EXPECT_EQ(length, 32 * 40 + 31 * 2);  // every name whole
  EXPECT_EQ(std::string_view(buffer + length - 2), "31");
}

}  // namespace
}  // namespace triggers
}  // namespace persona
