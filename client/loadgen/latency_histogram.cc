#include "client/loadgen/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace persona {

int LatencyHistogram::BucketOf(int64_t nanos) {
  const uint64_t v = nanos < 1 ? 1 : static_cast<uint64_t>(nanos);
  const int msb = 63 - __builtin_clzll(v);
  if (msb < kSubBits) return static_cast<int>(v);  // exact below 32 ns
  const int sub = static_cast<int>((v >> (msb - kSubBits)) & ((1 << kSubBits) - 1));
  const int bucket = ((msb - kSubBits + 1) << kSubBits) + sub;
  return std::min(bucket, kBuckets - 1);
}

int64_t LatencyHistogram::MidpointOf(int bucket) {
  const int group = bucket >> kSubBits;
  const int64_t sub = bucket & ((1 << kSubBits) - 1);
  if (group == 0) return sub;
  const int msb = group + kSubBits - 1;
  const int64_t low = (int64_t{1} << msb) + (sub << (msb - kSubBits));
  const int64_t width = int64_t{1} << (msb - kSubBits);
  return low + width / 2;
}

void LatencyHistogram::Record(int64_t nanos) {
  buckets_[BucketOf(nanos)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(nanos, std::memory_order_relaxed);
  int64_t seen = max_.load(std::memory_order_relaxed);
  while (nanos > seen && !max_.compare_exchange_weak(seen, nanos, std::memory_order_relaxed)) {
  }
}

void LatencyHistogram::Reset() {
  for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
  count_.store(0, std::memory_order_relaxed);
  sum_.store(0, std::memory_order_relaxed);
  max_.store(0, std::memory_order_relaxed);
}

double LatencyHistogram::mean() const {
  const uint64_t n = count();
  return n == 0 ? 0.0 : static_cast<double>(sum_.load(std::memory_order_relaxed)) / n;
}

int64_t LatencyHistogram::Percentile(double quantile) const {
  const uint64_t n = count();
  if (n == 0) return 0;
  // The smallest value with at least ceil(q·n) values at or below it.
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(quantile * static_cast<double>(n))));
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[b].load(std::memory_order_relaxed);
    if (seen >= rank) return std::min(MidpointOf(b), max());
  }
  return max();
}

}  // namespace persona
