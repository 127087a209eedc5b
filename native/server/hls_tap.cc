#include "server/hls_tap.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/clock.h"
#include "base/log.h"

namespace rtmp::server {

bool hlsWanted(const HlsOptions& options, const PublishTapRequest& request) {
  const std::string name = kHlsTapName;
  if (request.asked("!" + name)) return false;
  if (request.asked(name)) return true;
  if (!options.enabled) return false;
  return options.apps.empty() ||
         std::find(options.apps.begin(), options.apps.end(), request.app) != options.apps.end();
}

hls::SegmenterConfig segmenterConfig(const HlsOptions& options) {
  hls::SegmenterConfig config;
  config.format =
      options.format == HlsFormat::kTs ? hls::SegmentFormat::kTs : hls::SegmentFormat::kFmp4;
  config.segmentDurationMs = options.segmentDurationMs;
  config.partDurationMs = options.format == HlsFormat::kTs ? 0 : options.partDurationMs;
  config.maxSegmentBytes = options.maxSegmentBytes;
  return config;
}

HlsTap::HlsTap(std::string stream, uint64_t publishId, hls::SegmenterConfig config, HlsSink sink,
               WallClock wallMs)
    : stream_(std::move(stream)),
      publishId_(publishId),
      sink_(std::move(sink)),
      wallMs_(wallMs ? std::move(wallMs) : WallClock(&base::wallClockMs)),
      segmenter_(config) {}

HlsTap::~HlsTap() = default;

void HlsTap::onStart(const JoinSnapshot& snapshot) {
  // Attached right after the publish started, so this is normally empty;
  // whatever the stream already holds comes first, in stream order.
  if (snapshot.videoHeader) push(snapshot.videoHeader->packet);
  if (snapshot.audioHeader) push(snapshot.audioHeader->packet);
  for (const auto& media : snapshot.gop) push(media->packet);
}

void HlsTap::onMedia(const SharedMediaRef& media) {
  push(media->packet);
}

void HlsTap::onPublisherGone() {
  end("publisher gone");
}

void HlsTap::onDetached() {
  end("detached");
}

void HlsTap::push(const media::MediaPacket& packet) {
  if (ended_) return;
  segmenter_.push(packet, wallMs_(), records_);
  flush();
  noteSkipped();
}

void HlsTap::end(const char* reason) {
  if (ended_) return;
  ended_ = true;
  segmenter_.finish(records_);
  records_.emplace_back(hls::EndRecord{reason});
  flush();
  const hls::SegmenterCounters& c = segmenter_.counters();
  base::log(base::LogLevel::kDebug, "hls", base::LogContext{.sessionId = publishId_}, [&] {
    return stream_ + ": " + std::to_string(c.segments) + " segments, " + std::to_string(c.parts) +
           " parts, " + std::to_string(c.forcedCuts) + " forced cuts, " +
           std::to_string(c.droppedSamples) + " samples dropped (" + reason + ")";
  });
}

void HlsTap::flush() {
  for (auto& record : records_) {
    sink_(HlsFeedRecord{stream_, publishId_, std::move(record)});
  }
  records_.clear();
}

void HlsTap::noteSkipped() {
  // Logged once per codec (not per packet): the stream plays without that track.
  const hls::SegmenterCounters& c = segmenter_.counters();
  const base::LogContext context{.sessionId = publishId_};
  auto note = [&](media::Codec codec, media::Codec& logged, const char* kind) {
    if (codec == media::Codec::kUnknown || codec == logged) return;
    logged = codec;
    base::log(base::LogLevel::kWarn, "hls", context, [&] {
      return stream_ + ": " + kind + " codec " + std::string(media::codecName(codec)) +
             " is not carried in HLS (H.264, HEVC, AV1, AAC are): that track is left out";
    });
  };
  note(c.skippedVideo, loggedVideo_, "video");
  note(c.skippedAudio, loggedAudio_, "audio");
  if (c.forcedCuts != loggedForcedCuts_) {
    loggedForcedCuts_ = c.forcedCuts;
    base::log(base::LogLevel::kWarn, "hls", context, [&] {
      return stream_ + ": segment cut without a keyframe (size or time cap reached; " +
             std::to_string(c.forcedCuts) + " so far)";
    });
  }
}

PublishTapFactory makeHlsTapFactory(HlsOptions options, HlsSink sink, WallClock wallMs) {
  const hls::SegmenterConfig config = segmenterConfig(options);
  return [options = std::move(options), config, sink = std::move(sink), wallMs = std::move(wallMs)](
             const PublishTapRequest& request) -> std::unique_ptr<StreamTap> {
    if (!hlsWanted(options, request)) return nullptr;
    return std::make_unique<HlsTap>(request.app + "/" + request.name, request.publisherId, config,
                                    sink, wallMs);
  };
}

}  // namespace rtmp::server
