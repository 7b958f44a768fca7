#include "service/catalog/catalog_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace persona {

absl::StatusOr<std::unique_ptr<CatalogWatcher>> CatalogWatcher::Start(
    const std::string& catalog_path, absl::Duration debounce, std::function<void()> on_change) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path watched(catalog_path);
  if (!fs::is_directory(watched, ec))
    watched = watched.has_parent_path() ? watched.parent_path() : ".";
  const int inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd < 0) {
    return absl::InternalError(
        absl::StrCat("inotify_init1: ", std::generic_category().message(errno)));
  }
  constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                             IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
  if (inotify_add_watch(inotify_fd, watched.c_str(), kMask) < 0) {
    const int error = errno;
    close(inotify_fd);
    return absl::FailedPreconditionError(absl::StrCat("cannot watch ", watched.string(), ": ",
                                                      std::generic_category().message(error)));
  }
  const int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd < 0) {
    close(inotify_fd);
    return absl::InternalError("eventfd failed");
  }
  std::unique_ptr<CatalogWatcher> watcher(
      new CatalogWatcher(inotify_fd, stop_fd, debounce, std::move(on_change)));
  watcher->thread_ = std::thread([w = watcher.get()] { w->Run(); });
  return watcher;
}

CatalogWatcher::CatalogWatcher(int inotify_fd, int stop_fd, absl::Duration debounce,
                               std::function<void()> on_change)
    : inotify_fd_(inotify_fd),
      stop_fd_(stop_fd),
      debounce_(debounce),
      on_change_(std::move(on_change)) {}

CatalogWatcher::~CatalogWatcher() {
  const uint64_t one = 1;
  (void)!write(stop_fd_, &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
  close(inotify_fd_);
  close(stop_fd_);
}

void CatalogWatcher::Run() {
  bool pending = false;
  absl::Time fire_at = absl::InfiniteFuture();
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    int timeout_ms = -1;
    if (pending) {
      timeout_ms = static_cast<int>(
          std::max<int64_t>(0, absl::ToInt64Milliseconds(fire_at - absl::Now()) + 1));
    }
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    const int ready = poll(fds, 2, timeout_ms);
    if (ready < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) return;
    if (fds[0].revents & POLLIN) {
      // Drain: what changed does not matter, only that something did.
      while (read(inotify_fd_, buffer, sizeof(buffer)) > 0) {
      }
      pending = true;
      fire_at = absl::Now() + debounce_;  // wait for a burst of writes to settle
      continue;
    }
    if (pending && absl::Now() >= fire_at) {
      pending = false;
      on_change_();
    }
  }
}

}  // namespace persona
