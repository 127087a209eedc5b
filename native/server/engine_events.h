// Events the engine reports to its host (the binding forwards them to JS in
// batches). They are produced on loop threads; a sink must never block.
//
// Shape: one EventHeader (who and which stream) shared by every kind, plus a
// payload struct per kind holding only what that kind has. Adding a kind is
// one enum value and one payload struct here (listed in EventPayload), and
// one converter in binding/js_convert.cc (a missing one does not compile).
//
// Events carry descriptions, never media: the channel to JS is unbounded
// (see binding/event_pump.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace rtmp::server {

enum class EventKind : uint8_t {
  kConnect,     // NetConnection.connect accepted
  kPublish,     // publishing started (codec info may still be empty)
  kUnpublish,   // publisher stopped or left
  kPlay,        // player started
  kStop,        // player stopped or left
  kDisconnect,  // connection closed (any role), with reason
  kMetadata,    // onMetaData or codec info became known/changed for a stream
  kError,       // a session was closed because of an error (code + message)
  kLog,         // a native log line, with the session context it was logged in
  kAuthorize,   // publish/play waits for Engine::answerAuth(sessionId, requestId, ...)
  kPlaying,     // a player that waited for a publisher got one: media starts
};

struct CodecSummary {
  std::string videoCodec;  // "H264", "HEVC", "AV1", "VP9", "" if none yet
  uint32_t width = 0;
  uint32_t height = 0;
  double fps = 0;
  std::string videoProfile;     // e.g. "High"
  std::string videoLevel;       // e.g. "3.1"
  double videoBitrateKbps = 0;  // from metadata when sent
  std::string audioCodec;       // "AAC", "MP3", "Opus", ...
  uint32_t audioSampleRate = 0;
  uint32_t audioChannels = 0;
  std::string audioProfile;  // e.g. "LC"
  double audioBitrateKbps = 0;
  std::string encoder;  // onMetaData "encoder" (e.g. "Lavf59.27.100", "obs-output module"), bounded
};

// Common to every event. Engine-wide events (log lines outside a session)
// leave it zero/empty.
struct EventHeader {
  uint64_t sessionId = 0;
  std::string ip;
  uint16_t port = 0;
  bool tls = false;  // the session came in over RTMPS
  std::string app;
  std::string stream;  // stream name without query
  std::string query;   // raw query string(s), "a=1&b=2" (app and stream queries joined)
};

// Byte counts of the session when the event was made.
struct SessionTotals {
  uint64_t bytesIn = 0;
  uint64_t bytesOut = 0;
};

struct ConnectEvent {
  static constexpr EventKind kKind = EventKind::kConnect;
  std::string tcUrl;
  std::string flashVer;
};

struct PublishEvent {
  static constexpr EventKind kKind = EventKind::kPublish;
  CodecSummary codec;
};

struct UnpublishEvent {
  static constexpr EventKind kKind = EventKind::kUnpublish;
  std::string reason;
  SessionTotals totals;
};

struct PlayEvent {
  static constexpr EventKind kKind = EventKind::kPlay;
  // Nobody publishes the stream yet: the player waits (config.playWaitMs),
  // and a PlayingEvent follows if a publisher comes in time.
  bool waiting = false;
};

struct PlayingEvent {
  static constexpr EventKind kKind = EventKind::kPlaying;
  uint64_t waitedMs = 0;  // since the play (or since the publisher left)
};

struct StopEvent {
  static constexpr EventKind kKind = EventKind::kStop;
  std::string reason;
  SessionTotals totals;
};

struct DisconnectEvent {
  static constexpr EventKind kKind = EventKind::kDisconnect;
  std::string reason;
  std::string code;  // stable ERR_RTMP_* code of the reason
  SessionTotals totals;
};

struct MetadataEvent {
  static constexpr EventKind kKind = EventKind::kMetadata;
  CodecSummary codec;
};

struct ErrorEvent {
  static constexpr EventKind kKind = EventKind::kError;
  std::string code;  // stable ERR_RTMP_* code
  std::string reason;
};

// The header's sessionId/app/stream/ip/port come from the log call's context.
struct LogEvent {
  static constexpr EventKind kKind = EventKind::kLog;
  int level = 0;  // base::LogLevel value
  std::string component;
  std::string message;
};

struct AuthorizeEvent {
  static constexpr EventKind kKind = EventKind::kAuthorize;
  std::string action;  // "publish" | "play"
  uint64_t requestId = 0;
  std::string tcUrl;
  std::string flashVer;
  std::string swfUrl;
  std::string pageUrl;
};

using EventPayload =
    std::variant<ConnectEvent, PublishEvent, UnpublishEvent, PlayEvent, StopEvent, DisconnectEvent,
                 MetadataEvent, ErrorEvent, LogEvent, AuthorizeEvent, PlayingEvent>;

struct EngineEvent {
  EventHeader header;
  EventPayload payload;

  EventKind kind() const {
    return std::visit([](const auto& p) { return std::decay_t<decltype(p)>::kKind; }, payload);
  }
  // The payload as the kind it is; throws std::bad_variant_access otherwise.
  template <typename Payload>
  const Payload& as() const {
    return std::get<Payload>(payload);
  }
  template <typename Payload>
  Payload& as() {
    return std::get<Payload>(payload);
  }
};

// The host's answer to a kAuthorize event.
struct AuthAnswer {
  bool allow = false;
  std::string name;    // allow: serve under this stream name instead ("" = as asked)
  std::string reason;  // deny: told to the client and logged
  // allow (publish): names of publish-scoped taps to attach for this publish
  // (server/publish_taps.h; e.g. the segmenter), handed to each factory.
  std::vector<std::string> taps;
};

using EventSink = std::function<void(EngineEvent&&)>;

}  // namespace rtmp::server
