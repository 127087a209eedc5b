// Subscription: what one consumer asked of a stream's decoder, and its bounded
// output queue. The decoder thread offers frames; the consumer (the binding's
// frame channel, a test) takes them. A full queue refuses the new frame and
// counts it (the decoder still decoded it: later pictures need it as a
// reference); the next frame that gets through says how many were lost before
// it (DeliveredFrame::droppedBefore), per kind.
//
// Bounds: video in frames (default 2), audio in media time (default 200 ms).
// One frame of each kind is always let in, so a bound below one frame still
// delivers.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "base/error.h"
#include "decode/audio_converter.h"
#include "decode/frame.h"
#include "decode/video_converter.h"

namespace rtmp::decode {

struct SubscriptionOptions {
  bool video = true;
  bool audio = true;
  VideoOutput videoOutput;
  double maxFps = 0;  // 0 = every frame; else frames closer than 1/maxFps are skipped
  AudioOutput audioOutput;
  uint32_t maxVideoFrames = 2;
  uint32_t maxAudioMs = 200;
};

// kInvalidArgument with a readable message for options no decoder can serve.
base::Status validate(const SubscriptionOptions& options);

// Told by the decoder thread; must not block (post a wake-up and return) and
// must not call back into the subscription's owner (unsubscribe would wait
// for this very call to end).
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // The queue went from empty to non-empty: take() everything.
  virtual void framesReady() = 0;
  // A decode error (stable code), once per episode; the decoder resyncs at
  // the next keyframe and frames follow again.
  virtual void decodeError(const base::Error& error) {}
};

struct SubscriptionStats {
  uint64_t videoDelivered = 0;  // frames accepted into the queue
  uint64_t audioDelivered = 0;
  uint64_t videoDropped = 0;  // refused: queue full or no buffer
  uint64_t audioDropped = 0;
  uint64_t videoSkipped = 0;  // left out by maxFps (not a drop)
  uint64_t decodeErrors = 0;
  size_t queued = 0;
};

class Subscription {
 public:
  Subscription(uint64_t id, SubscriptionOptions options, std::shared_ptr<FrameAllocator> allocator,
               std::shared_ptr<FrameSink> sink);

  uint64_t id() const { return id_; }
  const SubscriptionOptions& options() const { return options_; }
  const std::shared_ptr<FrameAllocator>& allocator() const { return allocator_; }

  // --- Decoder thread ---
  // Whether a frame of this kind at `pts` would be let in now (room, maxFps).
  // A refusal for lack of room counts as a drop; one by maxFps as a skip.
  bool wants(FrameKind kind, int64_t pts);
  // Queues a frame wants() accepted (room only grows in between: the
  // consumer only takes).
  void push(const FramePtr& frame);
  // Counts a frame wants() accepted but that could not be built (no buffer).
  void countDrop(FrameKind kind);
  // The next frame of each kind carries discontinuity = true (a republish:
  // a consumer that routes video and audio apart hears it on both).
  void markDiscontinuity();
  // The same for `kind` only (its codec parameters changed).
  void markDiscontinuity(FrameKind kind);
  void reportError(const base::Error& error);

  // --- Consumer, any thread ---
  // Up to `max` queued frames, oldest first.
  std::vector<DeliveredFrame> take(size_t max = SIZE_MAX);
  // No sink call starts after this returns; queued frames stay takeable.
  void close();
  SubscriptionStats stats() const;

 private:
  uint64_t audioQueuedMsLocked() const;

  const uint64_t id_;
  const SubscriptionOptions options_;
  const std::shared_ptr<FrameAllocator> allocator_;
  std::shared_ptr<FrameSink> sink_;

  mutable std::mutex mutex_;
  std::deque<DeliveredFrame> queue_;
  uint32_t videoQueued_ = 0;
  uint64_t audioQueuedUs_ = 0;
  uint64_t videoDroppedSince_ = 0;
  uint64_t audioDroppedSince_ = 0;
  bool discontinuity_[2] = {false, false};  // per kind: [video, audio]
  int64_t lastVideoPts_ = INT64_MIN;
  SubscriptionStats stats_;

  std::mutex sinkMutex_;  // held around sink calls so close() waits for one in progress
  bool closed_ = false;   // under sinkMutex_
};

}  // namespace rtmp::decode
