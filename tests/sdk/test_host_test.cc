// The SDK's TestHost, through segmenters built from the individual SDK headers (not the
// umbrellas): the default as_of is the documented fixed instant, and an explicit one reaches
// the plugin unchanged; the ABI 1.2 customer data reaches a plugin's accessors through the
// C ABI, and reads as absent from an ABI 1.1-sized customer; a declared
// kDefaultMissingAffinity reaches the plugin description, an undeclared one stays absent.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <persona/sdk/adapter.hpp>
#include <persona/sdk/civil_date.hpp>
#include <persona/sdk/config_value.hpp>
#include <persona/sdk/customer_view.hpp>
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

// A small triggers lens: labels the days until the customer's next birthday in their local
// calendar at as_of, and whether WhatsApp reaches them; grades 1 within 14 days. Absence
// means "no trigger", so it declares a default missing_affinity of 0.
class BirthdaySoon {
 public:
  struct Criterion {};
  static constexpr double kDefaultMissingAffinity = 0.0;
  static std::unique_ptr<BirthdaySoon> Create(const persona::sdk::Value&) {
    return std::make_unique<BirthdaySoon>();
  }
  std::unique_ptr<Criterion> Compile(const persona::sdk::Value&) const {
    return std::make_unique<Criterion>();
  }
  void Score(const PersonaCustomer& customer, const Criterion* const*, size_t count,
             const persona::sdk::ScoreContext& context,
             PersonaCriterionScore* scores) const noexcept {
    const std::optional<persona::sdk::CivilDate> birth = persona::sdk::BirthDate(customer);
    context.AddLabel("whatsapp", persona::sdk::HasOptIn(customer, "whatsapp") ? "yes" : "no");
    PersonaCriterionScore score{0.0, 0.0};
    if (birth) {
      const persona::sdk::CivilDate today =
          persona::sdk::CustomerLocalDate(customer, context.as_of_unix_seconds());
      const int32_t days = persona::sdk::DaysUntilNextAnniversary(*birth, today);
      char text[16];
      std::snprintf(text, sizeof(text), "%d", static_cast<int>(days));
      context.AddLabel("birthday_in_days", text);
      score = PersonaCriterionScore{days <= 14 ? 1.0 : 0.0, 1.0};
    }
    for (size_t i = 0; i < count; ++i) scores[i] = score;
  }
};

}  // namespace

PERSONA_SEGMENTER_PLUGIN(AsOfEcho, "as_of_echo", "1.0.0", "Echoes as_of as a label.")

namespace {

using persona::sdk::testing::CustomerBuilder;
using persona::sdk::testing::kCustomerSizeAbi11;
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

const PersonaSegmenterPlugin* BirthdaySoonPlugin() {
  return persona::sdk::internal::Adapter<BirthdaySoon>::Describe("birthday_soon", "1.0.0",
                                                                 "Birthdays in 14 days.");
}

TEST(TestHostTest, ADeclaredDefaultMissingAffinityReachesTheDescription) {
  const PersonaSegmenterPlugin* plugin = BirthdaySoonPlugin();
  EXPECT_EQ(plugin->abi_minor, 2u);
  EXPECT_EQ(plugin->has_default_missing_affinity, 1);
  EXPECT_EQ(plugin->default_missing_affinity, 0.0);
  EXPECT_EQ(TestHost(plugin).DefaultMissingAffinity(), std::optional<double>(0.0));
}

TEST(TestHostTest, NoDeclarationLeavesTheHostDefault) {
  const PersonaSegmenterPlugin* plugin = persona_segmenter_plugin();
  EXPECT_EQ(plugin->struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_EQ(plugin->has_default_missing_affinity, 0);
  EXPECT_FALSE(TestHost(plugin).DefaultMissingAffinity().has_value());

  // A description that ends before the field (a 1.1 plugin) reads as undeclared too.
  PersonaSegmenterPlugin older = *BirthdaySoonPlugin();
  older.struct_size = offsetof(PersonaSegmenterPlugin, has_default_missing_affinity);
  EXPECT_FALSE(TestHost(&older).DefaultMissingAffinity().has_value());
}

// 29 February 2000, in Jakarta, at 2027-02-27T17:00:00Z = 28 February 2027 00:00 local (a
// common year: the birthday is today) and one second earlier (27 February: tomorrow).
TEST(TestHostTest, TheBirthdayReachesThePluginInItsLocalCalendar) {
  TestHost host(BirthdaySoonPlugin());
  ASSERT_EQ(host.Create(), "");
  ASSERT_EQ(host.Compile("{}"), "");
  CustomerBuilder customer;
  customer.BirthDate(2000, 2, 29).TimeZone("Asia/Jakarta", 7 * 3600).ContactOptIns({"WhatsApp"});
  const int64_t local_midnight = 1803747600;  // date -u -d 2027-02-27T17:00:00Z +%s
  auto result = host.Score(customer.Build(), /*explain=*/false, local_midnight);
  ASSERT_EQ(result.status, PERSONA_OK) << result.error;
  EXPECT_EQ(result.Label("birthday_in_days"), "0");
  EXPECT_EQ(result.Label("whatsapp"), "yes");
  EXPECT_EQ(result.scores[0].affinity, 1.0);
  result = host.Score(customer.Build(), /*explain=*/false, local_midnight - 1);
  EXPECT_EQ(result.Label("birthday_in_days"), "1");

  // The same customer from an ABI 1.1 host: no birth date, no opt-ins, nothing to grade.
  result = host.Score(customer.BuildSized(kCustomerSizeAbi11), /*explain=*/false, local_midnight);
  ASSERT_EQ(result.status, PERSONA_OK) << result.error;
  EXPECT_EQ(result.Label("birthday_in_days"), "");
  EXPECT_EQ(result.Label("whatsapp"), "no");
  EXPECT_EQ(result.scores[0].coverage, 0.0);
}

}  // namespace
