#include "hls/sample_timeline.h"

#include <algorithm>

namespace rtmp::hls {

int64_t TimestampExtender::extend(uint32_t raw) {
  if (!lastRaw_) {
    lastRaw_ = raw;
    last_ = raw;
    return last_;
  }
  // The difference read as signed 32 bits: the nearest representative.
  const auto step = static_cast<int32_t>(raw - *lastRaw_);
  lastRaw_ = raw;
  last_ += step;
  return last_;
}

uint64_t VideoTimeline::dts(int64_t ms) {
  uint64_t t = ms > 0 ? static_cast<uint64_t>(ms) * (kVideoTimescale / 1000) : 0;
  if (last_) t = std::max(t, *last_);
  last_ = t;
  return t;
}

uint64_t AudioTimeline::dts(int64_t ms) {
  // Nearest sample to the ms timestamp.
  const uint64_t exact = ms > 0 ? (static_cast<uint64_t>(ms) * rate_ + 500) / 1000 : 0;
  uint64_t t = exact;
  if (last_) {
    const uint64_t expected = *last_ + frame_;
    // Within half a frame of one frame after the previous one (or behind it:
    // a repeated or stepped-back timestamp): exactly one frame on.
    if (exact <= expected + frame_ / 2) t = expected;
  }
  last_ = t;
  return t;
}

}  // namespace rtmp::hls
