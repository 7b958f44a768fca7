#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {

// How the scored customers spread over the values of one label key (`digital.best_channel`,
// `rfm`, …). Counts are customers: a customer counts once per value it carries.
struct LabelValueCount {
  std::string value;
  uint64_t count = 0;
};

struct LabelDistribution {
  std::string key;
  std::string title;       // set for the keys the report names ("Best channel"), else empty
  bool per_item = false;   // the value is a comma list and each item counts on its own
  uint64_t customers = 0;  // scored customers carrying the key
  std::vector<LabelValueCount> values;  // the top values: count desc, then value
  uint64_t other_count = 0;             // counts of every value not in `values`
  uint64_t other_values = 0;  // distinct values folded into other_count (as far as tracked)
  bool capped = false;        // more distinct values came than are tracked: other_values is a floor
};

// The name of a distribution's "other" row: "1 other value", "12 other values", "990+ other
// values" (capped: more exist than were tracked), or "other values" when none was tracked.
std::string OtherValuesName(const LabelDistribution& label);

// A key the report presents first, by name, even when no customer carries it.
struct NamedLabel {
  absl::string_view key;
  absl::string_view title;
  bool per_item;
};

// best channel, active seasons (a comma list: each season counts), top categories.
const std::vector<NamedLabel>& NamedLabels();

// Counts label values over scored customers in bounded memory: at most `kMaxKeys` keys and
// `kMaxValuesPerKey` distinct values per key are tracked; a value that arrives when its key is
// full counts as "other", and a key beyond the key limit is counted only in `dropped_keys`.
class LabelTally {
 public:
  static constexpr size_t kMaxKeys = 64;
  static constexpr size_t kMaxValuesPerKey = 1000;

  LabelTally();

  // One scored customer's labels.
  void Add(const google::protobuf::RepeatedPtrField<persona::v1::Label>& labels);

  // The named keys first (in NamedLabels() order), then every other key by name; each with at
  // most `top` values, the rest summed as other.
  std::vector<LabelDistribution> Build(size_t top) const;
  uint64_t dropped_keys() const { return dropped_keys_; }

 private:
  struct KeyTally {
    bool per_item = false;
    uint64_t customers = 0;
    uint64_t overflow_count = 0;  // values that found their key full
    absl::flat_hash_map<std::string, uint64_t> counts;
  };

  KeyTally* Find(const std::string& key);
  void Count(KeyTally& tally, absl::string_view value);

  absl::flat_hash_map<std::string, KeyTally> keys_;
  uint64_t dropped_keys_ = 0;  // label occurrences whose key was not tracked
  // Scratch for one customer: what it has counted already (a plugin may repeat itself).
  std::vector<absl::string_view> seen_keys_;
  std::vector<absl::string_view> seen_values_;
};

}  // namespace persona
