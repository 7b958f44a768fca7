#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "service/plugin_host/plugin_library.h"

namespace persona {

// Loads plugins from private, content-addressed copies.
//
// dlopen() of a path that is already loaded returns the old code, and writing over a mapped
// .so corrupts the running process. So the store never opens the operator's file directly:
// it reads it once, hashes those bytes (the SHA-256 pin is checked on exactly what will be
// loaded), writes them to <cache_dir>/<sha256>-<file name> if that copy does not exist yet,
// and opens the copy. A new build of a plugin therefore always loads from a new path, a
// copy is never rewritten, and identical bytes share one loaded library. A library is
// unloaded, and its copy removed, when the last snapshot using it lets go.
class PluginStore {
 public:
  // `cache_dir` empty: a fresh private directory under $TMPDIR, removed with the store.
  static absl::StatusOr<std::unique_ptr<PluginStore>> Create(const std::string& cache_dir);
  ~PluginStore();
  PluginStore(const PluginStore&) = delete;
  PluginStore& operator=(const PluginStore&) = delete;

  struct Loaded {
    std::shared_ptr<const PluginLibrary> library;
    std::string sha256;
  };
  // Loads `source_path`. When `pinned_sha256` is non-empty the bytes must hash to it, or
  // nothing is opened. Thread-safe.
  absl::StatusOr<Loaded> Load(const std::string& source_path, const std::string& pinned_sha256);

  const std::string& cache_dir() const { return cache_dir_; }

 private:
  PluginStore(std::string cache_dir, bool owns_dir)
      : cache_dir_(std::move(cache_dir)), owns_dir_(owns_dir) {}

  // Shared with the libraries' deleters, which may run after the store is gone: a deleter
  // removes its copy only under this lock and only if no Load has reopened the same bytes
  // from it in the meantime.
  struct Index {
    absl::Mutex mutex;
    std::map<std::string, std::weak_ptr<const PluginLibrary>> loaded ABSL_GUARDED_BY(mutex);
  };

  const std::string cache_dir_;
  const bool owns_dir_;
  const std::shared_ptr<Index> index_ = std::make_shared<Index>();
};

}  // namespace persona
