// HlsTap: the HLS/DASH segmenter (hls/segmenter.h) as a publish-scoped
// StreamTap. The engine's host registers its factory with
// Engine::addPublishTap(kHlsTapName, makeHlsTapFactory(...)); each publish it
// says yes to gets one tap, on the publisher's loop, for that publish only.
//
// Why the publisher's loop: a publish tap there gets every message by a direct
// call (no mailbox post, no copy: the packet's payload is shared), in the
// order the publisher sent it, and the segmenter's work is small next to the
// ingest it follows (a header of ~100 bytes per fragment; sample bytes are
// referenced, not copied). The records go to the host's sink on that loop;
// the binding's sink only queues them into a bounded channel to JS.
//
// Order of what reaches the sink for one publish: records in segmenter order
// (init first), then one EndRecord when the publish ends (publisher gone, or
// the tap detached: engine stop, kick).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hls/segmenter.h"
#include "server/hls_options.h"
#include "server/publish_taps.h"
#include "server/stream_tap.h"

namespace rtmp::server {

inline constexpr const char* kHlsTapName = "hls";

// One record of one publish, as the host receives it.
struct HlsFeedRecord {
  std::string stream;      // "app/name"
  uint64_t publishId = 0;  // the publisher's session id
  hls::SegmenterRecord record;
};
// Called on the publisher's loop; must not block (the binding queues).
using HlsSink = std::function<void(HlsFeedRecord&&)>;
using WallClock = std::function<uint64_t()>;  // Unix ms

// Whether a publish is segmented: the authorize answer decides when it names
// the tap ("hls" on, "!hls" off); otherwise `enabled`, then `apps` (empty =
// every app).
bool hlsWanted(const HlsOptions& options, const PublishTapRequest& request);

hls::SegmenterConfig segmenterConfig(const HlsOptions& options);

class HlsTap : public StreamTap {
 public:
  HlsTap(std::string stream, uint64_t publishId, hls::SegmenterConfig config, HlsSink sink,
         WallClock wallMs);
  ~HlsTap() override;

  void onStart(const JoinSnapshot& snapshot) override;
  void onMedia(const SharedMediaRef& media) override;
  void onPublisherGone() override;
  void onPublisherBack() override {}  // a publish tap lives for one publish only
  void onDetached() override;

  const hls::SegmenterCounters& counters() const { return segmenter_.counters(); }

 private:
  void push(const media::MediaPacket& packet);
  void end(const char* reason);
  void flush();
  void noteSkipped();

  const std::string stream_;
  const uint64_t publishId_;
  HlsSink sink_;
  WallClock wallMs_;
  hls::Segmenter segmenter_;
  std::vector<hls::SegmenterRecord> records_;  // reused between calls
  bool ended_ = false;
  media::Codec loggedVideo_ = media::Codec::kUnknown;
  media::Codec loggedAudio_ = media::Codec::kUnknown;
  uint64_t loggedForcedCuts_ = 0;
};

// The factory for Engine::addPublishTap(kHlsTapName, ...): a tap for each
// publish hlsWanted() accepts. `wallMs` defaults to base::wallClockMs.
PublishTapFactory makeHlsTapFactory(HlsOptions options, HlsSink sink, WallClock wallMs = {});

}  // namespace rtmp::server
