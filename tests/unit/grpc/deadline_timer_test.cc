#include "service/grpc/deadline_timer.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/grpc/inflight_calls.h"

namespace persona {
namespace {

TEST(DeadlineTimer, RunsCallbacksInDeadlineOrder) {
  DeadlineTimer timer;
  std::vector<int> order;
  absl::Notification done;
  const absl::Time now = absl::Now();
  // Scheduled out of order; each appends under the timer thread (one at a time).
  timer.Schedule(now + absl::Milliseconds(60), [&] {
    order.push_back(3);
    done.Notify();
  });
  timer.Schedule(now + absl::Milliseconds(20), [&] { order.push_back(1); });
  timer.Schedule(now + absl::Milliseconds(40), [&] { order.push_back(2); });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(timer.pending(), 0u);
}

TEST(DeadlineTimer, PastDeadlineRunsAtOnce) {
  DeadlineTimer timer;
  absl::Notification ran;
  timer.Schedule(absl::Now() - absl::Seconds(1), [&] { ran.Notify(); });
  EXPECT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

TEST(DeadlineTimer, CancelledCallbackNeverRuns) {
  DeadlineTimer timer;
  std::atomic<bool> ran{false};
  const DeadlineTimer::Id id =
      timer.Schedule(absl::Now() + absl::Milliseconds(50), [&] { ran = true; });
  EXPECT_TRUE(timer.Cancel(id));
  EXPECT_EQ(timer.pending(), 0u);
  // A later callback proves the timer went past the cancelled one's deadline.
  absl::Notification later;
  timer.Schedule(absl::Now() + absl::Milliseconds(100), [&] { later.Notify(); });
  ASSERT_TRUE(later.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_FALSE(ran);
  EXPECT_FALSE(timer.Cancel(id)) << "already cancelled";
}

TEST(DeadlineTimer, CancelWaitsForARunningCallback) {
  DeadlineTimer timer;
  absl::Notification started;
  std::atomic<bool> finished{false};
  const DeadlineTimer::Id id = timer.Schedule(absl::Now(), [&] {
    started.Notify();
    absl::SleepFor(absl::Milliseconds(200));
    finished = true;
  });
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_FALSE(timer.Cancel(id)) << "too late to stop";
  // What the callback touches may be destroyed now: it has returned.
  EXPECT_TRUE(finished);
}

TEST(DeadlineTimer, DestructionDropsPendingCallbacks) {
  std::atomic<bool> ran{false};
  {
    DeadlineTimer timer;
    timer.Schedule(absl::Now() + absl::Hours(1), [&] { ran = true; });
  }
  EXPECT_FALSE(ran);
}

TEST(DeadlineTimer, ScheduleAndCancelFromManyThreads) {
  DeadlineTimer timer;
  std::atomic<int> ran{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        const DeadlineTimer::Id id =
            timer.Schedule(absl::Now() + absl::Microseconds(i % 50), [&] { ran.fetch_add(1); });
        if (i % 2 == 0) timer.Cancel(id);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // Half were cancelled, possibly after running; the rest run within the bound below.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (timer.pending() > 0 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(timer.pending(), 0u);
  EXPECT_GE(ran.load(), 1000);
  EXPECT_LE(ran.load(), 2000);
}

TEST(InflightCalls, RefusesAboveTheLimitAndAdmitsAgainAfterRelease) {
  InflightCalls calls(2);
  EXPECT_TRUE(calls.TryAcquire());
  EXPECT_TRUE(calls.TryAcquire());
  EXPECT_FALSE(calls.TryAcquire());
  EXPECT_EQ(calls.inflight(), 2u) << "a refused call is not counted";
  calls.Release();
  EXPECT_TRUE(calls.TryAcquire());
  EXPECT_FALSE(calls.TryAcquire());
}

TEST(InflightCalls, ZeroMeansNoLimit) {
  InflightCalls calls(0);
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(calls.TryAcquire());
  EXPECT_EQ(calls.inflight(), 10000u);
}

TEST(InflightCalls, NeverAdmitsMoreThanTheLimitConcurrently) {
  InflightCalls calls(3);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!calls.TryAcquire()) continue;
        const int now = inside.fetch_add(1) + 1;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        inside.fetch_sub(1);
        calls.Release();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_EQ(calls.inflight(), 0u);
}

}  // namespace
}  // namespace persona
