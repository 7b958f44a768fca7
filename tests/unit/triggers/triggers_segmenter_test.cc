// The triggers segmenter's grading, labels and explanations, through the SDK's TestHost: every
// threshold just inside and just outside, on the customer's local date.
#include "triggers_segmenter.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace persona {
namespace triggers {
namespace {

using testing::At;
using testing::CustomerBuilder;
using testing::kIndonesianCalendars;
using testing::MakeHost;
using testing::ScoreResult;

constexpr int32_t kJakarta = 7 * 3600;

// Scores `customer` against one criterion `params` as of `as_of`, with explanations.
ScoreResult ScoreOne(std::string_view params, const PersonaCustomer& customer, int64_t as_of,
                     std::string_view config = "{}") {
  auto host = MakeHost(config);
  EXPECT_EQ(host->Compile(params), "");
  return host->Score(customer, /*explain=*/true, as_of);
}

std::string Reason(const ScoreResult& result, size_t index = 0) {
  const auto details = result.DetailsOf(index);
  return details.size() == 1 ? details[0].reason
                             : "<" + std::to_string(details.size()) + " details>";
}

// ---- pure rules ----------------------------------------------------------------------

TEST(AnniversaryRulesTest, BirthdayDistance) {
  const auto d = BirthdayDistance({1990, 6, 20}, {2026, 6, 15});
  EXPECT_EQ(d.days_until, 5);
  EXPECT_EQ(d.days_since, 360);
  EXPECT_EQ(BirthdayDistance({1990, 6, 15}, {2026, 6, 15}).days_until, 0);
  EXPECT_EQ(BirthdayDistance({1990, 6, 15}, {2026, 6, 15}).days_since, 0);
  // 29 February: observed on 28 February in a common year.
  EXPECT_EQ(BirthdayDistance({2000, 2, 29}, {2027, 2, 28}).days_until, 0);
  EXPECT_EQ(BirthdayDistance({2000, 2, 29}, {2027, 3, 1}).days_since, 1);
  EXPECT_EQ(BirthdayDistance({2000, 2, 29}, {2028, 2, 28}).days_until, 1);
  EXPECT_EQ(BirthdayDistance({2000, 2, 29}, {2028, 2, 29}).days_until, 0);
  EXPECT_EQ(BirthdayDistance({0, 2, 29}, {2027, 2, 27}).days_until, 1);  // year unknown
}

TEST(AnniversaryRulesTest, TheSignupDateItselfIsNoAnniversary) {
  // Signed up today: the first anniversary is a year away, and none has passed.
  auto d = SignupAnniversaryDistance({2026, 6, 15}, {2026, 6, 15});
  EXPECT_EQ(d.days_until, 365);
  EXPECT_EQ(d.days_since, -1);
  // Signed up 3 days ago.
  d = SignupAnniversaryDistance({2026, 6, 12}, {2026, 6, 15});
  EXPECT_EQ(d.days_until, 362);
  EXPECT_EQ(d.days_since, -1);
  // The first anniversary itself.
  d = SignupAnniversaryDistance({2025, 6, 15}, {2026, 6, 15});
  EXPECT_EQ(d.days_until, 0);
  EXPECT_EQ(d.days_since, 0);
  // Three days after the first anniversary.
  d = SignupAnniversaryDistance({2025, 6, 12}, {2026, 6, 15});
  EXPECT_EQ(d.days_until, 362);
  EXPECT_EQ(d.days_since, 3);
  // Signed up on 29 February 2024: first anniversary on 28 February 2025.
  d = SignupAnniversaryDistance({2024, 2, 29}, {2024, 3, 1});
  EXPECT_EQ(d.days_until, 364);
  EXPECT_EQ(d.days_since, -1);
}

TEST(AnniversaryRulesTest, AffinityWithToleranceAndDaysAfter) {
  AnniversaryField field;
  field.within_days = 14;
  EXPECT_EQ(AnniversaryAffinity(field, {14, 351}), 1.0);
  EXPECT_EQ(AnniversaryAffinity(field, {15, 350}), 0.0);
  field.tolerance_days = 9;
  EXPECT_DOUBLE_EQ(AnniversaryAffinity(field, {15, 350}), 0.9);
  EXPECT_DOUBLE_EQ(AnniversaryAffinity(field, {19, 346}), 0.5);
  EXPECT_DOUBLE_EQ(AnniversaryAffinity(field, {23, 342}), 0.1);
  EXPECT_EQ(AnniversaryAffinity(field, {24, 341}), 0.0);
  field.days_after = 3;
  EXPECT_EQ(AnniversaryAffinity(field, {362, 3}), 1.0);
  EXPECT_EQ(AnniversaryAffinity(field, {361, 4}), 0.0);
  EXPECT_EQ(AnniversaryAffinity(field, {362, -1}), 0.0);  // no past occurrence
}

// ---- birthday ------------------------------------------------------------------------

TEST(TriggersBirthdayTest, WithinDaysBoundary) {
  const int64_t as_of = At(2026, 6, 15);
  CustomerBuilder in;
  in.BirthDate(1990, 6, 29);  // 14 days ahead
  ScoreResult r = ScoreOne(R"({"birthday": {"within_days": 14}})", in.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "14");
  EXPECT_EQ(Reason(r), "birthday in 14 days (within 14) -> 1");

  CustomerBuilder out;
  out.BirthDate(1990, 6, 30);  // 15 days ahead
  r = ScoreOne(R"({"birthday": {"within_days": 14}})", out.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "15");
  EXPECT_EQ(Reason(r), "birthday in 15 days (within 14) -> 0");
}

TEST(TriggersBirthdayTest, SoonAndMonthsAway) {
  const int64_t as_of = At(2026, 6, 15);
  CustomerBuilder soon;
  soon.BirthDate(1985, 6, 20);
  ScoreResult r = ScoreOne(R"({"birthday": {"within_days": 14}})", soon.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "5");
  EXPECT_EQ(Reason(r), "birthday in 5 days (within 14) -> 1");

  CustomerBuilder later;
  later.BirthDate(1985, 10, 20);
  r = ScoreOne(R"({"birthday": {"within_days": 14}})", later.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "127");

  CustomerBuilder today;
  today.BirthDate(0, 6, 15);  // a birthday without a year
  r = ScoreOne(R"({"birthday": {"within_days": 0}})", today.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "0");
  EXPECT_EQ(Reason(r), "birthday today -> 1");
}

TEST(TriggersBirthdayTest, ToleranceDecaysLinearly) {
  CustomerBuilder c;
  c.BirthDate(1990, 7, 4);  // 19 days after 15 June
  const ScoreResult r = ScoreOne(R"({"birthday": {"within_days": 14, "tolerance_days": 9}})",
                                 c.Build(), At(2026, 6, 15));
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.5);
  EXPECT_EQ(Reason(r), "birthday in 19 days (within 14, tolerance 9) -> 0.5");
}

TEST(TriggersBirthdayTest, DaysAfterCountsARecentBirthday) {
  CustomerBuilder c;
  c.BirthDate(1990, 6, 12);
  ScoreResult r =
      ScoreOne(R"({"birthday": {"within_days": 7, "days_after": 3}})", c.Build(), At(2026, 6, 15));
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(Reason(r), "birthday 3 days ago (days_after 3) -> 1");
  r = ScoreOne(R"({"birthday": {"within_days": 7, "days_after": 3}})", c.Build(), At(2026, 6, 16));
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "361");
}

TEST(TriggersBirthdayTest, TwentyNinthOfFebruary) {
  CustomerBuilder c;
  c.BirthDate(2000, 2, 29);
  const char* params = R"({"birthday": {"within_days": 0}})";
  // A common year: observed on 28 February.
  ScoreResult r = ScoreOne(params, c.Build(), At(2027, 2, 28));
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "0");
  r = ScoreOne(params, c.Build(), At(2027, 2, 27));
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "1");
  // A leap year: on the day itself, not the 28th.
  r = ScoreOne(params, c.Build(), At(2028, 2, 28));
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "1");
  r = ScoreOne(params, c.Build(), At(2028, 2, 29));
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "0");
}

TEST(TriggersBirthdayTest, TheCustomersOffsetMovesTheDateAcrossMidnight) {
  // 14 June 18:00 UTC is 15 June 01:00 in Jakarta.
  const int64_t as_of = At(2026, 6, 14, 18, 0);
  const char* params = R"({"birthday": {"within_days": 0}})";
  CustomerBuilder jakarta;
  jakarta.BirthDate(1990, 6, 15).TimeZone("Asia/Jakarta", kJakarta);
  ScoreResult r = ScoreOne(params, jakarta.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "0");

  CustomerBuilder no_zone;
  no_zone.BirthDate(1990, 6, 15);
  r = ScoreOne(params, no_zone.Build(), as_of);  // default UTC: still 14 June
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "1");

  // default_time_zone applies to a customer without a zone...
  r = ScoreOne(params, no_zone.Build(), as_of, R"({"default_time_zone": "+07:00"})");
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "0");
  // ...and never overrides the customer's own.
  CustomerBuilder new_york;
  new_york.BirthDate(1990, 6, 15).TimeZone("America/New_York", -4 * 3600);
  r = ScoreOne(params, new_york.Build(), as_of, R"({"default_time_zone": "+07:00"})");
  EXPECT_EQ(r.Label("birthday_in_days"), "1");
}

TEST(TriggersBirthdayTest, NoBirthDateIsMissing) {
  CustomerBuilder c;
  const ScoreResult r =
      ScoreOne(R"({"birthday": {"within_days": 14}})", c.Build(), At(2026, 6, 15));
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 0.0);
  EXPECT_EQ(r.Label("birthday_in_days"), "");
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_TRUE(r.details[0].missing);
  EXPECT_EQ(r.details[0].reason, "customer gave no birth date");
}

// ---- signup anniversary --------------------------------------------------------------

TEST(TriggersSignupTest, AnniversariesFromTheFirstYearOn) {
  const int64_t as_of = At(2026, 6, 15);
  const char* params = R"({"signup_anniversary": {"within_days": 7, "days_after": 3}})";
  CustomerBuilder recent;
  recent.SignupTime(At(2026, 6, 12));  // 3 days ago: not an anniversary
  ScoreResult r = ScoreOne(params, recent.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  EXPECT_EQ(r.Label("signup_anniversary_in_days"), "362");
  EXPECT_EQ(Reason(r), "signup anniversary in 362 days (within 7) -> 0");

  CustomerBuilder today;
  today.SignupTime(At(2026, 6, 15, 1, 0));
  r = ScoreOne(params, today.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.Label("signup_anniversary_in_days"), "365");

  CustomerBuilder year_ago;
  year_ago.SignupTime(At(2025, 6, 12));  // first anniversary 3 days ago
  r = ScoreOne(params, year_ago.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(Reason(r), "signup anniversary 3 days ago (days_after 3) -> 1");

  CustomerBuilder coming;
  coming.SignupTime(At(2024, 6, 22));  // second anniversary in 7 days
  r = ScoreOne(params, coming.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("signup_anniversary_in_days"), "7");
  CustomerBuilder too_far;
  too_far.SignupTime(At(2024, 6, 23));
  r = ScoreOne(params, too_far.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.Label("signup_anniversary_in_days"), "8");
}

TEST(TriggersSignupTest, TheSignupDateIsLocal) {
  // 19 June 2025 20:00 UTC is 20 June 03:00 in Jakarta.
  const int64_t signup = At(2025, 6, 19, 20, 0);
  const int64_t as_of = At(2026, 6, 15);
  const char* params = R"({"signup_anniversary": {"within_days": 4}})";
  CustomerBuilder jakarta;
  jakarta.SignupTime(signup).TimeZone("Asia/Jakarta", kJakarta);
  ScoreResult r = ScoreOne(params, jakarta.Build(), as_of);
  EXPECT_EQ(r.Label("signup_anniversary_in_days"), "5");
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  CustomerBuilder utc;
  utc.SignupTime(signup);
  r = ScoreOne(params, utc.Build(), as_of);
  EXPECT_EQ(r.Label("signup_anniversary_in_days"), "4");
  EXPECT_EQ(r.scores[0].affinity, 1.0);
}

TEST(TriggersSignupTest, NoSignupTimeIsMissing) {
  CustomerBuilder c;
  const ScoreResult r =
      ScoreOne(R"({"signup_anniversary": {"within_days": 7}})", c.Build(), At(2026, 6, 15));
  EXPECT_EQ(r.scores[0].coverage, 0.0);
  EXPECT_EQ(r.Label("signup_anniversary_in_days"), "");
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_TRUE(r.details[0].missing);
  EXPECT_EQ(r.details[0].reason, "customer has no signup time");
}

// ---- seasons -------------------------------------------------------------------------

TEST(TriggersSeasonsTest, ActiveSeasonsOnTheLocalDate) {
  CustomerBuilder c;  // no zone: the config's +07:00
  const char* params = R"({"seasons": ["harbolnas"]})";
  // 8 November 18:00 UTC = 9 November 01:00 at +07:00, the first day of the Harbolnas window.
  ScoreResult r = ScoreOne(params, c.Build(), At(2026, 11, 8, 18, 0), kIndonesianCalendars);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  EXPECT_EQ(r.Label("season"), "harbolnas");
  EXPECT_EQ(Reason(r), "active seasons: harbolnas; wanted harbolnas -> 1");
  // A UTC customer is still on 8 November.
  CustomerBuilder utc;
  utc.TimeZone("Etc/UTC", 0);
  r = ScoreOne(params, utc.Build(), At(2026, 11, 8, 18, 0), kIndonesianCalendars);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);  // never missing
  EXPECT_EQ(r.Label("season"), "none");
  EXPECT_EQ(Reason(r), "active seasons: none; wanted harbolnas -> 0");
}

TEST(TriggersSeasonsTest, AnyListedSeasonCounts) {
  CustomerBuilder c;
  c.TimeZone("Asia/Jakarta", kJakarta);
  // 26 December: payday (25th..end) and the year end (20 December .. 2 January).
  ScoreResult r = ScoreOne(R"({"seasons": ["harbolnas", "year_end"]})", c.Build(),
                           At(2026, 12, 26, 12, 0, kJakarta), kIndonesianCalendars);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("season"), "payday,year_end");
  EXPECT_EQ(Reason(r), "active seasons: payday, year_end; wanted harbolnas, year_end -> 1");
  r = ScoreOne(R"({"seasons": "harbolnas"})", c.Build(), At(2026, 12, 26, 12, 0, kJakarta),
               kIndonesianCalendars);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(Reason(r), "active seasons: payday, year_end; wanted harbolnas -> 0");
  // Lebaran 2027 and payday together on 1 March 2027 (28 February + 2 days after).
  r = ScoreOne(R"({"seasons": ["lebaran"]})", c.Build(), At(2027, 3, 1, 12, 0, kJakarta),
               kIndonesianCalendars);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("season"), "lebaran,payday");
  // Back to school.
  r = ScoreOne(R"({"seasons": ["back_to_school"]})", c.Build(), At(2026, 7, 10, 12, 0, kJakarta),
               kIndonesianCalendars);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.Label("season"), "back_to_school");
}

// ---- life events ---------------------------------------------------------------------

TEST(TriggersLifeEventsTest, WindowEdgeByLocalDate) {
  const char* params = R"({"life_events": {"any_of": ["new_baby", "moved"], "within_days": 90}})";
  // as_of: 15 June 00:30 in Jakarta (14 June 17:30 UTC).
  const int64_t as_of = At(2026, 6, 15, 0, 30, kJakarta);
  CustomerBuilder in;
  in.TimeZone("Asia/Jakarta", kJakarta).LifeEvent("moved", At(2026, 3, 18, 23, 30, kJakarta));
  ScoreResult r = ScoreOne(params, in.Build(), as_of);  // 89 local days ago
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(Reason(r), "moved 89 days ago (within 90) -> 1");

  CustomerBuilder out;
  out.TimeZone("Asia/Jakarta", kJakarta).LifeEvent("moved", At(2026, 3, 17, 23, 30, kJakarta));
  r = ScoreOne(params, out.Build(), as_of);  // 90 local days ago
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  EXPECT_EQ(Reason(r), "no moved, new_baby in the last 90 days -> 0");

  // The same instants for a UTC customer: 17 March 16:30 and 14 June 17:30, 89 days apart.
  CustomerBuilder utc;
  utc.LifeEvent("moved", At(2026, 3, 17, 23, 30, kJakarta));
  r = ScoreOne(params, utc.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
}

TEST(TriggersLifeEventsTest, OnlyListedTypesAndNoneIsNotMissing) {
  const char* params = R"({"life_events": {"any_of": ["New_Baby"], "within_days": 30}})";
  const int64_t as_of = At(2026, 6, 15);
  CustomerBuilder other;
  other.LifeEvent("married", At(2026, 6, 10)).LifeEvent("new_baby", At(2025, 1, 1));
  ScoreResult r = ScoreOne(params, other.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);

  CustomerBuilder none;
  r = ScoreOne(params, none.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  EXPECT_EQ(Reason(r), "no new_baby in the last 30 days (customer has no life events) -> 0");

  CustomerBuilder today;
  today.LifeEvent("NEW_BABY", At(2026, 6, 15, 1, 0)).LifeEvent("moved", At(2026, 6, 1));
  r = ScoreOne(params, today.Build(), as_of);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(Reason(r), "new_baby today (within 30) -> 1");
}

// ---- combining, labels ---------------------------------------------------------------

TEST(TriggersCombineTest, FieldsCombineByWeight) {
  CustomerBuilder c;
  c.BirthDate(1990, 6, 20).TimeZone("Asia/Jakarta", kJakarta);
  const int64_t as_of = At(2026, 6, 15, 12, 0, kJakarta);  // no season active
  ScoreResult r = ScoreOne(
      R"({"birthday": {"within_days": 14, "weight": 3}, "seasons": ["payday"],
          "signup_anniversary": {"within_days": 7, "weight": 4}})",
      c.Build(), as_of, kIndonesianCalendars);
  // birthday 1 (weight 3), seasons 0 (weight 1), signup missing (weight 4).
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.75);
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 0.5);
  EXPECT_EQ(r.details.size(), 3u);
}

TEST(TriggersLabelsTest, LabelsOnEveryCallEvenWithoutCriteria) {
  auto host = MakeHost(kIndonesianCalendars);
  CustomerBuilder c;
  c.BirthDate(1990, 12, 31).SignupTime(At(2025, 1, 1));
  const ScoreResult r = host->Score(c.Build(), /*explain=*/false, At(2026, 12, 26));
  EXPECT_EQ(r.status, PERSONA_OK);
  EXPECT_EQ(r.Label("season"), "payday,year_end");
  EXPECT_EQ(r.Label("birthday_in_days"), "5");
  EXPECT_EQ(r.Label("signup_anniversary_in_days"), "6");
  EXPECT_EQ(r.labels.size(), 3u);

  CustomerBuilder bare;
  const ScoreResult none = host->Score(bare.Build(), /*explain=*/false, At(2026, 8, 15));
  ASSERT_EQ(none.labels.size(), 1u);
  EXPECT_EQ(none.Label("season"), "none");
}

TEST(TriggersLabelsTest, NoDetailsWithoutExplain) {
  auto host = MakeHost(kIndonesianCalendars);
  ASSERT_EQ(host->Compile(R"({"birthday": {"within_days": 14}, "seasons": ["payday"],
                              "life_events": {"any_of": ["moved"], "within_days": 9}})"),
            "");
  CustomerBuilder c;
  c.BirthDate(1990, 6, 20);
  const ScoreResult r = host->Score(c.Build(), /*explain=*/false, At(2026, 6, 15));
  EXPECT_TRUE(r.details.empty());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 1.0 / 3.0);
}

}  // namespace
}  // namespace triggers
}  // namespace persona
