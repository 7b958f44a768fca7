#pragma once

#include <atomic>
#include <cstddef>

namespace persona {

// Admission control for unary calls: at most `limit` may be in their handler at once; the
// next is answered RESOURCE_EXHAUSTED at once. The callback server has no request queue of
// its own to bound, so this is where overload turns into a fast, retryable refusal instead of
// calls (and gRPC's executor threads) piling up behind a slow plugin.
// Thread-safe, lock-free.
class InflightCalls {
 public:
  // 0 = no limit (calls are still counted).
  explicit InflightCalls(size_t limit) : limit_(limit) {}

  // Counts a call in; false (and nothing counted) when the limit is reached.
  bool TryAcquire() {
    const size_t before = inflight_.fetch_add(1, std::memory_order_relaxed);
    if (limit_ == 0 || before < limit_) return true;
    inflight_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  void Release() { inflight_.fetch_sub(1, std::memory_order_relaxed); }

  size_t inflight() const { return inflight_.load(std::memory_order_relaxed); }
  size_t limit() const { return limit_; }

 private:
  const size_t limit_;
  std::atomic<size_t> inflight_{0};
};

}  // namespace persona
