#include "service/catalog/catalog_history.h"

#include <utility>

namespace persona {

CatalogHistory::CatalogHistory(size_t kept, size_t listed)
    : kept_(kept == 0 ? 1 : kept), listed_(listed < kept_ ? kept_ : listed) {}

void CatalogHistory::Record(std::shared_ptr<const CatalogSnapshot> snapshot, absl::Time applied_at,
                            std::string how, std::string actor) {
  CatalogHistoryEntry entry;
  entry.version = snapshot->version;
  entry.applied_at = applied_at;
  entry.how = std::move(how);
  entry.actor = std::move(actor);
  entry.snapshot = std::move(snapshot);
  std::shared_ptr<const CatalogSnapshot> released;
  {
    absl::MutexLock lock(&mutex_);
    entries_.insert(entries_.begin(), std::move(entry));
    if (entries_.size() > listed_) entries_.resize(listed_);
    // The one entry that just fell out of the kept window lets go of its snapshot; it is
    // released after the lock, so unloading its plugins never happens under it.
    if (entries_.size() > kept_) released = std::move(entries_[kept_].snapshot);
  }
}

std::vector<CatalogHistoryEntry> CatalogHistory::entries() const {
  absl::MutexLock lock(&mutex_);
  return entries_;
}

std::shared_ptr<const CatalogSnapshot> CatalogHistory::FindRollbackTarget(
    const std::string& version) const {
  absl::MutexLock lock(&mutex_);
  for (size_t i = 1; i < entries_.size(); ++i) {
    if (!version.empty() && entries_[i].version != version) continue;
    // With no version asked for, only the previous live catalog will do.
    if (version.empty() && i != 1) break;
    return entries_[i].snapshot;  // null once it fell out of the kept window
  }
  return nullptr;
}

}  // namespace persona
