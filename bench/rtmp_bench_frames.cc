#include "rtmp_bench_frames.h"

#include <algorithm>

namespace rtmp::bench {

FrameKey frameKeyOf(std::span<const uint8_t> payload) {
  // FNV-1a, 64-bit, over the first 64 bytes: the FLV video header, the
  // composition time and the start of the first NAL unit differ per frame.
  uint64_t h = 0xcbf29ce484222325ull;
  const size_t n = std::min<size_t>(payload.size(), 64);
  for (size_t i = 0; i < n; ++i) {
    h ^= payload[i];
    h *= 0x100000001b3ull;
  }
  return FrameKey{static_cast<uint32_t>(payload.size()), h};
}

void FrameClock::record(const FrameKey& key, int64_t sentNs) {
  std::lock_guard<std::mutex> lock(mutex_);
  ring_[next_] = Entry{key, sentNs, true};
  next_ = (next_ + 1) % kCapacity;
}

std::optional<int64_t> FrameClock::lookup(const FrameKey& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  // Newest first: a player is usually asking about one of the last frames.
  for (size_t i = 1; i <= kCapacity; ++i) {
    const Entry& e = ring_[(next_ + kCapacity - i) % kCapacity];
    if (!e.used) break;
    if (e.key == key) return e.sentNs;
  }
  return std::nullopt;
}

}  // namespace rtmp::bench
