#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace persona {

// Watches a catalog path with inotify and calls `on_change` once changes have settled for
// `debounce`. A directory is watched itself; a file through its parent directory, so
// editors that replace the file by rename are seen. Kubernetes updates a ConfigMap volume
// by creating a new timestamped directory and atomically renaming the `..data` symlink to
// it: that rename lands in the watched directory as IN_MOVED_TO, so it is seen too.
// `on_change` runs on the watcher's own thread; it should only post work.
class CatalogWatcher {
 public:
  static absl::StatusOr<std::unique_ptr<CatalogWatcher>> Start(const std::string& catalog_path,
                                                               absl::Duration debounce,
                                                               std::function<void()> on_change);
  ~CatalogWatcher();
  CatalogWatcher(const CatalogWatcher&) = delete;
  CatalogWatcher& operator=(const CatalogWatcher&) = delete;

 private:
  CatalogWatcher(int inotify_fd, int stop_fd, absl::Duration debounce,
                 std::function<void()> on_change);
  void Run();

  const int inotify_fd_;
  const int stop_fd_;  // eventfd: written once to stop the thread
  const absl::Duration debounce_;
  const std::function<void()> on_change_;
  std::thread thread_;
};

}  // namespace persona
