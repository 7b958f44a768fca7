// The SDK's ABI 1.2 customer accessors over customers built by the SDK's CustomerBuilder:
// every field read back as the builder normalised it, and every one of them absent when the
// host's struct is older (struct_size short of the field), even though the memory behind it
// is filled.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <persona/sdk/customer_view.hpp>
#include <persona/sdk/testing/customer_builder.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

using persona::sdk::BirthDate;
using persona::sdk::CivilDate;
using persona::sdk::ContactOptIns;
using persona::sdk::ContainsTag;
using persona::sdk::Csat;
using persona::sdk::CustomerLocalDate;
using persona::sdk::EventsOf;
using persona::sdk::FindOrderDetail;
using persona::sdk::FindPlatform;
using persona::sdk::HasOptIn;
using persona::sdk::LifeEventsOf;
using persona::sdk::Nps;
using persona::sdk::PlatformsOf;
using persona::sdk::PrimaryDevice;
using persona::sdk::SignupTime;
using persona::sdk::TimeZone;
using persona::sdk::UtcOffsetOr;
using persona::sdk::UtcOffsetSeconds;
using persona::sdk::View;
using persona::sdk::testing::CustomerBuilder;
using persona::sdk::testing::EventData;
using persona::sdk::testing::kCustomerSizeAbi11;
using persona::sdk::testing::OrderDetailData;
using persona::sdk::testing::OrderItemData;

// 2026-01-01T00:00:00Z.
constexpr int64_t k2026 = 1767225600;
constexpr int64_t kDay = 86400;

// A customer with every ABI 1.2 field set, given out of order and in mixed case, so the
// builder has everything to normalise.
CustomerBuilder FullCustomer() {
  CustomerBuilder b;
  b.Id("c-1")
      .Order("late", k2026 - 2 * kDay, 30.0,
             OrderDetailData{
                 " App ", 5.0, "NEWYEAR", {OrderItemData{"SKU-9", "Baby", "Huggies", 2, 15.0}}})
      .Order("early", k2026 - 30 * kDay, 12.5)
      .Order("middle", k2026 - 10 * kDay, 99.0,
             OrderDetailData{"marketplace",
                             std::nullopt,
                             "",
                             {OrderItemData{"SKU-1", "Home", "", std::nullopt, std::nullopt},
                              OrderItemData{"SKU-2", "home", "IKEA", 1, 49.5}}})
      .Event("Search", k2026 - kDay, EventData{"Web", "Desktop", {{"query", "Diapers"}}})
      .Event(
          "page_view", k2026 - 3 * kDay,
          EventData{"app", "mobile", {{"category", "baby"}, {"brand", "x"}, {"category", "toys"}}})
      .Event("email_open", k2026 - 2 * kDay)
      .Nps(9)
      .Csat(4)
      .Platform("TikTok", 12, k2026 - kDay)
      .Platform("instagram")
      .Platform("shopee", 3)
      .Platform("tiktok", 20)  // replaces the earlier TikTok
      .PrimaryDevice("Mobile")
      .ContactOptIns({"WhatsApp", " email ", "whatsapp", "sms"})
      .LifeEvent("new_baby", k2026 - 40 * kDay)
      .LifeEvent("Moved", k2026 - 400 * kDay)
      .SignupTime(k2026 - 365 * kDay)
      .BirthDate(1990, 2, 28)
      .TimeZone("Asia/Jakarta", 7 * 3600);
  return b;
}

TEST(CustomerViewTest, BuilderFillsAFullSizedCustomer) {
  CustomerBuilder b = FullCustomer();
  const PersonaCustomer& c = b.Build();
  EXPECT_EQ(c.struct_size, sizeof(PersonaCustomer));
  EXPECT_EQ(kCustomerSizeAbi11, offsetof(PersonaCustomer, order_details));
  ASSERT_EQ(c.order_count, 3u);
  EXPECT_EQ(View(c.orders[0].order_id), "early");
  EXPECT_EQ(View(c.orders[1].order_id), "middle");
  EXPECT_EQ(View(c.orders[2].order_id), "late");
}

TEST(CustomerViewTest, OrderDetailsAreAlignedWithOrders) {
  CustomerBuilder b = FullCustomer();
  const PersonaCustomer& c = b.Build();

  // orders[0] ("early") was given without details: present but empty.
  const auto early = FindOrderDetail(c, 0);
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->channel(), "");
  EXPECT_FALSE(early->discount_amount().has_value());
  EXPECT_FALSE(early->discounted());
  EXPECT_TRUE(early->items().empty());

  const auto middle = FindOrderDetail(c, 1);
  ASSERT_TRUE(middle.has_value());
  EXPECT_EQ(middle->channel(), "marketplace");
  EXPECT_FALSE(middle->discounted());
  ASSERT_EQ(middle->items().size(), 2u);
  EXPECT_EQ(middle->items()[0].sku(), "SKU-1");
  EXPECT_EQ(middle->items()[0].category(), "home");
  EXPECT_EQ(middle->items()[0].brand(), "");
  EXPECT_FALSE(middle->items()[0].quantity().has_value());
  EXPECT_FALSE(middle->items()[0].unit_price().has_value());
  EXPECT_EQ(middle->items()[1].brand(), "ikea");
  EXPECT_EQ(middle->items()[1].quantity(), std::optional<double>(1));
  EXPECT_EQ(middle->items()[1].unit_price(), std::optional<double>(49.5));

  const auto late = FindOrderDetail(c, 2);
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->channel(), "app");
  EXPECT_EQ(late->discount_amount(), std::optional<double>(5.0));
  EXPECT_EQ(late->voucher_code(), "NEWYEAR");  // as sent
  EXPECT_TRUE(late->discounted());
  std::vector<std::string> skus;
  for (const auto& item : late->items()) skus.emplace_back(item.sku());
  EXPECT_EQ(skus, (std::vector<std::string>{"SKU-9"}));
  EXPECT_EQ(late->items()[0].category(), "baby");
  EXPECT_EQ(late->items()[0].brand(), "huggies");

  EXPECT_FALSE(FindOrderDetail(c, 3).has_value());
}

TEST(CustomerViewTest, EventsAreSortedWithPropertiesByKey) {
  CustomerBuilder b = FullCustomer();
  const PersonaCustomer& c = b.Build();
  const auto events = EventsOf(c);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type(), "page_view");
  EXPECT_EQ(events[1].type(), "email_open");
  EXPECT_EQ(events[2].type(), "search");
  EXPECT_EQ(events[2].time_unix_seconds(), k2026 - kDay);
  EXPECT_EQ(events[2].channel(), "web");
  EXPECT_EQ(events[2].device(), "desktop");
  EXPECT_EQ(events[2].FindProperty("query"), std::optional<std::string_view>("Diapers"));
  EXPECT_EQ(events[1].channel(), "");
  EXPECT_EQ(events[1].property_count(), 0u);
  EXPECT_FALSE(events[1].FindProperty("query").has_value());

  // Sorted by key; the later "category" replaced the earlier one.
  ASSERT_EQ(events[0].property_count(), 2u);
  EXPECT_EQ(View(c.events[0].properties[0].key), "brand");
  EXPECT_EQ(View(c.events[0].properties[1].key), "category");
  EXPECT_EQ(events[0].FindProperty("category"), std::optional<std::string_view>("toys"));
  EXPECT_EQ(events[0].FindProperty("brand"), std::optional<std::string_view>("x"));
  EXPECT_FALSE(events[0].FindProperty("a").has_value());
  EXPECT_FALSE(events[0].FindProperty("cat").has_value());
  EXPECT_FALSE(events[0].FindProperty("zzz").has_value());

  int64_t previous = INT64_MIN;
  for (const auto& event : events) {
    EXPECT_GE(event.time_unix_seconds(), previous);
    previous = event.time_unix_seconds();
  }
}

TEST(CustomerViewTest, SatisfactionPlatformsDeviceAndOptIns) {
  CustomerBuilder b = FullCustomer();
  const PersonaCustomer& c = b.Build();
  EXPECT_EQ(Nps(c), std::optional<double>(9));
  EXPECT_EQ(Csat(c), std::optional<double>(4));

  const auto platforms = PlatformsOf(c);
  ASSERT_EQ(platforms.size(), 3u);
  EXPECT_EQ(platforms[0].name(), "instagram");
  EXPECT_EQ(platforms[1].name(), "shopee");
  EXPECT_EQ(platforms[2].name(), "tiktok");
  const auto tiktok = FindPlatform(c, "tiktok");
  ASSERT_TRUE(tiktok.has_value());
  EXPECT_EQ(tiktok->sessions_30d(), std::optional<double>(20));  // the later one
  EXPECT_FALSE(tiktok->last_seen_unix_seconds().has_value());
  const auto instagram = FindPlatform(c, "instagram");
  ASSERT_TRUE(instagram.has_value());
  EXPECT_FALSE(instagram->sessions_30d().has_value());
  EXPECT_EQ(FindPlatform(c, "shopee")->sessions_30d(), std::optional<double>(3));
  EXPECT_FALSE(FindPlatform(c, "facebook").has_value());
  EXPECT_FALSE(FindPlatform(c, "TikTok").has_value());  // names arrive normalised

  EXPECT_EQ(PrimaryDevice(c), "mobile");

  const PersonaStringList opt_ins = ContactOptIns(c);
  ASSERT_EQ(opt_ins.count, 3u);
  EXPECT_EQ(View(opt_ins.items[0]), "email");
  EXPECT_EQ(View(opt_ins.items[1]), "sms");
  EXPECT_EQ(View(opt_ins.items[2]), "whatsapp");
  EXPECT_TRUE(HasOptIn(c, "whatsapp"));
  EXPECT_TRUE(HasOptIn(c, "email"));
  EXPECT_TRUE(HasOptIn(c, "sms"));
  EXPECT_FALSE(HasOptIn(c, "push"));
  EXPECT_FALSE(HasOptIn(c, "a"));
  EXPECT_FALSE(HasOptIn(c, "zzz"));
  EXPECT_FALSE(HasOptIn(c, ""));
  EXPECT_TRUE(ContainsTag(c.contact_opt_ins, "sms"));
}

TEST(CustomerViewTest, LifeEventsSignupBirthDateAndTimeZone) {
  CustomerBuilder b = FullCustomer();
  const PersonaCustomer& c = b.Build();
  const auto life_events = LifeEventsOf(c);
  ASSERT_EQ(life_events.size(), 2u);
  EXPECT_EQ(life_events[0].type(), "moved");
  EXPECT_EQ(life_events[0].time_unix_seconds(), k2026 - 400 * kDay);
  EXPECT_EQ(life_events[1].type(), "new_baby");
  EXPECT_EQ(SignupTime(c), std::optional<int64_t>(k2026 - 365 * kDay));
  const auto birth = BirthDate(c);
  ASSERT_TRUE(birth.has_value());
  EXPECT_EQ(*birth, (CivilDate{1990, 2, 28}));
  EXPECT_EQ(TimeZone(c), "Asia/Jakarta");
  EXPECT_EQ(UtcOffsetSeconds(c), std::optional<int32_t>(25200));
  EXPECT_EQ(UtcOffsetOr(c, -3600), 25200);
  // 17:00 UTC on 31 December is already 1 January in Jakarta.
  EXPECT_EQ(CustomerLocalDate(c, k2026 - 7 * 3600), (CivilDate{2026, 1, 1}));
}

TEST(CustomerViewTest, NoTimeZoneMeansTheDefaultOffset) {
  CustomerBuilder b;
  b.BirthDate(0, 2, 29);  // a birthday without a year
  const PersonaCustomer& c = b.Build();
  EXPECT_EQ(TimeZone(c), "");
  EXPECT_EQ(c.utc_offset_seconds, 0);
  EXPECT_FALSE(UtcOffsetSeconds(c).has_value());
  EXPECT_EQ(UtcOffsetOr(c, -3600), -3600);
  EXPECT_EQ(CustomerLocalDate(c, k2026), (CivilDate{2026, 1, 1}));
  EXPECT_EQ(CustomerLocalDate(c, k2026, -1), (CivilDate{2025, 12, 31}));
  EXPECT_EQ(BirthDate(c), std::optional<CivilDate>(CivilDate{0, 2, 29}));
}

TEST(CustomerViewTest, AnEmptyCustomerHasNothing) {
  CustomerBuilder b;
  const PersonaCustomer& c = b.Build();
  EXPECT_EQ(c.order_details, nullptr);
  EXPECT_FALSE(FindOrderDetail(c, 0).has_value());
  EXPECT_TRUE(EventsOf(c).empty());
  EXPECT_EQ(EventsOf(c).begin(), EventsOf(c).end());
  EXPECT_FALSE(Nps(c).has_value());
  EXPECT_FALSE(Csat(c).has_value());
  EXPECT_TRUE(PlatformsOf(c).empty());
  EXPECT_FALSE(FindPlatform(c, "web").has_value());
  EXPECT_EQ(PrimaryDevice(c), "");
  EXPECT_EQ(ContactOptIns(c).count, 0u);
  EXPECT_FALSE(HasOptIn(c, "email"));
  EXPECT_TRUE(LifeEventsOf(c).empty());
  EXPECT_FALSE(SignupTime(c).has_value());
  EXPECT_FALSE(BirthDate(c).has_value());
  EXPECT_EQ(TimeZone(c), "");
  EXPECT_FALSE(UtcOffsetSeconds(c).has_value());
}

// Everything ABI 1.2 appended reads as absent from a 1.1-sized customer, although the builder
// left the data in memory past struct_size: only the struct_size check keeps it out.
TEST(CustomerViewTest, AnAbi11CustomerHasNoneOfTheNewFields) {
  CustomerBuilder b = FullCustomer();
  const PersonaCustomer& c = b.BuildSized(kCustomerSizeAbi11);
  ASSERT_EQ(c.struct_size, offsetof(PersonaCustomer, order_details));
  ASSERT_NE(c.order_details, nullptr);  // filled in memory...
  ASSERT_EQ(c.event_count, 3u);
  EXPECT_EQ(c.order_count, 3u);  // ...and the 1.1 fields stay readable
  EXPECT_FALSE(FindOrderDetail(c, 0).has_value());
  EXPECT_FALSE(FindOrderDetail(c, 2).has_value());
  EXPECT_TRUE(EventsOf(c).empty());
  EXPECT_FALSE(Nps(c).has_value());
  EXPECT_FALSE(Csat(c).has_value());
  EXPECT_TRUE(PlatformsOf(c).empty());
  EXPECT_FALSE(FindPlatform(c, "tiktok").has_value());
  EXPECT_EQ(PrimaryDevice(c), "");
  EXPECT_EQ(ContactOptIns(c).count, 0u);
  EXPECT_FALSE(HasOptIn(c, "whatsapp"));
  EXPECT_TRUE(LifeEventsOf(c).empty());
  EXPECT_FALSE(SignupTime(c).has_value());
  EXPECT_FALSE(BirthDate(c).has_value());
  EXPECT_EQ(TimeZone(c), "");
  EXPECT_FALSE(UtcOffsetSeconds(c).has_value());
  EXPECT_EQ(UtcOffsetOr(c, 3600), 3600);
}

// A struct that ends in the middle of the 1.2 fields (a later minor could only grow, but the
// check is per field): what it covers is read, what it does not is absent.
TEST(CustomerViewTest, EachFieldIsCheckedOnItsOwn) {
  CustomerBuilder b = FullCustomer();
  const PersonaCustomer& c = b.BuildSized(offsetof(PersonaCustomer, platforms));
  EXPECT_TRUE(FindOrderDetail(c, 2).has_value());
  EXPECT_EQ(EventsOf(c).size(), 3u);
  EXPECT_TRUE(Nps(c).has_value());
  EXPECT_TRUE(Csat(c).has_value());
  EXPECT_TRUE(PlatformsOf(c).empty());
  EXPECT_FALSE(HasOptIn(c, "whatsapp"));
  EXPECT_FALSE(BirthDate(c).has_value());

  const PersonaCustomer& d = b.BuildSized(offsetof(PersonaCustomer, utc_offset_seconds));
  EXPECT_TRUE(BirthDate(d).has_value());
  EXPECT_EQ(TimeZone(d), "Asia/Jakarta");
  EXPECT_FALSE(UtcOffsetSeconds(d).has_value());  // the offset itself is not covered

  const PersonaCustomer& e = b.Build();
  EXPECT_EQ(UtcOffsetSeconds(e), std::optional<int32_t>(25200));
}

}  // namespace
