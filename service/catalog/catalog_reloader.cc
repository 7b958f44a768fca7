#include "service/catalog/catalog_reloader.h"

#include <filesystem>
#include <utility>

#include "absl/time/clock.h"

namespace persona {
namespace {

std::string CatalogFolderOf(const std::string& catalog_path) {
  std::error_code ec;
  const std::filesystem::path path(catalog_path);
  if (std::filesystem::is_directory(path, ec)) return path.string();
  const std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

CatalogReloader::CatalogReloader(ServingCatalog* serving, std::string catalog_path,
                                 CatalogLoaderOptions options)
    : serving_(serving),
      catalog_path_(std::move(catalog_path)),
      catalog_folder_(CatalogFolderOf(catalog_path_)),
      options_(std::move(options)) {
  status_.last_attempt = absl::InfinitePast();
  worker_ = std::thread([this] { Run(); });
}

CatalogReloader::~CatalogReloader() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  worker_.join();
}

void CatalogReloader::set_listener(Listener listener) {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  listener_ = std::move(listener);
}

void CatalogReloader::set_staged_listener(StagedListener listener) {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  staged_listener_ = std::move(listener);
}

void CatalogReloader::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    queue_.push_back(std::move(task));
  }
  queue_cv_.notify_one();
}

void CatalogReloader::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      // Pending work still runs on shutdown so every waiting RPC gets its answer.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void CatalogReloader::PostReload(std::function<void(const ReloadOutcome&)> done,
                                 std::string actor) {
  Post([this, done = std::move(done), actor = std::move(actor)] {
    ReloadOutcome outcome = ReloadNow(actor);
    if (done) done(outcome);
  });
}

void CatalogReloader::PostReloadIfChanged() {
  Post([this] {
    {
      std::lock_guard<std::mutex> lock(reload_mutex_);
      if (CatalogFingerprint(catalog_path_) == last_fingerprint_) return;
    }
    ReloadNow();
  });
}

void CatalogReloader::PostValidate(CatalogSource source,
                                   std::function<void(const CatalogLoadResult&)> done) {
  Post([this, source = std::move(source), done = std::move(done)] {
    CatalogLoadResult result = BuildCatalogSnapshot(source, options_);
    done(result);
    // The throw-away snapshot (and any plugin it alone loaded) is released here, on the
    // loader thread, not on a request thread.
  });
}

ReloadOutcome CatalogReloader::ReloadNow(const std::string& actor) {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  // Taken before reading: a change that lands during the load makes the next check differ.
  last_fingerprint_ = CatalogFingerprint(catalog_path_);
  CatalogLoadResult result = LoadCatalog(catalog_path_, options_);
  {
    absl::MutexLock status_lock(&status_mutex_);
    status_.last_attempt = absl::Now();
    status_.last_problems = result.problems;
    ++(result.ok() ? status_.reloads_ok : status_.reloads_rejected);
  }
  // A staged candidate stays staged either way; it is compared against whatever is live.
  if (result.ok()) return PublishLocked(std::move(result.snapshot), "file", actor);
  ReloadOutcome outcome;
  outcome.problems = std::move(result.problems);
  outcome.actor = actor;
  if (auto current = serving_->Current()) outcome.version = current->version;
  outcome.previous_version = outcome.version;
  if (listener_) listener_(outcome);
  return outcome;
}

ReloadOutcome CatalogReloader::PublishLocked(std::shared_ptr<const CatalogSnapshot> snapshot,
                                             std::string how, std::string actor) {
  ReloadOutcome outcome;
  if (auto current = serving_->Current()) outcome.previous_version = current->version;
  outcome.applied = true;
  outcome.version = snapshot->version;
  outcome.how = how;
  outcome.actor = actor;
  history_.Record(snapshot, absl::Now(), std::move(how), std::move(actor));
  // The old snapshot is freed when its last request finishes (or when it leaves the history).
  serving_->Publish(std::move(snapshot));
  if (listener_) listener_(outcome);
  return outcome;
}

ReloadStatus CatalogReloader::status() const {
  absl::MutexLock lock(&status_mutex_);
  return status_;
}

}  // namespace persona
