#include "service/grpc/request_validator.h"

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <tuple>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using persona::v1::ScoreCustomerRequest;
using ::testing::HasSubstr;

constexpr int64_t kNow = 1795000000;  // 2026-11-18

ScoreCustomerRequest ValidRequest() {
  ScoreCustomerRequest request;
  auto* customer = request.mutable_customer();
  customer->set_customer_id("c-1");
  auto* d = customer->mutable_demographics();
  d->set_age(34);
  d->set_gender(persona::v1::GENDER_FEMALE);
  d->mutable_location()->set_country("ID");
  d->mutable_location()->set_city("Jakarta");
  d->set_annual_income(32000);
  d->set_household_size(3);
  auto* order = customer->mutable_behavior()->add_orders();
  order->set_order_id("o-1");
  order->mutable_time()->set_seconds(kNow - 86400);
  order->set_amount(42.5);
  (*customer->mutable_psychographics()->mutable_interests())["discounts"] = 0.9;
  customer->mutable_psychographics()->mutable_personality()->set_openness(0.4);
  request.add_persona_ids("hemat-fred");
  request.set_top_k(3);
  return request;
}

struct Rule {
  std::string name;
  std::function<void(ScoreCustomerRequest&)> mutate;
  std::string field;
  std::string description_part;
};

class RequestValidatorRuleTest : public ::testing::TestWithParam<Rule> {};

TEST(RequestValidatorTest, ValidRequestPasses) {
  EXPECT_TRUE(ValidateScoreRequest(ValidRequest(), kNow, {}).empty());
}

TEST(RequestValidatorTest, EmptyCustomerIsAllowedEveryFieldIsOptional) {
  EXPECT_TRUE(ValidateScoreRequest(ScoreCustomerRequest(), kNow, {}).empty());
}

TEST_P(RequestValidatorRuleTest, ViolationNamesTheFieldAndRule) {
  const Rule& rule = GetParam();
  ScoreCustomerRequest request = ValidRequest();
  rule.mutate(request);
  const std::vector<FieldViolation> violations = ValidateScoreRequest(request, kNow, {});
  ASSERT_EQ(violations.size(), 1u) << (violations.empty() ? "none" : violations[1].field);
  EXPECT_EQ(violations[0].field, rule.field);
  EXPECT_THAT(violations[0].description, HasSubstr(rule.description_part));
}

const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

auto* Demo(ScoreCustomerRequest& r) { return r.mutable_customer()->mutable_demographics(); }
auto* Behavior(ScoreCustomerRequest& r) { return r.mutable_customer()->mutable_behavior(); }
auto* Psycho(ScoreCustomerRequest& r) { return r.mutable_customer()->mutable_psychographics(); }

INSTANTIATE_TEST_SUITE_P(
    Rules, RequestValidatorRuleTest,
    ::testing::Values(
        Rule{"AgeAbove130", [](auto& r) { Demo(r)->set_age(131); }, "customer.demographics.age",
             "between 0 and 130, got 131"},
        Rule{"UnknownGender",
             [](auto& r) { Demo(r)->set_gender(static_cast<persona::v1::Gender>(42)); },
             "customer.demographics.gender", "unknown enum value 42"},
        Rule{"UnknownUrbanicity",
             [](auto& r) {
               Demo(r)->mutable_location()->set_urbanicity(static_cast<persona::v1::Urbanicity>(9));
             },
             "customer.demographics.location.urbanicity", "unknown enum value 9"},
        Rule{"UnknownEducation",
             [](auto& r) { Demo(r)->set_education(static_cast<persona::v1::Education>(-1)); },
             "customer.demographics.education", "unknown enum value -1"},
        Rule{"UnknownMaritalStatus",
             [](auto& r) {
               Demo(r)->set_marital_status(static_cast<persona::v1::MaritalStatus>(77));
             },
             "customer.demographics.marital_status", "unknown enum value 77"},
        Rule{"CountryNotAlpha2",
             [](auto& r) { Demo(r)->mutable_location()->set_country("Indonesia"); },
             "customer.demographics.location.country", "ISO 3166-1 alpha-2"},
        Rule{"CityTooLong",
             [](auto& r) { Demo(r)->mutable_location()->set_city(std::string(129, 'x')); },
             "customer.demographics.location.city", "at most 128 bytes"},
        Rule{"OccupationControlCharacter", [](auto& r) { Demo(r)->set_occupation("nurse\n"); },
             "customer.demographics.occupation", "control characters"},
        Rule{"IncomeNaN", [](auto& r) { Demo(r)->set_annual_income(kNan); },
             "customer.demographics.annual_income", "finite"},
        Rule{"IncomeInfinite", [](auto& r) { Demo(r)->set_annual_income(kInf); },
             "customer.demographics.annual_income", "finite"},
        Rule{"IncomeNegative", [](auto& r) { Demo(r)->set_annual_income(-1); },
             "customer.demographics.annual_income", "between 0 and"},
        Rule{"HouseholdZero", [](auto& r) { Demo(r)->set_household_size(0); },
             "customer.demographics.household_size", "between 1 and 50"},
        Rule{"CustomerIdTooLong",
             [](auto& r) { r.mutable_customer()->set_customer_id(std::string(129, 'c')); },
             "customer.customer_id", "at most 128 bytes"},
        Rule{
            "OrderInTheFuture",
            [](auto& r) { Behavior(r)->mutable_orders(0)->mutable_time()->set_seconds(kNow + 60); },
            "customer.behavior.orders[0].time", "after as_of"},
        Rule{"OrderAfterExplicitAsOf",
             [](auto& r) { r.mutable_as_of()->set_seconds(kNow - 2 * 86400); },
             "customer.behavior.orders[0].time", "after as_of"},
        Rule{"OrderWithoutTime", [](auto& r) { Behavior(r)->mutable_orders(0)->clear_time(); },
             "customer.behavior.orders[0].time", "is required"},
        Rule{"OrderNegativeAmount", [](auto& r) { Behavior(r)->mutable_orders(0)->set_amount(-5); },
             "customer.behavior.orders[0].amount", "between 0 and"},
        Rule{"OrderNaNAmount", [](auto& r) { Behavior(r)->mutable_orders(0)->set_amount(kNan); },
             "customer.behavior.orders[0].amount", "finite"},
        Rule{"OrderWithoutId", [](auto& r) { Behavior(r)->mutable_orders(0)->clear_order_id(); },
             "customer.behavior.orders[0].order_id", "is required"},
        Rule{"DuplicateOrderId",
             [](auto& r) {
               auto* copy = Behavior(r)->add_orders();
               *copy = Behavior(r)->orders(0);
             },
             "customer.behavior.orders[1].order_id", "duplicate order id \"o-1\""},
        Rule{"OrderTimeOutOfRange",
             [](auto& r) {
               Behavior(r)->mutable_orders(0)->mutable_time()->set_seconds(-62135596801);
             },
             "customer.behavior.orders[0].time", "0001-01-01"},
        Rule{"OrderTimeBadNanos",
             [](auto& r) { Behavior(r)->mutable_orders(0)->mutable_time()->set_nanos(-1); },
             "customer.behavior.orders[0].time", "nanos"},
        Rule{"RfmSpendInfinite", [](auto& r) { Behavior(r)->mutable_rfm()->set_total_spend(kInf); },
             "customer.behavior.rfm.total_spend", "finite"},
        Rule{"RfmDaysTooMany",
             [](auto& r) { Behavior(r)->mutable_rfm()->set_days_since_last_order(40000); },
             "customer.behavior.rfm.days_since_last_order", "at most 36500"},
        Rule{"EmptyBrand", [](auto& r) { Behavior(r)->add_preferred_brands("  "); },
             "customer.behavior.preferred_brands[0]", "must not be empty"},
        Rule{"InterestStrengthAboveOne",
             [](auto& r) { (*Psycho(r)->mutable_interests())["discounts"] = 1.5; },
             "customer.psychographics.interests[\"discounts\"]", "between 0 and 1, got 1.5"},
        Rule{"InterestStrengthNaN",
             [](auto& r) { (*Psycho(r)->mutable_interests())["discounts"] = kNan; },
             "customer.psychographics.interests[\"discounts\"]", "between 0 and 1"},
        Rule{"InterestDuplicateAfterNormalisation",
             [](auto& r) { (*Psycho(r)->mutable_interests())[" Discounts "] = 0.5; },
             "customer.psychographics.interests[\"discounts\"]", "duplicates another tag"},
        Rule{"InterestTagTooLong",
             [](auto& r) { (*Psycho(r)->mutable_interests())[std::string(65, 't')] = 0.5; },
             "customer.psychographics.interests[\"" + std::string(64, 't') + "\"]",
             "at most 64 bytes"},
        Rule{"PersonalityOutOfRange",
             [](auto& r) { Psycho(r)->mutable_personality()->set_neuroticism(-0.1); },
             "customer.psychographics.personality.neuroticism", "between 0 and 1"},
        Rule{"EmptyValue", [](auto& r) { Psycho(r)->add_values(""); },
             "customer.psychographics.values[0]", "must not be empty"},
        Rule{"AttributeKeyEmpty",
             [](auto& r) { (*r.mutable_customer()->mutable_attributes())[""] = "x"; },
             "customer.attributes[\"\"]", "key must not be empty"},
        Rule{"TopKTooLarge", [](auto& r) { r.set_top_k(10001); }, "top_k", "at most 10000"},
        Rule{"PersonaIdMalformed", [](auto& r) { r.add_persona_ids("Not An Id"); },
             "persona_ids[1]", "is not a persona id"},
        Rule{"PersonaIdDuplicate", [](auto& r) { r.add_persona_ids("hemat-fred"); },
             "persona_ids[1]", "duplicate persona id"},
        Rule{"AsOfOutOfRange", [](auto& r) { r.mutable_as_of()->set_seconds(253402300800); },
             "as_of", "9999-12-31"}),
    [](const ::testing::TestParamInfo<Rule>& info) { return info.param.name; });

TEST(RequestValidatorTest, ListLimitsComeFromTheLimits) {
  ScoreCustomerRequest request = ValidRequest();
  for (int i = 0; i < 5; ++i)
    request.mutable_customer()->mutable_psychographics()->add_lifestyle("x" + std::to_string(i));
  RequestLimits limits;
  limits.max_tags = 4;
  const auto violations = ValidateScoreRequest(request, kNow, limits);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "customer.psychographics.lifestyle");
  EXPECT_THAT(violations[0].description, HasSubstr("at most 4 entries, got 5"));

  request = ValidRequest();
  limits = RequestLimits();
  limits.max_orders = 1;
  *request.mutable_customer()->mutable_behavior()->add_orders() =
      request.customer().behavior().orders(0);
  EXPECT_EQ(ValidateScoreRequest(request, kNow, limits)[0].field, "customer.behavior.orders");
}

// Birth dates are calendar dates: checked for being real, and against as_of's date where the
// customer lives.
std::vector<FieldViolation> WithBirthDate(int year, int month, int day, int64_t as_of,
                                          const std::string& time_zone = "") {
  ScoreCustomerRequest request = ValidRequest();
  request.mutable_as_of()->set_seconds(as_of);
  auto* d = request.mutable_customer()->mutable_demographics();
  d->mutable_location()->set_time_zone(time_zone);
  d->mutable_birth_date()->set_year(year);
  d->mutable_birth_date()->set_month(month);
  d->mutable_birth_date()->set_day(day);
  return ValidateScoreRequest(request, as_of + 86400, {});
}

TEST(RequestValidatorTest, BirthDatesMustBeRealCalendarDates) {
  EXPECT_TRUE(WithBirthDate(2000, 2, 29, kNow).empty());  // a leap year
  EXPECT_TRUE(WithBirthDate(0, 2, 29, kNow).empty());     // year unknown
  EXPECT_TRUE(WithBirthDate(1900, 1, 1, kNow).empty());
  EXPECT_TRUE(WithBirthDate(0, 12, 31, kNow).empty());
  for (const auto& [y, m, d] : std::vector<std::tuple<int, int, int>>{
           {1900, 2, 29}, {2023, 2, 29}, {2000, 4, 31}, {2000, 13, 1}, {2000, 0, 1}, {0, 1, 0}}) {
    const auto violations = WithBirthDate(y, m, d, kNow);
    ASSERT_EQ(violations.size(), 1u) << y << "-" << m << "-" << d;
    EXPECT_EQ(violations[0].field, "customer.demographics.birth_date");
    EXPECT_THAT(violations[0].description, ::testing::HasSubstr("is not a calendar date"));
  }
  for (int year : {1899, 2027, -5}) {
    const auto violations = WithBirthDate(year, 1, 1, kNow);
    ASSERT_EQ(violations.size(), 1u) << year;
    EXPECT_THAT(violations[0].description,
                ::testing::HasSubstr("year must be 0 (unknown) or between 1900 and 2026"));
  }
}

TEST(RequestValidatorTest, BirthDatesAreNotAfterAsOfsDateWhereTheCustomerLives) {
  // 2026-11-18T20:00:00Z is already 2026-11-19 in Jakarta (UTC+7).
  const int64_t evening = 1794960000 + 20 * 3600;
  EXPECT_TRUE(WithBirthDate(2026, 11, 19, evening, "Asia/Jakarta").empty());
  EXPECT_TRUE(WithBirthDate(2026, 11, 18, evening).empty());
  const auto violations = WithBirthDate(2026, 11, 19, evening);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].description,
            "is after as_of's date (2026-11-18 where the customer lives)");
  EXPECT_EQ(WithBirthDate(2026, 11, 20, evening, "Asia/Jakarta").size(), 1u);
}

TEST(RequestValidatorTest, TimeZonesMustBeKnownIanaNames) {
  for (const char* known : {"Asia/Jakarta", "Europe/Berlin", "UTC", "America/Argentina/Salta"}) {
    ScoreCustomerRequest request = ValidRequest();
    request.mutable_customer()->mutable_demographics()->mutable_location()->set_time_zone(known);
    EXPECT_TRUE(ValidateScoreRequest(request, kNow, {}).empty()) << known;
  }
  for (const char* unknown : {"Asia/Atlantis", "asia/jakarta ", "../../etc/passwd",
                              "/usr/share/zoneinfo/UTC", "Europe", "zone.tab", "Asia/Jakarta\n"}) {
    ScoreCustomerRequest request = ValidRequest();
    request.mutable_customer()->mutable_demographics()->mutable_location()->set_time_zone(unknown);
    const auto violations = ValidateScoreRequest(request, kNow, {});
    ASSERT_EQ(violations.size(), 1u) << unknown;
    EXPECT_EQ(violations[0].field, "customer.demographics.location.time_zone");
    EXPECT_THAT(violations[0].description, ::testing::HasSubstr("unknown IANA time zone"));
  }
}

TEST(RequestValidatorTest, NestedViolationsNameTheElementAndTheEntry) {
  ScoreCustomerRequest request = ValidRequest();
  auto* order = request.mutable_customer()->mutable_behavior()->mutable_orders(0);
  order->add_items()->set_quantity(1);
  order->add_items()->set_quantity(0);
  auto* event = request.mutable_customer()->mutable_behavior()->add_events();
  event->set_type("search");
  event->mutable_time()->set_seconds(kNow);
  (*event->mutable_properties())["query"] = std::string(1025, 'q');
  const auto violations = ValidateScoreRequest(request, kNow, {});
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "customer.behavior.orders[0].items[1].quantity");
  EXPECT_EQ(violations[0].description, "must be between 1 and 1000000, got 0");
  EXPECT_EQ(violations[1].field, "customer.behavior.events[0].properties[\"query\"]");
}

TEST(RequestValidatorTest, ReportsEveryViolationNotJustTheFirst) {
  ScoreCustomerRequest request = ValidRequest();
  request.mutable_customer()->mutable_demographics()->set_age(200);
  request.mutable_customer()->mutable_behavior()->mutable_orders(0)->set_amount(-1);
  request.set_top_k(20000);
  EXPECT_EQ(ValidateScoreRequest(request, kNow, {}).size(), 3u);
}

}  // namespace
}  // namespace persona
