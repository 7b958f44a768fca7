// The generators: same seed, same bytes; generated catalogs load with the real plugins;
// generated customers pass the server's request validation.
#include <filesystem>
#include <fstream>
#include <string>

#include "client/synthetic/catalog_generator.h"
#include "client/synthetic/customer_generator.h"
#include "client/text/customer_csv.h"
#include "client/text/customer_json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/catalog/catalog_loader.h"
#include "service/grpc/request_validator.h"

namespace persona {
namespace {

std::string CustomersJsonl(uint64_t seed, int count) {
  synthetic::CustomerGenerator generator(seed);
  persona::v1::Customer customer;
  std::string out;
  for (int i = 0; i < count; ++i) {
    generator.Next(&customer);
    out += CustomerToJson(customer) + "\n";
  }
  return out;
}

std::string CustomersCsv(uint64_t seed, int count) {
  const CustomerCsvSchema schema = CustomerCsvSchema::Full();
  synthetic::CustomerGenerator generator(seed);
  persona::v1::Customer customer;
  std::string out = schema.Header() + "\n";
  for (int i = 0; i < count; ++i) {
    generator.Next(&customer);
    out += schema.Row(customer) + "\n";
  }
  return out;
}

TEST(SyntheticTest, SameSeedSameBytes) {
  EXPECT_EQ(CustomersJsonl(42, 2000), CustomersJsonl(42, 2000));
  EXPECT_EQ(CustomersCsv(42, 2000), CustomersCsv(42, 2000));
  EXPECT_EQ(synthetic::GenerateCatalogJson(300, 9), synthetic::GenerateCatalogJson(300, 9));
  EXPECT_NE(CustomersJsonl(42, 100), CustomersJsonl(43, 100));
  EXPECT_NE(synthetic::GenerateCatalogJson(300, 9), synthetic::GenerateCatalogJson(300, 10));
  // The first customers do not depend on how many are asked for.
  const std::string many = CustomersJsonl(42, 2000);
  const std::string few = CustomersJsonl(42, 10);
  EXPECT_EQ(many.substr(0, few.size()), few);
}

TEST(SyntheticTest, KnownFirstCustomerPinsTheAlgorithm) {
  // A change of generator (or of the PRNG) changes every benchmark's input: it must be on
  // purpose, and then this line is updated with it.
  synthetic::CustomerGenerator generator(1);
  persona::v1::Customer customer;
  generator.Next(&customer);
  EXPECT_EQ(
      CustomerToJson(customer),
      R"({"customer_id":"cust-00000001","demographics":{"age":30,"gender":"GENDER_MALE",)"
      R"("location":{"country":"JP","region":"Osaka","city":"Osaka",)"
      R"("urbanicity":"URBANICITY_SUBURBAN","time_zone":"Asia/Tokyo"},)"
      R"("education":"EDUCATION_MASTER","annual_income":52963,)"
      R"("marital_status":"MARITAL_STATUS_MARRIED","household_size":2,)"
      R"("birth_date":{"year":1994,"month":6,"day":7}},)"
      R"("behavior":{"rfm":{"days_since_last_order":6,"order_count":10,"total_spend":2267.09},)"
      R"("channels":["web","marketplace"],"satisfaction":{"nps":6}},"psychographics":{)"
      R"("interests":{"membership-rewards":0.93,"new-arrivals":0.7},)"
      R"("values":["brand-loyalty","quality"],"lifestyle":["working-professional"],)"
      R"("personality":{"openness":0.63,"conscientiousness":0.95,"extraversion":0.51,)"
      R"("agreeableness":0.68,"neuroticism":0.57},"preferred_channels":["app","sms","whatsapp"]},)"
      R"("digital":{"platforms":[{"name":"shopee","sessions_30d":56}],)"
      R"("primary_device":"DEVICE_DESKTOP","contact_opt_ins":["email","sms","push"]},)"
      R"("signup_time":"2021-07-21T13:19:20Z"})");
  generator.Next(&customer);
  EXPECT_EQ(customer.customer_id(), "cust-00000002");
}

TEST(SyntheticTest, GeneratedCustomersPassRequestValidation) {
  synthetic::CustomerGenerator generator(7);
  persona::v1::ScoreCustomerRequest request;
  int with_rfm = 0, with_interests = 0;
  for (int i = 0; i < 5000; ++i) {
    generator.Next(request.mutable_customer());
    const auto violations = ValidateScoreRequest(request, 1795305600, RequestLimits());
    ASSERT_TRUE(violations.empty())
        << violations.front().field << ": " << violations.front().description;
    with_rfm += request.customer().behavior().has_rfm();
    with_interests += !request.customer().psychographics().interests().empty();
  }
  // Every field is optional, but most customers have most of them.
  EXPECT_GT(with_rfm, 4000);
  EXPECT_GT(with_interests, 4000);
}

class GeneratedCatalogTest : public ::testing::TestWithParam<int> {};

TEST_P(GeneratedCatalogTest, LoadsWithTheBundledPlugins) {
  const int personas = GetParam();
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) /
                                     ("generated_" + std::to_string(personas) + ".json");
  std::ofstream(path) << synthetic::GenerateCatalogJson(personas, 5);
  CatalogLoaderOptions options;
  options.plugin_dir = PERSONA_PLUGIN_DIR;
  const CatalogLoadResult result = LoadCatalog(path.string(), options);
  ASSERT_TRUE(result.ok()) << (result.problems.empty() ? "" : result.problems[0].ToString());
  EXPECT_EQ(result.snapshot->personas.size(), static_cast<size_t>(personas));
  ASSERT_EQ(result.snapshot->segmenters.size(), 6u);  // the six bundled lenses
  for (const SegmenterSlot& slot : result.snapshot->segmenters) {
    EXPECT_EQ(slot.criteria.size(), static_cast<size_t>(personas)) << slot.info.name;
  }
  EXPECT_EQ(result.snapshot->version, "synthetic-" + std::to_string(personas) + "p-seed5");
}

INSTANTIATE_TEST_SUITE_P(Sizes, GeneratedCatalogTest, ::testing::Values(1, 5, 100, 2000));

TEST(SyntheticTest, TheFirstFivePersonasAreTheDefaultCatalogs) {
  const std::string catalog = synthetic::GenerateCatalogJson(7, 1);
  for (const char* id : {"\"hemat-fred\"", "\"young-working-mother\"", "\"loyal-champion\"",
                         "\"high-value-at-risk\"", "\"urban-trendsetter\"", "\"hemat-fred-00005\"",
                         "\"young-working-mother-00006\""}) {
    EXPECT_THAT(catalog, ::testing::HasSubstr(id));
  }
}

}  // namespace
}  // namespace persona
