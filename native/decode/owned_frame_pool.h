// OwnedFramePool: a bounded, recycled FrameAllocator over heap buffers it
// allocates and frees itself (FramePool's buffers belong to someone else).
// The binding's external-buffer path (binding/frame_subscriptions.h) lends
// these buffers to JS as external ArrayBuffers: a buffer stays busy until the
// frame that holds it dies, which for a frame handed to JS is the
// ArrayBuffer's finalizer; only then can it be written again.
//
//   acquireFor(kind, bytes)   decoder thread, never blocks:
//     1. the smallest free buffer of that kind that fits (steady state: no
//        allocation, no page faults of a fresh multi-megabyte mapping);
//     2. none, and the kind is below its cap: a new buffer;
//     3. at the cap: a free buffer of that kind too small for the frame (the
//        picture grew) is freed to make room for 2;
//     4. otherwise nothing: the frame drops (the caller counts it).
//
// Video and audio have caps of their own, as in FramePool. retire(): no
// buffer is handed out again, free ones are freed now and busy ones as they
// come back. The pool must outlive its buffers: FrameBufferLease holds it.
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

class OwnedFramePool : public FrameAllocator {
 public:
  struct Caps {
    size_t video = 0;
    size_t audio = 0;
  };

  explicit OwnedFramePool(Caps caps) : caps_{caps.video, caps.audio} {}
  ~OwnedFramePool() override;
  OwnedFramePool(const OwnedFramePool&) = delete;
  OwnedFramePool& operator=(const OwnedFramePool&) = delete;

  // No kind given: budgeted as video.
  std::optional<FrameBuffer> acquire(size_t bytes) override;
  std::optional<FrameBuffer> acquireFor(FrameKind kind, size_t bytes) override;
  // Any thread: the buffer is free again (freed if the pool is retired).
  void release(const FrameBuffer& buffer) override;

  void retire();
  size_t buffers() const;  // allocated, free or busy, both kinds
  size_t busy() const;     // handed out and not released
  size_t bytes() const;    // of the allocated buffers

 private:
  struct Slot {
    uint8_t* data = nullptr;  // null: the slot is empty (its buffer freed)
    size_t size = 0;
    bool busy = false;
    FrameKind kind = FrameKind::kVideo;
  };
  static size_t index(FrameKind kind) { return kind == FrameKind::kVideo ? 0 : 1; }
  void freeSlotLocked(Slot& slot);

  const std::array<size_t, 2> caps_;
  mutable std::mutex mutex_;
  std::vector<Slot> slots_;       // a FrameBuffer's id is its slot index
  std::array<size_t, 2> live_{};  // allocated buffers, per kind
  bool retired_ = false;
};

}  // namespace rtmp::decode
