// FramePool: a bounded, recycled FrameAllocator over buffers that someone else
// owns and keeps alive (the binding: ArrayBuffers allocated by JS, see
// binding/frame_subscriptions.h). Video and audio have budgets and buffers of
// their own: an audio block never takes a free picture-sized buffer, and a
// consumer that holds many frames of one kind cannot starve the other kind.
//
//   acquireFor(kind, bytes)   decoder thread, never blocks:
//     1. the smallest free buffer of that kind that fits (steady state);
//     2. none, and the kind is below its cap: a heap buffer, which the owner
//        copies once into a buffer of its own and adopt()s into the pool;
//     3. at the cap: a free buffer of that kind too small for the frame (the
//        picture grew) is given up (takeUnusable) to make room for 2;
//     4. otherwise nothing: the frame drops (the caller counts it).
//
// A kind with a cap of 0 gets nothing. retire(): no buffer is handed out
// again; drained() once every buffer is back and forgotten.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "decode/frame.h"
#include "decode/frame_allocator.h"

namespace rtmp::decode {

class FramePool : public FrameAllocator {
 public:
  // Buffers (adopted plus heap ones out) each kind may have at once.
  struct Caps {
    size_t video = 0;
    size_t audio = 0;
  };

  explicit FramePool(Caps caps) : caps_{caps.video, caps.audio} {}

  // No kind given: budgeted as video.
  std::optional<FrameBuffer> acquire(size_t bytes) override;
  std::optional<FrameBuffer> acquireFor(FrameKind kind, size_t bytes) override;
  void release(const FrameBuffer& buffer) override;

  static bool isHeap(const FrameBuffer& buffer);

  // Owner: a new buffer of `kind`, busy (the frame copied into it is held).
  // Returns its slot, the id of the FrameBuffers it will be handed out as.
  uint32_t adopt(FrameKind kind, uint8_t* data, size_t size);
  // Owner: the frame in `slot` is done with (for adopted frames, whose
  // FrameBuffer was a heap one).
  void freeSlot(uint32_t slot);
  void retire();
  // Slots that will never be handed out again (given up, or free in a
  // retired pool): forgotten here, so their owner may let them go.
  std::vector<uint32_t> takeUnusable();
  // Retired and every buffer gone.
  bool drained() const;
  size_t buffers() const;  // free or busy, both kinds
  size_t busy() const;     // handed out (heap ones too) and not released
  size_t bytes() const;

 private:
  enum class State : uint8_t { kFree, kBusy, kDead, kGone };
  struct Slot {
    uint8_t* data = nullptr;
    size_t size = 0;
    State state = State::kFree;
    FrameKind kind = FrameKind::kVideo;
  };
  static size_t index(FrameKind kind) { return kind == FrameKind::kVideo ? 0 : 1; }
  void freeLocked(uint64_t slot);

  const std::array<size_t, 2> caps_;
  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  std::array<size_t, 2> live_{};  // slots free or busy, per kind
  std::array<size_t, 2> heap_{};  // heap buffers out, per kind
  uint64_t heapSeq_ = 0;
  bool retired_ = false;
};

}  // namespace rtmp::decode
