// The triggers segmenter's config and params: what is accepted, and every refusal with its
// exact message (the path and the reason).
#include <gtest/gtest.h>

#include <persona/sdk/testing/json_value.hpp>
#include <string>

#include "test_support.h"
#include "triggers_segmenter.h"

namespace persona {
namespace triggers {
namespace {

using testing::ConfigError;
using testing::kIndonesianCalendars;
using testing::ParamsError;

int32_t DefaultOffset(std::string_view config) {
  sdk::testing::JsonValue value(config);
  return TriggersSegmenter::Create(sdk::Value(&value.root(), "config"))->default_offset_seconds();
}

TEST(TriggersConfigTest, DefaultTimeZoneIsUtcOrAFixedOffset) {
  EXPECT_EQ(DefaultOffset("{}"), 0);
  EXPECT_EQ(DefaultOffset("null"), 0);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "UTC"})"), 0);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "utc"})"), 0);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "+07:00"})"), 7 * 3600);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "-05:30"})"), -(5 * 3600 + 30 * 60));
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "UTC+7"})"), 7 * 3600);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "UTC+07:00"})"), 7 * 3600);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "UTC-3"})"), -3 * 3600);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "+0545"})"), 5 * 3600 + 45 * 60);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "+14:00"})"), 14 * 3600);
  EXPECT_EQ(DefaultOffset(R"({"default_time_zone": "-14:00"})"), -14 * 3600);
}

TEST(TriggersConfigTest, TimeZoneNamesAndBadOffsetsAreRefused) {
  EXPECT_EQ(ConfigError(R"({"default_time_zone": "Asia/Jakarta"})"),
            "config.default_time_zone: \"Asia/Jakarta\" is a time-zone name; plugins have no "
            "time-zone database, give the fixed offset, e.g. \"+07:00\" (customers' own "
            "location.time_zone is resolved by the server)");
  EXPECT_EQ(ConfigError(R"({"default_time_zone": "+14:01"})"),
            "config.default_time_zone: \"+14:01\" is more than 14:00 away from UTC (offsets run "
            "-14:00..+14:00)");
  EXPECT_EQ(ConfigError(R"({"default_time_zone": "UTC-15"})"),
            "config.default_time_zone: \"UTC-15\" is more than 14:00 away from UTC (offsets run "
            "-14:00..+14:00)");
  EXPECT_EQ(ConfigError(R"({"default_time_zone": "+07:60"})"),
            "config.default_time_zone: \"+07:60\": minutes must be 00..59");
  for (const char* bad : {"7", "+7:5", "+07:00:00", "", "UTC 7", "+", "+123"}) {
    EXPECT_EQ(ConfigError(std::string(R"({"default_time_zone": ")") + bad + "\"}"),
              std::string("config.default_time_zone: \"") + bad +
                  "\" is not \"UTC\" or a fixed UTC offset such as \"+07:00\", \"-05:30\", "
                  "\"UTC+7\"")
        << bad;
  }
  EXPECT_EQ(ConfigError(R"({"default_time_zone": 7})"),
            "config.default_time_zone: must be a string");
  EXPECT_EQ(ConfigError(R"({"time_zone": "+07:00"})"),
            "config.time_zone: unknown parameter (known: calendars, default_time_zone)");
}

TEST(TriggersConfigTest, TheIndonesianCalendarIsAccepted) {
  EXPECT_EQ(ConfigError(kIndonesianCalendars), "");
}

TEST(TriggersConfigTest, CalendarErrorsNameThePath) {
  EXPECT_EQ(ConfigError(R"({"calendars": {"lebaran": {"dates": ["2026-03-20", "2027-02-30"]}}})"),
            "config.calendars.lebaran.dates[1]: 2027-02-30 is not a calendar date");
  EXPECT_EQ(ConfigError(R"({"calendars": {"lebaran": {"dates": ["20-03-2026"]}}})"),
            "config.calendars.lebaran.dates[0]: must be \"YYYY-MM-DD\" such as \"2026-03-20\", "
            "got \"20-03-2026\"");
  EXPECT_EQ(ConfigError(R"({"calendars": {"harbolnas": {"yearly": ["13.1"]}}})"),
            "config.calendars.harbolnas.yearly[0]: 13.1 is not a day of the year: month must be "
            "1..12");
  EXPECT_EQ(ConfigError(R"({"calendars": {"harbolnas": {"yearly": ["11.11", "2.30"]}}})"),
            "config.calendars.harbolnas.yearly[1]: 2.30 is not a day of the year: month 2 has "
            "days 1..29");
  EXPECT_EQ(ConfigError(R"({"calendars": {"harbolnas": {"yearly": ["11/11"]}}})"),
            "config.calendars.harbolnas.yearly[0]: must be \"month.day\" such as \"11.11\" or "
            "\"1.2\", got \"11/11\"");
  EXPECT_EQ(ConfigError(R"({"calendars": {"harbolnas": {"yearly": [11.11]}}})"),
            "config.calendars.harbolnas.yearly[0]: must be a string \"month.day\" such as "
            "\"11.11\" (as a number, 1.1 and 1.10 would be the same)");
  EXPECT_EQ(ConfigError(R"({"calendars": {"harbolnas": {"yearly": []}}})"),
            "config.calendars.harbolnas.yearly: must list at least one \"month.day\"");
  EXPECT_EQ(
      ConfigError(R"({"calendars": {"sale": {"yearly": ["11.11"], "dates": ["2026-11-11"]}}})"),
      "config.calendars.sale: has both yearly and dates; a season has exactly one of "
      "yearly, dates, monthly, yearly_range (make two seasons and list both in params)");
  EXPECT_EQ(ConfigError(R"({"calendars": {"sale": {"days_before": 2}}})"),
            "config.calendars.sale: needs one of yearly, dates, monthly, yearly_range");
  EXPECT_EQ(ConfigError(R"({"calendars": {"sale": {"yearly": ["11.11"], "day_before": 2}}})"),
            "config.calendars.sale.day_before: unknown parameter (known: yearly, dates, "
            "monthly, yearly_range, days_before, days_after)");
  EXPECT_EQ(ConfigError(R"({"calendars": {"sale": {"yearly": ["11.11"], "days_before": -1}}})"),
            "config.calendars.sale.days_before: must be a whole number between 0 and 366, got -1");
  EXPECT_EQ(ConfigError(R"({"calendars": {"sale": {"yearly": ["11.11"], "days_after": 1.5}}})"),
            "config.calendars.sale.days_after: must be a whole number between 0 and 366, got 1.5");
  EXPECT_EQ(ConfigError(R"({"calendars": {"payday": {"monthly": {"from_day": 25, "to_day": 31},
                                                     "days_after": 32}}})"),
            "config.calendars.payday.days_after: must be a whole number between 0 and 31 for a "
            "monthly season, got 32");
  EXPECT_EQ(ConfigError(R"({"calendars": {"payday": {"monthly": {"from_day": 0, "to_day": 31}}}})"),
            "config.calendars.payday.monthly.from_day: must be a whole number between 1 and 31, "
            "got 0");
  EXPECT_EQ(ConfigError(R"({"calendars": {"payday": {"monthly": {"from_day": 25}}}})"),
            "config.calendars.payday.monthly.to_day: is required");
  EXPECT_EQ(ConfigError(R"({"calendars": {"payday": {"monthly": {"from": 25, "to_day": 31}}}})"),
            "config.calendars.payday.monthly.from: unknown parameter (known: from_day, to_day)");
  EXPECT_EQ(ConfigError(R"({"calendars": {"year_end": {"yearly_range": {"from": "12.20"}}}})"),
            "config.calendars.year_end.yearly_range.to: is required");
  EXPECT_EQ(ConfigError(R"({"calendars": {"payday": {"monthly": {"from_day": 25, "to_day": 31}},
                                          "Payday": {"yearly": ["1.25"]}}})"),
            "config.calendars.Payday: same season name as config.calendars.payday after "
            "trimming and lowercasing");
  EXPECT_EQ(ConfigError(R"({"calendars": {"black friday": {"yearly": ["11.27"]}}})"),
            "config.calendars.black friday: season name \"black friday\" may hold only "
            "letters, digits, '_' and '-'");
  EXPECT_EQ(ConfigError(R"({"calendars": {"sale": "11.11"}})"),
            "config.calendars.sale: must be an object with one of yearly, dates, monthly, "
            "yearly_range");
  EXPECT_EQ(ConfigError(R"({"calendars": ["harbolnas"]})"),
            "config.calendars: must be an object of named seasons, e.g. {\"harbolnas\": "
            "{\"yearly\": [\"11.11\", \"12.12\"]}}");
  EXPECT_EQ(
      ConfigError(
          R"({"calendars": {"a_name_that_is_longer_than_forty_characters_x": {"yearly": "1.1"}}})"),
      "config.calendars.a_name_that_is_longer_than_forty_characters_x: a season name has at "
      "most 40 characters");
}

TEST(TriggersConfigTest, AtMostThirtyTwoSeasons) {
  std::string json = R"({"calendars": {)";
  for (int i = 0; i < 33; ++i) {
    json +=
        std::string(i == 0 ? "" : ",") + "\"s" + std::to_string(i) + "\": {\"yearly\": \"1.1\"}";
  }
  json += "}}";
  EXPECT_EQ(ConfigError(json),
            "config.calendars: at most 32 seasons (the active-season label is built without "
            "allocating), got 33");
}

TEST(TriggersParamsTest, EveryFieldCompiles) {
  EXPECT_EQ(ParamsError(R"({"birthday": {"within_days": 14}})"), "");
  EXPECT_EQ(ParamsError(R"({"birthday": {"within_days": 0, "days_after": 3, "tolerance_days": 7,
                                          "weight": 2}})"),
            "");
  EXPECT_EQ(ParamsError(R"({"signup_anniversary": {"within_days": 7}})"), "");
  EXPECT_EQ(ParamsError(R"({"seasons": ["harbolnas", "Payday "]})", kIndonesianCalendars), "");
  EXPECT_EQ(ParamsError(R"({"seasons": "lebaran"})", kIndonesianCalendars), "");
  EXPECT_EQ(
      ParamsError(R"({"seasons": {"any_of": ["year_end"], "weight": 0.5}})", kIndonesianCalendars),
      "");
  EXPECT_EQ(ParamsError(R"({"life_events": {"any_of": ["new_baby", "moved"], "within_days": 90}})"),
            "");
}

TEST(TriggersParamsTest, ErrorsNameThePath) {
  EXPECT_EQ(ParamsError("{}"),
            "params: must name at least one of birthday, signup_anniversary, seasons, "
            "life_events");
  EXPECT_EQ(ParamsError(R"({"birthdays": {"within_days": 14}})"),
            "params.birthdays: unknown parameter (known: birthday, signup_anniversary, seasons, "
            "life_events)");
  EXPECT_EQ(ParamsError(R"({"birthday": 14})"),
            "params.birthday: must be an object such as {\"within_days\": 14}");
  EXPECT_EQ(ParamsError(R"({"birthday": {}})"), "params.birthday.within_days: is required");
  EXPECT_EQ(ParamsError(R"({"birthday": {"within_days": -1}})"),
            "params.birthday.within_days: must be a whole number between 0 and 365, got -1");
  EXPECT_EQ(ParamsError(R"({"birthday": {"within_days": 14.5}})"),
            "params.birthday.within_days: must be a whole number between 0 and 365, got 14.5");
  EXPECT_EQ(ParamsError(R"({"signup_anniversary": {"within_days": 7, "days_after": -2}})"),
            "params.signup_anniversary.days_after: must be a whole number between 0 and 365, "
            "got -2");
  EXPECT_EQ(ParamsError(R"({"birthday": {"within_days": 7, "tolerance_days": 400}})"),
            "params.birthday.tolerance_days: must be a whole number between 0 and 365, got 400");
  EXPECT_EQ(ParamsError(R"({"birthday": {"within": 7}})"),
            "params.birthday.within: unknown parameter (known: within_days, days_after, "
            "tolerance_days, weight)");
  EXPECT_EQ(ParamsError(R"({"birthday": {"within_days": 7, "weight": 0}})"),
            "params.birthday.weight: must be greater than 0, got 0");
  EXPECT_EQ(ParamsError(R"({"seasons": ["harbolnas", "harbolnaz"]})", kIndonesianCalendars),
            "params.seasons[1]: unknown season \"harbolnaz\" (configured: back_to_school, "
            "harbolnas, lebaran, payday, year_end)");
  EXPECT_EQ(ParamsError(R"({"seasons": ["payday"]})"),
            "params.seasons[0]: unknown season \"payday\" (config.calendars defines none)");
  EXPECT_EQ(ParamsError(R"({"seasons": []})", kIndonesianCalendars),
            "params.seasons: must name at least one season");
  EXPECT_EQ(ParamsError(R"({"seasons": ["payday", "PAYDAY"]})", kIndonesianCalendars),
            "params.seasons[1]: duplicate season \"payday\" (same as params.seasons[0] after "
            "trimming and lowercasing)");
  EXPECT_EQ(
      ParamsError(R"({"seasons": {"any_of": ["payday"], "weight": -1}})", kIndonesianCalendars),
      "params.seasons.weight: must be greater than 0, got -1");
  EXPECT_EQ(ParamsError(R"({"seasons": {"all_of": ["payday"]}})", kIndonesianCalendars),
            "params.seasons.all_of: unknown parameter (known: any_of, weight)");
  EXPECT_EQ(ParamsError(R"({"seasons": 3})", kIndonesianCalendars),
            "params.seasons: must be a list of season names or an object {\"any_of\": [...], "
            "\"weight\": w}");
  EXPECT_EQ(ParamsError(R"({"life_events": {"any_of": [], "within_days": 90}})"),
            "params.life_events.any_of: must name at least one life event type");
  EXPECT_EQ(ParamsError(R"({"life_events": {"any_of": ["moved", " "], "within_days": 90}})"),
            "params.life_events.any_of[1]: must not be empty");
  EXPECT_EQ(ParamsError(R"({"life_events": {"any_of": ["moved"]}})"),
            "params.life_events.within_days: is required");
  EXPECT_EQ(ParamsError(R"({"life_events": {"any_of": ["moved"], "within_days": 0}})"),
            "params.life_events.within_days: must be a whole number between 1 and 36500, got 0");
  EXPECT_EQ(ParamsError(R"({"life_events": {"any_of": ["moved"], "within_days": -90}})"),
            "params.life_events.within_days: must be a whole number between 1 and 36500, got -90");
  EXPECT_EQ(ParamsError(R"({"life_events": {"any_of": ["moved"], "within_days": 9, "since": 1}})"),
            "params.life_events.since: unknown parameter (known: any_of, within_days, weight)");
  EXPECT_EQ(ParamsError(R"({"life_events": ["moved"]})"),
            "params.life_events: must be an object such as {\"any_of\": [\"new_baby\", "
            "\"moved\"], \"within_days\": 90}");
  std::string many = R"({"life_events": {"within_days": 9, "any_of": [)";
  for (int i = 0; i < 17; ++i)
    many += std::string(i == 0 ? "" : ",") + "\"t" + std::to_string(i) + "\"";
  many += "]}}";
  EXPECT_EQ(ParamsError(many), "params.life_events.any_of: at most 16 types, got 17");
  EXPECT_EQ(ParamsError(R"({"life_events": {"within_days": 9, "any_of": [")" +
                        std::string(65, 'x') + "\"]}}"),
            "params.life_events.any_of[0]: a life event type has at most 64 characters");
}

}  // namespace
}  // namespace triggers
}  // namespace persona
