#include "server/local_fanout.h"

#include <algorithm>

namespace rtmp::server {

bool LocalFanout::remove(StreamTap* tap) {
  // Marked slots (tap == nullptr) never match a live tap.
  auto it =
      std::find_if(taps_.begin(), taps_.end(), [tap](const Entry& e) { return e.tap == tap; });
  if (it == taps_.end()) return false;
  --live_;
  if (iterating_) {
    // Mark instead of erasing so the loop in forEachAfter stays valid.
    it->tap = nullptr;
    removedWhileIterating_ = true;
  } else {
    taps_.erase(it);
  }
  return true;
}

template <typename Fn>
void LocalFanout::forEachAfter(uint64_t seq, Fn&& fn) {
  ++iterating_;
  // Index loop: taps added during the callbacks are appended and may be
  // visited; they filter by their own joinSeq.
  for (size_t i = 0; i < taps_.size(); ++i) {
    Entry e = taps_[i];
    if (e.tap != nullptr && seq > e.joinSeq) fn(e.tap);
  }
  // Compact only when the outermost delivery ends: a nested one must not
  // move entries under the loop that contains it.
  if (--iterating_ == 0 && removedWhileIterating_) {
    taps_.erase(
        std::remove_if(taps_.begin(), taps_.end(), [](const Entry& e) { return e.tap == nullptr; }),
        taps_.end());
    removedWhileIterating_ = false;
  }
}

void LocalFanout::deliverMedia(const SharedMediaRef& media) {
  forEachAfter(media->seq, [&](StreamTap* tap) { tap->onMedia(media); });
}

void LocalFanout::deliverPublisherGone(uint64_t seq) {
  forEachAfter(seq, [](StreamTap* tap) { tap->onPublisherGone(); });
}

void LocalFanout::deliverPublisherBack(uint64_t seq) {
  forEachAfter(seq, [](StreamTap* tap) { tap->onPublisherBack(); });
}

}  // namespace rtmp::server
