#include "service/metrics/listener_waker.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace persona {
namespace {

// One connection attempt, bounded: a non-blocking connect given 50 ms to complete.
void Touch(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      pollfd p{fd, POLLOUT, 0};
      (void)poll(&p, 1, 50);
    }
    close(fd);
  }
  freeaddrinfo(found);
}

}  // namespace

ListenerWaker::ListenerWaker(std::string host, std::vector<int> ports)
    : host_(host.empty() || host == "0.0.0.0" || host == "*" ? "127.0.0.1"
            : host == "::"                                   ? "::1"
                                                             : std::move(host)),
      ports_(std::move(ports)),
      thread_([this] { Run(); }) {}

ListenerWaker::~ListenerWaker() {
  stop_.store(true);
  thread_.join();
}

void ListenerWaker::Run() {
  while (!stop_.load()) {
    for (int port : ports_) Touch(host_, port);
    absl::SleepFor(absl::Milliseconds(20));
  }
}

}  // namespace persona
