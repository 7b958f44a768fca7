#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/engine/catalog_snapshot.h"

namespace persona {

// One catalog that was live, how it became live and who made it so.
struct CatalogHistoryEntry {
  std::string version;
  absl::Time applied_at;
  std::string how;    // "file", "promote" or "rollback"
  std::string actor;  // "file", or the admin caller (see docs/safe-change.md)
  // Kept in memory while among the newest `kept` entries: what RollbackCatalog returns to.
  // Holding it keeps the snapshot's plugin instances (and so their libraries) alive.
  std::shared_ptr<const CatalogSnapshot> snapshot;
};

// The catalogs that were live, newest first. The newest `kept` keep their snapshot so a
// rollback reads no file; older ones stay listed (without snapshot) up to `listed`.
// Thread-safe: the loader thread records, admin RPCs read.
class CatalogHistory {
 public:
  static constexpr size_t kKept = 5;
  static constexpr size_t kListed = 20;

  explicit CatalogHistory(size_t kept = kKept, size_t listed = kListed);

  // `snapshot` became live (never null).
  void Record(std::shared_ptr<const CatalogSnapshot> snapshot, absl::Time applied_at,
              std::string how, std::string actor);
  // Newest first; entries()[0] is the live one (if any was recorded).
  std::vector<CatalogHistoryEntry> entries() const;
  // The snapshot to roll back to: with `version` empty, the one live before the current one;
  // else the newest kept entry with that version other than the live entry. Null if none.
  std::shared_ptr<const CatalogSnapshot> FindRollbackTarget(const std::string& version) const;

 private:
  const size_t kept_;
  const size_t listed_;
  mutable absl::Mutex mutex_;
  std::vector<CatalogHistoryEntry> entries_ ABSL_GUARDED_BY(mutex_);  // newest first
};

}  // namespace persona
