// FramePool: per-kind budgets and buffers. Regression for the slow-consumer
// e2e (test/e2e/frames-slow-consumer.test.ts), where one pool shared by both
// kinds let audio blocks take free picture-sized buffers: a consumer that held
// frames ended with audio in most 720p buffers and video starved (12 video
// against 89 audio frames in 10 s) and the pool ~2.6x its documented bytes.
#include "decode/frame_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace rtmp::decode::testing {
namespace {

constexpr size_t kPicture = 1280 * 720 * 3 / 2;
constexpr size_t kBlock = 4096;

// What the binding does with a heap buffer: copy it into a buffer of its own
// (here: `store`), adopt that, and let the heap one go.
uint32_t adoptCopy(FramePool& pool, FrameKind kind, const FrameBuffer& heap,
                   std::vector<std::vector<uint8_t>>& store) {
  store.emplace_back(heap.size);
  const uint32_t slot = pool.adopt(kind, store.back().data(), store.back().size());
  pool.release(heap);
  return slot;
}

TEST(FramePoolTest, AnAudioBlockNeverTakesAFreePictureBuffer) {
  std::vector<std::vector<uint8_t>> store;
  store.reserve(8);
  FramePool pool({2, 2});
  auto picture = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(picture && FramePool::isHeap(*picture));
  const uint32_t slot = adoptCopy(pool, FrameKind::kVideo, *picture, store);
  pool.freeSlot(slot);  // a free picture buffer

  auto block = pool.acquireFor(FrameKind::kAudio, kBlock);
  ASSERT_TRUE(block);
  EXPECT_TRUE(FramePool::isHeap(*block));  // not the picture buffer
  pool.release(*block);

  auto next = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(next);
  EXPECT_FALSE(FramePool::isHeap(*next));  // the picture buffer is still there for video
  EXPECT_EQ(next->id, slot);
  pool.release(*next);
}

TEST(FramePoolTest, OneKindAtItsCapDropsWithoutStarvingTheOther) {
  std::vector<std::vector<uint8_t>> store;
  store.reserve(8);
  FramePool pool({1, 2});
  // Audio at its cap, both buffers busy (JS holds them).
  for (int i = 0; i < 2; ++i) {
    auto heap = pool.acquireFor(FrameKind::kAudio, kBlock);
    ASSERT_TRUE(heap);
    adoptCopy(pool, FrameKind::kAudio, *heap, store);
  }
  EXPECT_FALSE(pool.acquireFor(FrameKind::kAudio, kBlock));  // drops
  // Video has its own budget: a free picture buffer stays usable.
  auto picture = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(picture);
  const uint32_t slot = adoptCopy(pool, FrameKind::kVideo, *picture, store);
  EXPECT_EQ(pool.buffers(), 3u);
  EXPECT_FALSE(pool.acquireFor(FrameKind::kVideo, kPicture));  // video busy: drops
  EXPECT_FALSE(pool.acquireFor(FrameKind::kAudio, kBlock));    // still no audio either
  pool.freeSlot(slot);
  auto reused = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(reused);
  EXPECT_EQ(reused->id, slot);
  pool.release(*reused);
  EXPECT_EQ(pool.bytes(), kPicture + 2 * kBlock);
}

TEST(FramePoolTest, AKindWithNoBudgetGetsNothing) {
  FramePool pool({2, 0});
  EXPECT_FALSE(pool.acquireFor(FrameKind::kAudio, kBlock));
  auto picture = pool.acquire(kPicture);  // no kind: budgeted as video
  ASSERT_TRUE(picture);
  pool.release(*picture);
}

TEST(FramePoolTest, AtTheCapATooSmallFreeBufferOfTheKindMakesRoom) {
  std::vector<std::vector<uint8_t>> store;
  store.reserve(8);
  FramePool pool({1, 1});
  auto small = pool.acquireFor(FrameKind::kVideo, 320 * 240 * 3 / 2);
  ASSERT_TRUE(small);
  const uint32_t old = adoptCopy(pool, FrameKind::kVideo, *small, store);
  pool.freeSlot(old);
  // The picture grew: the free small buffer is given up for a heap one.
  auto big = pool.acquireFor(FrameKind::kVideo, kPicture);
  ASSERT_TRUE(big);
  EXPECT_TRUE(FramePool::isHeap(*big));
  EXPECT_EQ(pool.takeUnusable(), std::vector<uint32_t>{old});
  adoptCopy(pool, FrameKind::kVideo, *big, store);
  EXPECT_EQ(pool.buffers(), 1u);
  EXPECT_EQ(pool.bytes(), kPicture);
}

TEST(FramePoolTest, RetiredPoolDrainsOnceEveryBufferIsBack) {
  std::vector<std::vector<uint8_t>> store;
  store.reserve(8);
  FramePool pool({2, 2});
  auto heap = pool.acquireFor(FrameKind::kAudio, kBlock);
  ASSERT_TRUE(heap);
  const uint32_t slot = adoptCopy(pool, FrameKind::kAudio, *heap, store);
  pool.retire();
  EXPECT_FALSE(pool.acquireFor(FrameKind::kVideo, kPicture));
  EXPECT_TRUE(pool.takeUnusable().empty());  // busy: JS holds it
  EXPECT_FALSE(pool.drained());
  pool.freeSlot(slot);
  EXPECT_EQ(pool.takeUnusable(), std::vector<uint32_t>{slot});
  EXPECT_TRUE(pool.drained());
}

// An allocator that only knows acquire(): the converters' acquireFor() reaches it.
class PlainAllocator : public FrameAllocator {
 public:
  std::optional<FrameBuffer> acquire(size_t bytes) override {
    ++calls;
    return FrameBuffer{nullptr, bytes, 7};
  }
  void release(const FrameBuffer&) override {}
  int calls = 0;
};

TEST(FramePoolTest, AcquireForDefaultsToAcquire) {
  PlainAllocator plain;
  FrameAllocator& base = plain;
  auto buffer = base.acquireFor(FrameKind::kAudio, 10);
  ASSERT_TRUE(buffer);
  EXPECT_EQ(buffer->id, 7u);
  EXPECT_EQ(plain.calls, 1);
}

}  // namespace
}  // namespace rtmp::decode::testing
