#include "service/engine/scoring_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string_view>
#include <utility>

#include "absl/base/internal/raw_logging.h"

namespace persona {
namespace {

// A persona that passed its filters, before it becomes a PersonaScore: ranking moves these
// 16-byte pairs rather than result objects.
struct Candidate {
  double score;
  uint32_t persona;
};

// Score desc, then persona index. Personas are sorted by id, so the index breaks ties by id:
// same input, same order. A total order (indices are unique), so any selection method that
// respects it gives the same ranking.
inline bool Better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.persona < b.persona;
}

// Up to this top_k the best matches are kept in a small sorted array while scanning; larger
// (or 0 = all) collects every match and sorts.
constexpr uint32_t kSmallTopK = 64;
constexpr double kSkipMargin = 1.0 - 1e-9;

// Per-thread scratch reused across requests: the hot path must not allocate per call once
// a thread is warm (gRPC's callback threads are long-lived).
struct Scratch {
  std::vector<PersonaCriterionScore> scores;  // indexed by slot offset + position
  // Filtered scoring: gathered criteria and where each one's score goes.
  std::vector<const PersonaCompiledCriterion*> gathered_criteria;
  std::vector<uint32_t> gathered_positions;
  std::vector<PersonaCriterionScore> gathered_scores;
  std::vector<std::vector<uint32_t>> positions_by_slot;
  // Explanations, only with explain: (global position, detail).
  std::vector<std::pair<uint32_t, ScoredDetail>> details;
  // Ranking: (score, persona) of the matches kept so far.
  std::vector<Candidate> candidates;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// What the plugin callbacks need to route labels and details.
struct SinkContext {
  const SegmenterSlot* slot;
  uint32_t slot_offset;
  // When scoring a gathered subset: maps a call's criterion index to the slot position.
  const uint32_t* positions;
  ScoreResult* result;
  std::vector<std::pair<uint32_t, ScoredDetail>>* details;
  size_t* labels_used;  // labels written so far into result->labels
};

std::string_view ToView(PersonaString s) {
  return s.size == 0 ? std::string_view() : std::string_view(s.data, s.size);
}

void AddLabel(void* host_context, PersonaString key, PersonaString value) {
  auto* context = static_cast<SinkContext*>(host_context);
  // Labels are rewritten in place: the result is reused per thread, so the strings keep
  // their capacity and a warm thread allocates nothing for them.
  std::vector<ScoredLabel>& labels = context->result->labels;
  if (*context->labels_used == labels.size()) labels.emplace_back();
  ScoredLabel& label = labels[(*context->labels_used)++];
  label.key.assign(context->slot->info.name);
  if (key.size > 0) {
    label.key.push_back('.');
    label.key.append(key.data, key.size);
  }
  label.value.assign(ToView(value));
}

void AddDetail(void* host_context, size_t criterion_index, PersonaString field, double affinity,
               int32_t missing, PersonaString reason) {
  auto* context = static_cast<SinkContext*>(host_context);
  const uint32_t position = context->positions != nullptr ? context->positions[criterion_index]
                                                          : static_cast<uint32_t>(criterion_index);
  if (position >= context->slot->criteria.size()) return;  // plugin bug: ignore
  ScoredDetail detail;
  detail.field = std::string(ToView(field));
  detail.affinity = std::isfinite(affinity) ? std::clamp(affinity, 0.0, 1.0) : 0.0;
  detail.missing = missing != 0;
  detail.reason = std::string(ToView(reason));
  context->details->emplace_back(context->slot_offset + position, std::move(detail));
}

// Makes a plugin's answer safe to add up: non-finite values become "no data", the rest is
// clamped to [0, 1]. Returns false when the answer broke the contract.
bool Sanitize(PersonaCriterionScore* score) {
  if (!std::isfinite(score->affinity) || !std::isfinite(score->coverage)) {
    *score = PersonaCriterionScore{0.0, 0.0};
    return false;
  }
  bool ok = true;
  if (score->affinity < 0.0 || score->affinity > 1.0) {
    score->affinity = std::clamp(score->affinity, 0.0, 1.0);
    ok = false;
  }
  if (score->coverage < 0.0 || score->coverage > 1.0) {
    score->coverage = std::clamp(score->coverage, 0.0, 1.0);
    ok = false;
  }
  return ok;
}

// Whether every affinity and coverage is in [0, 1] (NaN fails every comparison, infinity
// the range): the usual case, checked without a branch per value. -0.0 passes, as it does
// in Sanitize.
bool AllInUnitRange(const PersonaCriterionScore* scores, size_t count) {
  static_assert(sizeof(PersonaCriterionScore) == 2 * sizeof(double),
                "PersonaCriterionScore is {affinity, coverage}");
#if defined(__SSE2__)
  const __m128d zero = _mm_setzero_pd();
  const __m128d one = _mm_set1_pd(1.0);
  __m128d ok = _mm_castsi128_pd(_mm_set1_epi32(-1));
  for (size_t i = 0; i < count; ++i) {
    const __m128d v = _mm_loadu_pd(&scores[i].affinity);
    ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(v, zero), _mm_cmple_pd(v, one)));
  }
  return _mm_movemask_pd(ok) == 3;
#else
  bool ok = true;
  for (size_t i = 0; i < count; ++i) {
    const double a = scores[i].affinity;
    const double c = scores[i].coverage;
    ok &= (a >= 0.0) & (a <= 1.0) & (c >= 0.0) & (c <= 1.0);
  }
  return ok;
#endif
}

// Where one call of a segmenter fits in the snapshot: which slot, and (for a filtered call)
// which slot position each of the call's criteria is.
struct SlotCall {
  const CatalogSnapshot* snapshot;
  uint32_t index;
  const uint32_t* positions;  // null: the call's criterion i is slot position i
};

// The fault path, kept out of line so the healthy path stays small.
[[gnu::cold, gnu::noinline]] void RecordFault(const SlotCall& call, std::string_view reason,
                                              const ScoreOptions& options, ScoreResult* result) {
  ++result->segmenter_faults;
  result->faulted_segmenters.push_back(call.index);
  if (options.fault_observer != nullptr) {
    options.fault_observer->OnSegmenterFault(call.snapshot->segmenters[call.index].info, reason);
  }
}

// Says which answer broke the contract, and whose criterion it was, without allocating.
[[gnu::cold, gnu::noinline]] void RecordContractFault(const SlotCall& call,
                                                      const PersonaCriterionScore& first_bad,
                                                      size_t first_bad_index, size_t bad,
                                                      size_t count, const ScoreOptions& options,
                                                      ScoreResult* result) {
  const SegmenterSlot& slot = call.snapshot->segmenters[call.index];
  const size_t position =
      call.positions != nullptr ? call.positions[first_bad_index] : first_bad_index;
  std::string_view persona = "?";
  uint32_t criterion = 0;
  if (position < slot.persona_of.size()) {
    persona = call.snapshot->personas[slot.persona_of[position]].id;
    criterion = slot.criterion_of[position];
  }
  char reason[384];
  std::snprintf(reason, sizeof(reason),
                "score answered affinity %g, coverage %g for persona \"%.*s\" criterion %u "
                "(must be finite and in [0, 1]); %zu of %zu answers outside the contract",
                first_bad.affinity, first_bad.coverage, static_cast<int>(persona.size()),
                persona.data(), criterion, bad, count);
  RecordFault(call, reason, options, result);
}

// Runs one segmenter over `count` criteria; on failure marks them all as missing data.
void ScoreSlot(const SlotCall& call, const PersonaCustomer& customer,
               const PersonaCompiledCriterion* const* criteria, size_t count,
               const PersonaScoreRequest& request, PersonaCriterionScore* scores,
               const ScoreOptions& options, ScoreResult* result) {
  const SegmenterSlot& slot = call.snapshot->segmenters[call.index];
  char message[256];
  message[0] = '\0';
  PersonaErrorBuffer error{message, sizeof(message)};
  if (!slot.instance->Score(customer, criteria, count, request, scores, &error)) {
    std::fill(scores, scores + count, PersonaCriterionScore{0.0, 0.0});
    // The plugin may have left the buffer unterminated or empty.
    const std::string_view reason(message, strnlen(message, sizeof(message)));
    RecordFault(call, reason.empty() ? "score failed without a reason" : reason, options, result);
    return;
  }
  // One branch-free pass to confirm the answer is inside the contract (the usual case); the
  // fixing pass runs only when it is not. NaN fails every comparison, infinity the range.
  if (AllInUnitRange(scores, count)) return;
  size_t bad = 0;
  size_t first_bad_index = 0;
  PersonaCriterionScore first_bad{0.0, 0.0};
  for (size_t i = 0; i < count; ++i) {
    const PersonaCriterionScore answered = scores[i];
    if (Sanitize(&scores[i])) continue;
    if (bad++ == 0) {
      first_bad_index = i;
      first_bad = answered;
    }
  }
  if (bad > 0) RecordContractFault(call, first_bad, first_bad_index, bad, count, options, result);
}

}  // namespace

void ScoreCustomer(const CatalogSnapshot& snapshot, const PersonaCustomer& customer,
                   const ScoreOptions& options, ScoreResult* result) {
  // A snapshot nobody finished would be read out of bounds below; that is a bug in whoever
  // assembled it, never a request's doing.
  ABSL_RAW_CHECK(snapshot.engine_index.personas().size() == snapshot.personas.size() &&
                     snapshot.slot_offsets.size() == snapshot.segmenters.size(),
                 "scoring against a snapshot FinishCatalogSnapshot never saw");
  // Not Clear(): the labels' strings are reused (see AddLabel) and trimmed at the end.
  result->matches.clear();
  result->segmenter_faults = 0;
  result->faulted_segmenters.clear();
  size_t labels_used = 0;
  Scratch& scratch = ThreadScratch();
  scratch.scores.resize(snapshot.criterion_count);
  scratch.details.clear();

  SinkContext sink_context{nullptr, 0, nullptr, result, &scratch.details, &labels_used};
  PersonaScoreSink sink{sizeof(PersonaScoreSink), &sink_context, options.explain ? 1 : 0, &AddLabel,
                        &AddDetail};
  PersonaScoreRequest request{sizeof(PersonaScoreRequest), options.as_of_unix_seconds, &sink};

  const bool filtered = !options.persona_filter.empty();
  if (filtered) {
    // Only the selected personas' criteria go to the plugins.
    scratch.positions_by_slot.resize(snapshot.segmenters.size());
    for (auto& positions : scratch.positions_by_slot) positions.clear();
    for (uint32_t persona : options.persona_filter) {
      for (const CompiledCriterion& c : snapshot.personas[persona].criteria) {
        scratch.positions_by_slot[c.segmenter].push_back(c.position);
      }
    }
  }

  if (options.segmenter_nanos != nullptr) {
    options.segmenter_nanos->assign(snapshot.segmenters.size(), 0);
  }
  // One clock read per segmenter (plus one): each slot's end is the next slot's start.
  auto started = options.segmenter_nanos != nullptr ? std::chrono::steady_clock::now()
                                                    : std::chrono::steady_clock::time_point();
  for (uint32_t s = 0; s < snapshot.segmenters.size(); ++s) {
    const SegmenterSlot& slot = snapshot.segmenters[s];
    const uint32_t offset = snapshot.slot_offsets[s];
    const auto record_time = [&] {
      if (options.segmenter_nanos == nullptr) return;
      const auto now = std::chrono::steady_clock::now();
      (*options.segmenter_nanos)[s] =
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - started).count();
      started = now;
    };
    sink_context.slot = &slot;
    sink_context.slot_offset = offset;
    if (!filtered) {
      sink_context.positions = nullptr;
      ScoreSlot(SlotCall{&snapshot, s, nullptr}, customer, slot.criteria.data(),
                slot.criteria.size(), request, scratch.scores.data() + offset, options, result);
      record_time();
      continue;
    }
    const std::vector<uint32_t>& positions = scratch.positions_by_slot[s];
    scratch.gathered_criteria.clear();
    for (uint32_t position : positions) {
      scratch.gathered_criteria.push_back(slot.criteria[position]);
    }
    scratch.gathered_scores.resize(positions.size());
    sink_context.positions = positions.data();
    ScoreSlot(SlotCall{&snapshot, s, positions.data()}, customer, scratch.gathered_criteria.data(),
              positions.size(), request, scratch.gathered_scores.data(), options, result);
    for (size_t i = 0; i < positions.size(); ++i) {
      scratch.scores[offset + positions[i]] = scratch.gathered_scores[i];
    }
    record_time();
  }

  result->labels.resize(labels_used);

  // Rank as we go: with a small top_k only the best few survive the scan, so the common
  // request never materialises (or sorts) a result per persona.
  std::vector<Candidate>& candidates = scratch.candidates;
  candidates.clear();
  const uint32_t top_k = options.top_k;
  const bool bounded = top_k > 0 && top_k <= kSmallTopK;
  // Built with the snapshot (FinishCatalogSnapshot): a request only reads it.
  const EngineIndex& index = snapshot.engine_index;
  const PersonaCriterionScore* const scores = scratch.scores.data();
  const EngineIndex::Criterion* const flat_criteria = index.criteria().data();
  const EngineIndex::Persona* const flat_personas = index.personas().data();
  const auto consider = [&](uint32_t persona_index) {
    const EngineIndex::Persona& persona = flat_personas[persona_index];
    double weighted = 0.0;
    for (uint32_t k = persona.criteria_begin; k < persona.criteria_end; ++k) {
      const EngineIndex::Criterion& c = flat_criteria[k];
      const PersonaCriterionScore& s = scores[c.score_index];
      const double affinity = s.coverage * s.affinity + (1.0 - s.coverage) * c.missing_affinity;
      if (affinity < c.required_min) return;
      weighted += c.weight * affinity;
    }
    // With the top_k places taken, most personas fall clearly below the weakest kept one:
    // decide that without the division (the slowest step of this loop). The margin (1e-9,
    // far above the two roundings involved) keeps it exact: a persona is skipped here only if
    // its rounded score is certainly below the weakest's, which loses to it anyway; anything
    // close, ties included, is divided and compared as before.
    if (bounded && candidates.size() == top_k && persona.total_weight > 0.0 &&
        weighted < candidates.back().score * persona.total_weight * kSkipMargin) {
      return;
    }
    const double score = persona.total_weight > 0.0 ? weighted / persona.total_weight : 0.0;
    if (score < persona.min_score) return;
    const Candidate candidate{score, persona_index};
    if (!bounded) {
      candidates.push_back(candidate);
      return;
    }
    if (candidates.size() == top_k) {
      if (!Better(candidate, candidates.back())) return;
      candidates.pop_back();
    }
    // Sorted insertion: top_k is small, and most candidates were rejected above.
    auto at = candidates.end();
    while (at != candidates.begin() && Better(candidate, *(at - 1))) --at;
    candidates.insert(at, candidate);
  };
  if (filtered) {
    for (uint32_t persona : options.persona_filter) consider(persona);
  } else {
    for (uint32_t p = 0; p < snapshot.personas.size(); ++p) consider(p);
  }

  if (!bounded) {
    if (top_k > 0 && top_k < candidates.size()) {
      std::partial_sort(candidates.begin(), candidates.begin() + top_k, candidates.end(), Better);
      candidates.resize(top_k);
    } else {
      std::sort(candidates.begin(), candidates.end(), Better);
    }
  }
  auto& matches = result->matches;
  matches.reserve(candidates.size());
  for (const Candidate& candidate : candidates) {
    PersonaScore match;
    match.persona = candidate.persona;
    match.score = candidate.score;
    matches.push_back(std::move(match));
  }

  if (!options.explain) return;
  for (PersonaScore& match : matches) {
    const CompiledPersona& persona = snapshot.personas[match.persona];
    for (const CompiledCriterion& c : persona.criteria) {
      const uint32_t global = snapshot.slot_offsets[c.segmenter] + c.position;
      const PersonaCriterionScore& s = scratch.scores[global];
      ScoredContribution contribution;
      contribution.segmenter = c.segmenter;
      contribution.weight = c.weight;
      contribution.coverage = s.coverage;
      contribution.affinity = s.coverage * s.affinity + (1.0 - s.coverage) * c.missing_affinity;
      contribution.missing = s.coverage < 1.0;
      contribution.required = c.required;
      for (const auto& [position, detail] : scratch.details) {
        if (position != global) continue;
        contribution.details.push_back(detail);
        if (detail.missing) contribution.details.back().affinity = c.missing_affinity;
      }
      match.contributions.push_back(std::move(contribution));
    }
  }
}

}  // namespace persona
