// Test helper: what one score() call produced, as TestHost records it: the status and error,
// every criterion's score, and every label and detail the plugin sent through the sink.
#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace persona {
namespace sdk {
namespace testing {

struct ScoredDetail {
  size_t criterion;
  std::string field;
  double affinity;
  bool missing;
  std::string reason;
};

struct ScoreResult {
  PersonaStatus status = PERSONA_INTERNAL;
  std::string error;
  std::vector<PersonaCriterionScore> scores;
  std::vector<std::pair<std::string, std::string>> labels;  // (key, value) in call order
  std::vector<ScoredDetail> details;

  // The value of label `key` ("" is the segmenter's main label), or "" when not reported.
  std::string Label(std::string_view key) const {
    for (const auto& [k, v] : labels) {
      if (k == key) return v;
    }
    return "";
  }
  // The details reported for criterion `index`.
  std::vector<ScoredDetail> DetailsOf(size_t index) const {
    std::vector<ScoredDetail> out;
    for (const ScoredDetail& d : details) {
      if (d.criterion == index) out.push_back(d);
    }
    return out;
  }
};

}  // namespace testing
}  // namespace sdk
}  // namespace persona
