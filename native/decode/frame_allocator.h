// FrameAllocator: where decoded frames are written. The engine never owns the
// memory of an output frame: it asks the allocator for one buffer per frame,
// writes every plane into it (swscale/swresample write there directly, or one
// copy from the decoder's picture), and gives it back when the last reference
// to the frame goes. The binding implements it with a recycled pool of buffers
// allocated by JS (Electron refuses external array buffers); tests use the heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace rtmp::decode {

enum class FrameKind : uint8_t;  // decode/frame.h

struct FrameBuffer {
  uint8_t* data = nullptr;
  size_t size = 0;  // at least what was asked for
  uint64_t id = 0;  // the allocator's own handle (e.g. a pool slot)
};

class FrameAllocator {
 public:
  virtual ~FrameAllocator() = default;
  // Decoder thread; must not block. nullopt = no buffer now (pool exhausted):
  // the frame is not delivered and counted as dropped.
  virtual std::optional<FrameBuffer> acquire(size_t bytes) = 0;
  // The same for a frame of `kind` (what the converters call), so that an
  // allocator can keep video and audio within budgets of their own (an audio
  // block must not take a free picture-sized buffer). Default: acquire().
  virtual std::optional<FrameBuffer> acquireFor(FrameKind kind, size_t bytes) {
    return acquire(bytes);
  }
  // Any thread, once per acquired buffer: the engine holds it no more.
  virtual void release(const FrameBuffer& buffer) = 0;
};

// Owns one acquired buffer and gives it back on destruction. Move-only.
class FrameBufferLease {
 public:
  FrameBufferLease() = default;
  // Keeps the allocator alive: a frame may outlive its subscription.
  FrameBufferLease(std::shared_ptr<FrameAllocator> allocator, FrameBuffer buffer)
      : allocator_(std::move(allocator)), buffer_(buffer) {}
  FrameBufferLease(FrameBufferLease&& other) noexcept
      : allocator_(std::move(other.allocator_)), buffer_(other.buffer_) {}
  FrameBufferLease& operator=(FrameBufferLease&& other) noexcept {
    if (this != &other) {
      reset();
      allocator_ = std::move(other.allocator_);
      buffer_ = other.buffer_;
    }
    return *this;
  }
  FrameBufferLease(const FrameBufferLease&) = delete;
  FrameBufferLease& operator=(const FrameBufferLease&) = delete;
  ~FrameBufferLease() { reset(); }

  const FrameBuffer& buffer() const { return buffer_; }
  uint8_t* data() const { return buffer_.data; }
  explicit operator bool() const { return allocator_ != nullptr; }

  void reset() {
    if (allocator_ != nullptr) std::exchange(allocator_, nullptr)->release(buffer_);
  }

 private:
  std::shared_ptr<FrameAllocator> allocator_;
  FrameBuffer buffer_;
};

}  // namespace rtmp::decode
