#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "client/bulk/label_distribution.h"
#include "client/bulk/score_file.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {

// The summary persona-cli report draws. Shares are of the scored customers.
struct PersonaSummaryRow {
  std::string id;
  std::string display_name;
  uint64_t top_count = 0;    // customers whose best match it is
  uint64_t match_count = 0;  // customers it matched at all
  double score_sum = 0;      // over its matches
  // Scores of its matches in ten bins of 0.1: [0, 0.1), …, [0.9, 1.0] (1.0 in the last).
  std::array<uint64_t, 10> histogram{};
};

struct PersonaPair {
  std::string a, b;
  uint64_t both = 0;     // customers matching both
  double jaccard = 0.0;  // both / customers matching either: 1 = indistinguishable
};

struct Report {
  uint64_t records = 0;  // input records
  uint64_t scored = 0;
  uint64_t rejected = 0;
  uint64_t unmatched = 0;                     // scored customers matching no persona
  std::vector<std::string> catalog_versions;  // every version that answered, in order seen
  std::vector<PersonaSummaryRow> personas;    // top_count desc, then id
  // Co-match matrix over the most matched personas (at most the builder's matrix_limit):
  // co_match[i][j] = customers matching both, the diagonal = each one's match_count.
  std::vector<std::string> matrix_ids;
  std::vector<std::vector<uint64_t>> co_match;
  std::vector<PersonaPair> most_alike;  // jaccard desc, then both desc
  // What the segmenters concluded about the scored customers: the named keys first (best
  // channel, active seasons, top categories), then every other label key by name.
  std::vector<LabelDistribution> labels;
  uint64_t labels_untracked = 0;  // label occurrences past the tracked key limit

  double Share(uint64_t count) const {
    return scored == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(scored);
  }
};

// Aggregates scored customers into a Report. Feed it every match (top_k 0): pairs and
// histograms need them all. Pairs are counted among each customer's best `kPairMatches`
// matches, which keeps a huge catalog's report linear in the input.
class ReportBuilder final : public ScoreFileSink {
 public:
  static constexpr size_t kPairMatches = 64;

  // `personas`: (id, display name) of every persona in the catalog, so personas that never
  // match still show up (with zeros). Personas seen only in answers are added as they come.
  explicit ReportBuilder(const std::vector<std::pair<std::string, std::string>>& personas);

  void OnScored(int64_t line, uint64_t record,
                const persona::v1::ScoreCustomerResponse& result) override;
  void OnRejected(const RejectedRecord& rejected) override;

  // `label_values`: values listed per label key; the rest are summed as other.
  Report Build(size_t matrix_limit = 30, size_t most_alike = 10, size_t label_values = 10) const;

 private:
  uint32_t IndexOf(const std::string& id, const std::string& display_name);

  std::vector<PersonaSummaryRow> rows_;
  absl::flat_hash_map<std::string, uint32_t> index_;
  absl::flat_hash_map<uint64_t, uint64_t> pairs_;  // (lower index << 32 | higher) → both
  uint64_t scored_ = 0;
  uint64_t rejected_ = 0;
  uint64_t unmatched_ = 0;
  std::vector<std::string> versions_;
  std::vector<uint32_t> matched_;  // scratch
  LabelTally labels_;
};

// The report's numbers as JSON (the same numbers the HTML page shows).
std::string ReportToJson(const Report& report);

// The label distributions as plain text, for a terminal: the named keys first, then the rest,
// each value with its customers and share of the scored customers.
std::string LabelsToText(const Report& report);

}  // namespace persona
