// Matching video frames between the publisher and the players by content
// (servers rebase timestamps, so timestamps cannot be used): a frame's key is
// its payload length and a cheap hash of its first <= 64 bytes. The publisher
// records when it sent each key; players look keys up on receipt. Everything
// runs in one process on one monotonic clock.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>

namespace rtmp::bench {

// Nanoseconds on the steady clock.
inline int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct FrameKey {
  uint32_t length = 0;
  uint64_t hash = 0;
  bool operator==(const FrameKey&) const = default;
};

FrameKey frameKeyOf(std::span<const uint8_t> payload);

// The send times of the most recent frames (a ring; older ones are
// forgotten). Thread-safe: one writer (publisher loop), many readers.
class FrameClock {
 public:
  static constexpr size_t kCapacity = 512;  // ~17 s of 30 fps video

  void record(const FrameKey& key, int64_t sentNs);
  // The send time of the newest frame with this key.
  std::optional<int64_t> lookup(const FrameKey& key) const;

 private:
  struct Entry {
    FrameKey key;
    int64_t sentNs = 0;
    bool used = false;
  };
  mutable std::mutex mutex_;
  std::array<Entry, kCapacity> ring_{};
  size_t next_ = 0;
};

}  // namespace rtmp::bench
