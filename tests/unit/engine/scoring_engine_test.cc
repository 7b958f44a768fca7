#include "service/engine/scoring_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Pair;

// A fake criterion is just the score the fake segmenter returns for it.
struct FakeCriterion {
  PersonaCriterionScore score;
};

class FakeSegmenter : public SegmenterInstance {
 public:
  explicit FakeSegmenter(std::string label = "", bool fail = false, std::string reason = "")
      : label_(std::move(label)), fail_(fail), reason_(std::move(reason)) {}

  absl::StatusOr<const PersonaCompiledCriterion*> Compile(const PersonaValue&) override {
    return nullptr;  // tests add criteria directly
  }

  bool Score(const PersonaCustomer&, const PersonaCompiledCriterion* const* criteria, size_t count,
             const PersonaScoreRequest& request, PersonaCriterionScore* scores,
             PersonaErrorBuffer* error) const override {
    ++calls;
    last_count = count;
    if (!label_.empty()) {
      request.sink->add_label(request.sink->host_context, {"", 0}, {label_.data(), label_.size()});
    }
    if (fail_) {
      if (!reason_.empty()) std::snprintf(error->message, error->capacity, "%s", reason_.c_str());
      return false;
    }
    for (size_t i = 0; i < count; ++i) {
      scores[i] = reinterpret_cast<const FakeCriterion*>(criteria[i])->score;
      if (request.sink->explain) {
        request.sink->add_detail(request.sink->host_context, i, {"field", 5}, scores[i].affinity,
                                 scores[i].coverage < 1.0, {"why", 3});
      }
    }
    return true;
  }

  mutable int calls = 0;
  mutable size_t last_count = 0;

 private:
  std::string label_;
  bool fail_;
  std::string reason_;
};

struct CriterionSpec {
  uint32_t segmenter;
  double affinity;
  double coverage = 1.0;
  double weight = 1.0;
  bool required = false;
  double min_affinity = 0.5;
  double missing_affinity = 0.5;
};

// Builds snapshots the way the catalog loader lays them out: personas sorted by id,
// criteria grouped per segmenter in persona order.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::vector<std::unique_ptr<FakeSegmenter>> segmenters) {
    for (auto& segmenter : segmenters) {
      SegmenterSlot slot;
      slot.info.name = "seg" + std::to_string(snapshot_.segmenters.size());
      fakes_.push_back(segmenter.get());
      slot.instance = std::move(segmenter);
      snapshot_.segmenters.push_back(std::move(slot));
    }
  }

  SnapshotBuilder& Persona(const std::string& id, std::vector<CriterionSpec> criteria,
                           double min_score = 0.0) {
    pending_[id] = {criteria, min_score};
    return *this;
  }

  std::unique_ptr<CatalogSnapshot> Build() {
    auto snapshot = std::make_unique<CatalogSnapshot>(std::move(snapshot_));
    for (const auto& [id, spec] : pending_) {  // std::map: sorted by id
      CompiledPersona persona;
      persona.id = id;
      persona.display_name = id;
      persona.min_score = spec.second;
      for (const CriterionSpec& c : spec.first) {
        storage_.push_back(std::make_unique<FakeCriterion>(
            FakeCriterion{PersonaCriterionScore{c.affinity, c.coverage}}));
        SegmenterSlot& slot = snapshot->segmenters[c.segmenter];
        CompiledCriterion resolved{c.segmenter,    static_cast<uint32_t>(slot.criteria.size()),
                                   c.weight,       c.required,
                                   c.min_affinity, c.missing_affinity};
        slot.criteria.push_back(
            reinterpret_cast<const PersonaCompiledCriterion*>(storage_.back().get()));
        slot.persona_of.push_back(static_cast<uint32_t>(snapshot->personas.size()));
        slot.criterion_of.push_back(static_cast<uint32_t>(persona.criteria.size()));
        persona.total_weight += c.weight;
        persona.criteria.push_back(resolved);
      }
      snapshot->persona_index[id] = static_cast<uint32_t>(snapshot->personas.size());
      snapshot->personas.push_back(std::move(persona));
    }
    FinishCatalogSnapshot(snapshot.get());
    return snapshot;
  }

  FakeSegmenter* fake(size_t i) { return fakes_[i]; }

 private:
  CatalogSnapshot snapshot_;
  std::vector<FakeSegmenter*> fakes_;
  std::map<std::string, std::pair<std::vector<CriterionSpec>, double>> pending_;
  // Outlives the snapshot in every test: both are locals of the test body.
  static inline std::vector<std::unique_ptr<FakeCriterion>> storage_;
};

std::vector<std::unique_ptr<FakeSegmenter>> Fakes(int n) {
  std::vector<std::unique_ptr<FakeSegmenter>> out;
  for (int i = 0; i < n; ++i) out.push_back(std::make_unique<FakeSegmenter>());
  return out;
}

PersonaCustomer EmptyCustomer() {
  PersonaCustomer customer{};
  customer.struct_size = sizeof(customer);
  return customer;
}

std::vector<std::pair<std::string, double>> Ranking(const CatalogSnapshot& snapshot,
                                                    const ScoreResult& result) {
  std::vector<std::pair<std::string, double>> out;
  for (const PersonaScore& m : result.matches) {
    out.emplace_back(snapshot.personas[m.persona].id, m.score);
  }
  return out;
}

TEST(ScoringEngineTest, WeightedMeanOfAffinities) {
  SnapshotBuilder builder(Fakes(2));
  builder.Persona("a", {{0, 1.0, 1.0, 3.0}, {1, 0.0, 1.0, 1.0}});  // (3*1 + 1*0) / 4
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_DOUBLE_EQ(result.matches[0].score, 0.75);
}

TEST(ScoringEngineTest, OneCallPerSegmenterOverAllPersonas) {
  SnapshotBuilder builder(Fakes(2));
  builder.Persona("a", {{0, 1.0}, {1, 1.0}}).Persona("b", {{0, 0.5}}).Persona("c", {{0, 0.2}});
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  EXPECT_EQ(builder.fake(0)->calls, 1);
  EXPECT_EQ(builder.fake(0)->last_count, 3u);
  EXPECT_EQ(builder.fake(1)->calls, 1);
  EXPECT_EQ(builder.fake(1)->last_count, 1u);
}

TEST(ScoringEngineTest, RanksByScoreThenPersonaId) {
  SnapshotBuilder builder(Fakes(1));
  builder.Persona("zeta", {{0, 0.8}}).Persona("alpha", {{0, 0.8}}).Persona("mid", {{0, 0.9}});
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  EXPECT_THAT(Ranking(*snapshot, result),
              ElementsAre(Pair("mid", 0.9), Pair("alpha", 0.8), Pair("zeta", 0.8)));
}

TEST(ScoringEngineTest, TopKKeepsTheBest) {
  SnapshotBuilder builder(Fakes(1));
  builder.Persona("a", {{0, 0.1}}).Persona("b", {{0, 0.9}}).Persona("c", {{0, 0.5}});
  auto snapshot = builder.Build();
  ScoreOptions options;
  options.top_k = 2;
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), options, &result);
  EXPECT_THAT(Ranking(*snapshot, result), ElementsAre(Pair("b", 0.9), Pair("c", 0.5)));
}

TEST(ScoringEngineTest, MissingDataBlendsMissingAffinityByCoverage) {
  SnapshotBuilder builder(Fakes(1));
  // Affinity 1 over the quarter of the criterion that had data, 0.2 for the rest.
  CriterionSpec spec{0, 1.0, 0.25};
  spec.missing_affinity = 0.2;
  builder.Persona("a", {spec});
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_DOUBLE_EQ(result.matches[0].score, 0.25 * 1.0 + 0.75 * 0.2);
}

TEST(ScoringEngineTest, NoDataAtAllScoresMissingAffinityNotZero) {
  SnapshotBuilder builder(Fakes(1));
  builder.Persona("a", {{0, 0.0, 0.0}});  // affinity ignored when coverage is 0
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_DOUBLE_EQ(result.matches[0].score, 0.5);
}

TEST(ScoringEngineTest, RequiredCriterionBelowMinAffinityRemovesPersona) {
  SnapshotBuilder builder(Fakes(2));
  CriterionSpec required{1, 0.4};
  required.required = true;
  required.min_affinity = 0.5;
  CriterionSpec passing = required;
  passing.affinity = 0.5;  // the threshold itself passes
  builder.Persona("fails", {{0, 1.0, 1.0, 10.0}, required}).Persona("passes", {{0, 0.2}, passing});
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  EXPECT_THAT(Ranking(*snapshot, result), ElementsAre(Pair("passes", 0.35)));
}

TEST(ScoringEngineTest, MinScoreFilters) {
  SnapshotBuilder builder(Fakes(1));
  builder.Persona("low", {{0, 0.59}}, 0.6).Persona("high", {{0, 0.6}}, 0.6);
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  EXPECT_THAT(Ranking(*snapshot, result), ElementsAre(Pair("high", 0.6)));
}

TEST(ScoringEngineTest, PersonaFilterScoresOnlyThoseCriteria) {
  SnapshotBuilder builder(Fakes(2));
  builder.Persona("a", {{0, 0.1}, {1, 0.3}}).Persona("b", {{0, 0.9}}).Persona("c", {{1, 0.7}});
  auto snapshot = builder.Build();
  const std::vector<uint32_t> filter = {snapshot->persona_index.at("c"),
                                        snapshot->persona_index.at("a")};
  ScoreOptions options;
  options.persona_filter = filter;
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), options, &result);
  EXPECT_THAT(Ranking(*snapshot, result), ElementsAre(Pair("c", 0.7), Pair("a", 0.2)));
  EXPECT_EQ(builder.fake(0)->last_count, 1u);  // only a's criterion; b was not asked
  EXPECT_EQ(builder.fake(1)->last_count, 2u);
}

TEST(ScoringEngineTest, ExplainReportsContributionsAndDetails) {
  SnapshotBuilder builder(Fakes(2));
  CriterionSpec partial{1, 0.8, 0.5, 2.0};
  partial.missing_affinity = 0.4;
  builder.Persona("a", {{0, 1.0}, partial});
  auto snapshot = builder.Build();
  ScoreOptions options;
  options.explain = true;
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), options, &result);
  ASSERT_EQ(result.matches.size(), 1u);
  const auto& contributions = result.matches[0].contributions;
  ASSERT_EQ(contributions.size(), 2u);
  EXPECT_EQ(contributions[0].segmenter, 0u);
  EXPECT_DOUBLE_EQ(contributions[0].affinity, 1.0);
  EXPECT_FALSE(contributions[0].missing);
  EXPECT_EQ(contributions[1].segmenter, 1u);
  EXPECT_DOUBLE_EQ(contributions[1].weight, 2.0);
  EXPECT_DOUBLE_EQ(contributions[1].coverage, 0.5);
  EXPECT_DOUBLE_EQ(contributions[1].affinity, 0.5 * 0.8 + 0.5 * 0.4);
  EXPECT_TRUE(contributions[1].missing);
  ASSERT_EQ(contributions[1].details.size(), 1u);
  EXPECT_EQ(contributions[1].details[0].field, "field");
  EXPECT_EQ(contributions[1].details[0].reason, "why");
  // A detail flagged missing shows the criterion's missing_affinity.
  EXPECT_DOUBLE_EQ(contributions[1].details[0].affinity, 0.4);
}

TEST(ScoringEngineTest, NoExplanationsUnlessAsked) {
  SnapshotBuilder builder(Fakes(1));
  builder.Persona("a", {{0, 1.0}});
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_TRUE(result.matches[0].contributions.empty());
}

TEST(ScoringEngineTest, LabelsArePrefixedWithTheSegmenterName) {
  std::vector<std::unique_ptr<FakeSegmenter>> fakes;
  fakes.push_back(std::make_unique<FakeSegmenter>("champions"));
  SnapshotBuilder builder(std::move(fakes));
  builder.Persona("a", {{0, 1.0}});
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  ASSERT_EQ(result.labels.size(), 1u);
  EXPECT_EQ(result.labels[0].key, "seg0");
  EXPECT_EQ(result.labels[0].value, "champions");
}

TEST(ScoringEngineTest, AReusedResultHoldsOnlyThisCallsLabelsAndMatches) {
  // The engine rewrites a reused result's labels in place; a later call with fewer labels
  // must not leave the earlier call's behind.
  std::vector<std::unique_ptr<FakeSegmenter>> two;
  two.push_back(std::make_unique<FakeSegmenter>("champions"));
  two.push_back(std::make_unique<FakeSegmenter>("urban"));
  SnapshotBuilder builder_two(std::move(two));
  builder_two.Persona("a", {{0, 1.0}});
  builder_two.Persona("b", {{1, 0.5}});
  auto snapshot_two = builder_two.Build();

  std::vector<std::unique_ptr<FakeSegmenter>> one;
  one.push_back(std::make_unique<FakeSegmenter>("hibernating"));
  SnapshotBuilder builder_one(std::move(one));
  builder_one.Persona("c", {{0, 1.0}});
  auto snapshot_one = builder_one.Build();

  ScoreResult result;
  ScoreCustomer(*snapshot_two, EmptyCustomer(), {}, &result);
  ASSERT_EQ(result.labels.size(), 2u);
  EXPECT_EQ(result.matches.size(), 2u);
  ScoreCustomer(*snapshot_one, EmptyCustomer(), {}, &result);
  ASSERT_EQ(result.labels.size(), 1u);
  EXPECT_EQ(result.labels[0].key, "seg0");
  EXPECT_EQ(result.labels[0].value, "hibernating");
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_EQ(result.matches[0].persona, 0u);
}

// The engine ranks while it scans (a bounded top-k that skips personas certainly below the
// weakest kept one); this pins the result to the plain definition: every persona's
// Σ wᵢ·aᵢ / Σ wᵢ, filtered, sorted by score desc then persona, cut to top_k. Scores are
// drawn from a few values so that ties are common.
TEST(ScoringEngineTest, RankingMatchesAPlainSortOfEveryScore) {
  std::mt19937 rng(7);
  const auto pick = [&rng](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const double kAffinities[] = {0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 1.0, 0.3333333333333333};
  const double kWeights[] = {1.0, 0.5, 2.0, 0.1, 0.3};
  for (int round = 0; round < 40; ++round) {
    std::vector<std::unique_ptr<FakeSegmenter>> fakes;
    for (int s = 0; s < 3; ++s) fakes.push_back(std::make_unique<FakeSegmenter>());
    SnapshotBuilder builder(std::move(fakes));
    const int personas = 1 + pick(300);
    for (int p = 0; p < personas; ++p) {
      std::vector<CriterionSpec> criteria;
      for (uint32_t s = 0; s < 3; ++s) {
        if (pick(4) == 0) continue;
        CriterionSpec c{s, kAffinities[pick(8)]};
        c.coverage = pick(3) == 0 ? 0.5 : 1.0;
        c.weight = kWeights[pick(5)];
        c.required = pick(6) == 0;
        criteria.push_back(c);
      }
      char id[16];
      std::snprintf(id, sizeof(id), "p%05d", p);
      builder.Persona(id, criteria, pick(5) == 0 ? 0.4 : 0.0);
    }
    auto snapshot = builder.Build();

    // The reference: every persona scored and filtered by the formula, then sorted.
    std::vector<std::pair<double, uint32_t>> expected;
    for (uint32_t p = 0; p < snapshot->personas.size(); ++p) {
      const CompiledPersona& persona = snapshot->personas[p];
      double weighted = 0.0;
      bool dropped = false;
      for (const CompiledCriterion& c : persona.criteria) {
        const auto* fake = reinterpret_cast<const FakeCriterion*>(
            snapshot->segmenters[c.segmenter].criteria[c.position]);
        const double a = fake->score.coverage * fake->score.affinity +
                         (1.0 - fake->score.coverage) * c.missing_affinity;
        if (c.required && a < c.min_affinity) dropped = true;
        weighted += c.weight * a;
      }
      const double score = persona.total_weight > 0.0 ? weighted / persona.total_weight : 0.0;
      if (!dropped && score >= persona.min_score) expected.emplace_back(score, p);
    }
    std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });

    // Also through persona_ids given in reverse: later candidates then have lower indices,
    // so ties with the weakest kept match must still be let in.
    std::vector<uint32_t> reversed(snapshot->personas.size());
    for (uint32_t p = 0; p < reversed.size(); ++p) {
      reversed[p] = static_cast<uint32_t>(reversed.size()) - 1 - p;
    }
    for (const bool filtered : {false, true}) {
      for (const uint32_t top_k : {0u, 1u, 3u, 10u, 64u, 65u, 1000u}) {
        ScoreOptions options;
        options.top_k = top_k;
        if (filtered) options.persona_filter = reversed;
        ScoreResult result;
        ScoreCustomer(*snapshot, EmptyCustomer(), options, &result);
        const size_t want = top_k == 0 ? expected.size() : std::min<size_t>(top_k, expected.size());
        ASSERT_EQ(result.matches.size(), want)
            << "round " << round << " top_k " << top_k << " filtered " << filtered;
        for (size_t i = 0; i < want; ++i) {
          EXPECT_EQ(result.matches[i].persona, expected[i].second)
              << "round " << round << " top_k " << top_k << " filtered " << filtered << " rank "
              << i;
          EXPECT_EQ(result.matches[i].score, expected[i].first);
        }
      }
    }
  }
}

TEST(ScoringEngineTest, FailingSegmenterIsGradedAsMissingAndCounted) {
  std::vector<std::unique_ptr<FakeSegmenter>> fakes;
  fakes.push_back(std::make_unique<FakeSegmenter>("", /*fail=*/true));
  fakes.push_back(std::make_unique<FakeSegmenter>());
  SnapshotBuilder builder(std::move(fakes));
  builder.Persona("a", {{0, 1.0}, {1, 1.0}});
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  EXPECT_EQ(result.segmenter_faults, 1u);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_DOUBLE_EQ(result.matches[0].score, (0.5 + 1.0) / 2);
}

TEST(ScoringEngineTest, NonFiniteOrOutOfRangeAnswersNeverReachTheScore) {
  SnapshotBuilder builder(Fakes(1));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  builder.Persona("nan", {{0, nan}})
      .Persona("inf", {{0, std::numeric_limits<double>::infinity()}})
      .Persona("big", {{0, 7.0}})
      .Persona("neg", {{0, -1.0}});
  auto snapshot = builder.Build();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  EXPECT_EQ(result.segmenter_faults, 1u);
  EXPECT_THAT(Ranking(*snapshot, result),
              ElementsAre(Pair("big", 1.0), Pair("inf", 0.5), Pair("nan", 0.5), Pair("neg", 0.0)));
  for (const PersonaScore& m : result.matches) EXPECT_TRUE(std::isfinite(m.score));
}

TEST(ScoringEngineTest, AFinishedSnapshotHoldsTheFlatIndexTheEngineReads) {
  SnapshotBuilder builder(Fakes(2));
  CriterionSpec required{1, 0.9};
  required.required = true;
  required.min_affinity = 0.7;
  required.weight = 2.0;
  builder.Persona("b", {{0, 0.5}, required}, 0.25).Persona("a", {{1, 0.4}});
  auto snapshot = builder.Build();
  // Before any score: FinishCatalogSnapshot built it; the engine has nothing left to build.
  const EngineIndex& index = snapshot->engine_index;
  ASSERT_EQ(index.personas().size(), 2u);
  ASSERT_EQ(index.criteria().size(), 3u);
  // "a" (index 0) has segmenter 1's first criterion; "b" segmenter 0's and segmenter 1's second.
  EXPECT_EQ(index.personas()[0].criteria_begin, 0u);
  EXPECT_EQ(index.personas()[0].criteria_end, 1u);
  EXPECT_EQ(index.personas()[1].criteria_begin, 1u);
  EXPECT_EQ(index.personas()[1].criteria_end, 3u);
  EXPECT_DOUBLE_EQ(index.personas()[1].total_weight, 3.0);
  EXPECT_DOUBLE_EQ(index.personas()[1].min_score, 0.25);
  EXPECT_EQ(snapshot->slot_offsets, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(snapshot->criterion_count, 3u);
  EXPECT_EQ(index.criteria()[0].score_index, 1u);  // slot 1 starts after slot 0's one criterion
  EXPECT_EQ(index.criteria()[1].score_index, 0u);
  EXPECT_EQ(index.criteria()[2].score_index, 2u);
  EXPECT_EQ(index.criteria()[0].required_min, -std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(index.criteria()[2].required_min, 0.7);
  EXPECT_DOUBLE_EQ(index.criteria()[2].weight, 2.0);

  const EngineIndex::Persona* personas = index.personas().data();
  const EngineIndex::Criterion* criteria = index.criteria().data();
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &result);
  // Scoring read the index in place: same arrays, nothing rebuilt.
  EXPECT_EQ(index.personas().data(), personas);
  EXPECT_EQ(index.criteria().data(), criteria);
  EXPECT_THAT(Ranking(*snapshot, result),
              ElementsAre(Pair("b", (0.5 + 2 * 0.9) / 3), Pair("a", 0.4)));
}

// Records what the engine reports about faults.
class RecordingFaultObserver : public SegmenterFaultObserver {
 public:
  void OnSegmenterFault(const SegmenterInfo& segmenter, std::string_view reason) override {
    faults.emplace_back(segmenter.name, std::string(reason));
  }
  std::vector<std::pair<std::string, std::string>> faults;
};

TEST(ScoringEngineTest, FaultsNameTheirSegmenterAndReason) {
  std::vector<std::unique_ptr<FakeSegmenter>> fakes;
  fakes.push_back(std::make_unique<FakeSegmenter>());
  fakes.push_back(std::make_unique<FakeSegmenter>("", /*fail=*/true, "toy failed in score"));
  fakes.push_back(std::make_unique<FakeSegmenter>("", /*fail=*/true));  // no reason written
  fakes.push_back(std::make_unique<FakeSegmenter>());
  SnapshotBuilder builder(std::move(fakes));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  builder.Persona("a", {{0, 1.0}, {1, 1.0}, {2, 1.0}, {3, 0.5}})
      .Persona("b", {{3, nan}})
      .Persona("c", {{3, 0.4, 2.0}});
  auto snapshot = builder.Build();
  RecordingFaultObserver observer;
  ScoreOptions options;
  options.fault_observer = &observer;
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), options, &result);
  EXPECT_EQ(result.segmenter_faults, 3u);
  EXPECT_THAT(result.faulted_segmenters, ElementsAre(1u, 2u, 3u));
  ASSERT_EQ(observer.faults.size(), 3u);
  EXPECT_THAT(observer.faults[0], Pair("seg1", "toy failed in score"));
  EXPECT_THAT(observer.faults[1], Pair("seg2", "score failed without a reason"));
  // One fault per call, naming the first bad answer's persona and counting all of them.
  EXPECT_EQ(observer.faults[2].first, "seg3");
  EXPECT_EQ(observer.faults[2].second,
            "score answered affinity nan, coverage 1 for persona \"b\" criterion 0 (must be "
            "finite and in [0, 1]); 2 of 3 answers outside the contract");

  // A filtered call names the persona through its own positions.
  observer.faults.clear();
  const std::vector<uint32_t> only_c = {snapshot->persona_index.at("c")};
  options.persona_filter = only_c;
  ScoreCustomer(*snapshot, EmptyCustomer(), options, &result);
  EXPECT_THAT(result.faulted_segmenters, ElementsAre(1u, 2u, 3u));
  ASSERT_EQ(observer.faults.size(), 3u);
  EXPECT_THAT(observer.faults[2].second, ::testing::HasSubstr("coverage 2 for persona \"c\""));
  EXPECT_THAT(observer.faults[2].second, ::testing::HasSubstr("1 of 1 answers"));
}

TEST(ScoringEngineTest, HealthyCallsReportNoFault) {
  SnapshotBuilder builder(Fakes(2));
  builder.Persona("a", {{0, 1.0}, {1, 0.0}});
  auto snapshot = builder.Build();
  RecordingFaultObserver observer;
  ScoreOptions options;
  options.fault_observer = &observer;
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), options, &result);
  EXPECT_EQ(result.segmenter_faults, 0u);
  EXPECT_TRUE(result.faulted_segmenters.empty());
  EXPECT_TRUE(observer.faults.empty());
}

TEST(ScoringEngineTest, SameInputSameResult) {
  SnapshotBuilder builder(Fakes(2));
  for (int i = 0; i < 50; ++i) {
    builder.Persona("p" + std::to_string(i), {{0, (i % 7) / 7.0}, {1, (i % 3) / 3.0}});
  }
  auto snapshot = builder.Build();
  ScoreResult first, second;
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &first);
  ScoreCustomer(*snapshot, EmptyCustomer(), {}, &second);
  EXPECT_EQ(Ranking(*snapshot, first), Ranking(*snapshot, second));
}

}  // namespace
}  // namespace persona

namespace persona {
namespace {

TEST(ScoringEngineTimingTest, ReportsOneTimePerSegmenterWhenAsked) {
  SnapshotBuilder builder(Fakes(3));
  builder.Persona("a", {{0, 1.0}, {2, 1.0}});
  auto snapshot = builder.Build();
  std::vector<int64_t> nanos = {42};  // stale content is replaced
  ScoreOptions options;
  options.segmenter_nanos = &nanos;
  ScoreResult result;
  ScoreCustomer(*snapshot, EmptyCustomer(), options, &result);
  ASSERT_EQ(nanos.size(), 3u);
  for (int64_t n : nanos) EXPECT_GE(n, 0);
}

}  // namespace
}  // namespace persona
