#include "media/timestamp_corrector.h"

#include <algorithm>

namespace rtmp::media {

uint32_t TimestampCorrector::correct(uint32_t dts) {
  if (options_.mode == TimestampMode::kOff) return dts;
  if (!started_) {
    started_ = true;
    lastInput_ = dts;
    nominal_ = dts;
    lastOutput_ = dts;
    return dts;
  }
  // Modulo-2^32 difference read as signed: wrap-around is a small positive step.
  const int64_t delta = static_cast<int32_t>(dts - lastInput_);
  lastInput_ = dts;

  int64_t out;
  if (delta > 0 && delta <= int64_t{options_.maxForwardJumpMs}) {
    nominal_ += delta;
    if (delta <= int64_t{options_.maxStepMs}) step_ = static_cast<uint32_t>(delta);
    out = std::max(nominal_, lastOutput_ + 1);
  } else if (delta <= 0 && -delta <= int64_t{options_.maxBackwardJitterMs}) {
    // Stall or jitter: nudge the output forward, keep following the input.
    ++(delta == 0 ? stats_.stalls : stats_.backwardJitter);
    nominal_ += delta;
    out = lastOutput_ + 1;
  } else {
    // Discontinuity: continue one typical frame after the last output.
    ++(delta > 0 ? stats_.forwardJumps : stats_.backwardJumps);
    nominal_ = lastOutput_ + std::max<uint32_t>(step_, 1);
    out = nominal_;
  }
  lastOutput_ = out;
  return static_cast<uint32_t>(out);
}

uint32_t TimestampCorrector::peek(uint32_t dts) const {
  if (options_.mode == TimestampMode::kOff || !started_) return dts;
  const int64_t delta = static_cast<int32_t>(dts - lastInput_);
  if (delta > int64_t{options_.maxForwardJumpMs} ||
      -delta > int64_t{options_.maxBackwardJitterMs}) {
    return static_cast<uint32_t>(lastOutput_);
  }
  return static_cast<uint32_t>(std::min(nominal_ + delta, lastOutput_));
}

void TimestampCorrector::reset() {
  started_ = false;
  step_ = options_.initialStepMs;
  stats_ = Stats{};
}

uint32_t TimestampRebaser::apply(uint32_t ts) {
  if (!hasBase_) setBase(ts);
  if (!started_) {
    started_ = true;
    relative_ = static_cast<int32_t>(ts - base_);
  } else {
    relative_ += static_cast<int32_t>(ts - lastTs_);
  }
  lastTs_ = ts;
  return relative_ < 0 ? 0 : static_cast<uint32_t>(relative_);
}

}  // namespace rtmp::media
