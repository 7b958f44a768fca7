#include "client/text/customer_json.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "client/synthetic/customer_generator.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using google::protobuf::util::MessageDifferencer;

TEST(CustomerJsonTest, WrittenJsonParsesBackToTheSameCustomer) {
  synthetic::CustomerGenerator generator(3);
  persona::v1::Customer original, back;
  for (int i = 0; i < 500; ++i) {
    generator.Next(&original);
    const std::string json = CustomerToJson(original);
    EXPECT_EQ(json.find('\n'), std::string::npos);  // one line
    back.Clear();
    ASSERT_TRUE(CustomerFromJson(json, &back).ok()) << json;
    EXPECT_TRUE(MessageDifferencer::Equals(original, back)) << json;
  }
}

TEST(CustomerJsonTest, EveryExampleCustomerRoundTrips) {
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(PERSONA_SOURCE_DIR) / "deploy/examples")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    persona::v1::Customer original, back;
    ASSERT_TRUE(CustomerFromJson(text.str(), &original).ok()) << entry.path();
    original.mutable_behavior()->add_orders()->set_order_id("o-1");
    original.mutable_behavior()->mutable_orders(0)->mutable_time()->set_seconds(1790000000);
    original.mutable_behavior()->mutable_orders(0)->set_amount(12.5);
    (*original.mutable_attributes())["tier"] = "gold \"vip\"\n";
    ASSERT_TRUE(CustomerFromJson(CustomerToJson(original), &back).ok());
    EXPECT_TRUE(MessageDifferencer::Equals(original, back)) << entry.path();
  }
}

TEST(CustomerJsonTest, EveryV2FieldRoundTrips) {
  persona::v1::Customer original, back;
  auto* d = original.mutable_demographics();
  d->mutable_location()->set_time_zone("Europe/Berlin");
  d->mutable_birth_date()->set_month(2);
  d->mutable_birth_date()->set_day(29);
  auto* order = original.mutable_behavior()->add_orders();
  order->set_order_id("o-1");
  order->mutable_time()->set_seconds(1790000000);
  order->set_channel("marketplace");
  order->set_discount_amount(0);  // present and zero
  order->set_voucher_code("HEMAT10");
  auto* item = order->add_items();
  item->set_sku("sku-1");
  item->set_category("baby");
  item->set_brand("acme");
  item->set_quantity(2);
  item->set_unit_price(4.25);
  order->add_items()->set_sku("sku-2");
  auto* event = original.mutable_behavior()->add_events();
  event->set_type("search");
  event->mutable_time()->set_seconds(1790000100);
  event->set_channel("app");
  event->set_device(persona::v1::DEVICE_TABLET);
  (*event->mutable_properties())["query"] = "diapers";
  (*event->mutable_properties())["category"] = "baby";
  original.mutable_behavior()->mutable_satisfaction()->set_nps(0);
  auto* platform = original.mutable_digital()->add_platforms();
  platform->set_name("tiktok");
  platform->set_sessions_30d(0);
  platform->mutable_last_seen()->set_seconds(1790000200);
  original.mutable_digital()->set_primary_device(persona::v1::DEVICE_MOBILE);
  original.mutable_digital()->add_contact_opt_ins("whatsapp");
  auto* life_event = original.add_life_events();
  life_event->set_type("new_baby");
  life_event->mutable_time()->set_seconds(1780000000);
  original.mutable_signup_time()->set_seconds(1700000000);
  const std::string json = CustomerToJson(original);
  ASSERT_TRUE(CustomerFromJson(json, &back).ok()) << json;
  EXPECT_TRUE(MessageDifferencer::Equals(original, back)) << json;
  EXPECT_THAT(json, ::testing::HasSubstr(R"("properties":{"category":"baby","query":"diapers"})"));
}

TEST(CustomerJsonTest, MapsComeOutSortedWhateverTheInsertionOrder) {
  persona::v1::Customer a, b;
  auto& ai = *a.mutable_psychographics()->mutable_interests();
  auto& bi = *b.mutable_psychographics()->mutable_interests();
  for (const char* tag : {"zeta", "alpha", "mu", "beta"}) ai[tag] = 0.5;
  for (const char* tag : {"beta", "mu", "alpha", "zeta"}) bi[tag] = 0.5;
  EXPECT_EQ(CustomerToJson(a), CustomerToJson(b));
  EXPECT_EQ(CustomerToJson(a),
            R"({"psychographics":{"interests":{"alpha":0.5,"beta":0.5,"mu":0.5,"zeta":0.5}}})");
}

TEST(CustomerJsonTest, UnknownFieldsAreErrors) {
  persona::v1::Customer c;
  EXPECT_FALSE(CustomerFromJson(R"({"customer_id":"x","colour":"red"})", &c).ok());
  EXPECT_FALSE(CustomerFromJson("{not json", &c).ok());
  EXPECT_TRUE(CustomerFromJson(R"({"customerId":"x","demographics":{"age":3}})", &c).ok());
  EXPECT_EQ(c.customer_id(), "x");
}

}  // namespace
}  // namespace persona
