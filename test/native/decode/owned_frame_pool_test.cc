// OwnedFramePool: the heap pool behind the external-buffer path. A buffer is
// never handed out twice while busy, the caps bound memory per kind (a holder
// of every buffer makes the next frame drop, never grow), buffers are reused
// once released, and a retired pool frees what comes back.
#include "decode/owned_frame_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "decode/video_converter.h"

namespace rtmp::decode::testing {
namespace {

constexpr size_t kPicture = 1920 * 1080 * 4;
constexpr size_t kBlock = 4096;

TEST(OwnedFramePoolTest, ReusesAReleasedBufferInsteadOfAllocating) {
  OwnedFramePool pool({2, 0});
  auto a = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(a);
  EXPECT_GE(a->size, kPicture);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a->data) % kStrideAlign, 0u);
  pool.release(*a);
  auto b = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->data, a->data);
  EXPECT_EQ(pool.buffers(), 1u);
  EXPECT_EQ(pool.busy(), 1u);
  pool.release(*b);
  EXPECT_EQ(pool.busy(), 0u);
}

TEST(OwnedFramePoolTest, AtTheCapWithEveryBufferBusyTheFrameDrops) {
  OwnedFramePool pool({3, 0});
  std::vector<FrameBuffer> held;
  std::set<uint8_t*> distinct;
  for (int i = 0; i < 3; ++i) {
    auto b = pool.acquireFor(FrameKind::kVideo, kPicture);
    ASSERT_TRUE(b);
    held.push_back(*b);
    distinct.insert(b->data);
  }
  EXPECT_EQ(distinct.size(), 3u);  // never one buffer twice while busy
  EXPECT_FALSE(pool.acquireFor(FrameKind::kVideo, kPicture));
  EXPECT_EQ(pool.buffers(), 3u);
  EXPECT_LE(pool.bytes(), 3 * (kPicture + kStrideAlign));
  pool.release(held[1]);
  auto again = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->data, held[1].data);
  for (const FrameBuffer& b : {held[0], held[2], *again}) pool.release(b);
}

TEST(OwnedFramePoolTest, KindsHaveBudgetsOfTheirOwn) {
  OwnedFramePool pool({1, 2});
  auto picture = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(picture);
  pool.release(*picture);
  // A free picture buffer is not an audio buffer.
  auto block = pool.acquireFor(FrameKind::kAudio, kBlock);
  ASSERT_TRUE(block);
  EXPECT_NE(block->data, picture->data);
  auto block2 = pool.acquireFor(FrameKind::kAudio, kBlock);
  ASSERT_TRUE(block2);
  EXPECT_FALSE(pool.acquireFor(FrameKind::kAudio, kBlock));
  // Audio at its cap leaves video its buffer.
  auto picture2 = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(picture2);
  EXPECT_EQ(picture2->data, picture->data);
  EXPECT_EQ(pool.buffers(), 3u);
  for (const FrameBuffer& b : {*block, *block2, *picture2}) pool.release(b);
}

TEST(OwnedFramePoolTest, AGrownPictureReplacesAFreeBufferTooSmallAtTheCap) {
  OwnedFramePool pool({1, 0});
  auto small = pool.acquireFor(FrameKind::kVideo, kBlock);
  ASSERT_TRUE(small);
  pool.release(*small);
  auto big = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(big);
  EXPECT_GE(big->size, kPicture);
  EXPECT_EQ(pool.buffers(), 1u);
  EXPECT_GE(pool.bytes(), kPicture);
  EXPECT_LT(pool.bytes(), kPicture + kBlock);  // the small one is gone
  pool.release(*big);
}

TEST(OwnedFramePoolTest, ARetiredPoolHandsOutNothingAndFreesWhatComesBack) {
  OwnedFramePool pool({2, 0});
  auto a = pool.acquireFor(FrameKind::kVideo, kPicture);
  auto b = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(a && b);
  pool.release(*a);
  pool.retire();
  EXPECT_EQ(pool.buffers(), 1u);  // the free one is freed now
  EXPECT_FALSE(pool.acquireFor(FrameKind::kVideo, 16));
  pool.release(*b);
  EXPECT_EQ(pool.buffers(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

TEST(OwnedFramePoolTest, ALeaseKeepsThePoolAliveAndGivesTheBufferBack) {
  auto pool = std::make_shared<OwnedFramePool>(OwnedFramePool::Caps{1, 0});
  std::weak_ptr<OwnedFramePool> weak = pool;
  auto b = pool->acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(b);
  FrameBufferLease lease(pool, *b);
  lease.data()[0] = 1;
  lease.data()[kPicture - 1] = 2;
  EXPECT_EQ(pool->busy(), 1u);
  pool->retire();
  pool.reset();  // the subscription is gone; JS still holds the frame
  ASSERT_FALSE(weak.expired());
  lease.reset();  // the finalizer: the buffer is freed, then the pool
  EXPECT_TRUE(weak.expired());
}

}  // namespace
}  // namespace rtmp::decode::testing
