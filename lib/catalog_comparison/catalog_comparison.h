#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {

// Compares what the live catalog and a candidate answered for the same customers and
// aggregates exactly the numbers of a GetShadowReportResponse (see README.md for every
// definition). Memory grows with the number of personas, never with the customers: each
// persona keeps counters and at most `examples_per_change` example ids per direction.
//
// Thread-compatible: one caller at a time (the server serialises its calls).
class CatalogComparison {
 public:
  static constexpr size_t kDefaultExamples = 5;

  // `examples_per_change`: example customer ids kept per persona and direction (entered,
  // left); 0 means kDefaultExamples.
  explicit CatalogComparison(size_t examples_per_change = kDefaultExamples);

  // The persona ids of the two catalogs: every one gets a row (zeros when never matched),
  // and a persona in only one of them is flagged only_live / only_candidate. Without this
  // call rows come only from the answers and no row is flagged.
  void SetCatalogs(const std::vector<std::string>& live_persona_ids,
                   const std::vector<std::string>& candidate_persona_ids);

  // One customer scored by both catalogs. A persona "matches" a side when it is in that
  // side's `matches`; the best persona is matches[0] (the API orders by score, then id).
  void Add(absl::string_view customer_id, const persona::v1::ScoreCustomerResponse& live,
           const persona::v1::ScoreCustomerResponse& candidate);

  // Sampled requests that were not compared: the shadow queue was full (dropped) or the
  // candidate could not score them (failed).
  void CountDropped(uint64_t n = 1) { dropped_ += n; }
  void CountFailed(uint64_t n = 1) { failed_ += n; }

  // Adds another report's numbers (another replica, another period) as if its customers had
  // been added here: counters are summed, rates recomputed from the sums, means weighted by
  // the requests they were taken over, examples appended after the ones already kept (up to
  // the cap, duplicates skipped). Header fields: see README.md.
  void Merge(const persona::v1::GetShadowReportResponse& other);

  // The aggregate so far: compared, dropped, failed, top-1 agreement, one row per persona
  // (|entered - left| desc, then id), and live/candidate_version from the answers (or the
  // merged reports). staged, shadow_sample_rate and staged_at are left for the caller,
  // except what Merge brought in.
  persona::v1::GetShadowReportResponse Report() const;

  uint64_t compared() const { return compared_; }
  size_t examples_per_change() const { return examples_; }

 private:
  struct Row {
    std::string persona_id;
    uint64_t live_matches = 0;
    uint64_t candidate_matches = 0;
    uint64_t entered = 0;
    uint64_t left = 0;
    // Requests where either side matched the persona, and their summed |score change|.
    uint64_t either = 0;
    double abs_change_sum = 0;
    std::vector<std::string> entered_examples;
    std::vector<std::string> left_examples;
    bool only_live = false;
    bool only_candidate = false;
  };

  size_t RowOf(absl::string_view persona_id);
  void AddExample(absl::string_view customer_id, std::vector<std::string>* examples) const;
  static void MergeVersion(const std::string& version, std::string* into);

  size_t examples_;
  std::vector<Row> rows_;
  absl::flat_hash_map<std::string, size_t> index_;
  uint64_t compared_ = 0;
  uint64_t dropped_ = 0;
  uint64_t failed_ = 0;
  uint64_t top1_agreements_ = 0;
  std::string live_version_;
  std::string candidate_version_;
  // Header fields only Merge sets.
  bool staged_ = false;
  double shadow_sample_rate_ = 0;
  bool has_staged_at_ = false;
  google::protobuf::Timestamp staged_at_;
  // Scratch for Add, indexed like rows_: the score on each side, negative = not matched.
  std::vector<double> live_score_;
  std::vector<double> candidate_score_;
  std::vector<size_t> touched_;
};

}  // namespace persona
