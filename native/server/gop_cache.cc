#include "server/gop_cache.h"

namespace rtmp::server {

namespace {

// Media-time span of the cache using wrap-safe 32-bit differences.
uint32_t span(const std::deque<SharedMediaRef>& items) {
  if (items.size() < 2) return 0;
  int32_t d = static_cast<int32_t>(items.back()->timestamp() - items.front()->timestamp());
  return d > 0 ? static_cast<uint32_t>(d) : 0;
}

}  // namespace

void GopCache::push(const SharedMediaRef& media, bool streamHasVideo) {
  if (!streamHasVideo) {
    // Audio-only: keep a rolling window so a joiner starts with a little audio
    // queued, bounded like a GOP.
    items_.push_back(media);
    bytes_ += media->payload().size();
    while (!items_.empty() && (span(items_) > limits_.maxMs || bytes_ > limits_.maxBytes ||
                               items_.size() > limits_.maxFrames)) {
      dropFront();
    }
    return;
  }

  if (media->keyframe()) {
    // A new GOP starts: the old one is no longer needed.
    clear();
    collecting_ = true;
  }
  if (!collecting_) {
    // No keyframe yet: nothing a decoder could start from. Audio kept while
    // the stream looked audio-only must go, or a joiner would start on it.
    if (!items_.empty()) clear();
    return;
  }

  items_.push_back(media);
  bytes_ += media->payload().size();
  if (span(items_) > limits_.maxMs || bytes_ > limits_.maxBytes ||
      items_.size() > limits_.maxFrames) {
    // The GOP is longer than we keep: give it up until the next keyframe.
    clear();
    ++overflows_;
  }
}

void GopCache::clear() {
  items_.clear();
  bytes_ = 0;
  collecting_ = false;
}

void GopCache::dropFront() {
  bytes_ -= items_.front()->payload().size();
  items_.pop_front();
}

}  // namespace rtmp::server
