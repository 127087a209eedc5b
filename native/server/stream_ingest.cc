#include "server/stream_ingest.h"

#include "protocol/data_message.h"
#include "protocol/message.h"

namespace rtmp::server {

namespace {

uint32_t csidFor(MediaKind kind) {
  switch (kind) {
    case MediaKind::kAudio:
      return protocol::kCsidAudio;
    case MediaKind::kVideo:
      return protocol::kCsidVideo;
    case MediaKind::kData:
      return protocol::kCsidMediaData;
  }
  return protocol::kCsidMediaData;
}

}  // namespace

StreamIngest::StreamIngest(TimestampMode mode, uint32_t outChunkSize)
    : mode_(mode), outChunkSize_(outChunkSize) {
  reset();
}

void StreamIngest::reset() {
  audioClock_ = media::TimestampCorrector();
  videoClock_ = media::TimestampCorrector();
  dataClock_ = media::TimestampCorrector();
  for (auto& last : lastOnCsid_) last.reset();
  for (auto& last : lastSeqOnCsid_) last = 0;
  metadata_.reset();
  videoHeader_.reset();
  audioHeader_.reset();
  codec_ = CodecTracker();
  sawVideo_ = false;
  sawFrame_ = false;
  bytesIn_ = 0;
  videoFrames_ = 0;
  audioFrames_ = 0;
  drops_ = IngestDrops{};
  timing_ = media::StreamTiming();
}

IngestResult& StreamIngest::drop(IngestResult& result, IngestDropReason reason) {
  ++drops_[reason];
  result.dropReason = reason;
  return result;
}

uint32_t StreamIngest::correct(MediaKind kind, uint32_t timestamp, bool frame) {
  if (mode_ == TimestampMode::kOff) return timestamp;
  // Audio and video are corrected independently: one track's glitch must not
  // shift the other. Sequence headers are placed on the timeline without
  // moving it (a keyframe usually shares its header's DTS; that is no stall).
  media::TimestampCorrector& clock = kind == MediaKind::kAudio   ? audioClock_
                                     : kind == MediaKind::kVideo ? videoClock_
                                                                 : dataClock_;
  return frame ? clock.correct(timestamp) : clock.peek(timestamp);
}

SharedMediaRef StreamIngest::finish(media::MediaPacket packet, uint32_t csid, uint64_t seq) {
  auto shared = std::make_shared<SharedMedia>();
  uint32_t delta = 0;
  if (lastOnCsid_[csid]) delta = packet.dts - *lastOnCsid_[csid];  // mod 2^32, §5.3.1.2
  lastOnCsid_[csid] = packet.dts;
  if (encodeChunks_) {
    auto chunks =
        protocol::encodeShared(csid, packet.messageType, delta, packet.payload, outChunkSize_);
    if (!chunks.ok())
      return nullptr;  // only on a payload over 2^24-1, which the reader already refused
    shared->chunks = std::move(chunks).value();
  } else {
    // No RTMP player now: everything but the bytes, so a player that joins
    // later can encode this message itself with a type-0 header.
    shared->chunks.csid = csid;
    shared->chunks.typeId = packet.messageType;
    shared->chunks.timestampDelta = delta;
    shared->chunks.chunkSize = outChunkSize_;
    shared->chunks.payload = packet.payload;
  }
  shared->csid = csid;
  shared->seq = seq;
  shared->prevSeqOnCsid = lastSeqOnCsid_[csid];
  lastSeqOnCsid_[csid] = seq;
  shared->packet = std::move(packet);
  return shared;
}

IngestResult StreamIngest::process(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload,
                                   uint64_t seq) {
  IngestResult result;
  bytesIn_ += payload.size();
  base::Bytes body = payload;
  bool isMetadata = false;
  // `@setDataFrame, onMetaData, {…}` from encoders goes to players without
  // its first value (protocol/data_message.h).
  if (typeId == media::kMessageTypeDataAmf0 && protocol::stripSetDataFrame(body)) {
    isMetadata = true;
  }

  auto classified = media::makeMediaPacket(typeId, timestamp, body);
  if (!classified.ok()) return drop(result, IngestDropReason::kMalformed);
  media::MediaPacket packet = std::move(classified).value();
  if (packet.kind != MediaKind::kData && packet.payload.empty()) {
    return drop(result, IngestDropReason::kEmpty);
  }
  if (packet.kind == MediaKind::kData && !isMetadata) isMetadata = CodecTracker::isOnMetaData(body);

  const MediaKind kind = packet.kind;
  const bool header = packet.sequenceHeader;
  packet.dts = correct(kind, packet.dts, /*frame=*/!header);
  const bool coded = packet.isMedia && !header;
  uint32_t csid = csidFor(kind);

  // Codec tracking looks at the packet before it moves into the shared unit.
  if (isMetadata) result.codecChanged = codec_.onMetadata(packet.payload);
  if (header) result.codecChanged = codec_.onSequenceHeader(packet) || result.codecChanged;
  // Timing on the corrected timeline: the timestamps players and segments get.
  if (kind == MediaKind::kVideo) {
    sawVideo_ = true;
    if (coded) {
      ++videoFrames_;
      timing_.onVideoFrame(packet.dts, packet.keyframe);
    }
  } else if (kind == MediaKind::kAudio && coded) {
    ++audioFrames_;
    timing_.onAudioFrame(packet.dts);
  }
  if (coded) codec_.onFrame(packet);

  result.media = finish(std::move(packet), csid, seq);
  if (!result.media) return drop(result, IngestDropReason::kTooLarge);
  if (isMetadata) metadata_ = result.media;
  if (header && kind == MediaKind::kVideo) videoHeader_ = result.media;
  if (header && kind == MediaKind::kAudio) audioHeader_ = result.media;
  if (coded && !sawFrame_) {
    sawFrame_ = true;
    result.firstFrame = true;
  }
  return result;
}

}  // namespace rtmp::server
