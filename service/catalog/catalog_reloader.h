#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/catalog/catalog_loader.h"
#include "service/catalog/serving_catalog.h"

namespace persona {

struct ReloadOutcome {
  bool applied = false;
  std::string version;  // serving after the attempt (may be empty before the first load)
  CatalogProblems problems;
};

struct ReloadStatus {
  absl::Time last_attempt;  // absl::InfinitePast() before any
  CatalogProblems last_problems;
  uint64_t reloads_ok = 0;
  uint64_t reloads_rejected = 0;
};

// Loads catalogs on one dedicated thread, off every request path, and publishes a snapshot
// only when all of it loaded and validated. A rejected catalog leaves the serving one in
// place. Admin RPCs and signals post work here instead of blocking their own threads.
class CatalogReloader {
 public:
  using Listener = std::function<void(const ReloadOutcome&)>;

  CatalogReloader(ServingCatalog* serving, std::string catalog_path, CatalogLoaderOptions options);
  ~CatalogReloader();
  CatalogReloader(const CatalogReloader&) = delete;
  CatalogReloader& operator=(const CatalogReloader&) = delete;

  // Reloads from the catalog path on the loader thread; `done` runs there afterwards.
  void PostReload(std::function<void(const ReloadOutcome&)> done);
  // Builds (and discards) a snapshot from `source` on the loader thread.
  void PostValidate(CatalogSource source, std::function<void(const CatalogLoadResult&)> done);
  // Like PostReload, but skipped when the catalog files are byte-for-byte what the last
  // attempt read (watcher events that changed nothing cost no reload).
  void PostReloadIfChanged();
  // Synchronous reload on the caller's thread: for start-up and tests.
  ReloadOutcome ReloadNow();

  ReloadStatus status() const;
  // Called on the loader thread after every reload attempt (logging, health).
  void set_listener(Listener listener);

 private:
  void Post(std::function<void()> task);
  void Run();

  ServingCatalog* serving_;
  const std::string catalog_path_;
  const CatalogLoaderOptions options_;

  std::mutex reload_mutex_;       // one reload at a time, whatever thread asks
  std::string last_fingerprint_;  // guarded by reload_mutex_
  mutable absl::Mutex status_mutex_;
  ReloadStatus status_ ABSL_GUARDED_BY(status_mutex_);
  Listener listener_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace persona
