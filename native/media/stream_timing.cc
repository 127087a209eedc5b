#include "media/stream_timing.h"

#include <cmath>

namespace rtmp::media {

void StreamTiming::onVideoFrame(uint32_t dts, bool keyframe) {
  // Backwards on this track: the skew average restarts (see the header).
  if (sawVideo_ && distance(lastVideoDts_, dts) < 0) hasSkew_ = false;
  lastVideoDts_ = dts;
  sawVideo_ = true;
  if (keyframe) {
    if (keyframes_ != 0) {
      gopFrames_ = framesSinceKey_;
      const int32_t interval = distance(lastKeyDts_, dts);
      if (interval > 0) {
        keyIntervalMs_ = static_cast<uint32_t>(interval);
        hasInterval_ = true;
      }
    }
    ++keyframes_;
    lastKeyDts_ = dts;
    framesSinceKey_ = 1;
  } else if (keyframes_ != 0) {
    ++framesSinceKey_;  // frames before the first keyframe belong to no GOP
  }
  sampleSkew();
}

void StreamTiming::onAudioFrame(uint32_t dts) {
  if (sawAudio_ && distance(lastAudioDts_, dts) < 0) hasSkew_ = false;
  lastAudioDts_ = dts;
  sawAudio_ = true;
  sampleSkew();
}

void StreamTiming::sampleSkew() {
  if (!sawVideo_ || !sawAudio_) return;
  const double sample = distance(lastAudioDts_, lastVideoDts_);
  if (!hasSkew_) {
    skew_ = sample;
    hasSkew_ = true;
    return;
  }
  skew_ += (sample - skew_) / kSkewSmoothing;
}

StreamTimingReport StreamTiming::report() const {
  StreamTimingReport r;
  if (hasInterval_) r.keyframeIntervalMs = keyIntervalMs_;
  if (keyframes_ >= 2) r.gopFrames = gopFrames_;  // a GOP is closed by its next keyframe
  r.framesSinceKeyframe = framesSinceKey_;
  r.keyframes = keyframes_;
  if (hasSkew_) r.avSkewMs = static_cast<int32_t>(std::lround(skew_));
  return r;
}

}  // namespace rtmp::media
