// Snapshots of live state, readable from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "media/stream_timing.h"
#include "server/door_counters.h"
#include "server/engine_events.h"
#include "server/limit_refusals.h"
#include "server/loop_health.h"

namespace rtmp::server {

enum class SessionRole : uint8_t { kUnknown, kPublisher, kPlayer };

// Why a publisher's audio/video/data message was not forwarded. The names are
// part of the stats contract (JS keys, docs/api.md): add reasons, never rename.
enum class IngestDropReason : uint8_t {
  kMalformed,         // not a message media/ could classify (bad FLV tag header)
  kEmpty,             // audio/video with no payload after its tag header
  kTooLarge,          // could not be re-chunked for players (over 2^24-1 bytes)
  kNotPublishing,     // media on a stream id this session does not publish on
  kAuthDenied,        // arrived while the publish awaited authorization, which said no
  kAuthOverflow,      // arrived while awaiting authorization, past what a session may hold
  kMetadataTooLarge,  // onMetaData over EngineConfig::maxMetadataBytes (not kept, not forwarded)
};
inline constexpr size_t kIngestDropReasonCount = 7;

inline std::string_view ingestDropReasonName(IngestDropReason reason) {
  switch (reason) {
    case IngestDropReason::kMalformed:
      return "malformed";
    case IngestDropReason::kEmpty:
      return "empty";
    case IngestDropReason::kTooLarge:
      return "tooLarge";
    case IngestDropReason::kNotPublishing:
      return "notPublishing";
    case IngestDropReason::kAuthDenied:
      return "authDenied";
    case IngestDropReason::kAuthOverflow:
      return "authOverflow";
    case IngestDropReason::kMetadataTooLarge:
      return "metadataTooLarge";
  }
  return "unknown";
}

// Dropped ingest messages, one counter per IngestDropReason.
struct IngestDrops {
  std::array<uint64_t, kIngestDropReasonCount> counts{};

  uint64_t& operator[](IngestDropReason reason) { return counts[static_cast<size_t>(reason)]; }
  uint64_t operator[](IngestDropReason reason) const { return counts[static_cast<size_t>(reason)]; }
  uint64_t total() const {
    uint64_t sum = 0;
    for (uint64_t c : counts) sum += c;
    return sum;
  }
};

struct SessionSnapshot {
  uint64_t id = 0;
  std::string ip;
  uint16_t port = 0;
  bool tls = false;  // RTMPS: came through the TLS listener
  SessionRole role = SessionRole::kUnknown;
  std::string app;
  std::string stream;
  uint64_t connectedAtMs = 0;  // unix ms
  uint64_t bytesIn = 0;
  uint64_t bytesOut = 0;
  // Players: frames dropped for being slow, by track (video to the next
  // keyframe; audio only past the byte cap). droppedFrames is their sum.
  uint64_t droppedVideo = 0;
  uint64_t droppedAudio = 0;
  uint64_t droppedFrames = 0;
  // Publishers: messages of theirs that were not forwarded, by reason.
  IngestDrops ingestDrops;
  uint32_t loop = 0;     // I/O loop index the session lives on
  bool waiting = false;  // a player waiting for a publisher (EngineConfig::playWaitMs)
};

struct StreamSnapshot {
  std::string app;
  std::string stream;
  uint64_t publisherId = 0;
  uint64_t startedAtMs = 0;
  uint32_t players = 0;
  CodecSummary codec;
  uint64_t bytesIn = 0;
  uint64_t videoFrames = 0;
  uint64_t audioFrames = 0;
  uint32_t gopCacheFrames = 0;
  uint32_t gopCacheBytes = 0;
  // Publisher messages not forwarded, by reason (this publish; reset on republish).
  IngestDrops ingestDrops;
  // GOPs the cache gave up because they outgrew a bound (late joiners then
  // wait for the next keyframe). Counted for as long as the stream exists.
  uint64_t gopCacheOverflows = 0;
  // Keyframe interval, GOP length and A/V skew of the current publish, kept on
  // the publish path for every stream (media/stream_timing.h says what each is).
  media::StreamTimingReport timing;
};

struct EngineStats {
  std::vector<SessionSnapshot> sessions;
  std::vector<StreamSnapshot> streams;
  uint64_t acceptedTotal = 0;
  uint32_t ioThreads = 0;
  // Refusals and closes by a configured limit, since start (LimitKind order).
  LimitRefusalCounts limitRefusals{};
  // Failed handshakes by listener and reason, and IP-rule refusals by rule and
  // door, since start (door_counters.h).
  HandshakeFailureCounts handshakeFailures{};
  IpRefusalCounts ipRefusals{};
  // Each I/O loop's lag and utilisation (empty when not running).
  std::vector<LoopHealthSnapshot> loops;
};

}  // namespace rtmp::server
