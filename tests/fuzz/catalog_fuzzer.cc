// Fuzz target: bytes as a catalog JSON file, through the path a catalog (re)load takes in the
// server: ParseCatalogJson (protobuf's JSON parser, unknown fields are errors), the schema
// rules (ValidateCatalogSchema), then BuildCatalogSnapshot with the real bundled plugins, so
// every plugin's init(config) and compile(params) sees fuzzed input too. A catalog that
// loads is then used to score a fixed customer with explanations.
//
// Invariants beyond "no crash": a rejected catalog always says why; a catalog the schema
// rejects never loads; a loaded snapshot is internally consistent and scores in [0,1].
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz_check.h"
#include "google/protobuf/util/json_util.h"
#include "persona/v1/persona_service.pb.h"
#include "service/catalog/catalog_loader.h"
#include "service/catalog/catalog_source.h"
#include "service/catalog/catalog_validator.h"
#include "service/grpc/score_handler.h"

namespace {

using persona::CatalogLoaderOptions;
using persona::CatalogLoadResult;
using persona::CatalogProblems;
using persona::CatalogSource;

// A customer every bundled lens has something to say about, asked with explanations.
constexpr char kRequestJson[] = R"({
  "customer": {
    "customer_id": "fuzz-1",
    "demographics": {"age": 34, "gender": "GENDER_FEMALE", "annual_income": 52000,
      "location": {"country": "ID", "city": "Jakarta", "urbanicity": "URBANICITY_URBAN"},
      "education": "EDUCATION_BACHELOR", "occupation": "nurse",
      "marital_status": "MARITAL_STATUS_MARRIED", "household_size": 4},
    "behavior": {"orders": [
        {"order_id": "o1", "time": "2026-10-01T10:00:00Z", "amount": 120.5},
        {"order_id": "o2", "time": "2026-11-01T10:00:00Z", "amount": 80}],
      "preferred_brands": ["Acme"], "channels": ["app", "web"]},
    "psychographics": {"interests": {"discounts": 0.9, "parenting": 0.7},
      "values": ["family"], "lifestyle": ["busy"],
      "personality": {"openness": 0.5, "conscientiousness": 0.9},
      "preferred_channels": ["email"]},
    "attributes": {"tier": "gold"}},
  "explain": true,
  "as_of": "2026-11-22T00:00:00Z"})";

// Built once per process. The store is shared by every load, like the server's, and the
// keep-alive snapshot pins the three bundled plugins, so an input costs a hash of each
// plugin file it names rather than a dlopen/dlclose cycle.
struct Env {
  Env() {
    auto created = persona::PluginStore::Create("");
    FUZZ_CHECK(created.ok(), "%s", std::string(created.status().message()).c_str());
    store = *std::move(created);
    options.plugin_dir = PERSONA_PLUGIN_DIR;
    options.plugin_store = store.get();
    CatalogLoadResult loaded =
        persona::LoadCatalog(PERSONA_SOURCE_DIR "/deploy/catalog/catalog.json", options);
    FUZZ_CHECK(loaded.ok(), "the default catalog must load: %s",
               loaded.problems.front().ToString().c_str());
    keep_alive = loaded.snapshot;
    FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(kRequestJson, &request).ok(),
               "bad request JSON");
  }
  ~Env() {
    keep_alive.reset();  // before the store, which removes its private cache directory
  }

  std::unique_ptr<persona::PluginStore> store;
  CatalogLoaderOptions options;
  std::shared_ptr<const persona::CatalogSnapshot> keep_alive;
  persona::v1::ScoreCustomerRequest request;
};

void CheckSnapshot(const persona::CatalogSnapshot& snapshot, const CatalogSource& source,
                   const persona::v1::ScoreCustomerRequest& request) {
  FUZZ_CHECK(snapshot.version == source.catalog.version(), "version changed");
  FUZZ_CHECK(snapshot.personas.size() == static_cast<size_t>(source.catalog.personas_size()),
             "persona count");
  FUZZ_CHECK(snapshot.persona_index.size() == snapshot.personas.size(), "persona index");
  for (size_t i = 1; i < snapshot.personas.size(); ++i) {
    FUZZ_CHECK(snapshot.personas[i - 1].id < snapshot.personas[i].id, "personas not sorted");
  }
  persona::v1::ScoreCustomerResponse response;
  const grpc::Status status =
      persona::ScoreOneCustomer(snapshot, request, persona::RequestLimits(), &response);
  FUZZ_CHECK(status.ok(), "fixed request failed: %s", status.error_message().c_str());
  for (int i = 0; i < response.matches_size(); ++i) {
    const auto& match = response.matches(i);
    FUZZ_CHECK(std::isfinite(match.score()) && match.score() >= 0 && match.score() <= 1,
               "score %g out of [0,1] for %s", match.score(), match.persona_id().c_str());
    if (i > 0) {
      const auto& prev = response.matches(i - 1);
      FUZZ_CHECK(prev.score() > match.score() ||
                     (prev.score() == match.score() && prev.persona_id() < match.persona_id()),
                 "matches not ranked");
    }
    for (const auto& contribution : match.contributions()) {
      FUZZ_CHECK(contribution.affinity() >= 0 && contribution.affinity() <= 1,
                 "affinity %g out of [0,1]", contribution.affinity());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env env;
  const std::string json(reinterpret_cast<const char*>(data), size);

  CatalogSource source;
  CatalogProblems parse_problems;
  if (!persona::ParseCatalogJson(json, "fuzz.json", &source, &parse_problems)) {
    FUZZ_CHECK(!parse_problems.empty(), "parse failed without a problem");
    return 0;
  }
  FUZZ_CHECK(source.persona_files.size() == static_cast<size_t>(source.catalog.personas_size()),
             "persona_files not parallel to personas");
  FUZZ_CHECK(source.segmenter_files.size() == static_cast<size_t>(source.catalog.segmenters_size()),
             "segmenter_files not parallel to segmenters");

  CatalogProblems schema_problems;
  const bool schema_ok = persona::ValidateCatalogSchema(source, &schema_problems);
  FUZZ_CHECK(schema_ok == schema_problems.empty(), "schema verdict and problems disagree");
  for (const auto& problem : schema_problems) {
    FUZZ_CHECK(!problem.message.empty(), "problem without a message at %s", problem.field.c_str());
  }

  const CatalogLoadResult result = persona::BuildCatalogSnapshot(source, env.options);
  // PERSONA_FUZZ_VERBOSE=1: say what each input came to (for keeping the seeds meaningful).
  static const bool verbose = std::getenv("PERSONA_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "catalog %s\n", result.ok() ? "loaded" : "rejected:");
    for (const auto& problem : result.problems) {
      std::fprintf(stderr, "  %s\n", problem.ToString().c_str());
    }
  }
  FUZZ_CHECK(result.ok() != !result.problems.empty(), "load verdict and problems disagree");
  if (!schema_ok) {
    FUZZ_CHECK(!result.ok(), "a catalog the schema rejects was loaded");
    return 0;
  }
  if (result.ok()) CheckSnapshot(*result.snapshot, source, env.request);
  return 0;
}
