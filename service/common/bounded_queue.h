#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace persona {

// A fixed-capacity hand-off from many producers to one consumer thread. A producer never
// waits for room: TryPush on a full queue drops the item and counts it. The lock is held only
// to move an item in or out, never while the consumer works on one.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  size_t capacity() const { return capacity_; }

  // False (and counted in dropped()) when the queue is full or closed.
  bool TryPush(T&& item) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!closed_ && items_.size() < capacity_) {
        items_.push_back(std::move(item));
        cv_.notify_one();
        return true;
      }
    }
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }

  // Blocks until an item is there (returned) or the queue is closed and empty (nullopt).
  std::optional<T> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // Wakes the consumer; later pushes are dropped. Items already queued are still popped.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  bool closed_ = false;
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace persona
