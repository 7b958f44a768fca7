#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace persona {

// While it lives, opens (and at once closes) a TCP connection to each of `ports` on `host`
// every few milliseconds. civetweb, which serves /metrics, stops by setting a flag its
// listener thread checks only between 2-second polls, so stopping it on an idle server took
// up to 2 s; a connection ends the poll at once. Created just before the exposer is
// destroyed, destroyed (and joined) just after.
class ListenerWaker {
 public:
  // `host` as in the listen address ("0.0.0.0", "::", "" and "*" mean loopback here).
  ListenerWaker(std::string host, std::vector<int> ports);
  ~ListenerWaker();
  ListenerWaker(const ListenerWaker&) = delete;
  ListenerWaker& operator=(const ListenerWaker&) = delete;

 private:
  void Run();

  const std::string host_;
  const std::vector<int> ports_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace persona
