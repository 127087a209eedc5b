// Events the engine reports to its host (the binding forwards them to JS in
// batches). They are produced on loop threads; a sink must never block.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
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
  kError,       // a session was closed because of an error (reason holds code + message)
  kLog,         // a native log line (level in `level`, text in `reason`)
  kAuthorize,   // publish/play waits for Engine::answerAuth(sessionId, requestId, ...)
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
};

struct EngineEvent {
  EventKind kind = EventKind::kLog;
  uint64_t sessionId = 0;
  std::string ip;
  uint16_t port = 0;
  bool tls = false;  // the session came in over RTMPS
  std::string app;
  std::string stream;  // stream name without query
  std::string query;   // raw query string(s), "a=1&b=2" (app and stream queries joined)
  std::string tcUrl;
  std::string flashVer;
  std::string reason;    // disconnect/error reason; log text for kLog
  std::string code;      // stable error code for kError (ERR_RTMP_*)
  int level = 0;         // log level for kLog
  CodecSummary codec;    // kPublish / kMetadata
  uint64_t bytesIn = 0;  // kDisconnect / kUnpublish / kStop
  uint64_t bytesOut = 0;
  // kAuthorize.
  std::string action;  // "publish" | "play"
  uint64_t requestId = 0;
  std::string swfUrl;
  std::string pageUrl;
};

// The host's answer to a kAuthorize event.
struct AuthAnswer {
  bool allow = false;
  std::string name;    // allow: serve under this stream name instead ("" = as asked)
  std::string reason;  // deny: told to the client and logged
};

using EventSink = std::function<void(EngineEvent&&)>;

}  // namespace rtmp::server
