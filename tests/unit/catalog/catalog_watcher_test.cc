#include "service/catalog/catalog_watcher.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace persona {
namespace {

namespace fs = std::filesystem;

// Polls with a bounded wait: the watcher runs on its own thread.
bool WaitFor(const std::atomic<int>& counter, int at_least) {
  for (int i = 0; i < 200 && counter.load() < at_least; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return counter.load() >= at_least;
}

class CatalogWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(::testing::TempDir()) /
        ("watch_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CatalogWatcherTest, FileRewriteInDirectoryTriggersOnceAfterDebounce) {
  std::ofstream(dir_ / "catalog.json") << "{}";
  std::atomic<int> changes{0};
  auto watcher = CatalogWatcher::Start(dir_.string(), absl::Milliseconds(50), [&] { ++changes; });
  ASSERT_TRUE(watcher.ok()) << watcher.status();
  for (int i = 0; i < 5; ++i)
    std::ofstream(dir_ / "catalog.json") << "{\"version\": \"" << i << "\"}";
  ASSERT_TRUE(WaitFor(changes, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(changes.load(), 1);  // a burst of writes is one change
}

TEST_F(CatalogWatcherTest, WatchingAFileSeesRenameReplace) {
  const fs::path file = dir_ / "catalog.json";
  std::ofstream(file) << "{}";
  std::atomic<int> changes{0};
  auto watcher = CatalogWatcher::Start(file.string(), absl::Milliseconds(20), [&] { ++changes; });
  ASSERT_TRUE(watcher.ok());
  std::ofstream(dir_ / ".catalog.json.swp") << "{\"version\": \"2\"}";
  fs::rename(dir_ / ".catalog.json.swp", file);
  EXPECT_TRUE(WaitFor(changes, 1));
}

TEST_F(CatalogWatcherTest, KubernetesDataSymlinkSwapTriggers) {
  fs::create_directories(dir_ / "..2026_11_22_10_00_00.1");
  std::ofstream(dir_ / "..2026_11_22_10_00_00.1" / "catalog.json") << "{}";
  fs::create_directory_symlink("..2026_11_22_10_00_00.1", dir_ / "..data");
  fs::create_symlink("..data/catalog.json", dir_ / "catalog.json");
  std::atomic<int> changes{0};
  auto watcher = CatalogWatcher::Start(dir_.string(), absl::Milliseconds(20), [&] { ++changes; });
  ASSERT_TRUE(watcher.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(changes.load(), 0);  // nothing happened yet

  // What kubelet does: new timestamped dir, a temporary link, rename over ..data.
  fs::create_directories(dir_ / "..2026_11_22_10_05_00.2");
  std::ofstream(dir_ / "..2026_11_22_10_05_00.2" / "catalog.json") << "{\"version\": \"2\"}";
  fs::create_directory_symlink("..2026_11_22_10_05_00.2", dir_ / "..data_tmp");
  fs::rename(dir_ / "..data_tmp", dir_ / "..data");
  fs::remove_all(dir_ / "..2026_11_22_10_00_00.1");
  EXPECT_TRUE(WaitFor(changes, 1));
}

TEST_F(CatalogWatcherTest, MissingPathIsAnError) {
  auto watcher = CatalogWatcher::Start((dir_ / "nope" / "catalog.json").string(),
                                       absl::Milliseconds(10), [] {});
  EXPECT_FALSE(watcher.ok());
}

}  // namespace
}  // namespace persona
