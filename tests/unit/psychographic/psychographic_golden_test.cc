// Golden table: (config, params, customer) -> affinity and coverage, each expectation worked
// out by hand from the formulas in plugins/psychographic/README.md (the arithmetic is in the
// row). A change to a formula must change this table on purpose.
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>

#include "psychographic_segmenter.h"
#include "test_support.h"

namespace persona {
namespace psychographic {
namespace {

using testing::CompileParams;
using testing::CustomerBuilder;
using testing::MakeSegmenter;
using testing::RecordingSink;
using testing::ScoreOne;

struct GoldenCase {
  const char* name;
  const char* config;
  const char* params;
  std::function<void(CustomerBuilder&)> customer;
  double affinity;
  double coverage;
};

void NoData(CustomerBuilder&) {}

const GoldenCase kCases[] = {
    // --- interests: sum(importance * strength) / sum(importance) ---
    {"interests_partial_overlap", "{}", R"({"interests": {"discounts": 1.0, "coupons": 0.8}})",
     [](CustomerBuilder& c) { c.Interest("discounts", 0.9); },
     // (1.0*0.9 + 0.8*0) / 1.8
     0.5, 1.0},
    {"interests_full_overlap", "{}", R"({"interests": {"outdoors": 0.5, "cycling": 0.25}})",
     [](CustomerBuilder& c) {
       c.Interest("outdoors", 1.0).Interest("cycling", 0.4).Interest("cooking", 0.9);
     },
     // (0.5*1.0 + 0.25*0.4) / 0.75 = 0.6 / 0.75; cooking is not named, so not matched
     0.8, 1.0},
    {"interests_no_shared_tag", "{}", R"({"interests": {"gaming": 1}})",
     [](CustomerBuilder& c) { c.Interest("cooking", 1.0); },
     // the customer has interests, none of them named: present, affinity 0
     0.0, 1.0},
    {"interests_named_at_zero_strength", "{}", R"({"interests": {"gaming": 1}})",
     [](CustomerBuilder& c) { c.Interest("gaming", 0.0); }, 0.0, 1.0},
    {"interests_customer_has_none", "{}", R"({"interests": {"gaming": 1}})", NoData,
     // interest_count == 0: the only field is missing
     0.0, 0.0},
    {"interests_case_and_whitespace", "{}", R"({"interests": {" Discounts ": 1, "COUPONS": 0.8}})",
     [](CustomerBuilder& c) { c.Interest("discounts", 0.9).Interest("coupons", 0.5); },
     // (1*0.9 + 0.8*0.5) / 1.8 = 1.3 / 1.8
     0.7222222222222222, 1.0},
    {"interests_object_form_weight", "{}",
     R"({"interests": {"tags": {"a": 1}, "weight": 0.5}, "values": ["x"]})",
     [](CustomerBuilder& c) { c.Interest("a", 0.2).Values({"y"}); },
     // interests 0.2 at weight 0.5, values 0 at weight 1: (0.5*0.2 + 1*0) / 1.5
     0.06666666666666667, 1.0},
    {"interests_missing_values_present", "{}", R"({"interests": {"a": 1}, "values": ["x"]})",
     [](CustomerBuilder& c) { c.Values({"x"}); },
     // values 1 at weight 1 present; interests weight 1 missing: coverage 1/2
     1.0, 0.5},

    // --- values / lifestyle / preferred_channels: share (default) or any ---
    {"values_share", "{}", R"({"values": ["frugality", "sustainability", "family"]})",
     [](CustomerBuilder& c) {
       c.Values({"family", "frugality", "tradition"});
     },
     // 2 of 3 listed tags
     0.6666666666666666, 1.0},
    {"values_share_interleaved", "{}", R"({"values": ["g", "a", "e", "c"]})",
     [](CustomerBuilder& c) {
       c.Values({"b", "c", "d", "g", "h"});
     },
     // c and g of a, c, e, g
     0.5, 1.0},
    {"values_any_hit", "{}",
     R"({"values": {"any_of": ["frugality", "sustainability"], "match": "any"}})",
     [](CustomerBuilder& c) { c.Values({"sustainability"}); }, 1.0, 1.0},
    {"values_any_miss", "{}",
     R"({"values": {"any_of": ["frugality", "sustainability"], "match": "any"}})",
     [](CustomerBuilder& c) { c.Values({"luxury"}); }, 0.0, 1.0},
    {"values_share_object_form", "{}",
     R"({"values": {"any_of": ["frugality", "sustainability"], "match": "share"}})",
     [](CustomerBuilder& c) { c.Values({"sustainability"}); },
     // 1 of 2
     0.5, 1.0},
    {"values_object_form_defaults_to_share", "{}",
     R"({"values": {"any_of": ["frugality", "sustainability"]}})",
     [](CustomerBuilder& c) { c.Values({"sustainability"}); }, 0.5, 1.0},
    {"values_missing", "{}", R"({"values": ["frugality"]})", NoData, 0.0, 0.0},
    {"lifestyle_single_string", "{}", R"({"lifestyle": " Urban "})",
     [](CustomerBuilder& c) { c.Lifestyle({"urban"}); }, 1.0, 1.0},
    {"channels_share_case_insensitive", "{}", R"({"preferred_channels": ["Email", "SMS"]})",
     [](CustomerBuilder& c) {
       c.Channels({"email", "push"});
     },
     // email of email, sms
     0.5, 1.0},

    // --- personality: 1 within tolerance, else 1 - (d - tol) / (1 - tol) ---
    {"personality_within_tolerance", "{}", R"({"personality": {"openness": 0.8}})",
     [](CustomerBuilder& c) { c.Personality(kOpenness, 0.7); },
     // d = 0.1 <= 0.15
     1.0, 1.0},
    {"personality_beyond_tolerance", "{}", R"({"personality": {"openness": 0.8}})",
     [](CustomerBuilder& c) { c.Personality(kOpenness, 0.5); },
     // d = 0.3: 1 - 0.15/0.85 = 14/17
     0.8235294117647058, 1.0},
    {"personality_tolerance_zero", "{}",
     R"({"personality": {"extraversion": 0.0, "tolerance": 0}})",
     [](CustomerBuilder& c) { c.Personality(kExtraversion, 0.25); },
     // d = 0.25: 1 - 0.25/1
     0.75, 1.0},
    {"personality_farthest", "{}", R"({"personality": {"neuroticism": 0.0}})",
     [](CustomerBuilder& c) { c.Personality(kNeuroticism, 1.0); },
     // d = 1: 1 - 0.85/0.85
     0.0, 1.0},
    {"personality_two_traits", "{}", R"({"personality": {"openness": 0.8, "neuroticism": 0.2}})",
     [](CustomerBuilder& c) { c.Personality(kOpenness, 0.5).Personality(kNeuroticism, 1.0); },
     // openness 14/17; neuroticism d = 0.8: 1 - 0.65/0.85 = 4/17; mean = 9/17
     0.5294117647058824, 1.0},
    {"personality_one_of_two_traits", "{}",
     R"({"personality": {"openness": 0.8, "neuroticism": 0.2}})",
     [](CustomerBuilder& c) { c.Personality(kOpenness, 0.5); },
     // only openness present (14/17); half the field's weight is missing
     0.8235294117647058, 0.5},
    {"personality_config_tolerance", R"({"personality_tolerance": 0.5})",
     R"({"personality": {"openness": 1}})",
     [](CustomerBuilder& c) { c.Personality(kOpenness, 0.25); },
     // d = 0.75, tolerance 0.5 from config: 1 - 0.25/0.5
     0.5, 1.0},
    {"personality_params_override_config", R"({"personality_tolerance": 0.5})",
     R"({"personality": {"openness": 1, "tolerance": 0}})",
     [](CustomerBuilder& c) { c.Personality(kOpenness, 0.25); },
     // d = 0.75, tolerance 0: 1 - 0.75
     0.25, 1.0},

    // --- per-field weights and coverage ---
    {"weights_with_missing_field", "{}",
     R"({"interests": {"tags": {"discounts": 1}, "weight": 3},
         "values": {"any_of": ["frugality"], "weight": 1},
         "lifestyle": ["urban"]})",
     [](CustomerBuilder& c) { c.Interest("discounts", 0.5).Lifestyle({"urban"}); },
     // present: interests 0.5 (w 3), lifestyle 1 (w 1); missing: values (w 1)
     // affinity (3*0.5 + 1*1) / 4 = 0.625; coverage 4/5
     0.625, 0.8},
    {"personality_weight_split_over_traits", "{}",
     R"({"values": ["frugality"],
         "personality": {"openness": 0.5, "agreeableness": 0.5, "weight": 2}})",
     [](CustomerBuilder& c) { c.Values({"frugality"}).Personality(kOpenness, 0.0); },
     // values 1 (w 1); openness d = 0.5: 1 - 0.35/0.85 = 10/17 (w 2/2 = 1); agreeableness
     // missing (w 1). affinity (1 + 10/17) / 2 = 27/34; coverage 2/3
     0.7941176470588235, 0.6666666666666666},
    {"all_fields", "{}",
     R"({"interests": {"discounts": 1.0, "coupons": 0.8},
         "values": ["frugality"],
         "lifestyle": {"any_of": ["urban", "suburban"], "match": "any", "weight": 0.5},
         "preferred_channels": ["email", "whatsapp"],
         "personality": {"conscientiousness": 0.9, "tolerance": 0.1, "weight": 2}})",
     [](CustomerBuilder& c) {
       c.Interest("discounts", 0.9)
           .Interest("coupons", 1.0)
           .Values({"frugality", "family"})
           .Lifestyle({"suburban"})
           .Channels({"email"})
           .Personality(kConscientiousness, 0.6);
     },
     // interests (0.9 + 0.8)/1.8 = 17/18 (w 1); values 1 (w 1); lifestyle any 1 (w 0.5);
     // channels 1/2 (w 1); conscientiousness d = 0.3: 1 - 0.2/0.9 = 7/9 (w 2)
     // (17/18 + 1 + 0.5 + 0.5 + 14/9) / 5.5 = 4.5 / 5.5 = 9/11
     0.8181818181818182, 1.0},
    {"all_fields_no_data", "{}",
     R"({"interests": {"a": 1}, "values": ["b"], "lifestyle": ["c"],
         "preferred_channels": ["d"], "personality": {"openness": 0.5}})",
     NoData, 0.0, 0.0},
};

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, AffinityAndCoverage) {
  const GoldenCase& golden = GetParam();
  const auto segmenter = MakeSegmenter(golden.config);
  const auto criterion = CompileParams(*segmenter, golden.params);
  CustomerBuilder builder;
  golden.customer(builder);
  RecordingSink sink(/*explain=*/false);
  const PersonaCriterionScore score = ScoreOne(*segmenter, *criterion, builder.Build(), sink);
  EXPECT_NEAR(score.affinity, golden.affinity, 1e-9) << golden.params;
  EXPECT_NEAR(score.coverage, golden.coverage, 1e-9) << golden.params;
}

// Default (numeric) test names plus this printer: gtest_discover_tests then names each ctest
// after the row ("Psychographic/GoldenTest.AffinityAndCoverage/values_share") instead of
// appending a byte dump, which a custom name generator would not avoid.
void PrintTo(const GoldenCase& golden, std::ostream* os) { *os << golden.name; }

INSTANTIATE_TEST_SUITE_P(Psychographic, GoldenTest, ::testing::ValuesIn(kCases));

}  // namespace
}  // namespace psychographic
}  // namespace persona
