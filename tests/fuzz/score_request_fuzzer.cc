// Fuzz target: bytes as a serialized persona.v1.ScoreCustomerRequest (what arrives on the
// wire), through what ScoreCustomer and ScoreCustomers do with it: ValidateScoreRequest,
// the customer view, the scoring engine and the real bundled plugins, against a fixed
// snapshot of deploy/catalog built once.
//
// Invariants beyond "no crash" (docs/scoring.md): bad input is INVALID_ARGUMENT (exactly when
// the validator finds a violation) or NOT_FOUND, never anything else; an answer's matches
// are ranked by score desc then id, scores and affinities are in [0,1], top_k and
// persona_ids are honoured; the same request with an explicit as_of gives the same bytes.
#include <absl/time/clock.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include "fuzz_check.h"
#include "persona/v1/persona_service.pb.h"
#include "service/catalog/catalog_loader.h"
#include "service/grpc/request_validator.h"
#include "service/grpc/score_handler.h"

namespace {

struct Env {
  Env() {
    auto created = persona::PluginStore::Create("");
    FUZZ_CHECK(created.ok(), "%s", std::string(created.status().message()).c_str());
    store = *std::move(created);
    persona::CatalogLoaderOptions options;
    options.plugin_dir = PERSONA_PLUGIN_DIR;
    options.plugin_store = store.get();
    persona::CatalogLoadResult loaded =
        persona::LoadCatalog(PERSONA_SOURCE_DIR "/deploy/catalog/catalog.json", options);
    FUZZ_CHECK(loaded.ok(), "the default catalog must load: %s",
               loaded.problems.front().ToString().c_str());
    snapshot = loaded.snapshot;
  }
  ~Env() { snapshot.reset(); }  // before the store, which removes its cache directory

  std::unique_ptr<persona::PluginStore> store;
  std::shared_ptr<const persona::CatalogSnapshot> snapshot;
};

std::vector<persona::FieldViolation> Validate(const persona::v1::ScoreCustomerRequest& request,
                                              const persona::RequestLimits& limits) {
  return persona::ValidateScoreRequest(request, absl::ToUnixSeconds(absl::Now()), limits);
}

void CheckAnswer(const persona::CatalogSnapshot& snapshot,
                 const persona::v1::ScoreCustomerRequest& request,
                 const persona::v1::ScoreCustomerResponse& response) {
  FUZZ_CHECK(response.catalog_version() == snapshot.version, "catalog_version");
  FUZZ_CHECK(response.customer_id() == request.customer().customer_id(), "customer_id");
  if (request.top_k() > 0) {
    FUZZ_CHECK(static_cast<uint32_t>(response.matches_size()) <= request.top_k(), "top_k");
  }
  const std::set<std::string> wanted(request.persona_ids().begin(), request.persona_ids().end());
  for (int i = 0; i < response.matches_size(); ++i) {
    const auto& match = response.matches(i);
    FUZZ_CHECK(std::isfinite(match.score()) && match.score() >= 0 && match.score() <= 1,
               "score %g out of [0,1] for %s", match.score(), match.persona_id().c_str());
    FUZZ_CHECK(wanted.empty() || wanted.count(match.persona_id()) == 1, "%s was not asked for",
               match.persona_id().c_str());
    if (i > 0) {
      const auto& prev = response.matches(i - 1);
      FUZZ_CHECK(prev.score() > match.score() ||
                     (prev.score() == match.score() && prev.persona_id() < match.persona_id()),
                 "matches not ranked at %d", i);
    }
    FUZZ_CHECK(request.explain() || match.contributions_size() == 0,
               "explanations without explain");
    for (const auto& contribution : match.contributions()) {
      FUZZ_CHECK(std::isfinite(contribution.affinity()) && contribution.affinity() >= 0 &&
                     contribution.affinity() <= 1,
                 "affinity %g out of [0,1] (%s)", contribution.affinity(),
                 contribution.segmenter().c_str());
      for (const auto& detail : contribution.details()) {
        FUZZ_CHECK(
            std::isfinite(detail.affinity()) && detail.affinity() >= 0 && detail.affinity() <= 1,
            "detail %s affinity %g out of [0,1]", detail.field().c_str(), detail.affinity());
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env env;
  persona::v1::ScoreCustomerRequest request;
  // Undecodable bytes are INVALID_ARGUMENT in the service before any of this runs.
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;

  const persona::RequestLimits limits;
  std::vector<persona::FieldViolation> violations = Validate(request, limits);
  for (const auto& violation : violations) {
    FUZZ_CHECK(!violation.field.empty() && !violation.description.empty(),
               "violation without field or rule");
  }

  persona::v1::ScoreCustomerResponse response;
  const grpc::Status status = persona::ScoreOneCustomer(*env.snapshot, request, limits, &response);
  const grpc::StatusCode code = status.error_code();
  FUZZ_CHECK(code == grpc::StatusCode::OK || code == grpc::StatusCode::INVALID_ARGUMENT ||
                 code == grpc::StatusCode::NOT_FOUND,
             "status %d: %s", static_cast<int>(code), status.error_message().c_str());
  if (violations.empty() != (code != grpc::StatusCode::INVALID_ARGUMENT)) {
    // "Now" may have ticked between the two validations (order times near the present).
    violations = Validate(request, limits);
    FUZZ_CHECK(violations.empty() == (code != grpc::StatusCode::INVALID_ARGUMENT),
               "validator (%zu violations) and service (status %d) disagree", violations.size(),
               static_cast<int>(code));
  }
  // PERSONA_FUZZ_VERBOSE=1: say what each input came to (for keeping the seeds meaningful).
  static const bool verbose = std::getenv("PERSONA_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "request %s (status %d), %d matches, %d labels\n",
                 code == grpc::StatusCode::OK ? "scored" : "refused", static_cast<int>(code),
                 response.matches_size(), response.labels_size());
    for (const auto& violation : violations) {
      std::fprintf(stderr, "  %s: %s\n", violation.field.c_str(), violation.description.c_str());
    }
  }
  if (code != grpc::StatusCode::OK) return 0;
  CheckAnswer(*env.snapshot, request, response);

  if (request.has_as_of()) {
    // Same input, same catalog -> same bytes (docs/scoring.md).
    persona::v1::ScoreCustomerResponse again;
    FUZZ_CHECK(persona::ScoreOneCustomer(*env.snapshot, request, limits, &again).ok(),
               "second call failed");
    FUZZ_CHECK(again.SerializeAsString() == response.SerializeAsString(),
               "same request, different answer");
  }
  return 0;
}
