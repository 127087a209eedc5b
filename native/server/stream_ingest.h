// StreamIngest: turns a publisher's raw audio/video/data messages into
// SharedMedia for fan-out. Classifies (media/), corrects timestamps per track,
// keeps the latest metadata and sequence headers, tracks codec info, and
// encodes the chunk bytes once for every player.
//
// Not thread-safe by itself: Stream calls it under its mutex.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "media/stream_timing.h"
#include "media/timestamp_corrector.h"
#include "server/codec_tracker.h"
#include "server/engine_config.h"
#include "server/engine_stats.h"
#include "server/shared_media.h"

namespace rtmp::server {

struct IngestResult {
  SharedMediaRef media;  // null: the message was not forwarded (see dropReason)
  std::optional<IngestDropReason> dropReason;
  bool firstFrame = false;    // first coded frame since publish began: codec info is settled
  bool codecChanged = false;  // metadata or a sequence header changed the codec summary
};

class StreamIngest {
 public:
  StreamIngest(TimestampMode mode, uint32_t outChunkSize);

  // Forget everything from the previous publish.
  void reset();
  IngestResult process(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload,
                       uint64_t seq);

  // Chunk-encode media for RTMP players (the shared type-1 bytes)? The stream
  // turns it off while it has no RTMP player: the bytes would go unused.
  void setEncodeChunks(bool encode) { encodeChunks_ = encode; }

  const SharedMediaRef& metadata() const { return metadata_; }
  const SharedMediaRef& videoHeader() const { return videoHeader_; }
  const SharedMediaRef& audioHeader() const { return audioHeader_; }
  const CodecSummary& codec() const { return codec_.summary(); }
  bool hasVideo() const { return videoHeader_ != nullptr || sawVideo_; }
  uint64_t bytesIn() const { return bytesIn_; }
  uint64_t videoFrames() const { return videoFrames_; }
  uint64_t audioFrames() const { return audioFrames_; }
  // Messages not forwarded since reset(), by reason.
  const IngestDrops& drops() const { return drops_; }
  // Keyframe interval, GOP and A/V skew of this publish (media/stream_timing.h).
  media::StreamTimingReport timing() const { return timing_.report(); }
  // A message the publisher's session refused before process() (oversized metadata).
  void countDrop(IngestDropReason reason) { ++drops_[reason]; }

 private:
  IngestResult& drop(IngestResult& result, IngestDropReason reason);
  uint32_t correct(MediaKind kind, uint32_t timestamp, bool frame);
  SharedMediaRef finish(media::MediaPacket packet, uint32_t csid, uint64_t seq);

  const TimestampMode mode_;
  const uint32_t outChunkSize_;
  media::TimestampCorrector audioClock_;
  media::TimestampCorrector videoClock_;
  media::TimestampCorrector dataClock_;
  // Last stream-timeline timestamp sent on each of our media chunk streams,
  // for the type-1 deltas in the shared chunk bytes.
  std::optional<uint32_t> lastOnCsid_[8];
  uint64_t lastSeqOnCsid_[8] = {};
  bool encodeChunks_ = true;

  SharedMediaRef metadata_;
  SharedMediaRef videoHeader_;
  SharedMediaRef audioHeader_;
  CodecTracker codec_;
  bool sawVideo_ = false;
  bool sawFrame_ = false;
  uint64_t bytesIn_ = 0;
  uint64_t videoFrames_ = 0;
  uint64_t audioFrames_ = 0;
  IngestDrops drops_;
  media::StreamTiming timing_;
};

}  // namespace rtmp::server
