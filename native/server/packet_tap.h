// PacketTap: a stream's encoded access units for a host consumer (the JS
// `server.packets()` subscription), shaped for a WebCodecs decoder: each
// video/audio packet with its codec string and, on the first packet and after
// a change, the decoder description (avcC/hvcC/av1C, AudioSpecificConfig).
// A host tap (Engine::attachTap), on any loop.
//
// What reaches the sink, in order:
//   state(publishing)            once, from onStart (false: nobody publishes yet)
//   packets of the join snapshot the sequence headers (kept as descriptions,
//                                not delivered), then the cached GOP from its
//                                keyframe
//   live packets                 as the stream sends them
//   state(false) / state(true)   publisher gone / back; the first packet after a
//                                return has discontinuity = true
//
// Dropping. The sink is bounded; a refused packet is counted and the count
// rides on the next packet delivered (droppedBefore). After a refused video
// packet, video is skipped (and counted) until the next keyframe, so a decoder
// never sees a picture whose references it missed; audio goes on. Video also
// starts at a keyframe: without a GOP cache, or after a republish, the
// pictures before the first keyframe are skipped (not counted: never
// decodable by this subscriber).
//
// Loop thread only, like every tap. Payloads are shared, never copied here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "media/codec_id.h"
#include "server/stream_tap.h"

namespace rtmp::server {

// One track's decoder setup, shared by every packet that uses it.
struct PacketTrack {
  MediaKind kind = MediaKind::kVideo;
  media::Codec codec = media::Codec::kUnknown;
  // RFC 6381 ("avc1.64001f", "hvc1.1.6.L93.B0", "av01.0.08M.08", "mp4a.40.2")
  // for the codecs CMAF carries; else the WebCodecs name ("mp3", "opus",
  // "flac", "vp8") or the engine's lower-case codec name.
  std::string codecString;
  base::Bytes description;                // the record body; empty for codecs without one
  uint32_t width = 0, height = 0;         // video, from the SPS when known
  uint32_t sampleRate = 0, channels = 0;  // audio, when known
};

struct PacketItem {
  enum class Type : uint8_t { kPacket, kState };
  Type type = Type::kPacket;
  bool publishing = false;  // kState
  // kPacket:
  SharedMediaRef media;  // codec bytes: media->packet.codecData()
  std::shared_ptr<const PacketTrack> track;
  bool withDescription = false;  // first packet of this track setup
  bool discontinuity = false;    // first packet after a republish
  uint64_t droppedBefore = 0;    // packets refused or skipped since the last one delivered

  // What the item holds in codec bytes (the sink's byte bound).
  size_t bytes() const { return media ? media->packet.payloadLength : 0; }
};

// The host side. pushPacket may refuse (false: full); pushState must not be
// refused by a full queue (states are few: one per publish change).
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual bool pushPacket(PacketItem&& item) = 0;
  virtual void pushState(bool publishing) = 0;
  // One packet dropped (refused, or skipped after a refusal): for the host's
  // totals, which droppedBefore alone misses at the end of a publish.
  virtual void onDropped() {}
};

struct PacketTapOptions {
  bool video = true;
  bool audio = true;
};

struct PacketTapCounters {
  uint64_t delivered = 0;
  uint64_t dropped = 0;  // refused by the sink, or video skipped after a refusal
};

class PacketTap : public StreamTap {
 public:
  PacketTap(PacketTapOptions options, std::shared_ptr<PacketSink> sink);

  void onStart(const JoinSnapshot& snapshot) override;
  void onMedia(const SharedMediaRef& media) override;
  void onPublisherGone() override;
  void onPublisherBack() override;
  void onDetached() override {}

  const PacketTapCounters& counters() const { return counters_; }

 private:
  struct TrackState {
    std::shared_ptr<const PacketTrack> track;
    bool describe = false;  // the next delivered packet carries the description
  };
  void deliver(const SharedMediaRef& media);
  void setTrack(const media::MediaPacket& header);
  TrackState& state(MediaKind kind) { return kind == MediaKind::kVideo ? video_ : audio_; }

  const PacketTapOptions options_;
  std::shared_ptr<PacketSink> sink_;
  TrackState video_;
  TrackState audio_;
  bool waitKeyframe_ = true;  // video skipped until a keyframe
  bool skipsCount_ = false;   // ...because of a drop: the skipped pictures are counted
  bool discontinuity_ = false;
  uint64_t droppedBefore_ = 0;
  PacketTapCounters counters_;
};

// The track a sequence header describes (codec string, record, size/rate).
// A record that does not parse still gives the codec and its bytes.
std::shared_ptr<const PacketTrack> packetTrackFromHeader(const media::MediaPacket& header);
// For codecs that send no sequence header (MP3, legacy FLV audio, VP6...): the
// codec alone, from a coded packet.
std::shared_ptr<const PacketTrack> packetTrackFromPacket(const media::MediaPacket& packet);

}  // namespace rtmp::server
