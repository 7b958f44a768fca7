#include "service/grpc/customer_view.h"

#include <string>

#include "gtest/gtest.h"

namespace persona {
namespace {

std::string S(PersonaString s) { return std::string(s.data, s.size); }

TEST(CustomerViewTest, TranslatesEnumsNumbersAndMissingness) {
  persona::v1::Customer customer;
  customer.set_customer_id("c-9");
  customer.mutable_demographics()->set_age(0);  // present and zero is not missing
  customer.mutable_demographics()->set_education(persona::v1::EDUCATION_MASTER);
  customer.mutable_demographics()->mutable_location()->set_urbanicity(
      persona::v1::URBANICITY_RURAL);
  customer.mutable_demographics()->mutable_location()->set_city("  Bandung ");
  CustomerView view;
  view.Reset(customer);
  const PersonaCustomer& c = view.get();
  EXPECT_EQ(c.struct_size, sizeof(PersonaCustomer));
  EXPECT_EQ(S(c.customer_id), "c-9");
  EXPECT_TRUE(c.age.present);
  EXPECT_EQ(c.age.value, 0);
  EXPECT_FALSE(c.annual_income.present);
  EXPECT_FALSE(c.household_size.present);
  EXPECT_EQ(S(c.education), "master");
  EXPECT_EQ(S(c.urbanicity), "rural");
  EXPECT_EQ(S(c.gender), "");
  EXPECT_EQ(S(c.city), "Bandung");
}

TEST(CustomerViewTest, NormalisesAndSortsTags) {
  persona::v1::Customer customer;
  auto* p = customer.mutable_psychographics();
  (*p->mutable_interests())[" Coupons"] = 0.4;
  (*p->mutable_interests())["discounts"] = 0.9;
  p->add_values("Sustainability");
  p->add_values("frugality ");
  p->add_values("FRUGALITY");
  CustomerView view;
  view.Reset(customer);
  const PersonaCustomer& c = view.get();
  ASSERT_EQ(c.interest_count, 2u);
  EXPECT_EQ(S(c.interests[0].tag), "coupons");
  EXPECT_DOUBLE_EQ(c.interests[0].strength, 0.4);
  EXPECT_EQ(S(c.interests[1].tag), "discounts");
  ASSERT_EQ(c.values.count, 2u);  // sorted and unique
  EXPECT_EQ(S(c.values.items[0]), "frugality");
  EXPECT_EQ(S(c.values.items[1]), "sustainability");
}

TEST(CustomerViewTest, SortsOrdersByTimeAndIsReusable) {
  persona::v1::Customer customer;
  for (int64_t t : {300, 100, 200}) {
    auto* o = customer.mutable_behavior()->add_orders();
    o->set_order_id("o" + std::to_string(t));
    o->mutable_time()->set_seconds(t);
    o->set_amount(static_cast<double>(t) / 10);
  }
  CustomerView view;
  view.Reset(customer);
  ASSERT_EQ(view.get().order_count, 3u);
  EXPECT_EQ(view.get().orders[0].time_unix_seconds, 100);
  EXPECT_EQ(view.get().orders[2].time_unix_seconds, 300);
  EXPECT_EQ(S(view.get().orders[0].order_id), "o100");

  view.Reset(persona::v1::Customer());
  EXPECT_EQ(view.get().order_count, 0u);
  EXPECT_EQ(view.get().interest_count, 0u);
  EXPECT_FALSE(view.get().age.present);
}

}  // namespace
}  // namespace persona
