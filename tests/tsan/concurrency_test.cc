// Our own concurrency, in-process and without gRPC, so ThreadSanitizer sees every access:
// request threads scoring against ServingCatalog::Current() while the CatalogReloader
// publishes new snapshots (good, new version, rejected), the CatalogWatcher turns file
// changes into reloads, status is read from admin threads, and the last reader of an old
// snapshot releases its plugins. Runs in every build; scripts/test also runs it under TSan
// (build-tsan/), which is what it is for. Outcomes are checked too, so a plain build still
// tests "no request fails because of a reload" (docs/snapshots-and-reload.md).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/catalog_watcher.h"
#include "service/catalog/serving_catalog.h"
#include "service/grpc/score_handler.h"

namespace persona {
namespace {

namespace fs = std::filesystem;

constexpr int kReaders = 3;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string CatalogText(const std::string& version) {
  return absl::StrReplaceAll(
      ReadText(fs::path(PERSONA_SOURCE_DIR) / "deploy/catalog/catalog.json"),
      {{"\"version\": \"2026-12-07.1\"", "\"version\": \"" + version + "\""}});
}

// One segmenter, one persona: loading it releases the other two plugins.
std::string RfmOnlyCatalog(const std::string& version) {
  return R"({"version": ")" + version + R"(",
    "segmenters": [{"name": "rfm", "plugin": "libsegmenter_rfm.so"}],
    "personas": [{"id": "hemat-fred", "display_name": "Hemat Fred",
      "criteria": [{"segmenter": "rfm", "weight": 1,
                    "params": {"segments": ["potential_loyalist", "need_attention"]}}]}]})";
}

// The first problem of a failed reload, for assertion messages.
std::string FirstProblem(const ReloadOutcome& outcome) {
  return outcome.problems.empty() ? "(no problem reported)" : outcome.problems.front().ToString();
}

// Replaces the file by rename, as editors and config management do: a reader never sees a
// half-written catalog.
void WriteAtomically(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".tmp";
  std::ofstream(temporary) << text;
  fs::rename(temporary, path);
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("concurrency_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "catalog");
    catalog_path_ = dir_ / "catalog" / "catalog.json";
    WriteAtomically(catalog_path_, CatalogText("v0"));
    auto store = PluginStore::Create((dir_ / "plugin-cache").string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    options_.plugin_dir = PERSONA_PLUGIN_DIR;
    options_.plugin_store = store_.get();
    const std::string customer =
        ReadText(fs::path(PERSONA_SOURCE_DIR) / "deploy/examples/hemat-fred.json");
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(customer, request_.mutable_customer()).ok());
    request_.set_explain(true);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Request threads: take the snapshot once per request, score, and record what served.
  void StartReaders() {
    for (int i = 0; i < kReaders; ++i) {
      readers_.emplace_back([this] {
        while (!stop_.load()) {
          std::shared_ptr<const CatalogSnapshot> snapshot = serving_.Current();
          if (snapshot == nullptr) continue;
          persona::v1::ScoreCustomerResponse response;
          const grpc::Status status =
              ScoreOneCustomer(*snapshot, request_, RequestLimits(), &response);
          if (!status.ok() || response.matches_size() == 0) failures_.fetch_add(1);
          calls_.fetch_add(1);
          std::lock_guard<std::mutex> lock(served_mutex_);
          served_.insert(response.catalog_version());
        }
      });
    }
  }
  void StopReaders() {
    stop_.store(true);
    for (std::thread& reader : readers_) reader.join();
    readers_.clear();
  }
  std::set<std::string> Served() {
    std::lock_guard<std::mutex> lock(served_mutex_);
    return served_;
  }

  fs::path dir_;
  fs::path catalog_path_;
  std::unique_ptr<PluginStore> store_;
  CatalogLoaderOptions options_;
  ServingCatalog serving_;
  persona::v1::ScoreCustomerRequest request_;
  std::vector<std::thread> readers_;
  std::atomic<bool> stop_{false};
  std::atomic<int> failures_{0};
  std::atomic<int> calls_{0};
  std::mutex served_mutex_;
  std::set<std::string> served_;
};

TEST_F(ConcurrencyTest, ReadersKeepScoringWhileReloadsPublishAndReject) {
  CatalogReloader reloader(&serving_, catalog_path_.string(), options_);
  std::atomic<int> outcomes{0};
  reloader.set_listener([&](const ReloadOutcome&) { outcomes.fetch_add(1); });
  const ReloadOutcome first = reloader.ReloadNow();
  ASSERT_TRUE(first.applied) << FirstProblem(first);
  StartReaders();
  // An admin thread polling status while reloads run, as GetCatalogStatus and health do.
  std::thread admin([&] {
    while (!stop_.load()) (void)reloader.status();
  });

  constexpr int kRounds = 12;
  int expected_ok = 1, expected_rejected = 0;
  for (int round = 1; round <= kRounds; ++round) {
    const bool bad = round % 3 == 0;
    const std::string version = "v" + std::to_string(round);
    WriteAtomically(catalog_path_, bad ? "{\"version\": \"" + version + "\", \"nonsense\": 1}"
                                       : CatalogText(version));
    std::promise<ReloadOutcome> done;
    // Posted from another thread, as the admin RPC and the SIGHUP handler do.
    std::thread poster(
        [&] { reloader.PostReload([&](const ReloadOutcome& o) { done.set_value(o); }); });
    const ReloadOutcome outcome = done.get_future().get();
    poster.join();
    EXPECT_EQ(outcome.applied, !bad) << version;
    (bad ? expected_rejected : expected_ok)++;
  }
  StopReaders();
  stop_.store(true);
  admin.join();

  EXPECT_EQ(failures_.load(), 0) << "of " << calls_.load() << " calls";
  EXPECT_GT(calls_.load(), 0);
  const ReloadStatus status = reloader.status();
  EXPECT_EQ(status.reloads_ok, static_cast<uint64_t>(expected_ok));
  EXPECT_EQ(status.reloads_rejected, static_cast<uint64_t>(expected_rejected));
  EXPECT_EQ(outcomes.load(), kRounds + 1);  // the start-up ReloadNow is an attempt too
  for (const std::string& version : Served()) {
    EXPECT_NE(version, "v3") << "a rejected version served";
  }
  EXPECT_EQ(serving_.Current()->version, "v11");  // v12 was rejected
}

TEST_F(ConcurrencyTest, WatcherDrivenReloadsWhileScoring) {
  CatalogReloader reloader(&serving_, catalog_path_.string(), options_);
  const ReloadOutcome first = reloader.ReloadNow();
  ASSERT_TRUE(first.applied) << FirstProblem(first);
  auto watcher = CatalogWatcher::Start((dir_ / "catalog").string(), absl::Milliseconds(20),
                                       [&] { reloader.PostReloadIfChanged(); });
  ASSERT_TRUE(watcher.ok()) << watcher.status();
  StartReaders();
  for (int round = 1; round <= 5; ++round) {
    const std::string version = "w" + std::to_string(round);
    WriteAtomically(catalog_path_, CatalogText(version));
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (serving_.Current()->version != version && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_EQ(serving_.Current()->version, version);
  }
  watcher->reset();  // stop the watcher before the reloader it posts to
  StopReaders();
  EXPECT_EQ(failures_.load(), 0) << "of " << calls_.load() << " calls";
}

TEST_F(ConcurrencyTest, LastReaderReleasesOldSnapshotsOnRequestThreads) {
  // Every reload publishes a snapshot with the same plugin bytes, so each new one shares
  // the loaded libraries; old snapshots die on whichever reader thread lets go last.
  CatalogReloader reloader(&serving_, catalog_path_.string(), options_);
  const ReloadOutcome first = reloader.ReloadNow();
  ASSERT_TRUE(first.applied) << FirstProblem(first);
  StartReaders();
  for (int round = 1; round <= 20; ++round) {
    WriteAtomically(catalog_path_, CatalogText("r" + std::to_string(round)));
    EXPECT_TRUE(reloader.ReloadNow().applied) << round;
  }
  StopReaders();
  EXPECT_EQ(failures_.load(), 0) << "of " << calls_.load() << " calls";
}

TEST_F(ConcurrencyTest, PluginsUnloadOnRequestThreadsWhileTheLoaderReloadsThem) {
  // Alternating catalogs drop and bring back the demographic and psychographic plugins: the
  // old snapshot, and with it the last reference to a library, dies on a reader thread
  // (dlclose there, and removal of the store's copy) while the loader thread loads the
  // same bytes again (dlopen of that copy).
  const std::string full = CatalogText("full");
  CatalogReloader reloader(&serving_, catalog_path_.string(), options_);
  const ReloadOutcome first = reloader.ReloadNow();
  ASSERT_TRUE(first.applied) << FirstProblem(first);
  StartReaders();
  for (int round = 1; round <= 20; ++round) {
    const std::string version = "a" + std::to_string(round);
    std::string text =
        absl::StrReplaceAll(full, {{"\"version\": \"full\"", "\"version\": \"" + version + "\""}});
    if (round % 2 == 1) text = RfmOnlyCatalog(version);
    WriteAtomically(catalog_path_, text);
    const ReloadOutcome outcome = reloader.ReloadNow();
    EXPECT_TRUE(outcome.applied) << version << ": "
                                 << (outcome.problems.empty() ? ""
                                                              : outcome.problems[0].ToString());
  }
  StopReaders();
  EXPECT_EQ(failures_.load(), 0) << "of " << calls_.load() << " calls";
}

}  // namespace
}  // namespace persona
