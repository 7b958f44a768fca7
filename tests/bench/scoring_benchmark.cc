// In-process scoring cost, no gRPC: the real bundled plugins, loaded through the catalog
// loader from generated catalogs of 5 to 10,000 personas (one criterion per segmenter each,
// all six lenses), over customers that carry data for every lens.
//   BM_Engine:     the engine alone (ScoreCustomer on a prepared CustomerView): the plugins'
//                  six score calls plus Σ wᵢ·aᵢ / Σ wᵢ and ranking. Divide by the persona
//                  count for the ns-per-persona figure scripts/bench reports.
//   BM_ScoreOne:   what a request costs inside the server: validation, proto → view, the
//                  engine and the response message (ScoreOneCustomer).
//   BM_Validate:   request validation alone (ValidateScoreRequest) on the same valid requests.
// Every request asks for the top 3 matches, explain off: the common caller.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/synthetic/catalog_generator.h"
#include "service/catalog/catalog_loader.h"
#include "service/engine/scoring_engine.h"
#include "service/grpc/customer_view.h"
#include "service/grpc/request_validator.h"
#include "service/grpc/score_handler.h"
#include "tools/plugin_check/customer_generator.h"

namespace persona {
namespace {

constexpr int kCustomers = 1024;
constexpr uint32_t kTopK = 3;
constexpr int64_t kAsOf = 1795305600;  // 2026-11-22: results do not depend on the run date

struct Fixture {
  std::shared_ptr<const CatalogSnapshot> snapshot;
  std::vector<persona::v1::ScoreCustomerRequest> requests;
  std::vector<std::unique_ptr<CustomerView>> views;  // borrow from `requests`
};

const Fixture& FixtureFor(int personas) {
  static std::map<int, std::unique_ptr<Fixture>>* fixtures =
      new std::map<int, std::unique_ptr<Fixture>>;
  std::unique_ptr<Fixture>& fixture = (*fixtures)[personas];
  if (fixture) return *fixture;
  fixture = std::make_unique<Fixture>();
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("scoring_benchmark_" + std::to_string(personas) + ".json");
  std::ofstream(path) << synthetic::GenerateCatalogJson(personas, 42);
  CatalogLoaderOptions options;
  options.plugin_dir = PERSONA_PLUGIN_DIR;
  CatalogLoadResult loaded = LoadCatalog(path.string(), options);
  std::filesystem::remove(path);
  if (!loaded.ok()) {
    for (const CatalogProblem& p : loaded.problems) {
      std::fprintf(stderr, "catalog: %s\n", p.ToString().c_str());
    }
    std::abort();
  }
  fixture->snapshot = loaded.snapshot;
  // Customers with data for all six lenses (orders with lines, channels and vouchers,
  // events, digital presence, life events; persona-plugin-check's generator over the client's
  // archetypes), without its first two: one with no data, one on every server limit.
  plugin_check::GeneratorOptions generator;
  generator.seed = 7;
  generator.count = kCustomers + 2;
  generator.as_of_unix_seconds = kAsOf;
  std::vector<persona::v1::Customer> customers = plugin_check::GenerateCustomers(generator);
  fixture->requests.resize(kCustomers);
  for (int i = 0; i < kCustomers; ++i) {
    auto& request = fixture->requests[i];
    *request.mutable_customer() = std::move(customers[i + 2]);
    request.set_top_k(kTopK);
    request.mutable_as_of()->set_seconds(kAsOf);
  }
  for (const auto& request : fixture->requests) {
    fixture->views.push_back(std::make_unique<CustomerView>());
    fixture->views.back()->Reset(request.customer());
  }
  return *fixture;
}

void SetCounters(benchmark::State& state, int personas) {
  state.SetItemsProcessed(state.iterations());
  state.counters["personas"] = personas;
  state.counters["ns_per_persona"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * personas * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Engine(benchmark::State& state) {
  const int personas = static_cast<int>(state.range(0));
  const Fixture& fixture = FixtureFor(personas);
  ScoreOptions options;
  options.top_k = kTopK;
  options.as_of_unix_seconds = kAsOf;
  ScoreResult result;
  size_t i = 0;
  for (auto _ : state) {
    ScoreCustomer(*fixture.snapshot, fixture.views[i]->get(), options, &result);
    benchmark::DoNotOptimize(result.matches.data());
    i = (i + 1) % kCustomers;
  }
  SetCounters(state, personas);
}
BENCHMARK(BM_Engine)->Arg(5)->Arg(100)->Arg(1000)->Arg(10000);

void BM_ScoreOne(benchmark::State& state) {
  const int personas = static_cast<int>(state.range(0));
  const Fixture& fixture = FixtureFor(personas);
  persona::v1::ScoreCustomerResponse response;
  const RequestLimits limits;
  size_t i = 0;
  for (auto _ : state) {
    response.Clear();
    const grpc::Status status =
        ScoreOneCustomer(*fixture.snapshot, fixture.requests[i], limits, &response);
    if (!status.ok()) state.SkipWithError(status.error_message().c_str());
    benchmark::DoNotOptimize(response.matches_size());
    i = (i + 1) % kCustomers;
  }
  SetCounters(state, personas);
}
BENCHMARK(BM_ScoreOne)->Arg(5)->Arg(100)->Arg(1000)->Arg(10000);

void BM_Validate(benchmark::State& state) {
  const Fixture& fixture = FixtureFor(5);
  const RequestLimits limits;
  size_t i = 0;
  for (auto _ : state) {
    const std::vector<FieldViolation> violations =
        ValidateScoreRequest(fixture.requests[i], kAsOf, limits);
    if (!violations.empty()) state.SkipWithError(violations[0].field.c_str());
    benchmark::DoNotOptimize(violations.data());
    i = (i + 1) % kCustomers;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Validate);

}  // namespace
}  // namespace persona

BENCHMARK_MAIN();
