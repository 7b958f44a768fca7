// The SDK's TestHost, through a segmenter built from the individual SDK headers (not the
// umbrellas): the default as_of is the documented fixed instant, and an explicit one reaches
// the plugin unchanged.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <persona/sdk/adapter.hpp>
#include <persona/sdk/config_value.hpp>
#include <persona/sdk/score_context.hpp>
#include <persona/sdk/testing/customer_builder.hpp>
#include <persona/sdk/testing/test_host.hpp>
#include <string>

namespace {

// Reports the as_of it was called with as its label, so the test can read it back.
class AsOfEcho {
 public:
  struct Criterion {};
  static std::unique_ptr<AsOfEcho> Create(const persona::sdk::Value& config) {
    config.RejectUnknownKeys({});
    return std::make_unique<AsOfEcho>();
  }
  std::unique_ptr<Criterion> Compile(const persona::sdk::Value& params) const {
    params.RejectUnknownKeys({});
    return std::make_unique<Criterion>();
  }
  void Score(const PersonaCustomer&, const Criterion* const*, size_t count,
             const persona::sdk::ScoreContext& context,
             PersonaCriterionScore* scores) const noexcept {
    char as_of[32];
    std::snprintf(as_of, sizeof(as_of), "%lld",
                  static_cast<long long>(context.as_of_unix_seconds()));
    context.AddLabel("as_of", as_of);
    for (size_t i = 0; i < count; ++i) scores[i] = PersonaCriterionScore{1.0, 1.0};
  }
};

}  // namespace

PERSONA_SEGMENTER_PLUGIN(AsOfEcho, "as_of_echo", "1.0.0", "Echoes as_of as a label.")

namespace {

using persona::sdk::testing::CustomerBuilder;
using persona::sdk::testing::kDefaultTestAsOf;
using persona::sdk::testing::TestHost;

TEST(TestHostTest, DefaultAsOfIsTheFirstSecondOf2026Utc) {
  EXPECT_EQ(kDefaultTestAsOf, 1767225600);  // date -u -d 2026-01-01T00:00:00Z +%s
  TestHost host(persona_segmenter_plugin());
  ASSERT_EQ(host.Create(), "");
  ASSERT_EQ(host.Compile("{}"), "");
  CustomerBuilder customer;
  const auto result = host.Score(customer.Build());
  ASSERT_EQ(result.status, PERSONA_OK) << result.error;
  EXPECT_EQ(result.Label("as_of"), std::to_string(kDefaultTestAsOf));
}

TEST(TestHostTest, AnExplicitAsOfReachesThePlugin) {
  TestHost host(persona_segmenter_plugin());
  ASSERT_EQ(host.Create(), "");
  CustomerBuilder customer;
  EXPECT_EQ(host.Score(customer.Build(), /*explain=*/false, 86400).Label("as_of"), "86400");
}

}  // namespace
