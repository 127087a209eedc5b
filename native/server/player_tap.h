// PlayerTap: the play side of an RTMP session — a StreamTap that writes the
// stream to one player's connection.
//
// Output rules:
// - Media goes out on csids 4/6/7 only (control and commands use 2/3/5, so
//   the shared type-1 deltas stay valid). A message is sent as the stream's shared chunk bytes
//   when the previous message this player got on that csid is the stream's
//   previous one there; otherwise (join, after a drop, republish) it restarts
//   the chunk stream with its own type-0 header.
// - Timestamps: in rebase mode the player's timeline starts near zero at join.
// - Slow player: SlowConsumerPolicy over the bytes the socket has not written
//   (video dropped until the next keyframe, audio kept, every drop counted).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "protocol/status_codes.h"
#include "server/engine_config.h"
#include "server/media_sink.h"
#include "server/slow_consumer_policy.h"
#include "server/stream_tap.h"

namespace rtmp::server {

struct PlayerStats {
  uint64_t sentMessages = 0;
  uint64_t droppedVideo = 0;
  uint64_t droppedAudio = 0;
  // The same drops by cause (SlowConsumerDrops).
  uint64_t droppedForBacklog = 0;
  uint64_t droppedForByteCap = 0;
  uint64_t bytesOut = 0;
};

// What a player tap needs from its session: the control side. Media goes
// straight to a MediaSink (the connection), not through the session.
class PlayerHost {
 public:
  virtual ~PlayerHost() = default;
  // NetStream status on the play stream (csid 3) and user control events.
  virtual void sendPlayStatus(const protocol::StatusCode& status,
                              const std::string& description) = 0;
  virtual void sendStreamBegin() = 0;
  virtual void sendStreamEof() = 0;
  // Drop counters changed (for live stats while the player is dropping).
  virtual void reportDrops(const PlayerStats& stats) = 0;
  // Whether the stream has a publisher: at the start, then on every change.
  virtual void publisherPresence(bool present) {}
};

struct PlayerOptions {
  uint32_t streamId = 1;  // the player's message stream id (from createStream)
  TimestampMode timestampMode = TimestampMode::kRebase;
  uint32_t queueMs = 5'000;
  uint64_t queueMaxBytes = 32u << 20;
  std::string streamPath;  // "app/name" for status descriptions
  // The session's bytes-out counter: the tap adds the media bytes it writes.
  // Written only on the tap's loop (a relaxed load + store, no RMW); null = none.
  // Added every kBytesOutEveryMessages messages or kBytesOutEveryBytes bytes
  // (the counter lives with the session, a cold cache line per player per
  // message at 1000 players), and in full when the tap is detached, before
  // the session reports its totals.
  std::atomic<uint64_t>* bytesOut = nullptr;
};

class PlayerTap : public StreamTap {
 public:
  static constexpr uint32_t kBytesOutEveryMessages = 16;
  static constexpr uint64_t kBytesOutEveryBytes = 64u << 10;

  PlayerTap(PlayerHost& host, MediaSink& sink, PlayerOptions options)
      : host_(host),
        sink_(sink),
        options_(std::move(options)),
        policy_({options_.queueMs, options_.queueMaxBytes}) {}

  void onStart(const JoinSnapshot& snapshot) override;
  void onMedia(const SharedMediaRef& media) override;
  void onPublisherGone() override;
  void onPublisherBack() override;
  void onDetached() override { publishBytesOut(); }
  bool rtmpPlayer() const override { return true; }

  // receiveAudio/receiveVideo (§7.2.2.2/3): stop or resume one kind of media.
  void setReceive(bool video, bool enabled);
  // pause (§7.2.2.8) on a live stream: stop sending; on resume restart at a keyframe.
  void setPaused(bool paused);

  const PlayerStats& stats() const { return stats_; }
  bool started() const { return base_.has_value(); }

 private:
  void restartTimeline();
  void startTimeline(uint32_t base);
  // Sends one message; `fresh` forces a type-0 restart of its chunk stream.
  void send(const SharedMedia& media, bool fresh = false);
  // The player's timestamp for a stream timestamp; sets clamped when the
  // message is older than the player's start and was moved to 0.
  uint32_t playerTimestamp(uint32_t streamTimestamp, bool* clamped = nullptr) const;
  bool shouldDrop(const SharedMedia& media);
  // Adds the bytes written since the last call to options_.bytesOut.
  void publishBytesOut();
  // receiveAudio/receiveVideo/pause filters.
  bool wanted(const SharedMedia& media);

  PlayerHost& host_;
  MediaSink& sink_;
  const PlayerOptions options_;
  PlayerStats stats_;
  SlowConsumerPolicy policy_;

  bool streamHasVideo_ = false;
  bool publisherPresent_ = false;
  // Metadata/sequence headers waiting for the timeline to start.
  std::vector<SharedMediaRef> pending_;
  std::optional<uint32_t> base_;  // stream timestamp that maps to player time 0
  uint64_t lastSentSeq_[8] = {};  // by csid (fan-out csids are 4, 6, 7)
  bool wantAudio_ = true;
  bool wantVideo_ = true;
  bool paused_ = false;
  bool awaitKeyframe_ = false;  // after unpause / receiveVideo(true)
  // Written and not yet added to options_.bytesOut.
  uint64_t unpublishedBytes_ = 0;
  uint32_t unpublishedMessages_ = 0;
};

}  // namespace rtmp::server
