#include "server/stream.h"

#include <algorithm>

namespace rtmp::server {

Stream::Stream(std::string app, std::string name, StreamOptions options)
    : app_(std::move(app)),
      name_(std::move(name)),
      options_(options),
      ingest_(options.timestampMode, options.outChunkSize),
      gop_(options.gopLimits),
      destinations_(std::make_shared<const std::vector<Destination>>()) {}

template <typename Fn>
void Stream::fanOut(const Destinations& dests, Fn&& deliver) {
  // Called without mutex_ held: taps may call back into the stream.
  for (const Destination& d : *dests) {
    if (d.loop->isCurrent()) {
      deliver(*d.fanout);
    } else {
      // One post per destination loop; the fan-out there serves every local tap.
      d.loop->post([fanout = d.fanout, deliver]() { deliver(*fanout); });
    }
  }
}

namespace {

// One message for the taps of one stream on another loop. A typed task: the
// post allocates this node and nothing else (no std::function).
class MediaDelivery final : public net::Task {
 public:
  MediaDelivery(std::shared_ptr<LocalFanout> fanout, SharedMediaRef media)
      : fanout_(std::move(fanout)), media_(std::move(media)) {}
  void run() override { fanout_->deliverMedia(media_); }

 private:
  std::shared_ptr<LocalFanout> fanout_;
  SharedMediaRef media_;
};

}  // namespace

void Stream::fanOutMedia(const Destinations& dests, const SharedMediaRef& media) {
  // Called without mutex_ held, like fanOut.
  for (const Destination& d : *dests) {
    if (d.loop->isCurrent()) {
      d.fanout->deliverMedia(media);
    } else {
      d.loop->postTask(std::make_unique<MediaDelivery>(d.fanout, media));
    }
  }
}

bool Stream::beginPublish(uint64_t publisherId, uint64_t nowMs) {
  Destinations dests;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (publisherId_ != 0) return false;
    publisherId_ = publisherId;
    startedAtMs_ = nowMs;
    ingest_.reset();
    gop_.clear();
    seq = ++seq_;
    dests = destinations_;
  }
  fanOut(dests, [seq](LocalFanout& f) { f.deliverPublisherBack(seq); });
  return true;
}

IngestResult Stream::ingest(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload) {
  IngestResult result;
  Destinations dests;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (publisherId_ == 0) return result;
    // Lazy chunk encoding: only while an RTMP player is attached. A player
    // attaches under this mutex, so every message after its snapshot is encoded.
    ingest_.setEncodeChunks(players_ > 0);
    result = ingest_.process(typeId, timestamp, payload, seq_ + 1);
    if (!result.media) return result;
    ++seq_;
    if (options_.gopCache && !result.media->sequenceHeader() &&
        result.media->kind() != MediaKind::kData) {
      gop_.push(result.media, ingest_.hasVideo());
    }
    dests = destinations_;
  }
  fanOutMedia(dests, result.media);
  return result;
}

void Stream::countIngestDrop(IngestDropReason reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  ingest_.countDrop(reason);
}

void Stream::endPublish(uint64_t publisherId) {
  Destinations dests;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (publisherId_ != publisherId || publisherId == 0) return;
    publisherId_ = 0;
    gop_.clear();
    ingest_.reset();
    seq = ++seq_;
    dests = destinations_;
  }
  fanOut(dests, [seq](LocalFanout& f) { f.deliverPublisherGone(seq); });
}

bool Stream::publishing() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return publisherId_ != 0;
}

CodecSummary Stream::codec() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ingest_.codec();
}

void Stream::attach(Executor& loop, LoopFanouts& fanouts, StreamTap* tap) {
  JoinSnapshot snapshot;
  std::shared_ptr<LocalFanout>& fanout = fanouts[this];
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!fanout) {
      // First tap of this stream on this loop: from now on the publisher posts
      // here. Copy-on-write so the publisher's per-message read stays cheap.
      fanout = std::make_shared<LocalFanout>();
      auto next = std::make_shared<std::vector<Destination>>(*destinations_);
      next->push_back({&loop, fanout});
      destinations_ = std::move(next);
    }
    ++taps_;
    if (tap->rtmpPlayer()) ++players_;
    snapshot.publishing = publisherId_ != 0;
    snapshot.metadata = ingest_.metadata();
    snapshot.videoHeader = ingest_.videoHeader();
    snapshot.audioHeader = ingest_.audioHeader();
    snapshot.codec = ingest_.codec();
    if (options_.gopCache) snapshot.gop.assign(gop_.items().begin(), gop_.items().end());
    snapshot.lastSeq = seq_;
  }
  fanout->add(tap, snapshot.lastSeq);
  tap->onStart(snapshot);
}

bool Stream::detach(LoopFanouts& fanouts, StreamTap* tap) {
  auto it = fanouts.find(this);
  if (it == fanouts.end() || !it->second->remove(tap)) return false;
  bool lastOnLoop = it->second->empty();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --taps_;
    if (tap->rtmpPlayer()) --players_;
    if (lastOnLoop) {
      auto next = std::make_shared<std::vector<Destination>>();
      for (const Destination& d : *destinations_) {
        if (d.fanout != it->second) next->push_back(d);
      }
      destinations_ = std::move(next);
    }
  }
  if (lastOnLoop) fanouts.erase(it);
  tap->onDetached();
  return true;
}

uint32_t Stream::tapCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return taps_;
}

StreamSnapshot Stream::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  StreamSnapshot s;
  s.app = app_;
  s.stream = name_;
  s.publisherId = publisherId_;
  s.startedAtMs = startedAtMs_;
  s.players = players_;
  s.codec = ingest_.codec();
  s.bytesIn = ingest_.bytesIn();
  s.videoFrames = ingest_.videoFrames();
  s.audioFrames = ingest_.audioFrames();
  s.gopCacheFrames = static_cast<uint32_t>(gop_.frames());
  s.gopCacheBytes = static_cast<uint32_t>(gop_.bytes());
  s.ingestDrops = ingest_.drops();
  s.gopCacheOverflows = gop_.overflows();
  s.timing = ingest_.timing();
  return s;
}

}  // namespace rtmp::server
