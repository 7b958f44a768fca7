#include "service/plugin_host/plugin_store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "service/common/event_log.h"
#include "service/plugin_host/file_digest.h"

namespace persona {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxPluginBytes = 256u << 20;

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", ec.message()));
  if (size > kMaxPluginBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is ", size, " bytes; plugins are limited to ", kMaxPluginBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("read error on ", path));
  return bytes.str();
}

// Writes to a temporary name, then renames: a half-written copy is never visible under the
// name that gets opened.
absl::Status WriteCopy(const std::string& bytes, const std::string& path) {
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0500);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", temporary, ": ", std::generic_category().message(errno)));
  }
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      unlink(temporary.c_str());
      return absl::InternalError(absl::StrCat("cannot write ", temporary));
    }
    written += static_cast<size_t>(n);
  }
  close(fd);
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    unlink(temporary.c_str());
    return absl::InternalError(absl::StrCat("cannot rename ", temporary, " to ", path));
  }
  return absl::OkStatus();
}

// Plugins are code running inside the server: whoever can write the file, or replace it
// through its directory, controls the server. Refuse anything writable by group or others,
// or owned by someone other than root or the server's own user.
absl::Status CheckOwnershipAndMode(const std::string& path, const char* what) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot stat ", what, " ", path, ": ",
                                            std::generic_category().message(errno)));
  }
  if (info.st_uid != 0 && info.st_uid != geteuid()) {
    return absl::PermissionDeniedError(absl::StrCat(
        what, " ", path, " is owned by uid ", info.st_uid,
        "; plugins must be owned by root or by the server's user (uid ", geteuid(), ")"));
  }
  if (info.st_mode & (S_IWGRP | S_IWOTH)) {
    char mode[8];
    snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return absl::PermissionDeniedError(absl::StrCat(
        what, " ", path, " is writable by ", (info.st_mode & S_IWOTH) ? "others" : "its group",
        " (mode ", mode, "); refusing to load code anyone else can change: chmod go-w"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PluginStore>> PluginStore::Create(const std::string& cache_dir) {
  if (!cache_dir.empty()) {
    std::error_code ec;
    fs::create_directories(cache_dir, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create plugin cache ", cache_dir, ": ", ec.message()));
    }
    return std::unique_ptr<PluginStore>(new PluginStore(cache_dir, /*owns_dir=*/false));
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/persona-plugins-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create a plugin cache in ", pattern));
  }
  return std::unique_ptr<PluginStore>(new PluginStore(pattern, /*owns_dir=*/true));
}

PluginStore::~PluginStore() {
  if (!owns_dir_) return;
  // Libraries still in use stay mapped after their files are unlinked.
  std::error_code ec;
  fs::remove_all(cache_dir_, ec);
}

absl::StatusOr<PluginStore::Loaded> PluginStore::Load(const std::string& source_path,
                                                      const std::string& pinned_sha256) {
  const fs::path parent = fs::path(source_path).parent_path();
  if (absl::Status ok =
          CheckOwnershipAndMode(parent.empty() ? "." : parent.string(), "plugin directory");
      !ok.ok()) {
    return ok;
  }
  if (absl::Status ok = CheckOwnershipAndMode(source_path, "plugin file"); !ok.ok()) return ok;
  absl::StatusOr<std::string> bytes = ReadWhole(source_path);
  if (!bytes.ok()) return bytes.status();
  Loaded loaded;
  loaded.sha256 = Sha256Hex(*bytes);
  if (!pinned_sha256.empty() && pinned_sha256 != loaded.sha256) {
    return absl::FailedPreconditionError(absl::StrCat("pinned ", pinned_sha256, " but ",
                                                      source_path, " has SHA-256 ", loaded.sha256));
  }

  Index& index = *index_;
  absl::MutexLock lock(&index.mutex);
  if (auto it = index.loaded.find(loaded.sha256); it != index.loaded.end()) {
    if ((loaded.library = it->second.lock())) return loaded;
  }
  for (auto it = index.loaded.begin(); it != index.loaded.end();) {
    it = it->second.expired() ? index.loaded.erase(it) : std::next(it);
  }
  const std::string file_name = fs::path(source_path).filename().string();
  const std::string copy = absl::StrCat(cache_dir_, "/", loaded.sha256, "-", file_name);
  std::error_code ec;
  if (!fs::exists(copy, ec)) {
    if (absl::Status written = WriteCopy(*bytes, copy); !written.ok()) return written;
  }
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> library = PluginLibrary::Load(copy);
  if (!library.ok()) {
    fs::remove(copy, ec);
    // Name the operator's file, not our private copy.
    std::string message(library.status().message());
    for (size_t at; (at = message.find(copy)) != std::string::npos;) {
      message.replace(at, copy.size(), source_path);
    }
    return absl::Status(library.status().code(), message);
  }
  // Unload and delete the copy when the last user lets go; the deleter owns everything it
  // needs, so it may run after the store is gone.
  const PluginLibrary* raw = library->get();
  auto keep = *std::move(library);
  const std::string plugin_name(raw->api().name.data, raw->api().name.size);
  LogEvent("info", "plugin_loaded",
           {{"plugin", plugin_name}, {"file", source_path}, {"sha256", loaded.sha256}});
  loaded.library = std::shared_ptr<const PluginLibrary>(
      raw, [keep = std::move(keep), copy, plugin_name, sha256 = loaded.sha256,
            weak_index = std::weak_ptr<Index>(index_)](const PluginLibrary*) mutable {
        keep.reset();
        std::error_code remove_ec;
        // Weak: the index holds weak_ptrs to this library, whose control block keeps this
        // deleter alive, so a strong reference here would be a cycle that never frees.
        if (const std::shared_ptr<Index> index = weak_index.lock()) {
          // A Load of the same bytes may have found this copy (the entry already read as
          // expired) and opened it again: then the copy is in use and must stay.
          absl::MutexLock lock(&index->mutex);
          auto it = index->loaded.find(sha256);
          if (it == index->loaded.end() || it->second.expired()) fs::remove(copy, remove_ec);
        } else {
          fs::remove(copy, remove_ec);  // the store is gone; nobody can reopen the copy
        }
        LogEvent("info", "plugin_unloaded", {{"plugin", plugin_name}, {"sha256", sha256}});
      });
  index.loaded[loaded.sha256] = loaded.library;
  return loaded;
}

}  // namespace persona
