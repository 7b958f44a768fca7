// A valid request is validated without a single allocation: the check walks the rule table
// without building a path, a message or a set. The binary links the counting allocator
// (tests/support/allocation_counter.h): allocations between Start/StopCountingAllocations count.
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "service/grpc/customer_view.h"
#include "service/grpc/request_validator.h"
#include "tests/support/allocation_counter.h"

namespace persona {
namespace {

using persona::v1::ScoreCustomerRequest;

constexpr int64_t kNow = 1795000000;

// Every list at its pairwise-comparison ceiling (64 entries), every scalar set.
ScoreCustomerRequest BusyValidRequest() {
  ScoreCustomerRequest request;
  request.set_top_k(3);
  request.mutable_as_of()->set_seconds(kNow);
  for (int i = 0; i < 64; ++i) request.add_persona_ids("persona-" + std::to_string(i));
  auto* customer = request.mutable_customer();
  customer->set_customer_id("customer-with-a-fairly-long-identifier-0001");
  auto* d = customer->mutable_demographics();
  d->set_age(41);
  d->set_gender(persona::v1::GENDER_MALE);
  d->mutable_location()->set_country(" id ");
  d->mutable_location()->set_region("Jawa Barat");
  d->mutable_location()->set_city("Bandung");
  d->mutable_location()->set_urbanicity(persona::v1::URBANICITY_SUBURBAN);
  d->set_education(persona::v1::EDUCATION_MASTER);
  d->set_annual_income(81000);
  d->set_occupation("civil engineer");
  d->set_marital_status(persona::v1::MARITAL_STATUS_SINGLE);
  d->set_household_size(2);
  auto* b = customer->mutable_behavior();
  for (int i = 0; i < 64; ++i) {
    auto* order = b->add_orders();
    order->set_order_id("order-number-" + std::to_string(i));
    order->mutable_time()->set_seconds(kNow - 3600 * (i + 1));
    order->set_amount(10.0 + i);
  }
  b->mutable_rfm()->set_days_since_last_order(3);
  b->mutable_rfm()->set_order_count(64);
  b->mutable_rfm()->set_total_spend(2656);
  auto* p = customer->mutable_psychographics();
  for (int i = 0; i < 64; ++i) {
    const std::string tag = "tag-" + std::to_string(i);
    b->add_preferred_brands("brand-" + tag);
    b->add_channels("channel-" + tag);
    (*p->mutable_interests())["interest-" + tag] = i / 64.0;
    p->add_values("value-" + tag);
    p->add_lifestyle("lifestyle-" + tag);
    p->add_preferred_channels("contact-" + tag);
    (*customer->mutable_attributes())["attribute-" + tag] = "a value long enough to be on the heap";
  }
  d->mutable_location()->set_time_zone("Asia/Jakarta");
  d->mutable_birth_date()->set_year(1985);
  d->mutable_birth_date()->set_month(7);
  d->mutable_birth_date()->set_day(14);
  for (int i = 0; i < 64; ++i) {
    auto* order = b->mutable_orders(i);
    order->set_channel("marketplace");
    order->set_discount_amount(1.5);
    order->set_voucher_code("VOUCHER-CODE-LONG-ENOUGH-" + std::to_string(i));
    for (int j = 0; j < 4; ++j) {
      auto* item = order->add_items();
      item->set_sku("stock-keeping-unit-" + std::to_string(j));
      item->set_category("category-long-enough-" + std::to_string(j));
      item->set_brand("brand-long-enough-for-heap-" + std::to_string(j));
      item->set_quantity(j + 1);
      item->set_unit_price(9.99);
    }
    auto* event = b->add_events();
    event->set_type("page_view");
    event->mutable_time()->set_seconds(kNow - 60 * (i + 1));
    event->set_channel("web");
    event->set_device(persona::v1::DEVICE_DESKTOP);
    for (int j = 0; j < 8; ++j) {
      (*event->mutable_properties())["property-" + std::to_string(j)] = "a value on the heap too";
    }
    auto* platform = customer->mutable_digital()->add_platforms();
    platform->set_name("platform-" + std::to_string(i));
    platform->set_sessions_30d(i);
    platform->mutable_last_seen()->set_seconds(kNow - i);
    customer->mutable_digital()->add_contact_opt_ins("opt-in-" + std::to_string(i));
    auto* life_event = customer->add_life_events();
    life_event->set_type("life-event-" + std::to_string(i));
    life_event->mutable_time()->set_seconds(kNow - 86400 * i);
  }
  b->mutable_satisfaction()->set_nps(9);
  b->mutable_satisfaction()->set_csat(4);
  customer->mutable_digital()->set_primary_device(persona::v1::DEVICE_MOBILE);
  customer->mutable_signup_time()->set_seconds(kNow - 86400 * 1000);
  auto* t = p->mutable_personality();
  t->set_openness(0.1);
  t->set_conscientiousness(0.2);
  t->set_extraversion(0.3);
  t->set_agreeableness(0.4);
  t->set_neuroticism(0.5);
  return request;
}

TEST(RequestValidatorHotPathTest, AValidRequestIsValidatedWithoutAllocating) {
  const ScoreCustomerRequest request = BusyValidRequest();
  const RequestLimits limits;
  ASSERT_TRUE(PassesEveryRequestRule(request, kNow, limits));  // not left to the wording pass

  test_support::StartCountingAllocations();
  const bool passes = PassesEveryRequestRule(request, kNow, limits);
  const bool empty = ValidateScoreRequest(request, kNow, limits).empty();
  const size_t allocations = test_support::StopCountingAllocations();
  EXPECT_TRUE(passes);
  EXPECT_TRUE(empty);
  EXPECT_EQ(allocations, 0u);
}

TEST(RequestValidatorHotPathTest, TheCheckStopsWithoutAllocatingOnABrokenRuleToo) {
  ScoreCustomerRequest request = BusyValidRequest();
  // Warm, as a serving thread is: the first look at a customer's time zone loads it.
  ASSERT_TRUE(PassesEveryRequestRule(BusyValidRequest(), kNow, {}));
  (*request.mutable_customer()->mutable_attributes())["attribute-tag-63"] = "bad\x01";
  test_support::StartCountingAllocations();
  const bool passes = PassesEveryRequestRule(request, kNow, {});
  const size_t allocations = test_support::StopCountingAllocations();
  EXPECT_FALSE(passes);
  EXPECT_EQ(allocations, 0u);
}

TEST(RequestValidatorHotPathTest, AWarmCustomerViewIsRebuiltWithoutAllocating) {
  const ScoreCustomerRequest request = BusyValidRequest();
  CustomerView view;
  view.Reset(request.customer(), kNow);  // warms the buffers and the time zone cache
  ScoreCustomerRequest smaller = request;
  smaller.mutable_customer()->mutable_behavior()->mutable_events()->RemoveLast();
  test_support::StartCountingAllocations();
  view.Reset(request.customer(), kNow);
  view.Reset(smaller.customer(), kNow);
  view.Reset(request.customer(), kNow);
  const size_t allocations = test_support::StopCountingAllocations();
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(view.get().event_count, 64u);
  EXPECT_EQ(view.get().utc_offset_seconds, 7 * 3600);
}

}  // namespace
}  // namespace persona
