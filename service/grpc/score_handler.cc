#include "service/grpc/score_handler.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/engine/scoring_engine.h"
#include "service/grpc/customer_view.h"
#include "service/grpc/rpc_errors.h"

namespace persona {

grpc::Status ScoreOneCustomer(const CatalogSnapshot& snapshot,
                              const persona::v1::ScoreCustomerRequest& request,
                              const RequestLimits& limits,
                              persona::v1::ScoreCustomerResponse* response, ScoreStats* stats,
                              SegmenterFaultObserver* fault_observer) {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  std::vector<FieldViolation> violations = ValidateScoreRequest(request, now, limits);
  if (!violations.empty()) return InvalidArgument(violations);

  thread_local std::vector<uint32_t> persona_filter;
  persona_filter.clear();
  for (const std::string& id : request.persona_ids()) {
    auto it = snapshot.persona_index.find(id);
    if (it == snapshot.persona_index.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          absl::StrCat("persona_ids: no persona \"", id, "\" in catalog version ",
                                       snapshot.version));
    }
    persona_filter.push_back(it->second);
  }

  ScoreOptions options;
  options.top_k = request.top_k();
  options.explain = request.explain();
  options.persona_filter = persona_filter;
  options.as_of_unix_seconds = request.has_as_of() ? request.as_of().seconds() : now;

  thread_local CustomerView view;
  view.Reset(request.customer(), options.as_of_unix_seconds);
  if (stats != nullptr) options.segmenter_nanos = &stats->segmenter_nanos;
  options.fault_observer = fault_observer;

  thread_local ScoreResult result;
  ScoreCustomer(snapshot, view.get(), options, &result);
  if (stats != nullptr) {
    // Empty unless a segmenter faulted: assigning reuses the thread's buffer.
    stats->faulted_segmenters.assign(result.faulted_segmenters.begin(),
                                     result.faulted_segmenters.end());
  }

  response->set_customer_id(request.customer().customer_id());
  response->set_catalog_version(snapshot.version);
  for (const PersonaScore& scored : result.matches) {
    const CompiledPersona& persona = snapshot.personas[scored.persona];
    persona::v1::PersonaMatch* match = response->add_matches();
    match->set_persona_id(persona.id);
    match->set_display_name(persona.display_name);
    match->set_score(scored.score);
    for (const ScoredContribution& c : scored.contributions) {
      persona::v1::Contribution* out = match->add_contributions();
      out->set_segmenter(snapshot.segmenters[c.segmenter].info.name);
      out->set_weight(c.weight);
      out->set_affinity(c.affinity);
      out->set_missing(c.missing);
      out->set_required(c.required);
      out->set_coverage(c.coverage);
      for (const ScoredDetail& d : c.details) {
        persona::v1::ContributionDetail* detail = out->add_details();
        detail->set_field(d.field);
        detail->set_affinity(d.affinity);
        detail->set_missing(d.missing);
        detail->set_reason(d.reason);
      }
    }
  }
  for (const ScoredLabel& label : result.labels) {
    persona::v1::Label* out = response->add_labels();
    out->set_key(label.key);
    out->set_value(label.value);
  }
  return grpc::Status::OK;
}

}  // namespace persona
