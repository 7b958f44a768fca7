// Shadow evaluation's own concurrency, in-process and without gRPC so ThreadSanitizer sees
// every access: request threads offer their answers to the ShadowScorer (sampling at rate 1)
// while the loader thread stages, replaces, promotes, discards and rolls back candidates and
// admin threads read the report and the history. Catalogs use the toy fixture only. Runs in
// every build (outcomes: no live call fails, the report stays consistent); tests/tsan/run runs
// it under TSan.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/serving_catalog.h"
#include "service/grpc/score_handler.h"
#include "service/grpc/shadow_scorer.h"

namespace persona {
namespace {

namespace fs = std::filesystem;

std::string ToyCatalog(const std::string& version, double beta_min_score) {
  return absl::StrCat(R"({"version": ")", version,
                      R"(", "segmenters": [{"name": "toy", "plugin": "libsegmenter_toy.so"}],)",
                      R"( "personas": [)",
                      R"({"id": "alpha", "display_name": "Alpha", "min_score": 0.5, "criteria":)",
                      R"( [{"segmenter": "toy", "weight": 1, "params": {"affinity": 0.8}}]},)",
                      R"({"id": "beta", "display_name": "Beta", "min_score": )", beta_min_score,
                      R"(, "criteria":)",
                      R"( [{"segmenter": "toy", "weight": 1, "params": {"affinity": 0.6}}]}]})");
}

// Waits for a posted change and returns it.
CatalogChange Wait(const std::function<void(CatalogReloader::ChangeDone)>& post) {
  std::promise<CatalogChange> done;
  post([&done](const CatalogChange& change) { done.set_value(change); });
  return done.get_future().get();
}

TEST(ShadowConcurrencyTest, OffersWhileCandidatesComeAndGo) {
  const fs::path dir = fs::path(::testing::TempDir()) / "shadow_concurrency";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "catalog.json") << ToyCatalog("live", 0.5);
  ServingCatalog serving;
  CatalogLoaderOptions options;
  options.plugin_dir = PERSONA_FIXTURE_PLUGIN_DIR;
  CatalogReloader reloader(&serving, (dir / "catalog.json").string(), options);
  ASSERT_TRUE(reloader.ReloadNow().applied);
  // A small queue, so drops happen too.
  ShadowScorer shadow(&serving, &reloader.staged(), RequestLimits(), nullptr, 4);

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      persona::v1::ScoreCustomerRequest request;
      persona::v1::ScoreCustomerResponse response;
      for (int i = 0; !stop.load(); ++i) {
        request.mutable_customer()->set_customer_id(absl::StrCat("t", t, "-", i));
        response.Clear();
        const std::shared_ptr<const CatalogSnapshot> snapshot = serving.Current();
        if (!ScoreOneCustomer(*snapshot, request, RequestLimits(), &response).ok()) {
          failures.fetch_add(1);
        }
        shadow.Offer(request, response);
      }
    });
  }
  std::thread admin([&] {
    while (!stop.load()) {
      const persona::v1::GetShadowReportResponse report = shadow.Report(3);
      if (report.staged() && report.top1_agreements() > report.compared()) failures.fetch_add(1);
      reloader.history().entries();
    }
  });

  for (int round = 0; round < 20; ++round) {
    StageRequest stage;
    stage.from_json = true;
    stage.catalog_json = ToyCatalog(absl::StrCat("candidate-", round), 0.7);
    stage.shadow_sample_rate = 1.0;
    ASSERT_TRUE(Wait([&](auto done) { reloader.PostStage(stage, done); }).changed);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    switch (round % 4) {
      case 0:
        Wait([&](auto done) { reloader.PostDiscard("test", done); });
        break;
      case 1:
        ASSERT_TRUE(Wait([&](auto done) { reloader.PostPromote("", "test", done); }).changed);
        break;
      case 2:
        // Staged again: replaces the candidate.
        ASSERT_TRUE(Wait([&](auto done) { reloader.PostStage(stage, done); }).replaced_candidate);
        break;
      default:
        Wait([&](auto done) { reloader.PostRollback("", "test", done); });
        reloader.ReloadNow();  // a file reload while a candidate is staged
        break;
    }
  }
  stop.store(true);
  for (std::thread& reader : readers) reader.join();
  admin.join();
  EXPECT_EQ(failures.load(), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace persona
