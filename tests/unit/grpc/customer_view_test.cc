#include "service/grpc/customer_view.h"

#include <cstdint>
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

TEST(CustomerViewTest, OrderDetailsStayAlignedWithOrdersAfterSorting) {
  persona::v1::Customer customer;
  for (int64_t t : {300, 100, 200}) {
    auto* o = customer.mutable_behavior()->add_orders();
    o->set_order_id("o" + std::to_string(t));
    o->mutable_time()->set_seconds(t);
    o->set_channel(t == 100 ? " App " : "Web");
    if (t == 200) o->set_discount_amount(2.5);
    o->set_voucher_code("V" + std::to_string(t));
    for (int i = 0; i < t / 100; ++i) {
      auto* item = o->add_items();
      item->set_sku("sku-" + std::to_string(t) + "-" + std::to_string(i));
      item->set_category(" Baby Care ");
      item->set_brand("ACME");
      item->set_quantity(i + 1);
    }
  }
  CustomerView view;
  view.Reset(customer, 1000);
  const PersonaCustomer& c = view.get();
  ASSERT_EQ(c.order_count, 3u);
  ASSERT_NE(c.order_details, nullptr);
  for (size_t i = 0; i < 3; ++i) {
    const int64_t t = c.orders[i].time_unix_seconds;
    EXPECT_EQ(t, static_cast<int64_t>(100 * (i + 1)));
    const PersonaOrderDetail& d = c.order_details[i];
    EXPECT_EQ(S(d.voucher_code), "V" + std::to_string(t));
    EXPECT_EQ(S(d.channel), t == 100 ? "app" : "web");
    EXPECT_EQ(d.discount_amount.present, t == 200 ? 1 : 0);
    ASSERT_EQ(d.item_count, static_cast<size_t>(t / 100));
    for (size_t j = 0; j < d.item_count; ++j) {
      EXPECT_EQ(S(d.items[j].sku), "sku-" + std::to_string(t) + "-" + std::to_string(j));
      EXPECT_EQ(S(d.items[j].category), "baby care");
      EXPECT_EQ(S(d.items[j].brand), "acme");
      EXPECT_EQ(d.items[j].quantity.present, 1);
      EXPECT_EQ(d.items[j].quantity.value, static_cast<double>(j + 1));
      EXPECT_EQ(d.items[j].unit_price.present, 0);
    }
  }
  view.Reset(persona::v1::Customer(), 1000);
  EXPECT_EQ(view.get().order_details, nullptr);
}

TEST(CustomerViewTest, EventsPlatformsAndLifeEventsAreNormalisedAndSorted) {
  persona::v1::Customer customer;
  auto* b = customer.mutable_behavior();
  for (int64_t t : {50, 10, 30}) {
    auto* e = b->add_events();
    e->set_type(t == 10 ? " Page_View" : "search");
    e->mutable_time()->set_seconds(t);
    e->set_channel(t == 30 ? "EMAIL" : "");
    e->set_device(t == 10 ? persona::v1::DEVICE_TABLET : persona::v1::DEVICE_UNSPECIFIED);
    (*e->mutable_properties())["zeta"] = "Z" + std::to_string(t);
    (*e->mutable_properties())["alpha"] = "A" + std::to_string(t);
    (*e->mutable_properties())["Mid"] = "Kept As Sent";
  }
  b->mutable_satisfaction()->set_nps(0);
  auto* d = customer.mutable_digital();
  d->add_platforms()->set_name("TikTok");
  auto* instagram = d->add_platforms();
  instagram->set_name(" instagram");
  instagram->set_sessions_30d(12);
  instagram->mutable_last_seen()->set_seconds(99);
  d->set_primary_device(persona::v1::DEVICE_MOBILE);
  d->add_contact_opt_ins("SMS");
  d->add_contact_opt_ins(" email");
  for (int64_t t : {20, 5}) {
    auto* l = customer.add_life_events();
    l->set_type(t == 5 ? "Married" : "new_baby");
    l->mutable_time()->set_seconds(t);
  }
  customer.mutable_signup_time()->set_seconds(7);
  auto* birth = customer.mutable_demographics()->mutable_birth_date();
  birth->set_month(2);
  birth->set_day(29);

  CustomerView view;
  view.Reset(customer, 100);
  const PersonaCustomer& c = view.get();
  ASSERT_EQ(c.event_count, 3u);
  EXPECT_EQ(c.events[0].time_unix_seconds, 10);
  EXPECT_EQ(S(c.events[0].type), "page_view");
  EXPECT_EQ(S(c.events[0].device), "tablet");
  EXPECT_EQ(S(c.events[1].channel), "email");
  EXPECT_EQ(S(c.events[1].device), "");
  EXPECT_EQ(c.events[2].time_unix_seconds, 50);
  for (size_t i = 0; i < 3; ++i) {
    const PersonaEvent& e = c.events[i];
    ASSERT_EQ(e.property_count, 3u);
    EXPECT_EQ(S(e.properties[0].key), "Mid");  // bytes: uppercase first
    EXPECT_EQ(S(e.properties[0].value), "Kept As Sent");
    EXPECT_EQ(S(e.properties[1].key), "alpha");
    EXPECT_EQ(S(e.properties[1].value), "A" + std::to_string(e.time_unix_seconds));
    EXPECT_EQ(S(e.properties[2].value), "Z" + std::to_string(e.time_unix_seconds));
  }
  EXPECT_EQ(c.nps.present, 1);
  EXPECT_EQ(c.nps.value, 0);
  EXPECT_EQ(c.csat.present, 0);
  ASSERT_EQ(c.platform_count, 2u);
  EXPECT_EQ(S(c.platforms[0].name), "instagram");
  EXPECT_EQ(c.platforms[0].sessions_30d.value, 12);
  EXPECT_EQ(c.platforms[0].last_seen.present, 1);
  EXPECT_EQ(c.platforms[0].last_seen.unix_seconds, 99);
  EXPECT_EQ(S(c.platforms[1].name), "tiktok");
  EXPECT_EQ(c.platforms[1].sessions_30d.present, 0);
  EXPECT_EQ(c.platforms[1].last_seen.present, 0);
  EXPECT_EQ(S(c.primary_device), "mobile");
  ASSERT_EQ(c.contact_opt_ins.count, 2u);
  EXPECT_EQ(S(c.contact_opt_ins.items[0]), "email");
  EXPECT_EQ(S(c.contact_opt_ins.items[1]), "sms");
  ASSERT_EQ(c.life_event_count, 2u);
  EXPECT_EQ(S(c.life_events[0].type), "married");
  EXPECT_EQ(c.life_events[1].time_unix_seconds, 20);
  EXPECT_EQ(c.signup_time.present, 1);
  EXPECT_EQ(c.signup_time.unix_seconds, 7);
  EXPECT_EQ(c.birth_date.present, 1);
  EXPECT_EQ(c.birth_date.year, 0);
  EXPECT_EQ(c.birth_date.month, 2);
  EXPECT_EQ(c.birth_date.day, 29);
  EXPECT_TRUE(PERSONA_CUSTOMER_HAS(&c, utc_offset_seconds));

  view.Reset(persona::v1::Customer(), 100);
  EXPECT_EQ(view.get().event_count, 0u);
  EXPECT_EQ(view.get().platform_count, 0u);
  EXPECT_EQ(view.get().life_event_count, 0u);
  EXPECT_EQ(view.get().birth_date.present, 0);
  EXPECT_EQ(view.get().signup_time.present, 0);
}

int32_t OffsetAt(const std::string& time_zone, int64_t as_of, std::string* sent = nullptr) {
  persona::v1::Customer customer;
  customer.mutable_demographics()->mutable_location()->set_time_zone(time_zone);
  CustomerView view;
  view.Reset(customer, as_of);
  if (sent != nullptr) *sent = S(view.get().time_zone);
  return view.get().utc_offset_seconds;
}

TEST(CustomerViewTest, UtcOffsetIsTheOneInForceAtAsOfInTheCustomersZone) {
  constexpr int64_t kJuly = 1783000000;     // 2026-07-02
  constexpr int64_t kJanuary = 1768000000;  // 2026-01-09
  std::string sent;
  EXPECT_EQ(OffsetAt("Asia/Jakarta", kJuly, &sent), 7 * 3600);
  EXPECT_EQ(sent, "Asia/Jakarta");
  EXPECT_EQ(OffsetAt("Asia/Jakarta", kJanuary), 7 * 3600);
  EXPECT_EQ(OffsetAt("Europe/Berlin", kJuly), 2 * 3600);  // summer time
  EXPECT_EQ(OffsetAt("Europe/Berlin", kJanuary), 3600);
  EXPECT_EQ(OffsetAt("America/New_York", kJanuary), -5 * 3600);
  EXPECT_EQ(OffsetAt("", kJuly, &sent), 0);
  EXPECT_EQ(sent, "");
}

}  // namespace
}  // namespace persona
