#include "server/codec_tracker.h"

#include "protocol/command.h"
#include "protocol/data_message.h"

namespace rtmp::server {

namespace {

double numberField(const protocol::AmfValue& map, std::string_view key) {
  const protocol::AmfValue* v = map.get(key);
  return v ? v->numberOr(0) : 0;
}

// A metadata string is the publisher's to choose: keep at most this many bytes.
constexpr size_t kMaxMetadataString = 128;

std::string stringField(const protocol::AmfValue& map, std::string_view key) {
  const protocol::AmfValue* v = map.get(key);
  if (!v || !v->isString()) return {};
  std::string_view text = v->stringOr({});
  return std::string(text.substr(0, kMaxMetadataString));
}

}  // namespace

bool CodecTracker::isOnMetaData(const base::Bytes& payload) {
  return protocol::isOnMetaData(payload.span());
}

bool CodecTracker::onSequenceHeader(const media::MediaPacket& packet) {
  CodecSummary before = summary_;
  tracker_.observe(packet);
  rebuild();
  return before.videoCodec != summary_.videoCodec || before.width != summary_.width ||
         before.height != summary_.height || before.audioCodec != summary_.audioCodec ||
         before.audioSampleRate != summary_.audioSampleRate ||
         before.audioChannels != summary_.audioChannels;
}

void CodecTracker::onFrame(const media::MediaPacket& packet) {
  // Only the first frames teach anything (legacy codecs); skip the rest cheaply.
  if (packet.kind == media::MediaKind::kAudio && summary_.audioCodec.empty()) {
    tracker_.observe(packet);
    rebuild();
  } else if (packet.kind == media::MediaKind::kVideo && summary_.videoCodec.empty()) {
    tracker_.observe(packet);
    rebuild();
  }
}

bool CodecTracker::onMetadata(const base::Bytes& payload) {
  auto data = protocol::decodeDataPayload(payload.span(), /*amf3Envelope=*/false);
  if (!data.ok()) return false;  // malformed metadata is passed on, just not understood
  const protocol::AmfValue* meta = protocol::metadataOf(*data);
  if (!meta || !meta->isMap()) return false;
  CodecSummary m;
  m.width = static_cast<uint32_t>(numberField(*meta, "width"));
  m.height = static_cast<uint32_t>(numberField(*meta, "height"));
  m.fps = numberField(*meta, "framerate");
  if (m.fps == 0) m.fps = numberField(*meta, "fps");
  m.videoBitrateKbps = numberField(*meta, "videodatarate");
  m.audioBitrateKbps = numberField(*meta, "audiodatarate");
  m.audioSampleRate = static_cast<uint32_t>(numberField(*meta, "audiosamplerate"));
  const protocol::AmfValue* stereo = meta->get("stereo");
  m.audioChannels = static_cast<uint32_t>(numberField(*meta, "audiochannels"));
  if (m.audioChannels == 0 && stereo && stereo->isBoolean())
    m.audioChannels = stereo->boolOr(false) ? 2 : 1;
  m.encoder = stringField(*meta, "encoder");
  fromMetadata_ = m;
  CodecSummary before = summary_;
  rebuild();
  return before.width != summary_.width || before.height != summary_.height ||
         before.fps != summary_.fps || before.videoBitrateKbps != summary_.videoBitrateKbps ||
         before.audioBitrateKbps != summary_.audioBitrateKbps || before.encoder != summary_.encoder;
}

void CodecTracker::rebuild() {
  // Bitstream facts first; metadata fills the gaps.
  CodecSummary s = fromMetadata_;
  if (const auto& v = tracker_.video()) {
    s.videoCodec = v->codecName;
    if (v->width) s.width = v->width;
    if (v->height) s.height = v->height;
    if (v->fps > 0) s.fps = v->fps;
    s.videoProfile = v->profile;
    s.videoLevel = v->level;
  }
  if (const auto& a = tracker_.audio()) {
    s.audioCodec = a->codecName;
    if (a->sampleRate) s.audioSampleRate = a->sampleRate;
    if (a->channels) s.audioChannels = a->channels;
    s.audioProfile = a->profile;
  }
  summary_ = s;
}

}  // namespace rtmp::server
