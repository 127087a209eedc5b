#include "server/slow_consumer_policy.h"

#include <algorithm>

namespace rtmp::server {

using media::MediaKind;

void SlowConsumerPolicy::forgetConsumed(uint64_t pending) {
  const uint64_t consumed = handedOff_ - std::min(pending, handedOff_);
  if (consumed < frontEnd_) return;  // not even the front is consumed (or no marks)
  if (consumed < handedOff_) {
    while (head_ < marks_.size() && marks_[head_].endOffset <= consumed) ++head_;
  } else {
    head_ = marks_.size();  // everything consumed: no need to look
  }
  if (head_ == marks_.size()) {
    marks_.clear();
    head_ = 0;
    frontEnd_ = kNoFront;
    return;
  }
  if (head_ >= 64 && head_ * 2 >= marks_.size()) {
    // Reclaim the consumed front once it is most of the vector: amortized O(1).
    marks_.erase(marks_.begin(), marks_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  frontEnd_ = marks_[head_].endOffset;
  frontTimestamp_ = marks_[head_].timestamp;
}

uint32_t SlowConsumerPolicy::queuedMs() const {
  if (frontEnd_ == kNoFront) return 0;
  const auto span = static_cast<int32_t>(backTimestamp_ - frontTimestamp_);
  return span > 0 ? static_cast<uint32_t>(span) : 0;
}

void SlowConsumerPolicy::count(MediaKind kind, Cause cause) {
  if (kind == MediaKind::kAudio) {
    ++drops_.audio;
  } else {
    ++drops_.video;
  }
  if (cause == Cause::kByteCap) {
    ++drops_.byteCap;
  } else {
    ++drops_.backlogTime;
  }
}

bool SlowConsumerPolicy::admit(MediaKind kind, bool keyframe, uint64_t pending) {
  forgetConsumed(pending);
  const uint32_t queuedMs = this->queuedMs();
  const bool overBytes = pending > limits_.maxQueueBytes;
  if (kind == MediaKind::kAudio) {
    if (!overBytes) return true;
    count(kind, Cause::kByteCap);
    return false;
  }
  if (dropping_) {
    if (keyframe && queuedMs <= limits_.maxQueueMs / 2 && pending <= limits_.maxQueueBytes / 2) {
      dropping_ = false;
      return true;
    }
    count(kind, overBytes ? Cause::kByteCap : episode_);
    return false;
  }
  if (overBytes || queuedMs > limits_.maxQueueMs) {
    dropping_ = true;
    episode_ = overBytes ? Cause::kByteCap : Cause::kBacklogTime;
    count(kind, episode_);
    return false;
  }
  return true;
}

void SlowConsumerPolicy::handedOver(uint64_t bytes, uint32_t timestamp, bool timed) {
  handedOff_ += bytes;
  if (!timed) return;
  marks_.push_back({handedOff_, timestamp});
  backTimestamp_ = timestamp;
  if (frontEnd_ == kNoFront) {
    frontEnd_ = handedOff_;
    frontTimestamp_ = timestamp;
  }
}

}  // namespace rtmp::server
