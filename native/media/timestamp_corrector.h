// Publisher timestamp correction (relay spec: "timestamp correction"): some
// encoders send DTS that stall, step backwards or leap ahead (restarts,
// source switches, clock bugs). Players, muxers and the GOP cache all need a
// DTS that only moves forward at a plausible pace.
//
// One TimestampCorrector per track (audio and video are corrected
// independently). Pure arithmetic on the 32-bit RTMP timestamps: no clocks.
// Input wrap-around (0xFFFFFFF0 → 0x00000010) is forward progress (+32 ms),
// because deltas are taken modulo 2^32 and read as signed.
//
// Modes:
//   kOff        output = input.
//   kMonotonic  output strictly increases:
//     normal step (0 < delta ≤ maxForwardJumpMs)  output follows input;
//     stall or small step back (-maxBackwardJitterMs ≤ delta ≤ 0)
//       output = last + 1 ms, and the timeline keeps following input, so the
//       correction does not accumulate (the next normal frame lands where it
//       would have);
//     big jump back or forward  the track is rebased: output = last + the
//       typical frame duration (the last normal delta seen), and later frames
//       follow input from there.
//
// TimestampRebaser is the other building block: subtract a per-player base so
// a player joining mid-stream starts near 0 (share one between the player's
// audio and video to keep them in sync).
#pragma once

#include <cstdint>

namespace rtmp::media {

enum class TimestampMode : uint8_t { kOff, kMonotonic };

struct TimestampCorrectorOptions {
  TimestampMode mode = TimestampMode::kMonotonic;
  uint32_t maxForwardJumpMs = 10'000;  // larger forward gaps are rebased
  uint32_t maxBackwardJitterMs = 200;  // larger backward jumps are rebased
  uint32_t initialStepMs = 1;          // typical step before any normal delta is seen
  uint32_t maxStepMs = 1'000;          // learned steps above this are not used
};

class TimestampCorrector {
 public:
  struct Stats {
    uint64_t stalls = 0;          // delta == 0
    uint64_t backwardJitter = 0;  // small step back, clamped
    uint64_t backwardJumps = 0;   // rebased
    uint64_t forwardJumps = 0;    // rebased
  };

  explicit TimestampCorrector(TimestampCorrectorOptions options = {}) : options_(options) {}

  // Corrected DTS for the next packet of this track.
  uint32_t correct(uint32_t dts);
  // Maps dts onto the output timeline without moving it: for messages that
  // are not frames (sequence headers), which must neither count as a stall
  // nor push the next frame 1 ms later. Never ahead of the last output.
  uint32_t peek(uint32_t dts) const;
  // Forget history (e.g. on a new publish); keeps the options.
  void reset();

  uint32_t typicalStepMs() const { return step_; }
  const Stats& stats() const { return stats_; }

 private:
  TimestampCorrectorOptions options_;
  bool started_ = false;
  uint32_t lastInput_ = 0;
  int64_t nominal_ = 0;     // where the output timeline would be without clamping
  int64_t lastOutput_ = 0;  // unwrapped; emitted modulo 2^32
  uint32_t step_ = options_.initialStepMs;
  Stats stats_;
};

class TimestampRebaser {
 public:
  void setBase(uint32_t base) {
    base_ = base;
    hasBase_ = true;
    started_ = false;
  }
  bool hasBase() const { return hasBase_; }
  void reset() {
    hasBase_ = false;
    started_ = false;
  }

  // ts - base, tracked through 32-bit wrap-around (so a relay running for
  // more than 24.8 days keeps counting). The first timestamp seen becomes the
  // base if none was set. A timestamp before the base (audio slightly older
  // than the keyframe a player starts on) maps to 0 rather than to ~2^32.
  uint32_t apply(uint32_t ts);

 private:
  uint32_t base_ = 0;
  bool hasBase_ = false;
  bool started_ = false;
  uint32_t lastTs_ = 0;
  int64_t relative_ = 0;  // unwrapped ts - base
};

}  // namespace rtmp::media
