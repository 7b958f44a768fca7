// Unit tests for the firmographic segmenter, through its C ABI, with the SDK's TestHost
// playing the server: the same create/compile/score calls the server makes.
//
// SEGMENTER_NAME comes from CMakeLists.txt (the library's file name), so DescribesItself
// catches a rename done in one place and not the other.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <persona/segmenter_testing.hpp>

#ifndef SEGMENTER_NAME
#error "SEGMENTER_NAME (the name in CMakeLists.txt) must be defined"
#endif

namespace {

using persona::sdk::testing::CustomerBuilder;
using persona::sdk::testing::TestHost;
using ::testing::DoubleEq;
using ::testing::HasSubstr;

class FirmographicTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(host_.Create("{}"), ""); }
  TestHost host_{persona_segmenter_plugin()};
};

TEST_F(FirmographicTest, DescribesItself) {
  const PersonaSegmenterPlugin* plugin = persona_segmenter_plugin();
  EXPECT_EQ(persona::sdk::View(plugin->name), SEGMENTER_NAME);
  EXPECT_EQ(plugin->abi_major, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MAJOR));
  EXPECT_THAT(std::string(persona::sdk::View(plugin->params_doc)), HasSubstr("\"example\""));
}

TEST_F(FirmographicTest, InsideEveryRangeAndListIsAFullMatch) {
  ASSERT_EQ(host_.Compile(R"({"company_size": {"min": 100, "max": 999},
                              "industries": ["Software", "fintech"],
                              "annual_revenue": {"min": 1e6},
                              "buying_stages": ["evaluation"]})"),
            "");
  CustomerBuilder customer;
  customer.Attribute("company_size", "250")
      .Attribute("industry", " SOFTWARE ")
      .Attribute("annual_revenue", "12000000")
      .Attribute("buying_stage", "evaluation");
  const auto result = host_.Score(customer.Build());
  ASSERT_EQ(result.status, PERSONA_OK) << result.error;
  EXPECT_THAT(result.scores[0].affinity, DoubleEq(1.0));
  EXPECT_THAT(result.scores[0].coverage, DoubleEq(1.0));
  EXPECT_EQ(result.Label("size_band"), "mid_market");
  ASSERT_EQ(result.DetailsOf(0).size(), 4u);
  EXPECT_EQ(result.DetailsOf(0)[0].reason, "employees 250, wanted 100..999 -> 1");
}

TEST_F(FirmographicTest, OutsideARangeDecaysOverTheTolerance) {
  ASSERT_EQ(host_.Compile(R"({"company_size": {"min": 200, "tolerance_ratio": 0.5}})"), "");
  CustomerBuilder customer;
  customer.Attribute("company_size", "150");  // 50 short of 200, tolerance 100
  EXPECT_THAT(host_.Score(customer.Build()).scores[0].affinity, DoubleEq(0.5));
  customer.Attribute("company_size", "50");  // 150 short: past the tolerance
  EXPECT_THAT(host_.Score(customer.Build()).scores[0].affinity, DoubleEq(0.0));
}

TEST_F(FirmographicTest, MissingOrMalformedDataLowersCoverageNotAffinity) {
  ASSERT_EQ(host_.Compile(R"({"company_size": {"min": 10}, "industries": ["retail"]})"), "");
  CustomerBuilder customer;
  customer.Attribute("industry", "retail").Attribute("company_size", "lots");
  const auto result = host_.Score(customer.Build());
  EXPECT_THAT(result.scores[0].affinity, DoubleEq(1.0));  // what we know matches
  EXPECT_THAT(result.scores[0].coverage, DoubleEq(0.5));  // half the weight had no data
  EXPECT_TRUE(result.DetailsOf(0)[0].missing);
  EXPECT_EQ(result.Label("size_band"), "");  // no size, no band
}

TEST_F(FirmographicTest, NoDataAtAllIsZeroCoverage) {
  ASSERT_EQ(host_.Compile(R"({"buying_stages": {"any_of": ["decision"], "weight": 2}})"), "");
  CustomerBuilder customer;
  EXPECT_THAT(host_.Score(customer.Build()).scores[0].coverage, DoubleEq(0.0));
}

TEST_F(FirmographicTest, DetailsOnlyWhenExplaining) {
  ASSERT_EQ(host_.Compile(R"({"industries": ["retail"]})"), "");
  CustomerBuilder customer;
  customer.Attribute("industry", "retail").Attribute("company_size", "5000");
  const auto result = host_.Score(customer.Build(), /*explain=*/false);
  EXPECT_TRUE(result.details.empty());
  EXPECT_EQ(result.Label("size_band"), "enterprise");  // labels come either way
}

TEST_F(FirmographicTest, BadParamsNameTheirPath) {
  EXPECT_THAT(host_.Compile("{}"), HasSubstr("must give at least one of"));
  EXPECT_THAT(host_.Compile(R"({"company_size": {"min": -3}})"),
              HasSubstr("params.company_size.min: must be between 0"));
  EXPECT_THAT(host_.Compile(R"({"company_size": {"min": 10, "max": 5}})"),
              HasSubstr("params.company_size.max: must be >= min"));
  EXPECT_THAT(host_.Compile(R"({"buying_stages": ["evaluaton"]})"),
              HasSubstr("unknown value \"evaluaton\""));
  EXPECT_THAT(host_.Compile(R"({"industry": ["retail"]})"),
              HasSubstr("params.industry: unknown parameter"));
  EXPECT_THAT(host_.Compile(R"({"industries": true})"), HasSubstr("params.industries"));
}

TEST(FirmographicConfigTest, UnknownConfigKeyIsRefused) {
  TestHost host(persona_segmenter_plugin());
  EXPECT_THAT(host.Create(R"({"size_tolerance": 1})"),
              HasSubstr("config.size_tolerance: unknown parameter"));
  EXPECT_EQ(host.Create(R"({"size_tolerance_ratio": 1})"), "");
}

}  // namespace
