// BoundedQueue: the shadow queue's hand-off. A full queue drops and counts; a producer never
// waits, whether or not anyone consumes.
#include "service/common/bounded_queue.h"

#include <memory>
#include <thread>

#include "gtest/gtest.h"

namespace persona {
namespace {

TEST(BoundedQueueTest, FullQueueDropsAndCountsWithoutAConsumer) {
  BoundedQueue<std::unique_ptr<int>> queue(3);
  // Nobody pops: if TryPush could wait for room, this test would hang.
  for (int i = 0; i < 10; ++i) queue.TryPush(std::make_unique<int>(i));
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.dropped(), 7u);
  // The first three were kept, in order.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(**queue.Pop(), i);
  EXPECT_TRUE(queue.TryPush(std::make_unique<int>(42)));
  EXPECT_EQ(queue.dropped(), 7u);
}

TEST(BoundedQueueTest, TryPushReportsWhetherTheItemWasTaken) {
  BoundedQueue<int> queue(1);
  EXPECT_TRUE(queue.TryPush(1));
  EXPECT_FALSE(queue.TryPush(2));
  EXPECT_EQ(queue.dropped(), 1u);
}

TEST(BoundedQueueTest, CloseWakesTheConsumerAndDrainsWhatIsQueued) {
  BoundedQueue<int> queue(4);
  queue.TryPush(7);
  std::thread consumer([&queue] {
    EXPECT_EQ(queue.Pop().value_or(-1), 7);
    EXPECT_FALSE(queue.Pop().has_value());  // blocks until Close
  });
  queue.Close();
  consumer.join();
  EXPECT_FALSE(queue.TryPush(8));  // closed: dropped
  EXPECT_EQ(queue.dropped(), 1u);
}

TEST(BoundedQueueTest, ZeroCapacityStillHoldsOne) {
  BoundedQueue<int> queue(0);
  EXPECT_EQ(queue.capacity(), 1u);
  EXPECT_TRUE(queue.TryPush(1));
}

}  // namespace
}  // namespace persona
