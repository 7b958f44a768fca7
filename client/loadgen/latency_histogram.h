#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace persona {

// Latencies in log-linear buckets (32 per power of two: about 3% resolution) from 1 ns to
// ~18 minutes, recorded lock-free from any thread. Percentiles report the bucket's midpoint.
class LatencyHistogram {
 public:
  LatencyHistogram() = default;
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  void Record(int64_t nanos);
  void Reset();

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  int64_t max() const { return max_.load(std::memory_order_relaxed); }
  double mean() const;
  // The latency below which a `quantile` (0..1) of the recorded values lie; 0 when empty.
  int64_t Percentile(double quantile) const;

  static constexpr int kSubBits = 5;
  static constexpr int kBuckets = 40 << kSubBits;

 private:
  static int BucketOf(int64_t nanos);
  static int64_t MidpointOf(int bucket);

  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_{0};
  std::atomic<int64_t> max_{0};
};

}  // namespace persona
