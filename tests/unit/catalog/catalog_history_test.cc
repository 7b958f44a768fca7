// CatalogHistory: the ring of live catalogs RollbackCatalog returns to.
#include "service/catalog/catalog_history.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace persona {
namespace {

std::shared_ptr<const CatalogSnapshot> Snapshot(const std::string& version) {
  auto snapshot = std::make_shared<CatalogSnapshot>();
  snapshot->version = version;
  return snapshot;
}

TEST(CatalogHistoryTest, ListsNewestFirstWithHowAndActor) {
  CatalogHistory history;
  history.Record(Snapshot("v1"), absl::FromUnixSeconds(1), "file", "file");
  history.Record(Snapshot("v2"), absl::FromUnixSeconds(2), "promote", "token:abc");
  const std::vector<CatalogHistoryEntry> entries = history.entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].version, "v2");
  EXPECT_EQ(entries[0].how, "promote");
  EXPECT_EQ(entries[0].actor, "token:abc");
  EXPECT_EQ(entries[0].applied_at, absl::FromUnixSeconds(2));
  EXPECT_EQ(entries[1].version, "v1");
  EXPECT_NE(entries[1].snapshot, nullptr);
}

TEST(CatalogHistoryTest, KeepsOnlyTheNewestFiveSnapshotsAndLetsTheOthersGo) {
  CatalogHistory history;
  std::weak_ptr<const CatalogSnapshot> first;
  for (int i = 1; i <= 7; ++i) {
    auto snapshot = Snapshot("v" + std::to_string(i));
    if (i == 1) first = snapshot;
    history.Record(std::move(snapshot), absl::FromUnixSeconds(i), "file", "file");
  }
  // The oldest snapshot (and so its plugins) is freed once it leaves the kept window.
  EXPECT_TRUE(first.expired());
  const std::vector<CatalogHistoryEntry> entries = history.entries();
  ASSERT_EQ(entries.size(), 7u);  // still listed
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].snapshot != nullptr, i < CatalogHistory::kKept) << i;
  }
  EXPECT_NE(history.FindRollbackTarget("v3"), nullptr);
  EXPECT_EQ(history.FindRollbackTarget("v2"), nullptr);  // listed, no longer available
  EXPECT_EQ(history.FindRollbackTarget("v1"), nullptr);
}

TEST(CatalogHistoryTest, ListsAtMostTheListedCap) {
  CatalogHistory history(2, 3);
  for (int i = 1; i <= 5; ++i) {
    history.Record(Snapshot("v" + std::to_string(i)), absl::FromUnixSeconds(i), "file", "file");
  }
  const std::vector<CatalogHistoryEntry> entries = history.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].version, "v5");
  EXPECT_EQ(entries[2].version, "v3");
  EXPECT_EQ(entries[2].snapshot, nullptr);
}

TEST(CatalogHistoryTest, RollbackTargetDefaultsToThePreviousLiveCatalog) {
  CatalogHistory history;
  EXPECT_EQ(history.FindRollbackTarget(""), nullptr);  // nothing at all
  history.Record(Snapshot("v1"), absl::FromUnixSeconds(1), "file", "file");
  EXPECT_EQ(history.FindRollbackTarget(""), nullptr);  // only the live one
  history.Record(Snapshot("v2"), absl::FromUnixSeconds(2), "file", "file");
  history.Record(Snapshot("v3"), absl::FromUnixSeconds(3), "file", "file");
  ASSERT_NE(history.FindRollbackTarget(""), nullptr);
  EXPECT_EQ(history.FindRollbackTarget("")->version, "v2");
  EXPECT_EQ(history.FindRollbackTarget("v1")->version, "v1");
  // The live catalog itself is not a rollback target, and unknown versions are not found.
  EXPECT_EQ(history.FindRollbackTarget("v3"), nullptr);
  EXPECT_EQ(history.FindRollbackTarget("v9"), nullptr);
}

TEST(CatalogHistoryTest, RollbackToARepeatedVersionTakesTheNewestKeptOne) {
  CatalogHistory history;
  auto older = Snapshot("same");
  auto newer = Snapshot("same");
  history.Record(older, absl::FromUnixSeconds(1), "file", "file");
  history.Record(newer, absl::FromUnixSeconds(2), "file", "file");
  history.Record(Snapshot("live"), absl::FromUnixSeconds(3), "file", "file");
  EXPECT_EQ(history.FindRollbackTarget("same"), newer);
}

}  // namespace
}  // namespace persona
