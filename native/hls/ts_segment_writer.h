// TsSegmentWriter: MPEG-TS segments for classic HLS (RFC 8216 §3.2; ISO/IEC
// 13818-1), from the same TrackConfig and Samples the fMP4 writer takes.
//
// A segment is
//   PAT, PMT                        (every segment starts with them: any one can be played first)
//   PES, PES, ...                   one per access unit, audio and video interleaved by DTS
// with
//   - PIDs: PMT 0x1000, video 0x100 (H.264 0x1B / HEVC 0x24), audio 0x101 (AAC ADTS 0x0F);
//   - PTS (and DTS when it differs) in 90 kHz, converted from the track timescale
//     (rounded to the nearest tick) and taken modulo 2^33. A negative composition
//     offset at the very start wraps, as the 33-bit clock does;
//   - the PCR on the video PID in the first packet of every video PES, equal to
//     that PES's DTS (audio PID if the stream has no video). HLS players do not
//     model the T-STD buffer, so no delay is subtracted; PCR never runs ahead of
//     a later DTS;
//   - random_access_indicator on keyframes (and on every audio frame of an
//     audio-only stream);
//   - continuity counters that run on across the segments of one writer: one
//     writer per publish, so a player appending segment after segment sees an
//     unbroken stream.
// Access units are built by ts_access_unit.h (Annex B with AUD and parameter
// sets, ADTS). The output is one buffer sized exactly before writing; every
// sample byte is copied once, into it.
//
// Skipped: tracks TS does not carry (AV1, codecs other than H.264/HEVC/AAC),
// tracks whose config does not parse, and a second track of a kind already
// carried; see skippedTracks(). A sample whose NAL lengths run past its end,
// or an AAC frame too long for ADTS, is dropped and counted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "hls/track_config.h"
#include "hls/ts_access_unit.h"
#include "hls/ts_packetizer.h"

namespace rtmp::hls {

class TsSegmentWriter {
 public:
  // Tracks in the order writeSegment() receives their samples (video first if any).
  explicit TsSegmentWriter(std::vector<TrackConfig> tracks);

  // The samples of each track for one segment, in the order of the tracks
  // (a missing or extra list counts as empty / is ignored). Returns the .ts bytes.
  base::Bytes writeSegment(const std::vector<std::vector<Sample>>& samplesPerTrack);

  struct Counters {
    uint64_t segments = 0;
    uint64_t samples = 0;         // access units written
    uint64_t droppedSamples = 0;  // malformed, see above
  };
  const Counters& counters() const { return counters_; }
  // Why each left-out track was left out ("track 1: ts: video codec not carried ...: AV1").
  const std::vector<std::string>& skippedTracks() const { return skipped_; }
  // Whether the track at this index (constructor order) is in the program.
  bool carries(size_t trackIndex) const;

 private:
  struct Carried {
    size_t index;  // in the constructor's list
    TsTrack track;
  };
  std::vector<Carried> carried_;  // video first
  std::vector<uint8_t> pat_;
  std::vector<uint8_t> pmt_;
  uint16_t pcrPid_ = 0;
  TsContinuity continuity_;
  Counters counters_;
  std::vector<std::string> skipped_;
};

}  // namespace rtmp::hls
