#include "binding/js_convert.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace rtmp::binding {

namespace {

const char* kindName(server::EventKind kind) {
  switch (kind) {
    case server::EventKind::kConnect:
      return "connect";
    case server::EventKind::kPublish:
      return "publish";
    case server::EventKind::kUnpublish:
      return "unpublish";
    case server::EventKind::kPlay:
      return "play";
    case server::EventKind::kStop:
      return "stop";
    case server::EventKind::kDisconnect:
      return "disconnect";
    case server::EventKind::kMetadata:
      return "metadata";
    case server::EventKind::kError:
      return "error";
    case server::EventKind::kLog:
      return "log";
    case server::EventKind::kAuthorize:
      return "authorize";
  }
  return "log";
}

const char* roleName(server::SessionRole role) {
  switch (role) {
    case server::SessionRole::kPublisher:
      return "publisher";
    case server::SessionRole::kPlayer:
      return "player";
    case server::SessionRole::kUnknown:
      break;
  }
  return "unknown";
}

Napi::Number num(Napi::Env env, uint64_t value) {
  return Napi::Number::New(env, static_cast<double>(value));
}

Napi::Object toJsCodec(Napi::Env env, const server::CodecSummary& c) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("videoCodec", c.videoCodec);
  o.Set("width", Napi::Number::New(env, c.width));
  o.Set("height", Napi::Number::New(env, c.height));
  o.Set("fps", Napi::Number::New(env, c.fps));
  o.Set("videoProfile", c.videoProfile);
  o.Set("videoLevel", c.videoLevel);
  o.Set("videoBitrateKbps", Napi::Number::New(env, c.videoBitrateKbps));
  o.Set("audioCodec", c.audioCodec);
  o.Set("audioSampleRate", Napi::Number::New(env, c.audioSampleRate));
  o.Set("audioChannels", Napi::Number::New(env, c.audioChannels));
  o.Set("audioProfile", c.audioProfile);
  o.Set("audioBitrateKbps", Napi::Number::New(env, c.audioBitrateKbps));
  return o;
}

// Every event carries every field (empty/zero when not meaningful for its
// kind): one object shape for V8, and one shape for the contract.
Napi::Object toJsEvent(Napi::Env env, const EventPump::Item& item) {
  const server::EngineEvent& e = item.event;
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", kindName(e.kind));
  o.Set("sessionId", num(env, e.sessionId));
  o.Set("ip", e.ip);
  o.Set("port", Napi::Number::New(env, e.port));
  o.Set("tls", Napi::Boolean::New(env, e.tls));
  o.Set("app", e.app);
  o.Set("stream", e.stream);
  o.Set("query", e.query);
  o.Set("tcUrl", e.tcUrl);
  o.Set("flashVer", e.flashVer);
  o.Set("reason", e.reason);
  o.Set("code", e.code);
  o.Set("level", Napi::Number::New(env, e.level));
  o.Set("component", item.component);
  o.Set("codec", toJsCodec(env, e.codec));
  o.Set("bytesIn", num(env, e.bytesIn));
  o.Set("bytesOut", num(env, e.bytesOut));
  o.Set("action", e.action);
  o.Set("requestId", num(env, e.requestId));
  o.Set("swfUrl", e.swfUrl);
  o.Set("pageUrl", e.pageUrl);
  return o;
}

// { malformed: n, empty: n, ... }: every reason, by its stable name.
Napi::Object toJsIngestDrops(Napi::Env env, const server::IngestDrops& drops) {
  Napi::Object o = Napi::Object::New(env);
  for (size_t i = 0; i < server::kIngestDropReasonCount; ++i) {
    const auto reason = static_cast<server::IngestDropReason>(i);
    o.Set(std::string(server::ingestDropReasonName(reason)), num(env, drops[reason]));
  }
  return o;
}

Napi::Object toJsSession(Napi::Env env, const server::SessionSnapshot& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", num(env, s.id));
  o.Set("ip", s.ip);
  o.Set("port", Napi::Number::New(env, s.port));
  o.Set("role", roleName(s.role));
  o.Set("app", s.app);
  o.Set("stream", s.stream);
  o.Set("connectedAtMs", num(env, s.connectedAtMs));
  o.Set("bytesIn", num(env, s.bytesIn));
  o.Set("bytesOut", num(env, s.bytesOut));
  o.Set("droppedFrames", num(env, s.droppedFrames));
  o.Set("droppedVideo", num(env, s.droppedVideo));
  o.Set("droppedAudio", num(env, s.droppedAudio));
  o.Set("ingestDrops", toJsIngestDrops(env, s.ingestDrops));
  o.Set("loop", Napi::Number::New(env, s.loop));
  return o;
}

Napi::Object toJsStream(Napi::Env env, const server::StreamSnapshot& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("app", s.app);
  o.Set("stream", s.stream);
  o.Set("publisherId", num(env, s.publisherId));
  o.Set("startedAtMs", num(env, s.startedAtMs));
  o.Set("players", Napi::Number::New(env, s.players));
  o.Set("codec", toJsCodec(env, s.codec));
  o.Set("bytesIn", num(env, s.bytesIn));
  o.Set("videoFrames", num(env, s.videoFrames));
  o.Set("audioFrames", num(env, s.audioFrames));
  o.Set("gopCacheFrames", Napi::Number::New(env, s.gopCacheFrames));
  o.Set("gopCacheBytes", Napi::Number::New(env, s.gopCacheBytes));
  o.Set("gopCacheOverflows", num(env, s.gopCacheOverflows));
  o.Set("ingestDrops", toJsIngestDrops(env, s.ingestDrops));
  return o;
}

}  // namespace

Napi::Array toJsEvents(Napi::Env env, const std::vector<EventPump::Item>& items) {
  Napi::Array out = Napi::Array::New(env, items.size());
  for (uint32_t i = 0; i < items.size(); ++i) out.Set(i, toJsEvent(env, items[i]));
  return out;
}

Napi::Object toJsStats(Napi::Env env, const server::EngineStats& stats) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Array sessions = Napi::Array::New(env, stats.sessions.size());
  for (uint32_t i = 0; i < stats.sessions.size(); ++i) {
    sessions.Set(i, toJsSession(env, stats.sessions[i]));
  }
  Napi::Array streams = Napi::Array::New(env, stats.streams.size());
  for (uint32_t i = 0; i < stats.streams.size(); ++i) {
    streams.Set(i, toJsStream(env, stats.streams[i]));
  }
  o.Set("sessions", sessions);
  o.Set("streams", streams);
  o.Set("acceptedTotal", num(env, stats.acceptedTotal));
  o.Set("ioThreads", Napi::Number::New(env, stats.ioThreads));
  return o;
}

}  // namespace rtmp::binding
