#include "binding/js_convert.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace rtmp::binding {

namespace {

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
  o.Set("encoder", c.encoder);
  return o;
}

// ---- events: the header, then only the fields of the event's kind ----

void setHeader(Napi::Object& o, const server::EventHeader& h) {
  Napi::Env env = o.Env();
  o.Set("sessionId", num(env, h.sessionId));
  o.Set("ip", h.ip);
  o.Set("port", Napi::Number::New(env, h.port));
  o.Set("tls", Napi::Boolean::New(env, h.tls));
  o.Set("app", h.app);
  o.Set("stream", h.stream);
  o.Set("query", h.query);
}

void setTotals(Napi::Object& o, const server::SessionTotals& t) {
  o.Set("bytesIn", num(o.Env(), t.bytesIn));
  o.Set("bytesOut", num(o.Env(), t.bytesOut));
}

// One overload per payload; std::visit below refuses to compile without one.
void setPayload(Napi::Object& o, const server::EventHeader& h, const server::ConnectEvent& p) {
  o.Set("kind", "connect");
  setHeader(o, h);
  o.Set("tcUrl", p.tcUrl);
  o.Set("flashVer", p.flashVer);
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::PublishEvent& p) {
  o.Set("kind", "publish");
  setHeader(o, h);
  o.Set("codec", toJsCodec(o.Env(), p.codec));
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::UnpublishEvent& p) {
  o.Set("kind", "unpublish");
  setHeader(o, h);
  o.Set("reason", p.reason);
  setTotals(o, p.totals);
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::PlayEvent& p) {
  o.Set("kind", "play");
  setHeader(o, h);
  o.Set("waiting", p.waiting);
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::PlayingEvent& p) {
  o.Set("kind", "playing");
  setHeader(o, h);
  o.Set("waitedMs", Napi::Number::New(o.Env(), static_cast<double>(p.waitedMs)));
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::StopEvent& p) {
  o.Set("kind", "stop");
  setHeader(o, h);
  o.Set("reason", p.reason);
  setTotals(o, p.totals);
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::DisconnectEvent& p) {
  o.Set("kind", "disconnect");
  setHeader(o, h);
  o.Set("reason", p.reason);
  o.Set("code", p.code);
  setTotals(o, p.totals);
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::MetadataEvent& p) {
  o.Set("kind", "metadata");
  setHeader(o, h);
  o.Set("codec", toJsCodec(o.Env(), p.codec));
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::ErrorEvent& p) {
  o.Set("kind", "error");
  setHeader(o, h);
  o.Set("code", p.code);
  o.Set("reason", p.reason);
}

// A log line has no connection facts (tls, query): only its context.
void setPayload(Napi::Object& o, const server::EventHeader& h, const server::LogEvent& p) {
  Napi::Env env = o.Env();
  o.Set("kind", "log");
  o.Set("level", Napi::Number::New(env, p.level));
  o.Set("component", p.component);
  o.Set("message", p.message);
  o.Set("sessionId", num(env, h.sessionId));
  o.Set("app", h.app);
  o.Set("stream", h.stream);
  o.Set("ip", h.ip);
  o.Set("port", Napi::Number::New(env, h.port));
}

void setPayload(Napi::Object& o, const server::EventHeader& h, const server::AuthorizeEvent& p) {
  o.Set("kind", "authorize");
  setHeader(o, h);
  o.Set("action", p.action);
  o.Set("requestId", num(o.Env(), p.requestId));
  o.Set("tcUrl", p.tcUrl);
  o.Set("flashVer", p.flashVer);
  o.Set("swfUrl", p.swfUrl);
  o.Set("pageUrl", p.pageUrl);
}

Napi::Object toJsEvent(Napi::Env env, const server::EngineEvent& e) {
  Napi::Object o = Napi::Object::New(env);
  std::visit([&](const auto& payload) { setPayload(o, e.header, payload); }, e.payload);
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
  o.Set("tls", Napi::Boolean::New(env, s.tls));
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
  o.Set("waiting", Napi::Boolean::New(env, s.waiting));
  return o;
}

// { keyframeIntervalMs, gopFrames, avSkewMs: number | null, framesSinceKeyframe, keyframes }.
Napi::Object toJsTiming(Napi::Env env, const media::StreamTimingReport& t) {
  Napi::Object o = Napi::Object::New(env);
  const auto orNull = [&](auto value) -> Napi::Value {
    if (!value) return env.Null();
    return Napi::Number::New(env, static_cast<double>(*value));
  };
  o.Set("keyframeIntervalMs", orNull(t.keyframeIntervalMs));
  o.Set("gopFrames", orNull(t.gopFrames));
  o.Set("avSkewMs", orNull(t.avSkewMs));
  o.Set("framesSinceKeyframe", Napi::Number::New(env, t.framesSinceKeyframe));
  o.Set("keyframes", num(env, t.keyframes));
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
  o.Set("timing", toJsTiming(env, s.timing));
  return o;
}

}  // namespace

Napi::Array toJsEvents(Napi::Env env, const std::vector<server::EngineEvent>& events) {
  Napi::Array out = Napi::Array::New(env, events.size());
  for (uint32_t i = 0; i < events.size(); ++i) out.Set(i, toJsEvent(env, events[i]));
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
  Napi::Object refusals = Napi::Object::New(env);
  for (size_t i = 0; i < server::kLimitKindCount; ++i) {
    const auto kind = static_cast<server::LimitKind>(i);
    refusals.Set(std::string(server::limitKindName(kind)), num(env, stats.limitRefusals[i]));
  }
  o.Set("limitRefusals", refusals);
  // { rtmp: { version: n, ..., timeout: n }, rtmps: { ... } }
  Napi::Object handshakes = Napi::Object::New(env);
  for (size_t l = 0; l < stats.handshakeFailures.size(); ++l) {
    Napi::Object byReason = Napi::Object::New(env);
    for (size_t r = 0; r < server::kHandshakeFailureCount; ++r) {
      const auto reason = static_cast<server::HandshakeFailure>(r);
      byReason.Set(std::string(server::handshakeFailureName(reason)),
                   num(env, stats.handshakeFailures[l][r]));
    }
    handshakes.Set(l == 0 ? "rtmp" : "rtmps", byReason);
  }
  o.Set("handshakeFailures", handshakes);
  // { deny: { connect: n, publish: n, play: n }, notAllowed: { ... }, ban: { ... } }
  Napi::Object ipRefusals = Napi::Object::New(env);
  for (size_t r = 0; r < server::kIpRefusalCount; ++r) {
    Napi::Object byAction = Napi::Object::New(env);
    for (size_t a = 0; a < server::kIpActionCount; ++a) {
      const auto action = static_cast<server::IpAction>(a);
      byAction.Set(std::string(server::ipActionName(action)), num(env, stats.ipRefusals[r][a]));
    }
    ipRefusals.Set(std::string(server::ipRefusalName(static_cast<server::IpRefusal>(r))), byAction);
  }
  o.Set("ipRefusals", ipRefusals);
  Napi::Array loops = Napi::Array::New(env, stats.loops.size());
  for (uint32_t i = 0; i < stats.loops.size(); ++i) {
    const server::LoopHealthSnapshot& l = stats.loops[i];
    Napi::Object loop = Napi::Object::New(env);
    loop.Set("index", Napi::Number::New(env, l.index));
    loop.Set("lagMs", num(env, l.lagMs));
    loop.Set("maxLagMs", num(env, l.maxLagMs));
    loop.Set("idleMs", Napi::Number::New(env, static_cast<double>(l.idleNs) / 1e6));
    loop.Set("utilisation", Napi::Number::New(env, l.utilisation));
    loop.Set("samples", num(env, l.samples));
    loops.Set(i, loop);
  }
  o.Set("loops", loops);
  return o;
}

}  // namespace rtmp::binding
