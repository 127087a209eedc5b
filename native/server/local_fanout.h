// LocalFanout: the taps of one stream on one loop. The stream posts each
// message once per loop (not per player); this object hands it to every local
// tap. Only ever touched on its own loop.
//
// A tap that joins while earlier messages are still queued in this loop's
// mailbox already has them in its snapshot: `seq` filters those out, so a tap
// sees every message exactly once, in order.
#pragma once

#include <cstdint>
#include <vector>

#include "server/stream_tap.h"

namespace rtmp::server {

class LocalFanout {
 public:
  void add(StreamTap* tap, uint64_t joinSeq) {
    taps_.push_back({tap, joinSeq});
    ++live_;
  }
  // Returns true if the tap was attached here.
  bool remove(StreamTap* tap);
  // Live taps: a tap removed during a delivery no longer counts, even though
  // its slot is only reclaimed when the delivery ends.
  bool empty() const { return live_ == 0; }
  size_t size() const { return live_; }

  void deliverMedia(const SharedMediaRef& media);
  void deliverPublisherGone(uint64_t seq);
  void deliverPublisherBack(uint64_t seq);

 private:
  struct Entry {
    StreamTap* tap;
    uint64_t joinSeq;
  };
  // Taps may detach themselves (or others) from inside a callback: iterate over
  // a copy-safe index and tolerate removal.
  template <typename Fn>
  void forEachAfter(uint64_t seq, Fn&& fn);

  std::vector<Entry> taps_;
  size_t live_ = 0;
  int iterating_ = 0;  // nesting depth of deliveries in progress
  bool removedWhileIterating_ = false;
};

}  // namespace rtmp::server
