#include "binding/hls_feed.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace rtmp::binding {

namespace {

size_t piecesBytes(const std::vector<base::Bytes>& pieces) {
  size_t n = 0;
  for (const auto& p : pieces) n += p.size();
  return n;
}

// One Buffer holding the pieces back to back: the single copy.
Napi::Buffer<uint8_t> concat(Napi::Env env, const std::vector<base::Bytes>& pieces) {
  auto buffer = Napi::Buffer<uint8_t>::New(env, piecesBytes(pieces));
  uint8_t* at = buffer.Data();
  for (const auto& p : pieces) {
    if (p.empty()) continue;
    std::memcpy(at, p.data(), p.size());
    at += p.size();
  }
  return buffer;
}

Napi::Buffer<uint8_t> copy(Napi::Env env, const base::Bytes& bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size());
}

Napi::Number number(Napi::Env env, double v) {
  return Napi::Number::New(env, v);
}

Napi::Object header(Napi::Env env, const char* type, const server::HlsFeedRecord& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", type);
  o.Set("stream", r.stream);
  o.Set("publishId", number(env, static_cast<double>(r.publishId)));
  return o;
}

Napi::Object track(Napi::Env env, const hls::TrackRecord& t) {
  const hls::TrackConfig& c = t.config;
  Napi::Object o = Napi::Object::New(env);
  const bool video = c.kind == hls::TrackConfig::Kind::kVideo;
  o.Set("kind", video ? "video" : "audio");
  o.Set("codec", c.codecString);
  o.Set("timescale", number(env, c.timescale));
  if (video) {
    o.Set("width", number(env, c.width));
    o.Set("height", number(env, c.height));
    if (t.frameRate > 0) o.Set("frameRate", number(env, t.frameRate));
  } else {
    o.Set("sampleRate", number(env, c.sampleRate));
    o.Set("channels", number(env, c.channels));
  }
  return o;
}

void setPieces(Napi::Env env, Napi::Object& o, const std::vector<base::Bytes>& video,
               const std::vector<base::Bytes>& audio) {
  if (!video.empty()) o.Set("video", concat(env, video));
  if (!audio.empty()) o.Set("audio", concat(env, audio));
}

Napi::Value toJs(Napi::Env env, const server::HlsFeedRecord& r) {
  if (const auto* init = std::get_if<hls::InitRecord>(&r.record)) {
    Napi::Object o = header(env, "init", r);
    o.Set("initId", number(env, init->initId));
    o.Set("format", init->format == hls::SegmentFormat::kTs ? "ts" : "fmp4");
    Napi::Array tracks = Napi::Array::New(env, init->tracks.size());
    for (uint32_t i = 0; i < init->tracks.size(); ++i) {
      const hls::TrackRecord& t = init->tracks[i];
      tracks.Set(i, track(env, t));
      if (!t.init.empty()) {
        o.Set(t.config.kind == hls::TrackConfig::Kind::kVideo ? "video" : "audio",
              copy(env, t.init));
      }
    }
    o.Set("tracks", tracks);
    return o;
  }
  if (const auto* part = std::get_if<hls::PartRecord>(&r.record)) {
    Napi::Object o = header(env, "part", r);
    o.Set("initId", number(env, part->initId));
    o.Set("segment", number(env, part->segment));
    o.Set("part", number(env, part->part));
    o.Set("start", number(env, static_cast<double>(part->startMs)));
    o.Set("duration", number(env, part->durationMs));
    o.Set("independent", Napi::Boolean::New(env, part->independent));
    o.Set("programDateTime", number(env, static_cast<double>(part->programDateTime)));
    o.Set("arrivedAt", number(env, static_cast<double>(part->arrivedAt)));
    setPieces(env, o, part->video, part->audio);
    return o;
  }
  if (const auto* segment = std::get_if<hls::SegmentRecord>(&r.record)) {
    Napi::Object o = header(env, "segment", r);
    o.Set("initId", number(env, segment->initId));
    o.Set("segment", number(env, segment->segment));
    o.Set("start", number(env, static_cast<double>(segment->startMs)));
    o.Set("duration", number(env, segment->durationMs));
    o.Set("parts", number(env, segment->parts));
    o.Set("independent", Napi::Boolean::New(env, segment->independent));
    o.Set("programDateTime", number(env, static_cast<double>(segment->programDateTime)));
    o.Set("arrivedAt", number(env, static_cast<double>(segment->arrivedAt)));
    setPieces(env, o, segment->video, segment->audio);
    if (!segment->ts.empty()) o.Set("ts", copy(env, segment->ts));
    return o;
  }
  const auto& end = std::get<hls::EndRecord>(r.record);
  Napi::Object o = header(env, "end", r);
  o.Set("reason", end.reason);
  return o;
}

Napi::Value batchToJs(Napi::Env env, std::vector<HlsItem>&& batch) {
  Napi::Array out = Napi::Array::New(env, batch.size());
  for (uint32_t i = 0; i < batch.size(); ++i) out.Set(i, toJs(env, batch[i].record));
  return out;
}

}  // namespace

template class BoundedChannel<HlsItem>;

size_t hlsRecordBytes(const hls::SegmenterRecord& record) {
  if (const auto* init = std::get_if<hls::InitRecord>(&record)) {
    size_t n = 0;
    for (const auto& t : init->tracks) n += t.init.size();
    return n;
  }
  if (const auto* part = std::get_if<hls::PartRecord>(&record)) {
    return piecesBytes(part->video) + piecesBytes(part->audio);
  }
  if (const auto* segment = std::get_if<hls::SegmentRecord>(&record)) {
    return piecesBytes(segment->video) + piecesBytes(segment->audio) + segment->ts.size();
  }
  return 0;
}

std::shared_ptr<HlsChannel> createHlsChannel(Napi::Env env, Napi::Function onItems) {
  return HlsChannel::create(env, onItems, "rtmp-engine.hlsFeed",
                            base::BoundedQueueLimits{kHlsFeedMaxItems, kHlsFeedMaxBytes},
                            &batchToJs);
}

server::HlsSink hlsSinkInto(std::shared_ptr<HlsChannel> channel) {
  return [channel = std::move(channel)](server::HlsFeedRecord&& record) {
    const size_t bytes = hlsRecordBytes(record.record);
    channel->push(HlsItem{std::move(record)}, bytes);
  };
}

}  // namespace rtmp::binding
