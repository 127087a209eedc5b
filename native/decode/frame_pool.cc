#include "decode/frame_pool.h"

#include <algorithm>
#include <cstdlib>

namespace rtmp::decode {
namespace {

// A heap buffer's id has kHeapBit set (a slot's id is its index) and
// kHeapAudioBit for audio, so release() knows whose budget it was.
constexpr uint64_t kHeapBit = uint64_t{1} << 63;
constexpr uint64_t kHeapAudioBit = uint64_t{1} << 62;
constexpr size_t kHeapAlign = 64;

}  // namespace

bool FramePool::isHeap(const FrameBuffer& buffer) {
  return (buffer.id & kHeapBit) != 0;
}

std::optional<FrameBuffer> FramePool::acquire(size_t bytes) {
  return acquireFor(FrameKind::kVideo, bytes);
}

std::optional<FrameBuffer> FramePool::acquireFor(FrameKind kind, size_t bytes) {
  const size_t k = index(kind);
  std::lock_guard<std::mutex> lock(mutex_);
  if (retired_) return std::nullopt;
  std::optional<size_t> best;
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (s.state == State::kFree && s.kind == kind && s.size >= bytes &&
        (!best || s.size < slots_[*best].size)) {
      best = i;
    }
  }
  if (best) {
    slots_[*best].state = State::kBusy;
    return FrameBuffer{slots_[*best].data, slots_[*best].size, *best};
  }
  if (live_[k] + heap_[k] >= caps_[k]) {
    // Full: a free buffer of this kind too small for the frame makes room;
    // otherwise every one is busy (queued or held) and the frame drops.
    auto small = std::find_if(slots_.begin(), slots_.end(), [&](const Slot& s) {
      return s.state == State::kFree && s.kind == kind;
    });
    if (small == slots_.end()) return std::nullopt;
    small->state = State::kDead;
    --live_[k];
  }
  const size_t rounded = (std::max<size_t>(bytes, 1) + kHeapAlign - 1) / kHeapAlign * kHeapAlign;
  auto* data = static_cast<uint8_t*>(std::aligned_alloc(kHeapAlign, rounded));
  if (data == nullptr) return std::nullopt;
  ++heap_[k];
  const uint64_t audio = kind == FrameKind::kAudio ? kHeapAudioBit : 0;
  return FrameBuffer{data, bytes, kHeapBit | audio | ++heapSeq_};
}

void FramePool::release(const FrameBuffer& buffer) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (isHeap(buffer)) {
    std::free(buffer.data);
    --heap_[(buffer.id & kHeapAudioBit) != 0 ? 1 : 0];
  } else {
    freeLocked(buffer.id);
  }
}

uint32_t FramePool::adopt(FrameKind kind, uint8_t* data, size_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  slots_.push_back(Slot{data, size, State::kBusy, kind});
  ++live_[index(kind)];
  return static_cast<uint32_t>(slots_.size() - 1);
}

void FramePool::freeSlot(uint32_t slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  freeLocked(slot);
}

void FramePool::freeLocked(uint64_t slot) {
  if (slot < slots_.size() && slots_[slot].state == State::kBusy) {
    slots_[slot].state = State::kFree;
  }
}

void FramePool::retire() {
  std::lock_guard<std::mutex> lock(mutex_);
  retired_ = true;
}

std::vector<uint32_t> FramePool::takeUnusable() {
  std::vector<uint32_t> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    if (s.state == State::kDead || (retired_ && s.state == State::kFree)) {
      if (s.state == State::kFree) --live_[index(s.kind)];
      s.state = State::kGone;
      s.data = nullptr;
      out.push_back(static_cast<uint32_t>(i));
    }
  }
  return out;
}

bool FramePool::drained() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return retired_ && live_[0] + live_[1] == 0;
}

size_t FramePool::buffers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_[0] + live_[1];
}

size_t FramePool::busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = heap_[0] + heap_[1];
  for (const Slot& s : slots_) n += s.state == State::kBusy ? 1 : 0;
  return n;
}

size_t FramePool::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t total = 0;
  for (const Slot& s : slots_) {
    if (s.state == State::kFree || s.state == State::kBusy) total += s.size;
  }
  return total;
}

}  // namespace rtmp::decode
