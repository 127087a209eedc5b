#include "decode/owned_frame_pool.h"

#include <algorithm>
#include <cstdlib>

#include "decode/video_converter.h"

namespace rtmp::decode {

OwnedFramePool::~OwnedFramePool() {
  // Every lease holds the pool, so no buffer is busy here.
  for (Slot& s : slots_) std::free(s.data);
}

std::optional<FrameBuffer> OwnedFramePool::acquire(size_t bytes) {
  return acquireFor(FrameKind::kVideo, bytes);
}

std::optional<FrameBuffer> OwnedFramePool::acquireFor(FrameKind kind, size_t bytes) {
  const size_t k = index(kind);
  std::lock_guard<std::mutex> lock(mutex_);
  if (retired_) return std::nullopt;
  std::optional<size_t> best;
  std::optional<size_t> small;  // a free buffer of this kind that does not fit
  std::optional<size_t> empty;  // a slot whose buffer was freed
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (s.data == nullptr) {
      if (!empty) empty = i;
      continue;
    }
    if (s.busy || s.kind != kind) continue;
    if (s.size >= bytes) {
      if (!best || s.size < slots_[*best].size) best = i;
    } else if (!small) {
      small = i;
    }
  }
  if (best) {
    slots_[*best].busy = true;
    return FrameBuffer{slots_[*best].data, slots_[*best].size, *best};
  }
  if (live_[k] >= caps_[k]) {
    // Full: a free buffer too small for the frame makes room; otherwise
    // every buffer of this kind is busy (queued or held by JS): drop.
    if (!small) return std::nullopt;
    freeSlotLocked(slots_[*small]);
    empty = small;
  }
  // Rows are kStrideAlign-padded: a buffer on that boundary keeps every row
  // aligned for swscale's SIMD paths.
  const size_t rounded =
      (std::max<size_t>(bytes, 1) + kStrideAlign - 1) / kStrideAlign * kStrideAlign;
  auto* data = static_cast<uint8_t*>(std::aligned_alloc(kStrideAlign, rounded));
  if (data == nullptr) return std::nullopt;
  if (!empty) {
    slots_.emplace_back();
    empty = slots_.size() - 1;
  }
  slots_[*empty] = Slot{data, rounded, true, kind};
  ++live_[k];
  return FrameBuffer{data, rounded, *empty};
}

void OwnedFramePool::release(const FrameBuffer& buffer) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (buffer.id >= slots_.size()) return;
  Slot& s = slots_[buffer.id];
  if (s.data != buffer.data || !s.busy) return;
  s.busy = false;
  if (retired_) freeSlotLocked(s);
}

void OwnedFramePool::freeSlotLocked(Slot& slot) {
  std::free(slot.data);
  --live_[index(slot.kind)];
  slot = Slot{};
}

void OwnedFramePool::retire() {
  std::lock_guard<std::mutex> lock(mutex_);
  retired_ = true;
  for (Slot& s : slots_) {
    if (s.data != nullptr && !s.busy) freeSlotLocked(s);
  }
}

size_t OwnedFramePool::buffers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_[0] + live_[1];
}

size_t OwnedFramePool::busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.busy; }));
}

size_t OwnedFramePool::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t total = 0;
  for (const Slot& s : slots_) total += s.size;
  return total;
}

}  // namespace rtmp::decode
