#include "server/packet_tap.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "hls/sample_track.h"
#include "media/codec_info.h"
#include "media/flv_tag.h"

namespace rtmp::server {

namespace {

// WebCodecs registry names for codecs without an RFC 6381 string here
// (https://www.w3.org/TR/webcodecs-codec-registry/); others: our own name.
std::string plainCodecString(media::Codec codec) {
  switch (codec) {
    case media::Codec::kMp3:
    case media::Codec::kMp3_8k:
      return "mp3";
    case media::Codec::kOpus:
      return "opus";
    case media::Codec::kFlac:
      return "flac";
    case media::Codec::kVp8:
      return "vp8";
    case media::Codec::kG711ALaw:
      return "alaw";
    case media::Codec::kG711MuLaw:
      return "ulaw";
    default:
      break;
  }
  std::string name(media::codecName(codec));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::shared_ptr<const PacketTrack> packetTrackFromHeader(const media::MediaPacket& header) {
  auto track = std::make_shared<PacketTrack>();
  track->kind = header.kind;
  track->codec = header.codec;
  track->description = header.codecData();
  auto setup = hls::trackFromSequenceHeader(header);
  if (setup.ok()) {
    const hls::TrackConfig& c = setup.value().config;
    track->codecString = c.codecString;
    track->width = c.width;
    track->height = c.height;
    track->sampleRate = c.sampleRate;
    track->channels = c.channels;
  }
  if (track->codecString.empty()) {
    track->codecString = plainCodecString(header.codec);
    const auto span = track->description.span();
    if (header.kind == MediaKind::kVideo) {
      auto info = media::describeVideoConfig(header.codec, span);
      if (info.ok()) track->width = info.value().width, track->height = info.value().height;
    } else {
      auto info = media::describeAudioConfig(header.codec, span);
      if (info.ok()) track->sampleRate = info.value().sampleRate;
      if (info.ok()) track->channels = info.value().channels;
    }
  }
  return track;
}

std::shared_ptr<const PacketTrack> packetTrackFromPacket(const media::MediaPacket& packet) {
  auto track = std::make_shared<PacketTrack>();
  track->kind = packet.kind;
  track->codec = packet.codec;
  track->codecString = plainCodecString(packet.codec);
  if (packet.kind == MediaKind::kAudio) {
    auto tag = media::parseAudioTag(packet.payload.span());
    if (tag.ok()) {
      const media::AudioCodecInfo info = media::describeLegacyAudio(tag.value());
      track->sampleRate = info.sampleRate;
      track->channels = info.channels;
    }
  }
  return track;
}

PacketTap::PacketTap(PacketTapOptions options, std::shared_ptr<PacketSink> sink)
    : options_(options), sink_(std::move(sink)) {}

void PacketTap::onStart(const JoinSnapshot& snapshot) {
  sink_->pushState(snapshot.publishing);
  if (snapshot.videoHeader) onMedia(snapshot.videoHeader);
  if (snapshot.audioHeader) onMedia(snapshot.audioHeader);
  for (const SharedMediaRef& media : snapshot.gop) onMedia(media);
}

void PacketTap::onPublisherGone() {
  sink_->pushState(false);
}

void PacketTap::onPublisherBack() {
  sink_->pushState(true);
  // The new publisher's sequence headers follow; until then the old setup is
  // no longer valid, and its pictures cannot reference the old ones.
  video_ = TrackState{};
  audio_ = TrackState{};
  waitKeyframe_ = true;
  skipsCount_ = false;
  // Only a break in what this subscriber got: waiting for the first publish is not one.
  discontinuity_ = counters_.delivered > 0;
}

void PacketTap::onMedia(const SharedMediaRef& media) {
  const media::MediaPacket& packet = media->packet;
  if (packet.kind == MediaKind::kData) return;
  if (packet.kind == MediaKind::kVideo ? !options_.video : !options_.audio) return;
  if (packet.sequenceHeader) {
    setTrack(packet);
    return;
  }
  if (!packet.isMedia || packet.payloadLength == 0) return;  // commands, end of sequence
  deliver(media);
}

void PacketTap::setTrack(const media::MediaPacket& header) {
  TrackState& s = state(header.kind);
  // The same record again (publishers repeat it): nothing changes for a decoder.
  if (s.track && s.track->codec == header.codec &&
      s.track->description.span().size() == header.payloadLength &&
      std::equal(s.track->description.span().begin(), s.track->description.span().end(),
                 header.codecData().span().begin())) {
    return;
  }
  s.track = packetTrackFromHeader(header);
  s.describe = true;
}

void PacketTap::deliver(const SharedMediaRef& media) {
  const media::MediaPacket& packet = media->packet;
  const bool video = packet.kind == MediaKind::kVideo;
  if (video && waitKeyframe_) {
    if (!packet.keyframe) {
      if (skipsCount_) {  // skipped after a drop: counted
        ++droppedBefore_;
        ++counters_.dropped;
        sink_->onDropped();
      }
      return;
    }
    waitKeyframe_ = false;
    skipsCount_ = false;
  }
  TrackState& s = state(packet.kind);
  if (!s.track || s.track->codec != packet.codec) {
    // No sequence header for this codec (MP3, legacy codecs), or a codec
    // change without one: describe it from the packet.
    s.track = packetTrackFromPacket(packet);
    s.describe = true;
  }
  PacketItem item;
  item.media = media;
  item.track = s.track;
  item.withDescription = s.describe;
  item.discontinuity = discontinuity_;
  item.droppedBefore = droppedBefore_;
  if (!sink_->pushPacket(std::move(item))) {
    ++droppedBefore_;
    ++counters_.dropped;
    sink_->onDropped();
    if (video) waitKeyframe_ = skipsCount_ = true;
    return;
  }
  ++counters_.delivered;
  s.describe = false;
  discontinuity_ = false;
  droppedBefore_ = 0;
}

}  // namespace rtmp::server
