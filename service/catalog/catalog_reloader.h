#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/catalog/catalog_history.h"
#include "service/catalog/catalog_loader.h"
#include "service/catalog/serving_catalog.h"
#include "service/catalog/staged_catalog.h"

namespace persona {

// A reload attempt, or a promote or rollback: anything that may change the live catalog.
struct ReloadOutcome {
  bool applied = false;
  std::string version;  // serving after the attempt (may be empty before the first load)
  CatalogProblems problems;
  std::string previous_version;  // serving before it
  std::string how = "file";      // "file", "promote" or "rollback"
  std::string actor = "file";    // who asked: "file" (start-up, SIGHUP, watcher) or an admin
};

// Where a candidate comes from: a catalog text, or a path inside the catalog folder.
struct StageRequest {
  bool from_json = false;
  std::string catalog_json;
  std::string catalog_path;  // relative to the catalog folder
  double shadow_sample_rate = 0;
  std::string actor;
};

// What a stage, promote, discard or rollback did. `status` is not OK when the request was
// refused before anything changed (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND); a
// candidate that does not load is an OK status with `problems`.
struct CatalogChange {
  absl::Status status;
  bool changed = false;  // staged / promoted / discarded / rolled back
  std::string version_before;
  std::string version_after;
  std::string candidate_version;
  CatalogProblems problems;
  uint32_t personas = 0;            // of the staged candidate
  bool replaced_candidate = false;  // staging dropped an earlier candidate
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
//
// Safe change (catalog_staging.cc): a candidate is staged beside the live snapshot (built
// exactly like a reload, not served), then promoted through the same publish path as a
// reload, or discarded; the last CatalogHistory::kKept live snapshots stay in memory for
// RollbackCatalog. A file reload while a candidate is staged applies as usual and leaves the
// candidate staged: from then on it is compared against the new live catalog.
class CatalogReloader {
 public:
  using Listener = std::function<void(const ReloadOutcome&)>;
  // Called on the loader thread whenever the staged candidate changes (null: none staged).
  using StagedListener = std::function<void(const StagedCandidate*)>;
  using ChangeDone = std::function<void(const CatalogChange&)>;

  CatalogReloader(ServingCatalog* serving, std::string catalog_path, CatalogLoaderOptions options);
  ~CatalogReloader();
  CatalogReloader(const CatalogReloader&) = delete;
  CatalogReloader& operator=(const CatalogReloader&) = delete;

  // Reloads from the catalog path on the loader thread; `done` runs there afterwards.
  void PostReload(std::function<void(const ReloadOutcome&)> done, std::string actor = "file");
  // Builds (and discards) a snapshot from `source` on the loader thread.
  void PostValidate(CatalogSource source, std::function<void(const CatalogLoadResult&)> done);
  // Like PostReload, but skipped when the catalog files are byte-for-byte what the last
  // attempt read (watcher events that changed nothing cost no reload).
  void PostReloadIfChanged();
  // Synchronous reload on the caller's thread: for start-up and tests.
  ReloadOutcome ReloadNow(const std::string& actor = "file");

  // Safe change, each on the loader thread; `done` runs there afterwards.
  void PostStage(StageRequest request, ChangeDone done);
  // `expected_candidate_version` empty: whatever is staged.
  void PostPromote(std::string expected_candidate_version, std::string actor, ChangeDone done);
  void PostDiscard(std::string actor, ChangeDone done);
  // `to_version` empty: the catalog live before the current one.
  void PostRollback(std::string to_version, std::string actor, ChangeDone done);

  // The folder catalog_path in a StageRequest is relative to: the catalog directory, or the
  // catalog file's directory.
  const std::string& catalog_folder() const { return catalog_folder_; }
  const StagedCatalog& staged() const { return staged_; }
  const CatalogHistory& history() const { return history_; }

  ReloadStatus status() const;
  // Called on the loader thread after every reload attempt, promote and rollback (logging,
  // health, metrics).
  void set_listener(Listener listener);
  void set_staged_listener(StagedListener listener);

 private:
  void Post(std::function<void()> task);
  void Run();
  // Makes `snapshot` live and tells the listener; reload_mutex_ held.
  ReloadOutcome PublishLocked(std::shared_ptr<const CatalogSnapshot> snapshot, std::string how,
                              std::string actor);
  void NotifyStagedLocked();
  CatalogChange StageNow(const StageRequest& request);
  CatalogChange PromoteNow(const std::string& expected_version, const std::string& actor);
  CatalogChange DiscardNow();
  CatalogChange RollbackNow(const std::string& to_version, const std::string& actor);

  ServingCatalog* serving_;
  const std::string catalog_path_;
  const std::string catalog_folder_;
  const CatalogLoaderOptions options_;

  std::mutex reload_mutex_;       // one reload (or other change) at a time
  std::string last_fingerprint_;  // guarded by reload_mutex_
  mutable absl::Mutex status_mutex_;
  ReloadStatus status_ ABSL_GUARDED_BY(status_mutex_);
  Listener listener_;               // guarded by reload_mutex_
  StagedListener staged_listener_;  // guarded by reload_mutex_
  StagedCatalog staged_;            // written under reload_mutex_
  CatalogHistory history_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace persona
