// lib/catalog_comparison: every field of the shadow report, ties, the example cap and Merge.
#include "catalog_comparison/catalog_comparison.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace persona {
namespace {

using persona::v1::GetShadowReportResponse;
using persona::v1::PersonaShadowRow;
using persona::v1::ScoreCustomerResponse;

// An answer matching `matches` (persona id, score) in the given order.
ScoreCustomerResponse Answer(const std::string& version,
                             const std::vector<std::pair<std::string, double>>& matches) {
  ScoreCustomerResponse response;
  response.set_catalog_version(version);
  for (const auto& [id, score] : matches) {
    auto* match = response.add_matches();
    match->set_persona_id(id);
    match->set_score(score);
  }
  return response;
}

// Points into `report`: keep the report alive while using the row.
const PersonaShadowRow* Row(const GetShadowReportResponse& report, const std::string& id) {
  for (const auto& row : report.personas()) {
    if (row.persona_id() == id) return &row;
  }
  return nullptr;
}

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

std::vector<std::string> Order(const GetShadowReportResponse& report) {
  std::vector<std::string> ids;
  for (const auto& row : report.personas()) ids.push_back(row.persona_id());
  return ids;
}

TEST(CatalogComparisonTest, EmptyReportHasZeroRates) {
  CatalogComparison comparison;
  const GetShadowReportResponse report = comparison.Report();
  EXPECT_EQ(report.compared(), 0u);
  EXPECT_EQ(report.top1_agreement(), 0.0);
  EXPECT_TRUE(report.personas().empty());
  EXPECT_FALSE(report.staged());
}

TEST(CatalogComparisonTest, CountsEveryField) {
  CatalogComparison comparison;
  comparison.SetCatalogs({"hemat", "sultan", "lama"}, {"hemat", "sultan", "baru"});
  // c1: same best (hemat), sultan enters.
  comparison.Add("c1", Answer("L", {{"hemat", 0.8}}),
                 Answer("C", {{"hemat", 0.6}, {"sultan", 0.5}}));
  // c2: best changes lama -> baru: lama leaves (only live), baru enters (only candidate).
  comparison.Add("c2", Answer("L", {{"lama", 0.9}, {"hemat", 0.4}}),
                 Answer("C", {{"baru", 0.7}, {"hemat", 0.4}}));
  // c3: nothing on either side: agreement.
  comparison.Add("c3", Answer("L", {}), Answer("C", {}));
  // c4: live matches sultan, the candidate nothing.
  comparison.Add("c4", Answer("L", {{"sultan", 0.5}}), Answer("C", {}));
  comparison.CountDropped(3);
  comparison.CountFailed();

  const GetShadowReportResponse report = comparison.Report();
  EXPECT_EQ(report.compared(), 4u);
  EXPECT_EQ(report.dropped(), 3u);
  EXPECT_EQ(report.failed(), 1u);
  EXPECT_EQ(report.top1_agreements(), 2u);  // c1 and c3
  EXPECT_DOUBLE_EQ(report.top1_agreement(), 0.5);
  EXPECT_EQ(report.live_version(), "L");
  EXPECT_EQ(report.candidate_version(), "C");
  ASSERT_EQ(report.personas_size(), 4);

  const PersonaShadowRow* hemat = Row(report, "hemat");
  ASSERT_NE(hemat, nullptr);
  EXPECT_EQ(hemat->live_matches(), 2u);
  EXPECT_EQ(hemat->candidate_matches(), 2u);
  EXPECT_DOUBLE_EQ(hemat->live_match_rate(), 0.5);
  EXPECT_DOUBLE_EQ(hemat->candidate_match_rate(), 0.5);
  EXPECT_EQ(hemat->entered(), 0u);
  EXPECT_EQ(hemat->left(), 0u);
  // |0.6-0.8| and |0.4-0.4| over the two customers it matched on either side.
  EXPECT_NEAR(hemat->mean_abs_score_change(), 0.1, 1e-12);
  EXPECT_FALSE(hemat->only_live());
  EXPECT_FALSE(hemat->only_candidate());

  const PersonaShadowRow* sultan = Row(report, "sultan");
  ASSERT_NE(sultan, nullptr);
  EXPECT_EQ(sultan->live_matches(), 1u);
  EXPECT_EQ(sultan->candidate_matches(), 1u);
  EXPECT_EQ(sultan->entered(), 1u);
  EXPECT_EQ(sultan->left(), 1u);
  EXPECT_EQ(Ids(sultan->entered_examples()), std::vector<std::string>{"c1"});
  EXPECT_EQ(Ids(sultan->left_examples()), std::vector<std::string>{"c4"});
  // c1: 0.5 - 0 (not matched live counts as 0); c4: 0 - 0.5.
  EXPECT_NEAR(sultan->mean_abs_score_change(), 0.5, 1e-12);

  const PersonaShadowRow* lama = Row(report, "lama");
  ASSERT_NE(lama, nullptr);
  EXPECT_TRUE(lama->only_live());
  EXPECT_FALSE(lama->only_candidate());
  EXPECT_EQ(lama->left(), 1u);
  EXPECT_EQ(lama->live_matches(), 1u);
  EXPECT_DOUBLE_EQ(lama->live_match_rate(), 0.25);
  EXPECT_EQ(lama->candidate_matches(), 0u);
  EXPECT_NEAR(lama->mean_abs_score_change(), 0.9, 1e-12);

  const PersonaShadowRow* baru = Row(report, "baru");
  ASSERT_NE(baru, nullptr);
  EXPECT_TRUE(baru->only_candidate());
  EXPECT_FALSE(baru->only_live());
  EXPECT_EQ(baru->entered(), 1u);
  EXPECT_EQ(Ids(baru->entered_examples()), std::vector<std::string>{"c2"});
  EXPECT_DOUBLE_EQ(baru->candidate_match_rate(), 0.25);
}

TEST(CatalogComparisonTest, CatalogPersonasNeverMatchedGetZeroRows) {
  CatalogComparison comparison;
  comparison.SetCatalogs({"a", "b"}, {"a", "b"});
  comparison.Add("c1", Answer("L", {{"a", 1}}), Answer("C", {{"a", 1}}));
  const GetShadowReportResponse report = comparison.Report();
  const PersonaShadowRow* b = Row(report, "b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->live_matches(), 0u);
  EXPECT_EQ(b->mean_abs_score_change(), 0.0);
  EXPECT_FALSE(b->only_live());
}

TEST(CatalogComparisonTest, WithoutCatalogsNoRowIsFlagged) {
  CatalogComparison comparison;
  comparison.Add("c1", Answer("L", {{"a", 1}}), Answer("C", {{"b", 1}}));
  const GetShadowReportResponse report = comparison.Report();
  for (const auto& row : report.personas()) {
    EXPECT_FALSE(row.only_live()) << row.persona_id();
    EXPECT_FALSE(row.only_candidate()) << row.persona_id();
  }
}

TEST(CatalogComparisonTest, TopOneNoneOnOneSideIsADisagreement) {
  CatalogComparison comparison;
  comparison.Add("c1", Answer("L", {{"a", 1}}), Answer("C", {}));
  comparison.Add("c2", Answer("L", {}), Answer("C", {{"a", 1}}));
  // Same best persona even though the runners-up differ.
  comparison.Add("c3", Answer("L", {{"a", 1}, {"b", 0.5}}), Answer("C", {{"a", 0.9}}));
  const GetShadowReportResponse report = comparison.Report();
  EXPECT_EQ(report.top1_agreements(), 1u);
  EXPECT_NEAR(report.top1_agreement(), 1.0 / 3.0, 1e-12);
}

TEST(CatalogComparisonTest, RowsSortByNetChangeThenId) {
  CatalogComparison comparison;
  // zeta: 2 entered, 0 left (net 2); alpha, beta: net 1 (tie -> id); gamma: 1 and 1 (net 0);
  // delta: nothing changes (net 0, after gamma by id).
  comparison.Add("c1", Answer("L", {{"gamma", 1}, {"delta", 1}}),
                 Answer("C", {{"zeta", 1}, {"beta", 1}, {"delta", 1}}));
  comparison.Add("c2", Answer("L", {{"alpha", 1}}), Answer("C", {{"zeta", 1}, {"gamma", 1}}));
  const GetShadowReportResponse report = comparison.Report();
  EXPECT_EQ(Order(report), (std::vector<std::string>{"zeta", "alpha", "beta", "delta", "gamma"}));
}

TEST(CatalogComparisonTest, ExamplesAreTheFirstNSeenWithoutDuplicates) {
  CatalogComparison comparison(3);
  comparison.Add("", Answer("L", {}), Answer("C", {{"a", 1}}));
  for (int i = 0; i < 10; ++i) {
    comparison.Add("c" + std::to_string(i), Answer("L", {}), Answer("C", {{"a", 1}}));
  }
  // The same customer again, or one without an id, adds to the count, not to the examples.
  comparison.Add("c0", Answer("L", {}), Answer("C", {{"a", 1}}));
  comparison.Add("", Answer("L", {}), Answer("C", {{"a", 1}}));
  const GetShadowReportResponse report = comparison.Report();
  const PersonaShadowRow* a = Row(report, "a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->entered(), 13u);
  EXPECT_EQ(Ids(a->entered_examples()), (std::vector<std::string>{"c0", "c1", "c2"}));
  EXPECT_TRUE(a->left_examples().empty());
}

TEST(CatalogComparisonTest, ZeroExamplesMeansTheDefault) {
  CatalogComparison comparison(0);
  EXPECT_EQ(comparison.examples_per_change(), CatalogComparison::kDefaultExamples);
  for (int i = 0; i < 9; ++i) {
    comparison.Add("c" + std::to_string(i), Answer("L", {{"a", 1}}), Answer("C", {}));
  }
  const GetShadowReportResponse report = comparison.Report();
  EXPECT_EQ(Row(report, "a")->left_examples_size(), 5);
}

TEST(CatalogComparisonTest, APersonaListedTwiceCountsOnce) {
  CatalogComparison comparison;
  comparison.Add("c1", Answer("L", {{"a", 0.9}, {"a", 0.1}}), Answer("C", {{"a", 0.5}}));
  const GetShadowReportResponse report = comparison.Report();
  const PersonaShadowRow* a = Row(report, "a");
  EXPECT_EQ(a->live_matches(), 1u);
  EXPECT_NEAR(a->mean_abs_score_change(), 0.4, 1e-12);
}

TEST(CatalogComparisonTest, DistinctVersionsAreJoinedInOrderSeen) {
  CatalogComparison comparison;
  comparison.Add("c1", Answer("L1", {}), Answer("C", {}));
  comparison.Add("c2", Answer("L2", {}), Answer("C", {}));
  comparison.Add("c3", Answer("L1", {}), Answer("C", {}));
  const GetShadowReportResponse report = comparison.Report();
  EXPECT_EQ(report.live_version(), "L1, L2");
  EXPECT_EQ(report.candidate_version(), "C");
}

TEST(CatalogComparisonTest, MergeEqualsOneComparisonOverBothInputs) {
  const auto feed_first = [](CatalogComparison& c) {
    c.Add("a1", Answer("L", {{"x", 0.9}}), Answer("C", {{"x", 0.7}, {"y", 0.6}}));
    c.Add("a2", Answer("L", {{"y", 0.3}}), Answer("C", {}));
  };
  const auto feed_second = [](CatalogComparison& c) {
    c.Add("b1", Answer("L", {{"x", 0.2}}), Answer("C", {{"x", 0.8}}));
    c.Add("b2", Answer("L", {}), Answer("C", {{"y", 0.4}}));
    c.Add("b3", Answer("L", {}), Answer("C", {}));
  };
  CatalogComparison one(5), first(5), second(5);
  feed_first(one);
  feed_second(one);
  feed_first(first);
  feed_second(second);
  first.CountDropped(2);
  second.CountFailed(1);
  one.CountDropped(2);
  one.CountFailed(1);

  CatalogComparison merged(5);
  merged.Merge(first.Report());
  merged.Merge(second.Report());
  const GetShadowReportResponse expected = one.Report();
  const GetShadowReportResponse got = merged.Report();
  EXPECT_EQ(got.compared(), 5u);
  EXPECT_EQ(got.dropped(), 2u);
  EXPECT_EQ(got.failed(), 1u);
  EXPECT_EQ(got.top1_agreements(), expected.top1_agreements());
  EXPECT_DOUBLE_EQ(got.top1_agreement(), expected.top1_agreement());
  ASSERT_EQ(Order(got), Order(expected));
  for (int i = 0; i < got.personas_size(); ++i) {
    const PersonaShadowRow& g = got.personas(i);
    const PersonaShadowRow& e = expected.personas(i);
    SCOPED_TRACE(g.persona_id());
    EXPECT_EQ(g.live_matches(), e.live_matches());
    EXPECT_EQ(g.candidate_matches(), e.candidate_matches());
    EXPECT_DOUBLE_EQ(g.live_match_rate(), e.live_match_rate());
    EXPECT_DOUBLE_EQ(g.candidate_match_rate(), e.candidate_match_rate());
    EXPECT_EQ(g.entered(), e.entered());
    EXPECT_EQ(g.left(), e.left());
    EXPECT_NEAR(g.mean_abs_score_change(), e.mean_abs_score_change(), 1e-12);
    EXPECT_EQ(Ids(g.entered_examples()), Ids(e.entered_examples()));
    EXPECT_EQ(Ids(g.left_examples()), Ids(e.left_examples()));
  }
}

TEST(CatalogComparisonTest, MergeCapsExamplesAndKeepsTheFirstReportsFirst) {
  CatalogComparison first(5), second(5);
  for (int i = 0; i < 4; ++i) {
    first.Add("a" + std::to_string(i), Answer("L", {}), Answer("C", {{"p", 1}}));
    second.Add("b" + std::to_string(i), Answer("L", {}), Answer("C", {{"p", 1}}));
  }
  second.Add("a0", Answer("L", {}), Answer("C", {{"p", 1}}));  // same customer on both
  CatalogComparison merged(5);
  merged.Merge(first.Report());
  merged.Merge(second.Report());
  const GetShadowReportResponse report = merged.Report();
  const PersonaShadowRow* p = Row(report, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->entered(), 9u);
  EXPECT_EQ(Ids(p->entered_examples()), (std::vector<std::string>{"a0", "a1", "a2", "a3", "b0"}));
}

TEST(CatalogComparisonTest, MergeCombinesHeadersAndFlags) {
  GetShadowReportResponse a;
  a.set_staged(true);
  a.set_live_version("L");
  a.set_candidate_version("C1");
  a.set_shadow_sample_rate(0.25);
  a.mutable_staged_at()->set_seconds(200);
  a.add_personas()->set_persona_id("old");
  a.mutable_personas(0)->set_only_live(true);
  GetShadowReportResponse b;
  b.set_staged(true);
  b.set_live_version("L");
  b.set_candidate_version("C2");
  b.set_shadow_sample_rate(0.5);
  b.mutable_staged_at()->set_seconds(100);
  b.add_personas()->set_persona_id("new");
  b.mutable_personas(0)->set_only_candidate(true);
  GetShadowReportResponse unstaged;  // a replica with nothing staged

  CatalogComparison merged;
  merged.Merge(unstaged);
  merged.Merge(a);
  merged.Merge(b);
  const GetShadowReportResponse report = merged.Report();
  EXPECT_TRUE(report.staged());
  EXPECT_EQ(report.live_version(), "L");
  EXPECT_EQ(report.candidate_version(), "C1, C2");
  EXPECT_DOUBLE_EQ(report.shadow_sample_rate(), 0.25);
  EXPECT_EQ(report.staged_at().seconds(), 100);
  EXPECT_TRUE(Row(report, "old")->only_live());
  EXPECT_TRUE(Row(report, "new")->only_candidate());
  EXPECT_EQ(report.top1_agreement(), 0.0);  // nothing compared: no division by zero
}

TEST(CatalogComparisonTest, MergingNothingStagedLeavesItUnstaged) {
  CatalogComparison merged;
  merged.Merge(GetShadowReportResponse());
  EXPECT_FALSE(merged.Report().staged());
  EXPECT_FALSE(merged.Report().has_staged_at());
}

}  // namespace
}  // namespace persona
