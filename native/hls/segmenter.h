// Segmenter: one publish's media packets in, HLS/DASH records out — init
// segments, LL-HLS parts and segments (CMAF fMP4, or MPEG-TS segments) with
// the metadata the playlists need. Pure: no clock, no I/O; the caller passes
// the wall-clock ms at which each packet arrived (for EXT-X-PROGRAM-DATE-TIME).
//
// Choices, and why:
// - Tracks: H.264/HEVC/AV1 video and AAC audio, each from its sequence header.
//   Any other codec's track is skipped (counters().skipped*, the caller logs it
//   once); the other track still works.
// - First init: a stream with both tracks sends both headers before its first
//   frames, but the segmenter cannot know that a second one is coming. It
//   waits until both headers are seen, or until kHeaderWaitMs of media time /
//   kHeaderWaitPackets packets have passed (audio-only and video-only streams),
//   keeping the packets meanwhile, then replays them.
// - Cut points come from the primary track (video if present, else audio) and
//   are shared by both: part (segment i, part j) exists for every track, with
//   one duration. A segment starts at a keyframe once segmentDurationMs have
//   passed since its start (a long GOP makes a long segment). A part closes
//   before the sample that would make it longer than partDurationMs (RFC
//   8216bis §4.4.4.9: no part is longer than PART-TARGET).
//   Normally a part closes on the frame that fills it, without waiting for
//   the next one: when the frame just added, lasting the track's current
//   frame interval, fits and leaves no room for one more, the part leaves at
//   once; that frame's duration is the estimate, capped so the part stays
//   within its target. That saves a frame interval of latency per part. The
//   interval is the running average of the sample durations, not the last
//   one alone: RTMP's ms timestamps make 30 fps durations alternate 33 and
//   34 ms, and 34 would push a 200 ms part past its target. The next part's
//   tfdt is its first sample's real dts, so a wrong estimate leaves a gap or
//   an overlap of a few ticks in the track's timeline, never a drift. Parts
//   and segments stay contiguous in the playlist (the next part, or segment,
//   starts where this one was said to end). The other track's samples that
//   arrive after such a cut go into the next part (at the end of a publish,
//   into a last part of their own).
//   Otherwise (no interval known yet, or a late frame) a part is decided when
//   the next sample arrives, from the average frame interval, and checked
//   exactly one frame later (the last sample is moved to the next part if the
//   next frame came late).
//   The other track's samples with a time before the cut go into the part;
//   later ones wait for the next.
// - A sample's duration is the next sample's dts minus its own; the last
//   sample of a part closed early, or of a stream, is estimated (the average
//   frame interval; audio: the frame length).
// - arrivedAt of a part or segment is the wall clock of the last packet in it
//   (for a part closed early: of the frame that closed it), for latency
//   measurements.
// - A new sequence header with other bytes (or a track appearing) makes a new
//   init (initId + 1) and a new segment at the new primary track's next
//   keyframe; the changed track's packets wait for that cut.
// - Bounded: a segment without a keyframe is cut anyway (not independent) at
//   10 × segmentDurationMs, maxSegmentBytes or kMaxSegmentSamples, and counted
//   (counters().forcedCuts); waiting samples of the non-primary track and
//   packets held for a header are capped, the excess dropped and counted.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "hls/sample_timeline.h"
#include "hls/sample_track.h"
#include "hls/track_config.h"
#include "media/media_packet.h"

namespace rtmp::hls {

class TsSegmentWriter;

enum class SegmentFormat : uint8_t { kFmp4, kTs };

struct SegmenterConfig {
  SegmentFormat format = SegmentFormat::kFmp4;
  uint32_t segmentDurationMs = 2'000;
  uint32_t partDurationMs = 200;  // 0 = no parts; ignored (no parts) for TS
  uint32_t maxSegmentBytes = 32u << 20;
};

inline constexpr uint32_t kHeaderWaitMs = 500;
inline constexpr uint32_t kHeaderWaitPackets = 200;
inline constexpr uint32_t kMaxSegmentSamples = 20'000;  // both tracks together
inline constexpr uint32_t kForcedCutFactor = 10;        // × segmentDurationMs

struct TrackRecord {
  TrackConfig config;
  double frameRate = 0;  // video, as signalled by the bitstream; 0 if not
  base::Bytes init;      // fmp4: ftyp + moov of this track; ts: empty
};

// Tracks are listed video first.
struct InitRecord {
  uint32_t initId = 0;
  SegmentFormat format = SegmentFormat::kFmp4;
  std::vector<TrackRecord> tracks;
};

// fmp4 with parts: one CMAF chunk per track (moof + mdat header, then the
// sample payload slices: concatenated, they are the part's bytes).
struct PartRecord {
  uint32_t initId = 0;
  uint32_t segment = 0;
  uint32_t part = 0;
  int64_t startMs = 0;  // stream timeline
  uint32_t durationMs = 0;
  bool independent = false;  // starts with a keyframe (audio-only: always)
  uint64_t programDateTime = 0;
  uint64_t arrivedAt = 0;  // Unix ms: the last packet in the part arrived
  // Per track: empty when the stream has no such track or it had no sample here.
  std::vector<base::Bytes> video;
  std::vector<base::Bytes> audio;
};

struct SegmentRecord {
  uint32_t initId = 0;
  uint32_t segment = 0;
  int64_t startMs = 0;
  uint32_t durationMs = 0;
  uint32_t parts = 0;  // 0 without parts
  bool independent = false;
  bool forced = false;  // cut by a cap, not at a keyframe
  uint64_t programDateTime = 0;
  uint64_t arrivedAt = 0;          // Unix ms: the last packet in the segment arrived
  std::vector<base::Bytes> video;  // fmp4 without parts: each track's fragment
  std::vector<base::Bytes> audio;
  base::Bytes ts;  // ts: the muxed segment
};

struct EndRecord {
  std::string reason;
};

using SegmenterRecord = std::variant<InitRecord, PartRecord, SegmentRecord, EndRecord>;

struct SegmenterCounters {
  uint64_t inits = 0;
  uint64_t parts = 0;
  uint64_t segments = 0;
  uint64_t forcedCuts = 0;
  uint64_t droppedSamples = 0;                         // before the first keyframe, or over a cap
  uint64_t badHeaders = 0;                             // sequence headers that did not parse
  media::Codec skippedVideo = media::Codec::kUnknown;  // a video codec not carried
  media::Codec skippedAudio = media::Codec::kUnknown;
};

class Segmenter {
 public:
  explicit Segmenter(SegmenterConfig config);
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  // One packet (sequence header, frame or data, which is ignored), as it
  // arrived at wall-clock `wallMs` (Unix ms). Records made by it are appended.
  void push(const media::MediaPacket& packet, uint64_t wallMs, std::vector<SegmenterRecord>& out);
  // The publish ended: the open part and segment are closed and emitted.
  void finish(std::vector<SegmenterRecord>& out);

  const SegmenterCounters& counters() const { return counters_; }

 private:
  enum Kind : size_t { kVideo = 0, kAudio = 1 };

  struct Held {  // a packet kept before an init (or a codec change) with its times
    media::MediaPacket packet;
    int64_t ms;
    uint64_t wallMs;
  };
  struct Timed {  // a sample with its stream-timeline ms and arrival (Unix ms)
    Sample sample;
    int64_t ms;
    uint64_t wallMs;
  };
  struct EarlyClose {  // the last part closed on its last frame, before the next came
    int64_t endMs;     // where the part was said to end: the next part starts there
    uint64_t lastDts;  // of that frame, to learn its real duration from the next
  };
  struct Track {
    TrackSetup setup;
    std::optional<VideoTimeline> video;
    std::optional<AudioTimeline> audio;
    std::vector<Timed> unit;  // samples of the open part (or segment without parts)
  };

  void onHeader(const media::MediaPacket& packet, int64_t ms, std::vector<SegmenterRecord>& out);
  void route(const Held& held, std::vector<SegmenterRecord>& out);
  void hold(Held held, std::vector<SegmenterRecord>& out);
  bool readyForFirstInit(int64_t ms) const;
  void startInit(std::vector<SegmenterRecord>& out);
  void switchInit(int64_t ms, std::vector<SegmenterRecord>& out);
  Kind nextPrimary() const;

  Timed makeSample(Track& track, const media::MediaPacket& packet, int64_t ms, uint64_t wallMs);
  void placePrimary(Timed sample, uint64_t wallMs, std::vector<SegmenterRecord>& out);
  void placeSecondary(Timed sample);
  void finalizeLast(std::optional<uint64_t> nextDts);
  void learnDuration(uint32_t duration);
  // Closes the open part on its last frame when no other frame fits (see above).
  void closeFilledPart(std::vector<SegmenterRecord>& out);

  void openSegment(int64_t ms, uint64_t wallMs, bool independent);
  void openPart(int64_t ms, bool independent);
  void takeSecondary(std::optional<int64_t> beforeMs);
  void closePart(int64_t endMs, std::vector<SegmenterRecord>& out);
  void closeSegment(int64_t endMs, bool forced, std::vector<SegmenterRecord>& out);
  // Writes each track's samples of the open unit as one fragment (into video/audio).
  void fragments(std::vector<base::Bytes>& video, std::vector<base::Bytes>& audio);
  uint64_t pdt(int64_t ms) const;
  uint64_t unitArrivedAt() const;  // the latest arrival among the open unit's samples

  bool parts() const { return config_.format == SegmentFormat::kFmp4 && config_.partDurationMs; }

  const SegmenterConfig config_;
  SegmenterCounters counters_;
  TimestampExtender extender_;

  // Headers seen and not yet in an init, and what the current init holds.
  std::array<std::optional<TrackSetup>, 2> next_;
  std::array<std::optional<Track>, 2> tracks_;
  bool initDone_ = false;  // an init was emitted
  bool changePending_ = false;
  uint32_t initId_ = 0;
  std::deque<Held> held_;  // waiting for the first init or a codec change
  size_t heldBytes_ = 0;
  std::optional<int64_t> firstHeldMs_;
  std::unique_ptr<TsSegmentWriter> ts_;
  std::array<uint32_t, 2> fragmentSeq_{};  // per track kind, for the whole publish

  Kind primary_ = kVideo;
  std::deque<Timed> pending_;  // the secondary track's samples waiting for a cut
  size_t pendingBytes_ = 0;
  bool lastOpen_ = false;      // the primary's last sample has no duration yet
  uint32_t lastDuration_ = 0;  // of the primary's last finished sample, in its timescale
  double frameMs_ = 0;         // average primary frame interval (part prediction)
  int64_t lastPrimaryMs_ = 0;
  bool placedPrimary_ = false;  // lastPrimaryMs_ is set (kept across inits)

  bool segmentOpen_ = false;
  bool firstSegmentOfInit_ = true;
  uint32_t segment_ = 0;  // index of the open (or next) segment in this publish
  uint32_t part_ = 0;     // index of the open part in its segment
  bool partOpen_ = false;
  std::optional<EarlyClose> early_;  // set from an early close until the next primary sample
  uint64_t segmentArrivedAt_ = 0;    // the latest arrival among the closed parts' samples
  int64_t segmentStartMs_ = 0;
  int64_t partStartMs_ = 0;
  int64_t partEndMs_ = 0;  // where the last closed part ended
  bool segmentIndependent_ = false;
  bool partIndependent_ = false;
  size_t segmentBytes_ = 0;
  size_t segmentSamples_ = 0;
  std::optional<std::pair<uint64_t, int64_t>> anchor_;  // (wall ms, stream ms) of the first sample
};

}  // namespace rtmp::hls
