#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/time/time.h"

namespace persona {

// Runs callbacks at given times on one thread of its own. Used to end calls that carry no
// deadline of their own once the server's default one passes: gRPC enforces only deadlines
// the client sent, and the callback API has no per-call timer.
//
// Thread-safe. Callbacks run one at a time on the timer thread and must not block; they may
// not call Schedule or Cancel (that would deadlock on Cancel's wait).
class DeadlineTimer {
 public:
  using Id = uint64_t;

  DeadlineTimer();
  // Cancels everything pending and joins the thread; no callback runs after it returns.
  ~DeadlineTimer();
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  // Runs `callback` at `when` (at once if it has passed), unless cancelled before.
  Id Schedule(absl::Time when, std::function<void()> callback);
  // Forgets a callback that has not run. If it is running right now, waits until it has
  // returned, so whatever it touches may be destroyed as soon as Cancel returns. Returns
  // true if the callback was stopped before it ran.
  bool Cancel(Id id);

  size_t pending() const;

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable changed_;  // a new earliest deadline, a cancel, or shutdown
  std::condition_variable finished_running_;
  // Ordered by (deadline, id): the first entry is the next to run.
  std::map<std::pair<absl::Time, Id>, std::function<void()>> pending_;
  std::map<Id, absl::Time> when_;  // id -> its key's deadline, for Cancel
  Id next_id_ = 1;
  Id running_ = 0;  // the callback running now, 0 = none
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace persona
