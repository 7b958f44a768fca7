#include "service/grpc/deadline_timer.h"

#include "absl/time/clock.h"

namespace persona {

DeadlineTimer::DeadlineTimer() : thread_([this] { Run(); }) {}

DeadlineTimer::~DeadlineTimer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    pending_.clear();
    when_.clear();
  }
  changed_.notify_all();
  thread_.join();
}

DeadlineTimer::Id DeadlineTimer::Schedule(absl::Time when, std::function<void()> callback) {
  bool earliest = false;
  Id id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    pending_.emplace(std::make_pair(when, id), std::move(callback));
    when_.emplace(id, when);
    earliest = pending_.begin()->first.second == id;
  }
  if (earliest) changed_.notify_all();
  return id;
}

bool DeadlineTimer::Cancel(Id id) {
  std::unique_lock<std::mutex> lock(mu_);
  if (auto it = when_.find(id); it != when_.end()) {
    pending_.erase(std::make_pair(it->second, id));
    when_.erase(it);
    return true;
  }
  finished_running_.wait(lock, [this, id] { return running_ != id; });
  return false;
}

size_t DeadlineTimer::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

void DeadlineTimer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (pending_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const absl::Time next = pending_.begin()->first.first;
    const absl::Time now = absl::Now();
    if (next > now) {
      // Bounded wait: the wall clock can jump, and a spurious wake-up only re-checks.
      changed_.wait_for(lock, absl::ToChronoNanoseconds(std::min(next - now, absl::Seconds(1))));
      continue;
    }
    auto first = pending_.begin();
    const Id id = first->first.second;
    std::function<void()> callback = std::move(first->second);
    pending_.erase(first);
    when_.erase(id);
    running_ = id;
    lock.unlock();
    callback();
    lock.lock();
    running_ = 0;
    finished_running_.notify_all();
  }
}

}  // namespace persona
