// Score grades by interned tag ids when explain is off and by tag strings when explain is
// on (the explanation needs the text). The two must agree bit for bit: these tests score
// random catalogs and customers both ways and compare, including catalogs whose tag fields
// outgrow a 64-bit mask and one that outgrows the id tables (string path both ways).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "psychographic_segmenter.h"
#include "test_support.h"

namespace persona {
namespace psychographic {
namespace {

using testing::CompileParams;
using testing::CustomerBuilder;
using testing::MakeSegmenter;
using testing::RecordingSink;

class RandomCatalog {
 public:
  RandomCatalog(uint32_t seed, int vocabulary) : rng_(seed), vocabulary_(vocabulary) {}

  std::string Tag(const char* prefix) {
    return std::string(prefix) + std::to_string(Int(0, vocabulary_ - 1));
  }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double Unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  bool Chance(double p) { return Unit() < p; }

  // A random criterion's params; tags may repeat across criteria, never within a field.
  std::string Params() {
    std::string json = "{";
    const auto add = [&json](const std::string& member) {
      if (json.size() > 1) json += ", ";
      json += member;
    };
    if (Chance(0.7)) {
      std::string tags;
      std::vector<std::string> seen;
      for (int n = Int(1, 5); n > 0; --n) {
        const std::string tag = Tag("i");
        if (std::find(seen.begin(), seen.end(), tag) != seen.end()) continue;
        seen.push_back(tag);
        if (!tags.empty()) tags += ", ";
        tags += "\"" + tag + "\": " + std::to_string(0.05 + 0.95 * Unit());
      }
      add(Chance(0.5) ? "\"interests\": {" + tags + "}"
                      : "\"interests\": {\"tags\": {" + tags +
                            "}, \"weight\": " + std::to_string(0.1 + 2 * Unit()) + "}");
    }
    for (const char* field : {"values", "lifestyle", "preferred_channels"}) {
      if (!Chance(0.6)) continue;
      std::string list;
      std::vector<std::string> seen;
      for (int n = Int(1, 4); n > 0; --n) {
        const std::string tag = Tag(field);
        if (std::find(seen.begin(), seen.end(), tag) != seen.end()) continue;
        seen.push_back(tag);
        if (!list.empty()) list += ", ";
        list += "\"" + tag + "\"";
      }
      if (Chance(0.5)) {
        add("\"" + std::string(field) + "\": [" + list + "]");
      } else {
        add("\"" + std::string(field) + "\": {\"any_of\": [" + list + "], \"match\": \"" +
            (Chance(0.5) ? "any" : "share") +
            "\", \"weight\": " + std::to_string(0.1 + 2 * Unit()) + "}");
      }
    }
    if (Chance(0.3) || json.size() == 1) {
      add("\"personality\": {\"openness\": " + std::to_string(Unit()) +
          ", \"neuroticism\": " + std::to_string(Unit()) + "}");
    }
    return json + "}";
  }

  void Customer(CustomerBuilder* builder) {
    if (Chance(0.85)) {
      for (int n = Int(1, 12); n > 0; --n) builder->Interest(Tag("i"), Unit());
    }
    const auto list = [this](const char* prefix) {
      std::vector<std::string> tags;
      if (Chance(0.8)) {
        for (int n = Int(1, 6); n > 0; --n) tags.push_back(Tag(prefix));
      }
      return tags;
    };
    builder->Values(list("values"));
    builder->Lifestyle(list("lifestyle"));
    builder->Channels(list("preferred_channels"));
    if (Chance(0.7)) builder->Personality(kOpenness, Unit());
  }

 private:
  std::mt19937 rng_;
  int vocabulary_;
};

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(a)) == 0; }

// Scores `customers` random customers against `personas` random criteria both ways.
void ExpectIdPathMatchesStringPath(uint32_t seed, int vocabulary, int personas, int customers) {
  RandomCatalog random(seed, vocabulary);
  const auto segmenter = MakeSegmenter();
  std::vector<std::unique_ptr<PsychographicCriterion>> owned;
  std::vector<const PsychographicCriterion*> criteria;
  for (int p = 0; p < personas; ++p) {
    owned.push_back(CompileParams(*segmenter, random.Params()));
    criteria.push_back(owned.back().get());
  }
  for (int c = 0; c < customers; ++c) {
    CustomerBuilder builder;
    random.Customer(&builder);
    const PersonaCustomer& customer = builder.Build();
    std::vector<PersonaCriterionScore> quiet(criteria.size()), explained(criteria.size());
    RecordingSink quiet_sink(false), explain_sink(true);
    segmenter->Score(customer, criteria.data(), criteria.size(), quiet_sink.context(),
                     quiet.data());
    segmenter->Score(customer, criteria.data(), criteria.size(), explain_sink.context(),
                     explained.data());
    for (size_t i = 0; i < criteria.size(); ++i) {
      ASSERT_TRUE(SameBits(quiet[i].affinity, explained[i].affinity) &&
                  SameBits(quiet[i].coverage, explained[i].coverage))
          << "seed " << seed << " customer " << c << " criterion " << i << ": ids gave {"
          << quiet[i].affinity << ", " << quiet[i].coverage << "}, strings {"
          << explained[i].affinity << ", " << explained[i].coverage << "}";
    }
    EXPECT_EQ(quiet_sink.labels, explain_sink.labels);
  }
}

TEST(FastPathTest, SmallVocabularyFitsMasks) {
  for (uint32_t seed = 1; seed <= 20; ++seed) ExpectIdPathMatchesStringPath(seed, 12, 60, 40);
}

TEST(FastPathTest, LargeVocabularyUsesWideLists) {
  // Hundreds of distinct tags per field: ids beyond 63 are graded through the id tables.
  for (uint32_t seed = 1; seed <= 10; ++seed) ExpectIdPathMatchesStringPath(seed, 400, 300, 30);
}

TEST(FastPathTest, DictionaryLargerThanTheStackTables) {
  // More distinct tags than the id tables hold: Score falls back to strings both ways, and
  // still agrees with itself and with a small catalog's answer.
  const auto segmenter = MakeSegmenter();
  std::string values;
  for (int i = 0; i < 2100; ++i) values += (i ? ", \"v" : "\"v") + std::to_string(i) + "\"";
  const auto huge = CompileParams(*segmenter, "{\"values\": [" + values + "]}");
  const auto small = CompileParams(*segmenter, R"({"values": ["v7", "v9"]})");
  const PsychographicCriterion* criteria[] = {huge.get(), small.get()};
  CustomerBuilder builder;
  builder.Values({"v7", "v1000"});
  const PersonaCustomer& customer = builder.Build();
  RecordingSink quiet_sink(false), explain_sink(true);
  PersonaCriterionScore quiet[2], explained[2];
  segmenter->Score(customer, criteria, 2, quiet_sink.context(), quiet);
  segmenter->Score(customer, criteria, 2, explain_sink.context(), explained);
  EXPECT_DOUBLE_EQ(quiet[0].affinity, 2.0 / 2100.0);
  EXPECT_DOUBLE_EQ(quiet[1].affinity, 0.5);
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(SameBits(quiet[i].affinity, explained[i].affinity));
    EXPECT_TRUE(SameBits(quiet[i].coverage, explained[i].coverage));
  }
}

}  // namespace
}  // namespace psychographic
}  // namespace persona
