#include "tools/plugin_check/score_call.h"

#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/plugin_check/allocation_counter.h"
#include "tools/plugin_check/json_text.h"

namespace persona {
namespace plugin_check {
namespace {

constexpr size_t kErrorCapacity = 1024;
// What the tool writes into the score array before a call: a plugin that leaves it there did
// not write that score.
constexpr double kUnwritten = -7.25;

struct SinkState {
  bool explain;
  size_t count;
  CallRecord* record;
};

void Violation(CallRecord* record, std::string text) {
  if (record->sink_violation.empty()) record->sink_violation = std::move(text);
}

void OnLabel(void* context, PersonaString key, PersonaString value) {
  AllocationPause pause;  // recording is the tool's allocation, not the plugin's
  auto* state = static_cast<SinkState*>(context);
  CallRecord* record = state->record;
  if (BadString(key) || BadString(value)) {
    Violation(record, "add_label with a NULL string of non-zero size");
    return;
  }
  std::string k(ViewOf(key));
  std::string v(ViewOf(value));
  if (v.empty()) Violation(record, absl::StrCat("add_label(\"", k, "\") with an empty value"));
  for (const auto& label : record->labels) {
    if (label.first == k) {
      Violation(record, absl::StrCat("add_label called twice for key \"", k,
                                     "\" in one call (one value per key)"));
    }
  }
  record->labels.emplace_back(std::move(k), std::move(v));
}

void OnDetail(void* context, size_t index, PersonaString field, double affinity, int32_t missing,
              PersonaString reason) {
  AllocationPause pause;
  auto* state = static_cast<SinkState*>(context);
  CallRecord* record = state->record;
  ++record->details;
  if (!state->explain) {
    Violation(record,
              "add_detail called with explain off (build explanations only when "
              "sink->explain is set: nobody reads them and the hot path pays)");
  } else if (index >= state->count) {
    Violation(record, absl::StrCat("add_detail for criterion index ", index, " of a call with ",
                                   state->count, " criteria"));
  } else if (BadString(field) || BadString(reason)) {
    Violation(record, "add_detail with a NULL string of non-zero size");
  } else if (field.size == 0) {
    Violation(record, "add_detail with an empty field name");
  } else if (missing == 0 && !(std::isfinite(affinity) && affinity >= 0.0 && affinity <= 1.0)) {
    Violation(record, absl::StrCat("add_detail(\"", ViewOf(field), "\") with affinity ", affinity,
                                   " (must be finite and in [0,1] unless missing)"));
  } else if (missing == 0) {
    record->graded_details.push_back(index);
  }
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

}  // namespace

void ScoreOnce(const PluginSegmenter& segmenter, const PersonaCustomer& customer,
               const std::vector<const PersonaCompiledCriterion*>& criteria,
               int64_t as_of_unix_seconds, bool explain, bool count_allocations,
               CallRecord* record) {
  record->scores.assign(criteria.size(), PersonaCriterionScore{kUnwritten, kUnwritten});
  record->labels.clear();
  record->labels.reserve(8);
  record->details = 0;
  record->graded_details.clear();
  record->sink_violation.clear();
  record->error.clear();
  record->allocations = 0;
  SinkState state{explain, criteria.size(), record};
  const PersonaScoreSink sink{sizeof(PersonaScoreSink), &state, explain ? 1 : 0, &OnLabel,
                              &OnDetail};
  const PersonaScoreRequest request{sizeof(PersonaScoreRequest), as_of_unix_seconds, &sink};
  // Never hand the plugin NULL arrays, even for zero criteria.
  static const PersonaCompiledCriterion* const kNoCriteria[1] = {nullptr};
  PersonaCriterionScore no_scores[1];
  char buffer[kErrorCapacity];
  buffer[0] = '\0';
  PersonaErrorBuffer error{buffer, sizeof(buffer)};
  bool ok = false;
  bool threw = false;
  if (count_allocations) AllocationCounter::Start();
  try {
    ok =
        segmenter.Score(customer, criteria.empty() ? kNoCriteria : criteria.data(), criteria.size(),
                        request, criteria.empty() ? no_scores : record->scores.data(), &error);
  } catch (...) {
    threw = true;
  }
  if (count_allocations) record->allocations = AllocationCounter::Stop();
  record->ok = ok && !threw;
  if (threw) {
    record->error = "an exception escaped score() (score must never throw)";
  } else if (!ok) {
    const size_t length = strnlen(buffer, sizeof(buffer));
    record->error = length > 0 ? std::string(buffer, length) : "score() failed without a reason";
  }
}

std::string ScoreProblem(const CallRecord& record) {
  for (size_t i = 0; i < record.scores.size(); ++i) {
    const PersonaCriterionScore& s = record.scores[i];
    if (s.affinity == kUnwritten && s.coverage == kUnwritten) {
      return absl::StrCat("scores[", i, "] was not written");
    }
    if (!std::isfinite(s.affinity) || s.affinity < 0.0 || s.affinity > 1.0) {
      return absl::StrCat("scores[", i, "].affinity is ", s.affinity,
                          " (must be finite and in [0,1])");
    }
    if (!std::isfinite(s.coverage) || s.coverage < 0.0 || s.coverage > 1.0) {
      return absl::StrCat("scores[", i, "].coverage is ", s.coverage,
                          " (must be finite and in [0,1])");
    }
  }
  return "";
}

bool SameNumbers(const CallRecord& a, const CallRecord& b) {
  if (a.ok != b.ok || a.scores.size() != b.scores.size()) return false;
  if (!a.ok) return true;
  for (size_t i = 0; i < a.scores.size(); ++i) {
    const PersonaCriterionScore& x = a.scores[i];
    const PersonaCriterionScore& y = b.scores[i];
    if (!SameBits(x.coverage, y.coverage)) return false;
    if (x.coverage != 0.0 && !SameBits(x.affinity, y.affinity)) return false;
  }
  return true;
}

bool SameResult(const CallRecord& a, const CallRecord& b) {
  return SameNumbers(a, b) && a.labels == b.labels;
}

std::string Describe(const CallRecord& record) {
  if (!record.ok) return absl::StrCat("error \"", Shorten(record.error, 80), "\"");
  std::vector<std::string> parts;
  for (const PersonaCriterionScore& s : record.scores) {
    parts.push_back(absl::StrCat("(", s.affinity, ", ", s.coverage, ")"));
    if (parts.size() == 3) break;
  }
  std::string labels;
  for (const auto& [k, v] : record.labels) {
    absl::StrAppend(&labels, labels.empty() ? "" : ", ", k.empty() ? "" : k + "=", v);
  }
  return absl::StrCat("scores ", absl::StrJoin(parts, " "), record.scores.size() > 3 ? " ..." : "",
                      " labels [", labels, "]");
}

}  // namespace plugin_check
}  // namespace persona
