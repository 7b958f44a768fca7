#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "service/plugin_host/plugin_segmenter.h"

namespace persona {
namespace plugin_check {

// One score() call as the checker saw it, recorded through a sink that also checks how the
// plugin uses it.
struct CallRecord {
  bool ok = false;
  std::string error;
  std::vector<PersonaCriterionScore> scores;
  std::vector<std::pair<std::string, std::string>> labels;
  size_t details = 0;
  // Criterion indices of details that graded a field (missing = 0), with explain on.
  std::vector<size_t> graded_details;
  std::string sink_violation;  // the first misuse of the sink in this call
  uint64_t allocations = 0;
};

// Calls score() once for `customer` over `criteria`, catching what escapes, and records the
// result. With `count_allocations`, counts the heap allocations the call made.
void ScoreOnce(const PluginSegmenter& segmenter, const PersonaCustomer& customer,
               const std::vector<const PersonaCompiledCriterion*>& criteria,
               int64_t as_of_unix_seconds, bool explain, bool count_allocations,
               CallRecord* record);

// Why this call's numbers break the contract, or "".
std::string ScoreProblem(const CallRecord& record);

// Bitwise: determinism means the very same doubles, not nearly the same. An affinity with
// coverage 0 is ignored by the server, so it may be anything.
bool SameNumbers(const CallRecord& a, const CallRecord& b);
bool SameResult(const CallRecord& a, const CallRecord& b);

// A short rendering of a call's outcome, for a report line.
std::string Describe(const CallRecord& record);

}  // namespace plugin_check
}  // namespace persona
