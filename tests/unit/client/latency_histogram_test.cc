#include "client/loadgen/latency_histogram.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace persona {
namespace {

TEST(LatencyHistogramTest, PercentilesWithinTheBucketResolution) {
  LatencyHistogram h;
  for (int64_t v = 1; v <= 100000; ++v) h.Record(v * 1000);  // 1 µs .. 100 ms, uniform
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.max(), 100000000);
  const struct {
    double q;
    double expected;
  } cases[] = {{0.5, 50e6}, {0.9, 90e6}, {0.99, 99e6}, {0.999, 99.9e6}, {0.01, 1e6}};
  for (const auto& c : cases) {
    const double got = static_cast<double>(h.Percentile(c.q));
    EXPECT_NEAR(got, c.expected, c.expected * 0.035) << "q=" << c.q;
  }
  EXPECT_NEAR(h.mean(), 50.0005e6, 1);
}

TEST(LatencyHistogramTest, SmallValuesAreExactAndEmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.Percentile(0.5), 0);
  for (int i = 0; i < 10; ++i) h.Record(7);
  h.Record(20);
  EXPECT_EQ(h.Percentile(0.5), 7);
  EXPECT_EQ(h.Percentile(1.0), 20);
  h.Reset();
  EXPECT_EQ(h.count(), 0u);
}

TEST(LatencyHistogramTest, ATailIsNotHiddenByTheBulk) {
  LatencyHistogram h;
  for (int i = 0; i < 990; ++i) h.Record(100000);     // 0.1 ms
  for (int i = 0; i < 10; ++i) h.Record(1000000000);  // 1 s: a stall
  EXPECT_LT(h.Percentile(0.99), 110000);
  EXPECT_GT(h.Percentile(0.999), 900000000);
}

}  // namespace
}  // namespace persona
