// GopCache: the media a late joiner needs to start at once: everything since
// the most recent video keyframe (audio and data included, in arrival order).
// Sequence headers and metadata are kept apart by the Stream, not here.
//
// Bounded in media time, bytes and frames. When a GOP outgrows a bound the
// cache is emptied and waits for the next keyframe: a partial GOP without its
// keyframe is useless to a decoder.
#pragma once

#include <cstdint>
#include <deque>

#include "server/shared_media.h"

namespace rtmp::server {

struct GopCacheLimits {
  uint32_t maxMs = 10'000;
  uint64_t maxBytes = 16u << 20;
  uint32_t maxFrames = 1'000;
};

class GopCache {
 public:
  explicit GopCache(GopCacheLimits limits) : limits_(limits) {}

  // Offers a live message (not a sequence header). Audio-only streams keep a
  // short rolling window instead (there are no keyframes to start from).
  void push(const SharedMediaRef& media, bool streamHasVideo);
  void clear();

  const std::deque<SharedMediaRef>& items() const { return items_; }
  uint64_t bytes() const { return bytes_; }
  size_t frames() const { return items_.size(); }
  // Counts GOPs discarded because they outgrew a limit (for stats/logs).
  uint64_t overflows() const { return overflows_; }

 private:
  void dropFront();
  GopCacheLimits limits_;
  std::deque<SharedMediaRef> items_;
  uint64_t bytes_ = 0;
  uint64_t overflows_ = 0;
  bool collecting_ = false;  // a keyframe has been seen since the last reset
};

}  // namespace rtmp::server
