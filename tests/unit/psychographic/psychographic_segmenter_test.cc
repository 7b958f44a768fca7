// Behaviour of the psychographic segmenter beyond the golden table: parameter validation and
// its messages, explain output, labels, several criteria in one call.
#include "psychographic_segmenter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace persona {
namespace psychographic {
namespace {

using ::testing::AllOf;
using testing::CompileError;
using testing::CompileParams;
using testing::CreateError;
using testing::CustomerBuilder;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeSegmenter;
using testing::RecordedDetail;
using testing::RecordingSink;
using testing::ScoreOne;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------------------
// The trait formula on its own.
// ---------------------------------------------------------------------------------------

TEST(TraitAffinityTest, OneWithinToleranceThenLinearToZero) {
  EXPECT_DOUBLE_EQ(TraitAffinity(0.5, 0.5, 0.15), 1.0);
  EXPECT_DOUBLE_EQ(TraitAffinity(0.6, 0.5, 0.15), 1.0);                  // d = 0.1
  EXPECT_DOUBLE_EQ(TraitAffinity(0.35, 0.5, 0.15), 1.0);                 // d = 0.15, on the edge
  EXPECT_NEAR(TraitAffinity(0.1, 0.5, 0.15), 1.0 - 0.25 / 0.85, 1e-12);  // d = 0.4
  EXPECT_NEAR(TraitAffinity(0.9, 0.5, 0.15), 1.0 - 0.25 / 0.85, 1e-12);  // symmetric
  EXPECT_DOUBLE_EQ(TraitAffinity(1.0, 0.0, 0.15), 0.0);                  // d = 1
  EXPECT_DOUBLE_EQ(TraitAffinity(0.0, 1.0, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(TraitAffinity(0.3, 0.5, 0.0), 0.8);
  // A tolerance of 1 accepts every value instead of dividing by zero.
  EXPECT_DOUBLE_EQ(TraitAffinity(0.0, 1.0, 1.0), 1.0);
}

TEST(TraitAffinityTest, TraitNames) {
  EXPECT_STREQ(TraitName(kOpenness), "openness");
  EXPECT_STREQ(TraitName(kNeuroticism), "neuroticism");
  EXPECT_STREQ(TraitName(kTraitCount), "");
}

// ---------------------------------------------------------------------------------------
// Config.
// ---------------------------------------------------------------------------------------

TEST(ConfigTest, EmptyConfigUsesDefaultTolerance) {
  EXPECT_DOUBLE_EQ(MakeSegmenter("{}")->personality_tolerance(), 0.15);
  EXPECT_DOUBLE_EQ(MakeSegmenter("null")->personality_tolerance(), 0.15);
  EXPECT_DOUBLE_EQ(MakeSegmenter(R"({"personality_tolerance": 0.3})")->personality_tolerance(),
                   0.3);
}

TEST(ConfigTest, RejectsUnknownKeysAndBadValues) {
  EXPECT_EQ(CreateError(R"({"tolerance": 0.2})"),
            "config.tolerance: unknown parameter (known: personality_tolerance)");
  EXPECT_EQ(CreateError(R"({"personality_tolerance": 1.5})"),
            "config.personality_tolerance: must be between 0 and 1, got 1.5");
  EXPECT_EQ(CreateError(R"({"personality_tolerance": "wide"})"),
            "config.personality_tolerance: must be a number");
  EXPECT_EQ(CreateError("[]"), "config: must be an object");
}

// ---------------------------------------------------------------------------------------
// Params validation: every message names the path.
// ---------------------------------------------------------------------------------------

TEST(ParamsTest, ValidParamsCompile) {
  EXPECT_EQ(CompileError(R"({"interests": {"discounts": 1.0, "coupons": 0.8},
                             "values": ["frugality"]})"),
            "");
  EXPECT_EQ(CompileError(R"({"personality": {"openness": 0, "neuroticism": 1,
                             "tolerance": 1, "weight": 0.01}})"),
            "");
}

TEST(ParamsTest, RejectsEmptyAndNonObjectParams) {
  EXPECT_EQ(CompileError("{}"),
            "params: must name at least one of interests, values, lifestyle, "
            "preferred_channels, personality");
  EXPECT_EQ(CompileError("[]"), "params: must be an object");
}

TEST(ParamsTest, RejectsUnknownKeysAtEveryLevel) {
  EXPECT_EQ(CompileError(R"({"interest": {"a": 1}})"),
            "params.interest: unknown parameter (known: interests, values, lifestyle, "
            "preferred_channels, personality)");
  EXPECT_EQ(CompileError(R"({"interests": {"tags": {"a": 1}, "wieght": 2}})"),
            "params.interests.wieght: unknown parameter (known: tags, weight)");
  EXPECT_EQ(CompileError(R"({"values": {"any_of": ["a"], "mode": "any"}})"),
            "params.values.mode: unknown parameter (known: any_of, weight, match)");
  EXPECT_EQ(CompileError(R"({"personality": {"opennes": 0.5}})"),
            "params.personality.opennes: unknown parameter (known: openness, "
            "conscientiousness, extraversion, agreeableness, neuroticism, tolerance, weight)");
}

TEST(ParamsTest, RejectsOutOfRangeImportance) {
  EXPECT_EQ(CompileError(R"({"interests": {"discounts": 1.5}})"),
            "params.interests.discounts: must be between 0 and 1, got 1.5");
  EXPECT_EQ(CompileError(R"({"interests": {"discounts": -0.1}})"),
            "params.interests.discounts: must be between 0 and 1, got -0.1");
  EXPECT_THAT(CompileError(R"({"interests": {"discounts": 0}})"),
              StartsWith("params.interests.discounts: must be greater than 0"));
  EXPECT_EQ(CompileError(R"({"interests": {"discounts": "high"}})"),
            "params.interests.discounts: must be a number");
  EXPECT_EQ(CompileError(R"({"interests": {"tags": {"a": 2}}})"),
            "params.interests.tags.a: must be between 0 and 1, got 2");
}

TEST(ParamsTest, RejectsMalformedInterests) {
  EXPECT_EQ(CompileError(R"({"interests": {}})"),
            "params.interests: must name at least one interest tag");
  EXPECT_EQ(CompileError(R"({"interests": {"tags": {}, "weight": 2}})"),
            "params.interests.tags: must name at least one interest tag");
  EXPECT_EQ(CompileError(R"({"interests": ["discounts"]})"), "params.interests: must be an object");
  EXPECT_EQ(CompileError(R"({"interests": {"tags": ["discounts"]}})"),
            "params.interests.tags: must be an object");
  EXPECT_EQ(CompileError(R"({"interests": {"  ": 1}})"),
            "params.interests.  : interest tag must not be empty");
  // "weight" next to tags in the short form is almost certainly a misplaced field weight.
  EXPECT_THAT(CompileError(R"({"interests": {"discounts": 1, "weight": 2}})"),
              StartsWith("params.interests.weight: a per-field weight needs the object form"));
  // ...and in the object form a tag may be called "weight".
  EXPECT_EQ(CompileError(R"({"interests": {"tags": {"weight": 1}}})"), "");
}

TEST(ParamsTest, RejectsDuplicateTagsAfterNormalisation) {
  EXPECT_EQ(CompileError(R"({"interests": {"Discounts": 1, " discounts": 0.5}})"),
            "params.interests. discounts: duplicate tag \"discounts\" (same as "
            "params.interests.Discounts after trimming and lowercasing)");
  EXPECT_EQ(CompileError(R"({"values": ["Frugality", "family", "frugality "]})"),
            "params.values[2]: duplicate tag \"frugality\" (same as params.values[0] after "
            "trimming and lowercasing)");
  EXPECT_EQ(CompileError(R"({"lifestyle": {"any_of": ["urban", "URBAN"]}})"),
            "params.lifestyle.any_of[1]: duplicate tag \"urban\" (same as "
            "params.lifestyle.any_of[0] after trimming and lowercasing)");
}

TEST(ParamsTest, RejectsMalformedTagLists) {
  EXPECT_EQ(CompileError(R"({"values": []})"), "params.values: must name at least one tag");
  EXPECT_EQ(CompileError(R"({"values": {"any_of": []}})"),
            "params.values.any_of: must name at least one tag");
  EXPECT_EQ(CompileError(R"({"values": ["a", " "]})"), "params.values[1]: must not be empty");
  EXPECT_EQ(CompileError(R"({"values": ["a", 3]})"), "params.values[1]: must be a string");
  EXPECT_THAT(CompileError(R"({"values": 3})"),
              StartsWith("params.values: must be a list of tags or an object"));
  EXPECT_EQ(CompileError(R"({"values": {"weight": 2}})"), "params.values.any_of: is required");
  EXPECT_EQ(CompileError(R"({"preferred_channels": {"any_of": ["email"], "match": "all"}})"),
            "params.preferred_channels.match: must be \"share\" or \"any\", got \"all\"");
  EXPECT_EQ(CompileError(R"({"values": {"any_of": ["a"], "match": 1}})"),
            "params.values.match: must be a string");
}

TEST(ParamsTest, RejectsNonPositiveWeights) {
  EXPECT_EQ(CompileError(R"({"values": {"any_of": ["a"], "weight": 0}})"),
            "params.values.weight: must be greater than 0, got 0");
  EXPECT_EQ(CompileError(R"({"interests": {"tags": {"a": 1}, "weight": -1}})"),
            "params.interests.weight: must be greater than 0, got -1");
  EXPECT_EQ(CompileError(R"({"personality": {"openness": 0.5, "weight": 0}})"),
            "params.personality.weight: must be greater than 0, got 0");
  EXPECT_EQ(CompileError(R"({"lifestyle": {"any_of": ["a"], "weight": "2"}})"),
            "params.lifestyle.weight: must be a number");
}

TEST(ParamsTest, RejectsBadPersonality) {
  EXPECT_EQ(CompileError(R"({"personality": {"openness": 1.2}})"),
            "params.personality.openness: must be between 0 and 1, got 1.2");
  EXPECT_EQ(CompileError(R"({"personality": {"neuroticism": -0.5}})"),
            "params.personality.neuroticism: must be between 0 and 1, got -0.5");
  EXPECT_EQ(CompileError(R"({"personality": {"openness": 0.5, "tolerance": 2}})"),
            "params.personality.tolerance: must be between 0 and 1, got 2");
  EXPECT_THAT(CompileError(R"({"personality": {"tolerance": 0.1}})"),
              StartsWith("params.personality: must name at least one trait"));
  EXPECT_EQ(CompileError(R"({"personality": 0.5})"), "params.personality: must be an object");
}

TEST(ParamsTest, CompiledTagsAreNormalisedAndSorted) {
  const auto segmenter = MakeSegmenter();
  const auto criterion =
      CompileParams(*segmenter, R"({"interests": {"Zebra": 0.5, " apple ": 1, "MANGO": 0.25},
                      "values": ["Frugality", " Eco "],
                      "personality": {"neuroticism": 0.1, "openness": 0.9}})");
  ASSERT_TRUE(criterion->interests.has_value());
  EXPECT_EQ(criterion->interests->tags, (std::vector<std::string>{"apple", "mango", "zebra"}));
  EXPECT_EQ(criterion->interests->importance, (std::vector<double>{1.0, 0.25, 0.5}));
  EXPECT_DOUBLE_EQ(criterion->interests->importance_sum, 1.75);
  ASSERT_TRUE(criterion->values.has_value());
  EXPECT_EQ(criterion->values->tags, (std::vector<std::string>{"eco", "frugality"}));
  EXPECT_EQ(criterion->values->match, ListMatch::kShare);
  EXPECT_FALSE(criterion->lifestyle.has_value());
  ASSERT_TRUE(criterion->personality.has_value());
  ASSERT_EQ(criterion->personality->targets.size(), 2u);
  EXPECT_EQ(criterion->personality->targets[0].trait, kOpenness);
  EXPECT_EQ(criterion->personality->targets[1].trait, kNeuroticism);
  EXPECT_DOUBLE_EQ(criterion->personality->tolerance, 0.15);
}

// ---------------------------------------------------------------------------------------
// "any" versus "share" on the same customer.
// ---------------------------------------------------------------------------------------

TEST(MatchModeTest, AnyIsOneOnFirstHitShareCountsEveryTag) {
  const auto segmenter = MakeSegmenter();
  const auto share =
      CompileParams(*segmenter, R"({"lifestyle": ["urban", "pets", "travel", "gym"]})");
  const auto any = CompileParams(
      *segmenter,
      R"({"lifestyle": {"any_of": ["urban", "pets", "travel", "gym"], "match": "any"}})");
  CustomerBuilder one_hit;
  one_hit.Lifestyle({"gym", "remote_work"});
  CustomerBuilder no_hit;
  no_hit.Lifestyle({"remote_work"});
  RecordingSink sink(false);
  EXPECT_DOUBLE_EQ(ScoreOne(*segmenter, *share, one_hit.Build(), sink).affinity, 0.25);
  EXPECT_DOUBLE_EQ(ScoreOne(*segmenter, *any, one_hit.Build(), sink).affinity, 1.0);
  EXPECT_DOUBLE_EQ(ScoreOne(*segmenter, *share, no_hit.Build(), sink).affinity, 0.0);
  EXPECT_DOUBLE_EQ(ScoreOne(*segmenter, *any, no_hit.Build(), sink).affinity, 0.0);
  EXPECT_DOUBLE_EQ(ScoreOne(*segmenter, *any, no_hit.Build(), sink).coverage, 1.0);
}

// ---------------------------------------------------------------------------------------
// Score: several criteria per call, count == 0, labels, explain.
// ---------------------------------------------------------------------------------------

TEST(ScoreTest, GradesEveryCriterionInOneCall) {
  const auto segmenter = MakeSegmenter();
  const auto fred = CompileParams(*segmenter, R"({"interests": {"discounts": 1, "coupons": 0.8}})");
  const auto green = CompileParams(*segmenter, R"({"values": ["sustainability"]})");
  const auto calm = CompileParams(*segmenter, R"({"personality": {"neuroticism": 0.1}})");
  const PsychographicCriterion* criteria[] = {fred.get(), green.get(), calm.get()};
  CustomerBuilder builder;
  builder.Interest("discounts", 0.9).Values({"frugality"});
  RecordingSink sink(false);
  PersonaCriterionScore scores[3] = {{-1, -1}, {-1, -1}, {-1, -1}};
  segmenter->Score(builder.Build(), criteria, 3, sink.context(), scores);
  EXPECT_DOUBLE_EQ(scores[0].affinity, 0.5);
  EXPECT_DOUBLE_EQ(scores[0].coverage, 1.0);
  EXPECT_DOUBLE_EQ(scores[1].affinity, 0.0);
  EXPECT_DOUBLE_EQ(scores[1].coverage, 1.0);
  EXPECT_DOUBLE_EQ(scores[2].coverage, 0.0);
}

TEST(ScoreTest, CountZeroWritesNothingButStillLabels) {
  const auto segmenter = MakeSegmenter();
  CustomerBuilder builder;
  builder.Interest("cycling", 0.4).Interest("outdoors", 0.7);
  RecordingSink sink(true);
  segmenter->Score(builder.Build(), nullptr, 0, sink.context(), nullptr);
  EXPECT_THAT(sink.details, IsEmpty());
  ASSERT_EQ(sink.labels.size(), 1u);
  EXPECT_EQ(sink.labels[0].first, "top_interest");
  EXPECT_EQ(sink.labels[0].second, "outdoors");
}

TEST(ScoreTest, TopInterestLabel) {
  const auto segmenter = MakeSegmenter();
  const auto labels_for = [&](CustomerBuilder& builder) {
    RecordingSink sink(false);
    segmenter->Score(builder.Build(), nullptr, 0, sink.context(), nullptr);
    return sink.labels;
  };
  CustomerBuilder tie;  // equal strengths: the first tag in byte order wins
  tie.Interest("gaming", 0.8).Interest("cooking", 0.8).Interest("art", 0.2);
  ASSERT_EQ(labels_for(tie).size(), 1u);
  EXPECT_EQ(labels_for(tie)[0].second, "cooking");

  CustomerBuilder none;
  EXPECT_THAT(labels_for(none), IsEmpty());

  CustomerBuilder all_zero;  // nothing the customer actually cares about
  all_zero.Interest("gaming", 0.0);
  EXPECT_THAT(labels_for(all_zero), IsEmpty());
}

TEST(ExplainTest, NoDetailsWithoutExplain) {
  const auto segmenter = MakeSegmenter();
  const auto criterion = CompileParams(
      *segmenter, R"({"interests": {"discounts": 1}, "values": ["x"], "lifestyle": ["y"],
                      "personality": {"openness": 0.5, "neuroticism": 0.5}})");
  CustomerBuilder builder;
  builder.Interest("discounts", 0.9).Values({"x"}).Personality(kOpenness, 0.5);
  RecordingSink sink(false);
  ScoreOne(*segmenter, *criterion, builder.Build(), sink);
  EXPECT_THAT(sink.details, IsEmpty());
  EXPECT_EQ(sink.labels.size(), 1u);  // labels do not depend on explain
}

TEST(ExplainTest, OneDetailPerFieldAndTrait) {
  const auto segmenter = MakeSegmenter();
  const auto criterion =
      CompileParams(*segmenter, R"({"interests": {"discounts": 1.0, "coupons": 0.8},
                      "values": ["family", "sustainability"],
                      "lifestyle": ["urban"],
                      "preferred_channels": {"any_of": ["sms", "email"], "match": "any"},
                      "personality": {"openness": 0.8, "neuroticism": 0.2}})");
  CustomerBuilder builder;
  builder.Interest("discounts", 0.9)
      .Values({"family", "tradition"})
      .Channels({"email"})
      .Personality(kOpenness, 0.5);
  RecordingSink sink(true);
  const PersonaCriterionScore score = ScoreOne(*segmenter, *criterion, builder.Build(), sink);
  ASSERT_EQ(sink.details.size(), 6u);

  const RecordedDetail* interests = sink.FindDetail(0, "interests");
  ASSERT_NE(interests, nullptr);
  // Tags in byte order: coupons before discounts. "\u00d7" is the multiplication sign.
  EXPECT_EQ(interests->reason, "coupons 0\u00d70.8, discounts 0.9\u00d71 -> 0.5");
  EXPECT_DOUBLE_EQ(interests->affinity, 0.5);
  EXPECT_FALSE(interests->missing);

  const RecordedDetail* values = sink.FindDetail(0, "values");
  ASSERT_NE(values, nullptr);
  EXPECT_EQ(values->reason, "has family, lacks sustainability -> share: 1 of 2 -> 0.5");

  const RecordedDetail* lifestyle = sink.FindDetail(0, "lifestyle");
  ASSERT_NE(lifestyle, nullptr);
  EXPECT_TRUE(lifestyle->missing);
  EXPECT_EQ(lifestyle->reason, "customer lists no lifestyle");

  const RecordedDetail* channels = sink.FindDetail(0, "preferred_channels");
  ASSERT_NE(channels, nullptr);
  EXPECT_EQ(channels->reason, "has email, lacks sms -> any: 1 of 2 -> 1");
  EXPECT_DOUBLE_EQ(channels->affinity, 1.0);

  const RecordedDetail* openness = sink.FindDetail(0, "personality.openness");
  ASSERT_NE(openness, nullptr);
  EXPECT_EQ(openness->reason, "customer 0.5, target 0.8 \u00b1 0.15 -> 0.824");
  EXPECT_NEAR(openness->affinity, 14.0 / 17.0, 1e-12);

  const RecordedDetail* neuroticism = sink.FindDetail(0, "personality.neuroticism");
  ASSERT_NE(neuroticism, nullptr);
  EXPECT_TRUE(neuroticism->missing);
  EXPECT_EQ(neuroticism->reason, "customer did not say");

  // The details explain the score: present fields interests 0.5, values 0.5, channels 1,
  // openness 14/17 at half the personality weight; missing lifestyle and neuroticism.
  EXPECT_NEAR(score.affinity, (0.5 + 0.5 + 1.0 + 0.5 * 14.0 / 17.0) / 3.5, 1e-12);
  EXPECT_NEAR(score.coverage, 3.5 / 5.0, 1e-12);
}

TEST(ExplainTest, MissingInterestsDetail) {
  const auto segmenter = MakeSegmenter();
  const auto criterion = CompileParams(*segmenter, R"({"interests": {"discounts": 1}})");
  CustomerBuilder builder;
  RecordingSink sink(true);
  ScoreOne(*segmenter, *criterion, builder.Build(), sink);
  ASSERT_EQ(sink.details.size(), 1u);
  EXPECT_EQ(sink.details[0].field, "interests");
  EXPECT_TRUE(sink.details[0].missing);
  EXPECT_EQ(sink.details[0].reason, "customer has no interests");
}

TEST(ExplainTest, DetailsCarryTheCriterionIndex) {
  const auto segmenter = MakeSegmenter();
  const auto first = CompileParams(*segmenter, R"({"values": ["a"]})");
  const auto second = CompileParams(*segmenter, R"({"lifestyle": ["b"]})");
  const PsychographicCriterion* criteria[] = {first.get(), second.get()};
  CustomerBuilder builder;
  builder.Values({"a"}).Lifestyle({"b"});
  RecordingSink sink(true);
  PersonaCriterionScore scores[2];
  segmenter->Score(builder.Build(), criteria, 2, sink.context(), scores);
  ASSERT_NE(sink.FindDetail(0, "values"), nullptr);
  ASSERT_NE(sink.FindDetail(1, "lifestyle"), nullptr);
  EXPECT_EQ(sink.FindDetail(0, "lifestyle"), nullptr);
  EXPECT_EQ(sink.FindDetail(1, "values"), nullptr);
}

TEST(ExplainTest, LongReasonsAreShortenedNotCut) {
  // 60 tags of 20 characters cannot fit the reason buffer: the list ends in "..." and the
  // conclusion is still there.
  std::string params = R"({"values": [)";
  for (int i = 0; i < 60; ++i) {
    params += (i ? ", \"" : "\"") + std::string("value_tag_number_") + (i < 10 ? "0" : "") +
              std::to_string(i) + "\"";
  }
  params += "]}";
  const auto segmenter = MakeSegmenter();
  const auto criterion = CompileParams(*segmenter, params);
  CustomerBuilder builder;
  builder.Values({"value_tag_number_00", "value_tag_number_59"});
  RecordingSink sink(true);
  ScoreOne(*segmenter, *criterion, builder.Build(), sink);
  ASSERT_EQ(sink.details.size(), 1u);
  const std::string& reason = sink.details[0].reason;
  EXPECT_LT(reason.size(), 512u);
  EXPECT_THAT(reason, AllOf(StartsWith("has value_tag_number_00, lacks value_tag_number_01"),
                            HasSubstr(", ... -> share: 2 of 60 -> 0.0333"), EndsWith("-> 0.0333")));
}

}  // namespace
}  // namespace psychographic
}  // namespace persona
