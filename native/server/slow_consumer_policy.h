// SlowConsumerPolicy: what to do with a message for a consumer that may be
// falling behind (an RTMP player's socket today; the segmenter, the frame
// channel to JS and recorders next). Socket-free: the caller says how many
// bytes it handed over that the consumer has not taken yet, the policy keeps
// the media time those bytes span.
//
// The rules (DESIGN.md, "slow consumers never slow the publisher"):
// - The backlog is bounded in media time (maxQueueMs, from the timestamps of
//   the messages still queued) and in bytes (maxQueueBytes).
// - Over either bound, video is dropped until the next keyframe; dropping
//   ends only at a keyframe that finds the backlog under half of both bounds.
// - Audio is small and keeps a player alive: it is dropped only past the
//   byte cap.
// - Every drop is counted by kind and by the bound that caused it.
// Sequence headers and metadata are the caller's business: they must always
// pass (a decoder cannot resume without them), so callers do not ask.
#pragma once

#include <cstdint>
#include <vector>

#include "media/media_packet.h"

namespace rtmp::server {

struct SlowConsumerLimits {
  uint32_t maxQueueMs = 5'000;
  uint64_t maxQueueBytes = 32u << 20;
};

struct SlowConsumerDrops {
  uint64_t video = 0;
  uint64_t audio = 0;
  // The same drops by cause: the media-time bound or the byte cap.
  uint64_t backlogTime = 0;
  uint64_t byteCap = 0;
};

class SlowConsumerPolicy {
 public:
  explicit SlowConsumerPolicy(SlowConsumerLimits limits) : limits_(limits) {}

  // Before handing a message over. `pending`: bytes handed over so far that
  // the consumer has not consumed. Returns false to drop it (counted).
  bool admit(media::MediaKind kind, bool keyframe, uint64_t pending);
  // After a message was handed over: `bytes` long, at media time `timestamp`.
  // `timed` is false for messages that carry no media time (data).
  void handedOver(uint64_t bytes, uint32_t timestamp, bool timed);
  // The publisher restarted the timeline: stop dropping (the queue marks
  // stay, they describe bytes still in flight).
  void restart() { dropping_ = false; }

  bool dropping() const { return dropping_; }
  const SlowConsumerDrops& drops() const { return drops_; }
  // Media time spanned by the bytes not yet consumed (as of the last admit).
  uint32_t queuedMs() const;
  // Timed messages handed over and not known to be consumed.
  size_t queuedMessages() const { return marks_.size() - head_; }

 private:
  enum class Cause : uint8_t { kBacklogTime, kByteCap };
  void forgetConsumed(uint64_t pending);
  void count(media::MediaKind kind, Cause cause);

  // (cumulative bytes handed over after this message, its timestamp)
  struct Mark {
    uint64_t endOffset;
    uint32_t timestamp;
  };
  const SlowConsumerLimits limits_;
  SlowConsumerDrops drops_;
  bool dropping_ = false;
  Cause episode_ = Cause::kBacklogTime;  // what started the current dropping
  uint64_t handedOff_ = 0;
  // A queue as a vector with a moving head: pops are an index bump, and the
  // vector keeps its capacity, so the steady state allocates nothing.
  std::vector<Mark> marks_;
  size_t head_ = 0;
  // Copies of the front mark and of the newest timestamp, so that admit()
  // reads the marks only when something was consumed past the front: at 1000
  // consumers the marks are a cold cache line per consumer per message.
  static constexpr uint64_t kNoFront = UINT64_MAX;
  uint64_t frontEnd_ = kNoFront;  // marks_[head_].endOffset; kNoFront when empty
  uint32_t frontTimestamp_ = 0;
  uint32_t backTimestamp_ = 0;
};

}  // namespace rtmp::server
