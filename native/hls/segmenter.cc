#include "hls/segmenter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "hls/fmp4_fragment.h"
#include "hls/fmp4_init.h"
#include "hls/ts_segment_writer.h"

namespace rtmp::hls {

namespace {

// Secondary-track samples waiting for a cut beyond this are dropped (oldest
// first): the primary track stopped, so no cut comes.
constexpr size_t kMaxPendingSamples = 4'096;
// Half a ms of slack in the part prediction: RTMP rounds times to the ms, so
// six 33.3 ms frames read as 0, 33, 67, ..., 167 and end at 200.
constexpr double kPartSlackMs = 0.5;

uint32_t clampDuration(uint64_t d) {
  return d > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(d);
}

}  // namespace

Segmenter::Segmenter(SegmenterConfig config) : config_(config) {}
Segmenter::~Segmenter() = default;

void Segmenter::push(const media::MediaPacket& packet, uint64_t wallMs,
                     std::vector<SegmenterRecord>& out) {
  if (packet.kind == media::MediaKind::kData) return;
  const int64_t ms = extender_.extend(packet.dts);
  if (packet.sequenceHeader) {
    onHeader(packet, ms, out);
    return;
  }
  if (!packet.isMedia || packet.endOfSequence) return;
  if (!segmentableCodec(packet.codec)) {
    // MP3, Opus, VP9...: this track is not carried (no header to wait for).
    auto& skipped =
        packet.kind == media::MediaKind::kVideo ? counters_.skippedVideo : counters_.skippedAudio;
    skipped = packet.codec;
    ++counters_.droppedSamples;
    return;
  }
  route(Held{packet, ms, wallMs}, out);
}

void Segmenter::onHeader(const media::MediaPacket& packet, int64_t ms,
                         std::vector<SegmenterRecord>& out) {
  const Kind kind = packet.kind == media::MediaKind::kVideo ? kVideo : kAudio;
  if (!segmentableCodec(packet.codec)) {
    (kind == kVideo ? counters_.skippedVideo : counters_.skippedAudio) = packet.codec;
    return;
  }
  auto setup = trackFromSequenceHeader(packet);
  if (!setup.ok()) {
    ++counters_.badHeaders;
    return;
  }
  (kind == kVideo ? counters_.skippedVideo : counters_.skippedAudio) = media::Codec::kUnknown;
  const auto& current = tracks_[kind];
  if (current && current->setup.config.codec == setup->config.codec &&
      current->setup.config.decoderConfig == setup->config.decoderConfig) {
    next_[kind].reset();  // the same header again (some encoders repeat it)
    return;
  }
  next_[kind] = std::move(setup).value();
  if (initDone_) {
    changePending_ = true;
  } else {
    if (!firstHeldMs_) firstHeldMs_ = ms;
    if (readyForFirstInit(ms)) startInit(out);
  }
}

Segmenter::Kind Segmenter::nextPrimary() const {
  const bool video = next_[kVideo] || tracks_[kVideo];
  return video ? kVideo : kAudio;
}

bool Segmenter::readyForFirstInit(int64_t ms) const {
  const bool video = next_[kVideo].has_value();
  const bool audio = next_[kAudio].has_value();
  if (video && audio) return true;
  if (!video && !audio) return false;
  // One header: the other track may be skipped, or never come.
  const bool otherSkipped = video ? counters_.skippedAudio != media::Codec::kUnknown
                                  : counters_.skippedVideo != media::Codec::kUnknown;
  if (otherSkipped) return true;
  if (held_.size() >= kHeaderWaitPackets || heldBytes_ >= config_.maxSegmentBytes) return true;
  return firstHeldMs_ && ms - *firstHeldMs_ >= static_cast<int64_t>(kHeaderWaitMs);
}

void Segmenter::hold(Held held, std::vector<SegmenterRecord>& out) {
  heldBytes_ += held.packet.payloadLength;
  held_.push_back(std::move(held));
  const int64_t ms = held_.back().ms;
  if (!firstHeldMs_) firstHeldMs_ = ms;
  if (!initDone_) {
    if (readyForFirstInit(ms)) {
      startInit(out);
      return;
    }
    // No usable header yet (frames without one, or only skipped codecs): keep
    // the newest packets only.
    while (held_.size() > kHeaderWaitPackets || heldBytes_ > config_.maxSegmentBytes) {
      heldBytes_ -= held_.front().packet.payloadLength;
      held_.pop_front();
      ++counters_.droppedSamples;
    }
    return;
  }
  // A codec change waits for the new primary's keyframe; past a segment's
  // worth of caps it happens at once (frames before a keyframe are dropped).
  if (held_.size() >= kMaxSegmentSamples || heldBytes_ >= config_.maxSegmentBytes ||
      ms - *firstHeldMs_ >= static_cast<int64_t>(kForcedCutFactor * config_.segmentDurationMs)) {
    switchInit(ms, out);
  }
}

void Segmenter::route(const Held& held, std::vector<SegmenterRecord>& out) {
  const media::MediaPacket& packet = held.packet;
  const Kind kind = packet.kind == media::MediaKind::kVideo ? kVideo : kAudio;
  if (!initDone_) {
    hold(held, out);
    return;
  }
  if (changePending_) {
    const bool changed = next_[kind].has_value();
    const bool sync = kind == kAudio || packet.keyframe;
    if (kind == nextPrimary() && sync) {
      // The cut for the new init, at this packet's time; then this packet
      // opens the first segment of the new init.
      switchInit(held.ms, out);
    } else if (changed) {
      hold(held, out);
      return;
    }
  }
  auto& track = tracks_[kind];
  if (!track || packet.codec != track->setup.config.codec) {
    ++counters_.droppedSamples;  // frames without a (carried) sequence header
    return;
  }
  Timed sample = makeSample(*track, packet, held.ms, held.wallMs);
  if (kind == primary_) {
    placePrimary(std::move(sample), held.wallMs, out);
  } else {
    placeSecondary(std::move(sample));
  }
}

void Segmenter::switchInit(int64_t ms, std::vector<SegmenterRecord>& out) {
  if (segmentOpen_) {
    finalizeLast(std::nullopt);
    closeSegment(std::max(ms, lastPrimaryMs_), false, out);
  }
  startInit(out);
}

void Segmenter::startInit(std::vector<SegmenterRecord>& out) {
  std::array<bool, 2> replaced{};
  for (size_t k : {kVideo, kAudio}) {
    if (!next_[k]) continue;
    replaced[k] = true;
    Track track{std::move(*next_[k]), std::nullopt, std::nullopt, {}};
    next_[k].reset();
    if (k == kVideo) {
      track.video.emplace();
    } else {
      track.audio.emplace(track.setup.config.timescale, track.setup.frameSamples);
    }
    tracks_[k] = std::move(track);
  }
  changePending_ = false;
  if (!tracks_[kVideo] && !tracks_[kAudio]) return;

  InitRecord init;
  init.initId = initDone_ ? ++initId_ : initId_;
  init.format = config_.format;
  std::vector<TrackConfig> configs;
  for (size_t k : {kVideo, kAudio}) {
    if (!tracks_[k]) continue;
    const TrackSetup& s = tracks_[k]->setup;
    TrackRecord record{s.config, s.frameRate, {}};
    if (config_.format == SegmentFormat::kFmp4) record.init = writeInitSegment(s.config);
    init.tracks.push_back(std::move(record));
    configs.push_back(s.config);
  }
  if (config_.format == SegmentFormat::kTs) ts_ = std::make_unique<TsSegmentWriter>(configs);
  initDone_ = true;
  ++counters_.inits;
  out.emplace_back(std::move(init));

  const Kind primary = tracks_[kVideo] ? kVideo : kAudio;
  // The other track's samples still waiting are from after the cut: they stay
  // for the new segment unless that track changed (or the tracks' roles did).
  if (primary != primary_ || replaced[primary == kVideo ? kAudio : kVideo]) {
    counters_.droppedSamples += pending_.size();
    pending_.clear();
    pendingBytes_ = 0;
  }
  primary_ = primary;
  lastOpen_ = false;
  lastDuration_ = 0;
  frameMs_ = 0;
  segmentOpen_ = false;
  firstSegmentOfInit_ = true;

  // What waited for this init goes through now, in arrival order.
  std::deque<Held> replay = std::move(held_);
  held_.clear();
  heldBytes_ = 0;
  firstHeldMs_.reset();
  for (const Held& h : replay) route(h, out);
}

Segmenter::Timed Segmenter::makeSample(Track& track, const media::MediaPacket& packet, int64_t ms,
                                       uint64_t wallMs) {
  Timed t{Sample{0, 0, 0, true, packet.codecData()}, ms, wallMs};
  if (track.video) {
    t.sample.dts = track.video->dts(ms);
    t.sample.cto = packet.cts * static_cast<int32_t>(kVideoTimescale / 1000);
    t.sample.sync = packet.keyframe;
  } else {
    t.sample.dts = track.audio->dts(ms);
  }
  return t;
}

void Segmenter::finalizeLast(std::optional<uint64_t> nextDts) {
  if (!lastOpen_) return;
  auto& unit = tracks_[primary_]->unit;
  if (unit.empty()) return;
  Sample& last = unit.back().sample;
  if (nextDts) {
    last.duration = clampDuration(*nextDts - last.dts);
  } else if (lastDuration_ != 0) {
    last.duration = lastDuration_;
  } else {
    const auto& track = *tracks_[primary_];
    // One sample only: a frame at the signalled rate, an AAC frame, or 1/30 s.
    const double fps = track.setup.frameRate > 0 ? track.setup.frameRate : 30;
    last.duration =
        track.audio ? track.audio->frameSamples() : static_cast<uint32_t>(kVideoTimescale / fps);
  }
  lastOpen_ = false;
  learnDuration(last.duration);
}

void Segmenter::learnDuration(uint32_t duration) {
  lastDuration_ = duration;
  const double ms = 1000.0 * duration / tracks_[primary_]->setup.config.timescale;
  frameMs_ = frameMs_ == 0 ? ms : frameMs_ * 0.875 + ms * 0.125;
}

void Segmenter::placePrimary(Timed sample, uint64_t wallMs, std::vector<SegmenterRecord>& out) {
  // Cut times never go back, whatever the timestamps do (the dts is clamped too).
  if (placedPrimary_) sample.ms = std::max(sample.ms, lastPrimaryMs_);
  placedPrimary_ = true;
  const int64_t ms = sample.ms;
  const bool sync = sample.sample.sync;
  const size_t size = sample.sample.data.size();
  auto& unit = tracks_[primary_]->unit;
  if (!segmentOpen_) {
    if (!sync) {
      ++counters_.droppedSamples;  // a segment starts at a keyframe
      return;
    }
    openSegment(ms, wallMs, true);
  } else {
    if (early_) {
      // The previous part was closed on this track's last sample: now its
      // real duration is known (only to learn from; its bytes are gone).
      learnDuration(clampDuration(sample.sample.dts - early_->lastDts));
    } else {
      finalizeLast(sample.sample.dts);
    }
    const uint32_t partTarget = config_.partDurationMs;
    // Exact check of the previous decision: the last sample fits only if this
    // one starts within the part target.
    if (parts() && unit.size() >= 2 && ms - partStartMs_ > static_cast<int64_t>(partTarget)) {
      Timed last = std::move(unit.back());
      unit.pop_back();
      const int64_t lastMs = last.ms;
      const bool lastSync = last.sample.sync;
      closePart(lastMs, out);
      openPart(lastMs, lastSync);
      unit.push_back(std::move(last));
    }
    const int64_t elapsed = ms - segmentStartMs_;
    const bool due = sync && elapsed >= static_cast<int64_t>(config_.segmentDurationMs);
    const bool capped =
        elapsed >= static_cast<int64_t>(kForcedCutFactor) * config_.segmentDurationMs ||
        segmentBytes_ + pendingBytes_ + size > config_.maxSegmentBytes ||
        segmentSamples_ + pending_.size() + 1 > kMaxSegmentSamples;
    if (due || capped) {
      if (!due) ++counters_.forcedCuts;
      // After a part closed early, the next segment starts where it was said
      // to end, so the playlist's timeline stays contiguous.
      const int64_t startMs = early_ ? early_->endMs : ms;
      closeSegment(ms, !due, out);
      openSegment(startMs, wallMs, sync);
    } else if (early_) {
      openPart(early_->endMs, sync);  // contiguous with the part closed early
    } else if (parts() && !unit.empty() &&
               static_cast<double>(ms - partStartMs_) + frameMs_ > partTarget + kPartSlackMs) {
      closePart(ms, out);
      openPart(ms, sync);
    }
    early_.reset();
  }
  segmentBytes_ += size;
  ++segmentSamples_;
  lastPrimaryMs_ = ms;
  unit.push_back(std::move(sample));
  lastOpen_ = true;
  if (parts()) closeFilledPart(out);
}

void Segmenter::closeFilledPart(std::vector<SegmenterRecord>& out) {
  if (frameMs_ == 0) return;  // no interval known yet: decided at the next sample
  const double target = config_.partDurationMs + kPartSlackMs;
  const double end = static_cast<double>(lastPrimaryMs_ - partStartMs_) + frameMs_;
  // The frame itself may not fit (the exact check at the next sample moves
  // it), or one more still does: the part stays open.
  if (end > target || end + frameMs_ <= target) return;
  const int64_t limitMs = partStartMs_ + config_.partDurationMs;
  const int64_t endMs = std::min<int64_t>(lastPrimaryMs_ + std::llround(frameMs_), limitMs);
  if (endMs <= lastPrimaryMs_ || endMs <= partStartMs_) return;
  const uint32_t timescale = tracks_[primary_]->setup.config.timescale;
  const auto estimate = static_cast<uint64_t>(std::llround(frameMs_ * timescale / 1000.0));
  const auto room = static_cast<uint64_t>(limitMs - lastPrimaryMs_) * timescale / 1000;
  Sample& last = tracks_[primary_]->unit.back().sample;
  last.duration = clampDuration(std::max<uint64_t>(1, std::min(estimate, room)));
  lastOpen_ = false;
  early_ = EarlyClose{endMs, last.dts};
  closePart(endMs, out);
}

void Segmenter::placeSecondary(Timed sample) {
  pendingBytes_ += sample.sample.data.size();
  pending_.push_back(std::move(sample));
  while (pending_.size() > kMaxPendingSamples || pendingBytes_ > config_.maxSegmentBytes) {
    pendingBytes_ -= pending_.front().sample.data.size();
    pending_.pop_front();
    ++counters_.droppedSamples;
  }
}

void Segmenter::openSegment(int64_t ms, uint64_t wallMs, bool independent) {
  if (!anchor_) anchor_.emplace(wallMs, ms);
  if (firstSegmentOfInit_) {
    // The other track's samples from before the first keyframe have no segment.
    while (!pending_.empty() && pending_.front().ms < ms) {
      pendingBytes_ -= pending_.front().sample.data.size();
      pending_.pop_front();
      ++counters_.droppedSamples;
    }
    firstSegmentOfInit_ = false;
  }
  segmentOpen_ = true;
  segmentStartMs_ = ms;
  segmentIndependent_ = independent;
  segmentBytes_ = 0;
  segmentSamples_ = 0;
  part_ = 0;
  openPart(ms, independent);
}

void Segmenter::openPart(int64_t ms, bool independent) {
  partOpen_ = true;
  // Parts of a segment are contiguous even when timestamps went backwards:
  // a part never starts before the previous one ended.
  partStartMs_ = part_ > 0 ? std::max(ms, partEndMs_) : ms;
  partIndependent_ = primary_ == kAudio || independent;
}

void Segmenter::takeSecondary(std::optional<int64_t> beforeMs) {
  const Kind secondary = primary_ == kVideo ? kAudio : kVideo;
  if (!tracks_[secondary]) return;
  auto& unit = tracks_[secondary]->unit;
  const uint32_t frame =
      tracks_[secondary]->audio ? tracks_[secondary]->audio->frameSamples() : 3'000;
  while (!pending_.empty() && (!beforeMs || pending_.front().ms < *beforeMs)) {
    Timed t = std::move(pending_.front());
    pending_.pop_front();
    pendingBytes_ -= t.sample.data.size();
    // Its duration: to the next waiting sample if there is one, else a frame.
    t.sample.duration =
        pending_.empty() ? frame : clampDuration(pending_.front().sample.dts - t.sample.dts);
    segmentBytes_ += t.sample.data.size();
    ++segmentSamples_;
    unit.push_back(std::move(t));
  }
}

void Segmenter::fragments(std::vector<base::Bytes>& video, std::vector<base::Bytes>& audio) {
  for (size_t k : {kVideo, kAudio}) {
    if (!tracks_[k] || tracks_[k]->unit.empty()) continue;
    auto& unit = tracks_[k]->unit;
    std::vector<Sample> samples;
    samples.reserve(unit.size());
    for (Timed& t : unit) samples.push_back(std::move(t.sample));
    unit.clear();
    (k == kVideo ? video : audio) =
        writeFragment(++fragmentSeq_[k], tracks_[k]->setup.config, samples);
  }
}

uint64_t Segmenter::unitArrivedAt() const {
  uint64_t at = 0;
  for (const auto& track : tracks_) {
    if (!track) continue;
    for (const Timed& t : track->unit) at = std::max(at, t.wallMs);
  }
  return at;
}

uint64_t Segmenter::pdt(int64_t ms) const {
  return static_cast<uint64_t>(static_cast<int64_t>(anchor_->first) + (ms - anchor_->second));
}

void Segmenter::closePart(int64_t endMs, std::vector<SegmenterRecord>& out) {
  endMs = std::max(endMs, partStartMs_);
  partEndMs_ = endMs;
  takeSecondary(endMs);
  PartRecord part;
  part.initId = initId_;
  part.segment = segment_;
  part.part = part_++;
  part.startMs = partStartMs_;
  part.durationMs = static_cast<uint32_t>(std::max<int64_t>(0, endMs - partStartMs_));
  part.independent = partIndependent_;
  part.programDateTime = pdt(partStartMs_);
  part.arrivedAt = unitArrivedAt();
  segmentArrivedAt_ = std::max(segmentArrivedAt_, part.arrivedAt);
  fragments(part.video, part.audio);
  partOpen_ = false;
  ++counters_.parts;
  out.emplace_back(std::move(part));
}

void Segmenter::closeSegment(int64_t endMs, bool forced, std::vector<SegmenterRecord>& out) {
  SegmentRecord segment;
  if (parts()) {
    if (partOpen_) {
      // Timestamps that went backwards can put the end before the open part's
      // start: the part then ends where it starts, and the segment with it.
      endMs = std::max(endMs, partStartMs_);
      closePart(endMs, out);
    } else if (early_) {
      endMs = early_->endMs;  // its last part was closed early and ended there
    }
  } else {
    takeSecondary(endMs);
    segmentArrivedAt_ = unitArrivedAt();
    if (config_.format == SegmentFormat::kTs) {
      std::vector<std::vector<Sample>> perTrack;
      for (size_t k : {kVideo, kAudio}) {
        if (!tracks_[k]) continue;
        auto& samples = perTrack.emplace_back();
        for (Timed& t : tracks_[k]->unit) samples.push_back(std::move(t.sample));
        tracks_[k]->unit.clear();
      }
      segment.ts = ts_->writeSegment(perTrack);
    } else {
      fragments(segment.video, segment.audio);
    }
  }
  segment.initId = initId_;
  segment.segment = segment_++;
  segment.startMs = segmentStartMs_;
  segment.durationMs = static_cast<uint32_t>(std::max<int64_t>(0, endMs - segmentStartMs_));
  segment.parts = parts() ? part_ : 0;
  segment.independent = segmentIndependent_ || primary_ == kAudio;
  segment.forced = forced;
  segment.programDateTime = pdt(segmentStartMs_);
  segment.arrivedAt = segmentArrivedAt_;
  segmentArrivedAt_ = 0;
  segmentOpen_ = false;
  partOpen_ = false;
  early_.reset();
  ++counters_.segments;
  out.emplace_back(std::move(segment));
}

void Segmenter::finish(std::vector<SegmenterRecord>& out) {
  if (!initDone_ && (next_[kVideo] || next_[kAudio])) startInit(out);
  if (!segmentOpen_) return;
  if (early_) {
    // The last part was closed on its last frame. What the other track still
    // holds (audio after that frame) gets a last part of its own, so the
    // stream's end is not lost.
    const int64_t start = early_->endMs;
    int64_t endMs = start;
    if (!pending_.empty()) {
      const Kind secondary = primary_ == kVideo ? kAudio : kVideo;
      const auto& other = tracks_[secondary];
      const int64_t frameMs =
          other && other->audio
              ? std::llround(1000.0 * other->audio->frameSamples() / other->setup.config.timescale)
              : 1;
      endMs = std::clamp<int64_t>(pending_.back().ms + frameMs, start + 1,
                                  start + config_.partDurationMs);
      early_.reset();
      openPart(start, true);  // audio only: every sample is a sync sample
      takeSecondary(std::nullopt);
    }
    closeSegment(endMs, false, out);
    return;
  }
  finalizeLast(std::nullopt);
  // The last sample lasts the average frame interval (ms timestamps round
  // single durations up or down), and the last part stays within its target.
  int64_t endMs = lastPrimaryMs_ + std::llround(frameMs_);
  if (parts()) endMs = std::min<int64_t>(endMs, partStartMs_ + config_.partDurationMs);
  endMs = std::max(endMs, lastPrimaryMs_);
  // Everything the other track still holds ends the stream with it.
  takeSecondary(std::nullopt);
  closeSegment(endMs, false, out);
}

}  // namespace rtmp::hls
