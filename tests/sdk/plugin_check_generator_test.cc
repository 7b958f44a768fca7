// persona-plugin-check's generated customers: every one is a customer the server accepts, and
// together they carry every field of the customer model, so a plugin reading any of them is
// reached by the scoring checks.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tools/plugin_check/customer_generator.h"
#include "tools/plugin_check/customer_population.h"

namespace persona {
namespace plugin_check {
namespace {

constexpr int64_t kAsOf = 1795305600;  // 2026-11-22T00:00:00Z, the checker's default

struct Seen {
  size_t items_with_category_and_brand = 0, items_with_quantity_and_price = 0;
  size_t order_channels = 0, discounts = 0, vouchers = 0;
  size_t events_with_device = 0, events_with_properties = 0, event_categories = 0;
  size_t platforms_with_sessions = 0, platforms_last_seen = 0;
  size_t primary_devices = 0, opt_ins = 0, life_events = 0, signups = 0;
  size_t nps = 0, csat = 0, birth_dates = 0, born_29_february = 0, born_29_february_year = 0;
  size_t time_zones = 0, locations_without_time_zone = 0;
};

Seen Count(const std::vector<persona::v1::Customer>& customers) {
  Seen seen;
  for (const persona::v1::Customer& c : customers) {
    for (const persona::v1::Order& order : c.behavior().orders()) {
      for (const persona::v1::OrderItem& item : order.items()) {
        if (!item.category().empty() && !item.brand().empty()) ++seen.items_with_category_and_brand;
        if (item.has_quantity() && item.has_unit_price()) ++seen.items_with_quantity_and_price;
      }
      if (!order.channel().empty()) ++seen.order_channels;
      if (order.has_discount_amount()) ++seen.discounts;
      if (!order.voucher_code().empty()) ++seen.vouchers;
    }
    for (const persona::v1::Event& event : c.behavior().events()) {
      if (event.device() != persona::v1::DEVICE_UNSPECIFIED) ++seen.events_with_device;
      if (!event.properties().empty()) ++seen.events_with_properties;
      if (event.properties().contains("category")) ++seen.event_categories;
    }
    for (const persona::v1::Platform& platform : c.digital().platforms()) {
      if (platform.has_sessions_30d()) ++seen.platforms_with_sessions;
      if (platform.has_last_seen()) ++seen.platforms_last_seen;
    }
    if (c.digital().primary_device() != persona::v1::DEVICE_UNSPECIFIED) ++seen.primary_devices;
    if (!c.digital().contact_opt_ins().empty()) ++seen.opt_ins;
    if (!c.life_events().empty()) ++seen.life_events;
    if (c.has_signup_time()) ++seen.signups;
    if (c.behavior().satisfaction().has_nps()) ++seen.nps;
    if (c.behavior().satisfaction().has_csat()) ++seen.csat;
    const auto& d = c.demographics();
    if (d.has_birth_date()) {
      ++seen.birth_dates;
      if (d.birth_date().month() == 2 && d.birth_date().day() == 29) {
        ++seen.born_29_february;
        if (d.birth_date().year() != 0) ++seen.born_29_february_year;
      }
    }
    if (d.has_location()) {
      ++(d.location().time_zone().empty() ? seen.locations_without_time_zone : seen.time_zones);
    }
  }
  return seen;
}

TEST(PluginCheckGeneratorTest, EveryGeneratedCustomerIsOneTheServerAccepts) {
  GeneratorOptions options;
  options.count = 2000;
  options.as_of_unix_seconds = kAsOf;
  CustomerPopulation population(kAsOf);
  for (persona::v1::Customer& customer : GenerateCustomers(options)) {
    const std::string id = customer.customer_id();
    EXPECT_EQ(population.Add(std::move(customer)), "") << id;
  }
  EXPECT_EQ(population.size(), 2000u);
}

TEST(PluginCheckGeneratorTest, GeneratedCustomersCarryEveryFieldOfTheCustomerModel) {
  GeneratorOptions options;
  options.as_of_unix_seconds = kAsOf;  // the default count, 400
  const Seen seen = Count(GenerateCustomers(options));
  EXPECT_GT(seen.items_with_category_and_brand, 100u);
  EXPECT_GT(seen.items_with_quantity_and_price, 100u);
  EXPECT_GT(seen.order_channels, 100u);
  EXPECT_GT(seen.discounts, 100u);
  EXPECT_GT(seen.vouchers, 50u);
  EXPECT_GT(seen.events_with_device, 100u);
  EXPECT_GT(seen.events_with_properties, 100u);
  EXPECT_GT(seen.event_categories, 50u);
  EXPECT_GT(seen.platforms_with_sessions, 100u);
  EXPECT_GT(seen.platforms_last_seen, 50u);
  EXPECT_GT(seen.primary_devices, 100u);
  EXPECT_GT(seen.opt_ins, 100u);
  EXPECT_GT(seen.life_events, 50u);
  EXPECT_GT(seen.signups, 100u);
  EXPECT_GT(seen.nps, 100u);
  EXPECT_GT(seen.csat, 100u);
  EXPECT_GT(seen.birth_dates, 100u);
  EXPECT_GT(seen.born_29_february, 3u);
  EXPECT_GT(seen.born_29_february_year, 0u);
  EXPECT_GT(seen.time_zones, 100u);
  EXPECT_GT(seen.locations_without_time_zone, 0u);
}

TEST(PluginCheckGeneratorTest, TheSameOptionsGiveTheSameCustomers) {
  GeneratorOptions options;
  options.count = 50;
  options.as_of_unix_seconds = kAsOf;
  const std::vector<persona::v1::Customer> a = GenerateCustomers(options);
  const std::vector<persona::v1::Customer> b = GenerateCustomers(options);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a[i], b[i])) << i;
  }
}

}  // namespace
}  // namespace plugin_check
}  // namespace persona
