#include "decode/subscription.h"

#include <cmath>
#include <string>
#include <utility>

namespace rtmp::decode {
namespace {

uint64_t frameUs(const Frame& f) {
  return f.sampleRate == 0 ? 0 : uint64_t{f.samples} * 1000000 / f.sampleRate;
}

}  // namespace

base::Status validate(const SubscriptionOptions& o) {
  auto bad = [](const std::string& what) {
    return base::Error(base::ErrorCode::kInvalidArgument, what);
  };
  if (!o.video && !o.audio) return bad("video and audio are both off");
  if (o.videoOutput.width > kMaxFrameSide || o.videoOutput.height > kMaxFrameSide) {
    return bad("video width/height must be at most " + std::to_string(kMaxFrameSide));
  }
  const bool chroma420 =
      o.videoOutput.format == PixelFormat::kYuv420p || o.videoOutput.format == PixelFormat::kNv12;
  if (chroma420 && (o.videoOutput.width % 2 != 0 || o.videoOutput.height % 2 != 0)) {
    return bad("yuv420p/nv12 need an even width and height");
  }
  if (!(o.maxFps >= 0) || std::isinf(o.maxFps)) return bad("maxFps must be a number >= 0");
  if (o.audioOutput.channels > kMaxAudioChannels) return bad("at most 8 audio channels");
  if (o.audioOutput.sampleRate > 384000) return bad("audio sampleRate must be at most 384000");
  if (o.maxVideoFrames == 0) return bad("maxVideoFrames must be at least 1");
  return {};
}

Subscription::Subscription(uint64_t id, SubscriptionOptions options,
                           std::shared_ptr<FrameAllocator> allocator,
                           std::shared_ptr<FrameSink> sink)
    : id_(id), options_(options), allocator_(std::move(allocator)), sink_(std::move(sink)) {}

uint64_t Subscription::audioQueuedMsLocked() const {
  return audioQueuedUs_ / 1000;
}

bool Subscription::wants(FrameKind kind, int64_t pts) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (kind == FrameKind::kVideo) {
    if (options_.maxFps > 0 && lastVideoPts_ != INT64_MIN) {
      // Half a millisecond of slack: RTMP timestamps are whole milliseconds.
      const double interval = 1000.0 / options_.maxFps;
      if (static_cast<double>(pts - lastVideoPts_) + 0.5 < interval) {
        ++stats_.videoSkipped;
        return false;
      }
    }
    if (videoQueued_ >= options_.maxVideoFrames) {
      ++stats_.videoDropped;
      ++videoDroppedSince_;
      return false;
    }
    lastVideoPts_ = pts;
    return true;
  }
  const bool anyAudio = audioQueuedUs_ > 0;
  if (anyAudio && audioQueuedMsLocked() >= options_.maxAudioMs) {
    ++stats_.audioDropped;
    ++audioDroppedSince_;
    return false;
  }
  return true;
}

void Subscription::push(const FramePtr& frame) {
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    bool& mark = discontinuity_[frame->kind == FrameKind::kVideo ? 0 : 1];
    DeliveredFrame d{frame, 0, std::exchange(mark, false)};
    if (frame->kind == FrameKind::kVideo) {
      d.droppedBefore = std::exchange(videoDroppedSince_, 0);
      ++videoQueued_;
      ++stats_.videoDelivered;
    } else {
      d.droppedBefore = std::exchange(audioDroppedSince_, 0);
      // At least 1 µs, so that a queued frame always counts as "some audio".
      audioQueuedUs_ += std::max<uint64_t>(frameUs(*frame), 1);
      ++stats_.audioDelivered;
    }
    first = queue_.empty();
    queue_.push_back(std::move(d));
  }
  if (first) {
    std::lock_guard<std::mutex> lock(sinkMutex_);
    if (!closed_ && sink_) sink_->framesReady();
  }
}

void Subscription::countDrop(FrameKind kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (kind == FrameKind::kVideo) {
    ++stats_.videoDropped;
    ++videoDroppedSince_;
  } else {
    ++stats_.audioDropped;
    ++audioDroppedSince_;
  }
}

void Subscription::markDiscontinuity() {
  markDiscontinuity(FrameKind::kVideo);
  markDiscontinuity(FrameKind::kAudio);
}

void Subscription::markDiscontinuity(FrameKind kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (kind == FrameKind::kVideo) {
    discontinuity_[0] = true;
    lastVideoPts_ = INT64_MIN;
  } else {
    discontinuity_[1] = true;
  }
}

void Subscription::reportError(const base::Error& error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.decodeErrors;
  }
  std::lock_guard<std::mutex> lock(sinkMutex_);
  if (!closed_ && sink_) sink_->decodeError(error);
}

std::vector<DeliveredFrame> Subscription::take(size_t max) {
  std::vector<DeliveredFrame> out;
  std::lock_guard<std::mutex> lock(mutex_);
  while (!queue_.empty() && out.size() < max) {
    DeliveredFrame& d = queue_.front();
    if (d.frame->kind == FrameKind::kVideo) {
      --videoQueued_;
    } else {
      const uint64_t us = std::max<uint64_t>(frameUs(*d.frame), 1);
      audioQueuedUs_ = audioQueuedUs_ > us ? audioQueuedUs_ - us : 0;
    }
    out.push_back(std::move(d));
    queue_.pop_front();
  }
  return out;
}

void Subscription::close() {
  std::lock_guard<std::mutex> lock(sinkMutex_);
  closed_ = true;
  sink_.reset();
}

SubscriptionStats Subscription::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  SubscriptionStats s = stats_;
  s.queued = queue_.size();
  return s;
}

}  // namespace rtmp::decode
