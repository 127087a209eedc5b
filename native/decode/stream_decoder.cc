#include "decode/stream_decoder.h"

#include <algorithm>

#include "decode/decoder_pool.h"

extern "C" {
#include <libavutil/frame.h>
}

namespace rtmp::decode {
namespace {

// Items a worker runs per turn before letting the next ready stream go.
constexpr size_t kBatch = 16;

bool sameVideo(const VideoOutput& a, const VideoOutput& b) {
  return a == b;
}

}  // namespace

StreamDecoder::StreamDecoder(std::shared_ptr<PoolCore> core, std::string name, InputLimits limits,
                             int threadsPerDecoder, std::shared_ptr<HwDevice> hw)
    : core_(std::move(core)),
      name_(std::move(name)),
      limits_(limits),
      threadsPerDecoder_(threadsPerDecoder),
      hw_(std::move(hw)) {
  video_.kind = FrameKind::kVideo;
  audio_.kind = FrameKind::kAudio;
}

StreamDecoder::~StreamDecoder() = default;

// --- Producer side ---

void StreamDecoder::enqueueLocked(Item&& item) {
  if (item.step == Step::kPacket) {
    ++queuedPackets_;
    queuedBytes_ += item.packet->payload.size();
    ++counters_.packetsIn;
  }
  queue_.push_back(std::move(item));
  ++counters_.stepsQueued;
  if (!scheduled_) {
    scheduled_ = true;
    core_->schedule(shared_from_this());
  }
}

void StreamDecoder::enqueue(Item&& item) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ && item.step != Step::kClose) return;
  enqueueLocked(std::move(item));
}

bool StreamDecoder::push(media::MediaPacketPtr packet) {
  if (!packet) return false;
  if (packet->kind == media::MediaKind::kData) return true;  // metadata: nothing to decode
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return false;
  const size_t bytes = packet->payload.size();
  const bool video = packet->kind == media::MediaKind::kVideo;
  auto drop = [&] {
    ++counters_.packetsDropped;
    counters_.bytesDropped += bytes;
    return false;
  };
  if (!packet->sequenceHeader) {
    const bool full =
        queuedPackets_ >= limits_.maxPackets || queuedBytes_ + bytes > limits_.maxBytes;
    if (video && packet->isMedia) {
      // After an overflow, nothing decodes until the next keyframe anyway.
      if (dropToKeyframe_ && !(packet->keyframe && !full)) return drop();
      if (full) {
        dropToKeyframe_ = true;
        return drop();
      }
      dropToKeyframe_ = false;
    } else if (full) {
      return drop();
    }
  }
  enqueueLocked(Item{Step::kPacket, std::move(packet), nullptr, 0});
  return true;
}

void StreamDecoder::pushSnapshot(media::MediaPacketPtr packet) {
  if (packet && packet->kind != media::MediaKind::kData)
    enqueue(Item{Step::kPacket, std::move(packet), nullptr, 0});
}

void StreamDecoder::publisherGone() {
  enqueue(Item{Step::kGone, nullptr, nullptr, 0});
}

void StreamDecoder::publisherBack() {
  enqueue(Item{Step::kBack, nullptr, nullptr, 0});
}

void StreamDecoder::addSubscription(std::shared_ptr<Subscription> subscription) {
  enqueue(Item{Step::kAdd, nullptr, std::move(subscription), 0});
}

void StreamDecoder::removeSubscription(uint64_t id) {
  enqueue(Item{Step::kRemove, nullptr, nullptr, id});
}

void StreamDecoder::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  closed_ = true;
  // Pending work is dropped; the close step frees the decoders on a worker.
  counters_.stepsRun += queue_.size();
  queue_.clear();
  queuedPackets_ = 0;
  queuedBytes_ = 0;
  enqueueLocked(Item{Step::kClose, nullptr, nullptr, 0});
}

StreamDecoderStats StreamDecoder::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  StreamDecoderStats s = counters_;
  s.queuedPackets = queuedPackets_;
  return s;
}

// --- Worker side ---

void StreamDecoder::runBatch() {
  std::vector<Item> batch;
  batch.reserve(kBatch);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!queue_.empty() && batch.size() < kBatch) {
      Item& item = queue_.front();
      if (item.step == Step::kPacket) {
        --queuedPackets_;
        queuedBytes_ -= std::min(queuedBytes_, item.packet->payload.size());
      }
      batch.push_back(std::move(item));
      queue_.pop_front();
    }
  }
  for (Item& item : batch) handle(item);
  const size_t ran = batch.size();
  batch.clear();  // packets released before the next turn
  std::lock_guard<std::mutex> lock(mutex_);
  counters_.stepsRun += ran;
  if (!queue_.empty()) {
    core_->schedule(shared_from_this());  // behind the other ready streams
  } else {
    scheduled_ = false;
  }
}

void StreamDecoder::handle(Item& item) {
  if (done_) return;
  switch (item.step) {
    case Step::kPacket:
      handlePacket(*item.packet);
      break;
    case Step::kGone:
      drainAll();
      break;
    case Step::kBack:
      drainAll();
      if (!decodedAny_) break;  // the first publish is not a discontinuity
      for (Group& g : groups_) {
        for (auto& s : g.subscriptions) s->markDiscontinuity();
      }
      break;
    case Step::kAdd:
      add(std::move(item.subscription));
      break;
    case Step::kRemove:
      remove(item.id);
      break;
    case Step::kClose:
      closeNow();
      break;
  }
}

int64_t StreamDecoder::unwrap(uint32_t dts) {
  if (!haveTimestamp_) {
    haveTimestamp_ = true;
    lastRawDts_ = dts;
    lastDts_ = dts;
    return lastDts_;
  }
  // 32-bit RTMP time wraps every ~49.7 days; steps are read as signed deltas.
  lastDts_ += static_cast<int32_t>(dts - lastRawDts_);
  lastRawDts_ = dts;
  return lastDts_;
}

bool StreamDecoder::wantsKind(FrameKind kind) const {
  for (const Group& g : groups_) {
    if (g.kind == kind && !g.subscriptions.empty()) return true;
  }
  return false;
}

void StreamDecoder::handlePacket(const media::MediaPacket& packet) {
  Track* track = nullptr;
  if (packet.kind == media::MediaKind::kVideo) track = &video_;
  if (packet.kind == media::MediaKind::kAudio) track = &audio_;
  if (track == nullptr || !packet.isMedia) return;
  if (packet.sequenceHeader) {
    handleHeader(*track, packet);
    return;
  }
  if (packet.endOfSequence || packet.payloadLength == 0) return;
  if (!wantsKind(track->kind)) {
    track->waitKey = true;  // a later subscriber starts at a keyframe
    return;
  }
  decodeOn(*track, packet);
}

void StreamDecoder::handleHeader(Track& track, const media::MediaPacket& packet) {
  const base::Bytes record = packet.codecData();
  std::vector<uint8_t> config(record.data(), record.data() + record.size());
  if (track.decoder && packet.codec == track.codec && config == track.config) return;
  const bool hadDecoder = track.decoder != nullptr;
  takeFrames(track);
  track.decoder.reset();
  track.codec = packet.codec;
  track.config = std::move(config);
  track.unsupported = false;
  track.waitKey = true;
  openTrack(track, packet);
  if (hadDecoder) {
    // New codec or new parameters (size, profile): say so on the next frame
    // of this kind.
    for (Group& g : groups_) {
      for (auto& s : g.subscriptions) s->markDiscontinuity(track.kind);
    }
  }
}

bool StreamDecoder::openTrack(Track& track, const media::MediaPacket& packet) {
  if (track.unsupported) return false;
  DecoderParams params;
  params.codec = packet.codec;
  params.config = track.config;
  params.threads = threadsPerDecoder_;
  if (track.kind == FrameKind::kVideo) params.hw = hw_;
  if (track.kind == FrameKind::kAudio && !packet.payload.empty()) {
    params.legacyAudio = legacyAudioFormat(packet.codec, packet.payload[0]);
  }
  auto opened = Decoder::open(params);
  if (!opened.ok()) {
    track.unsupported = true;
    fail(track, opened.error());
    return false;
  }
  track.decoder = std::move(opened).value();
  track.codec = packet.codec;
  return true;
}

void StreamDecoder::decodeOn(Track& track, const media::MediaPacket& packet) {
  if (track.decoder && packet.codec != track.codec) {
    takeFrames(track);
    track.decoder.reset();
    track.config.clear();
    track.unsupported = false;
    track.waitKey = true;
  }
  if (!track.decoder) {
    if (track.unsupported || needsConfig(packet.codec)) return;  // no header yet
    track.codec = packet.codec;
    if (!openTrack(track, packet)) return;
  }
  const bool key = track.kind == FrameKind::kAudio || packet.keyframe;
  if (track.waitKey && !key) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.waitedForKeyframe;
    return;
  }
  track.waitKey = false;
  const int64_t dts = unwrap(packet.dts);
  const int64_t pts = dts + packet.cts;
  const base::Bytes data = packet.codecData();
  base::Status sent = track.decoder->send(data.span(), pts, dts, key);
  if (!sent.ok()) {
    fail(track, sent.error());
    return;
  }
  if (track.inError && packet.keyframe) track.inError = false;
  takeFrames(track);
}

void StreamDecoder::takeFrames(Track& track) {
  if (!track.decoder) return;
  uint64_t hardware = track.decoder->hardwareFrames();
  while (const AVFrame* frame = track.decoder->receive()) {
    deliver(track.kind, *frame);
    decodedAny_ = true;
    // Counted once delivered, so a reader of the stats finds the frame queued.
    std::lock_guard<std::mutex> lock(mutex_);
    if (track.kind == FrameKind::kVideo) {
      ++counters_.videoFrames;
      counters_.hardwareFrames += track.decoder->hardwareFrames() - hardware;
      hardware = track.decoder->hardwareFrames();
      counters_.width = static_cast<uint32_t>(frame->width);
      counters_.height = static_cast<uint32_t>(frame->height);
    } else {
      ++counters_.audioFrames;
    }
  }
}

// Per output group: the subscriptions with room (wants(): a full one is
// skipped before any work), one conversion into the buffer of the first of
// them whose allocator has one, then per subscriber the frame built for its
// allocator, or a copy of it into a buffer of its own allocator. A
// subscriber whose allocator has no buffer drops (counted) alone.
void StreamDecoder::deliver(FrameKind kind, const AVFrame& frame) {
  const int64_t pts =
      frame.best_effort_timestamp != AV_NOPTS_VALUE ? frame.best_effort_timestamp : frame.pts;
  uint64_t conversions = 0;
  uint64_t copies = 0;
  for (Group& g : groups_) {
    if (g.kind != kind) continue;
    accepting_.clear();
    for (auto& s : g.subscriptions) {
      if (s->wants(kind, pts)) accepting_.push_back(s.get());
    }
    if (accepting_.empty()) continue;  // nobody has room: no conversion at all
    built_.clear();
    FramePtr converted;
    size_t next = 0;  // subscriptions before it dropped or got the frame
    while (next < accepting_.size() && !converted) {
      Subscription* s = accepting_[next++];
      auto built = kind == FrameKind::kVideo ? g.videoConverter->convert(frame, s->allocator())
                                             : g.audioConverter->convert(frame, s->allocator());
      if (built.ok()) ++conversions;
      if (!built.ok() && built.error().code() == base::ErrorCode::kLimitExceeded) {
        s->countDrop(kind);  // no buffer in its pool: the next subscriber's may have one
        continue;
      }
      if (!built.ok()) {
        for (size_t i = next - 1; i < accepting_.size(); ++i) accepting_[i]->countDrop(kind);
        next = accepting_.size();
        break;
      }
      if (!*built) {
        next = accepting_.size();  // the resampler kept the samples for the next frame
        break;
      }
      converted = std::move(built).value();
      built_.emplace_back(s->allocator().get(), converted);
      s->push(converted);
    }
    for (; next < accepting_.size(); ++next) {
      Subscription* s = accepting_[next];
      FrameAllocator* allocator = s->allocator().get();
      auto same = std::find_if(built_.begin(), built_.end(),
                               [&](const auto& b) { return b.first == allocator; });
      if (same != built_.end()) {
        s->push(same->second);
        continue;
      }
      auto copy = copyFrame(*converted, s->allocator());
      if (!copy.ok()) {
        s->countDrop(kind);
        continue;
      }
      ++copies;
      built_.emplace_back(allocator, std::move(copy).value());
      s->push(built_.back().second);
    }
    built_.clear();  // the frames live on in the queues only
  }
  if (conversions + copies != 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    counters_.conversions += conversions;
    counters_.frameCopies += copies;
  }
}

void StreamDecoder::fail(Track& track, const base::Error& error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.decodeErrors;
  }
  if (track.decoder) track.decoder->flush();
  track.waitKey = true;
  if (track.inError) return;  // reported once per episode
  track.inError = true;
  const base::Error tagged = base::Error(error).withContext(name_);
  for (Group& g : groups_) {
    for (auto& s : g.subscriptions) s->reportError(tagged);
  }
}

void StreamDecoder::drainAll() {
  for (Track* track : {&video_, &audio_}) {
    if (!track->decoder) continue;
    track->decoder->drain();
    takeFrames(*track);
    track->decoder->flush();
    track->waitKey = true;
  }
}

void StreamDecoder::add(std::shared_ptr<Subscription> subscription) {
  const SubscriptionOptions& o = subscription->options();
  auto join = [&](FrameKind kind) {
    for (Group& g : groups_) {
      const bool same =
          kind == FrameKind::kVideo ? sameVideo(g.video, o.videoOutput) : g.audio == o.audioOutput;
      if (g.kind == kind && same) {
        g.subscriptions.push_back(subscription);
        return;
      }
    }
    Group g;
    g.kind = kind;
    g.video = o.videoOutput;
    g.audio = o.audioOutput;
    if (kind == FrameKind::kVideo) {
      g.videoConverter = std::make_unique<VideoConverter>(o.videoOutput);
    } else {
      g.audioConverter = std::make_unique<AudioConverter>(o.audioOutput);
    }
    g.subscriptions.push_back(subscription);
    groups_.push_back(std::move(g));
  };
  if (o.video) join(FrameKind::kVideo);
  if (o.audio) join(FrameKind::kAudio);
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.subscriptions;
}

void StreamDecoder::remove(uint64_t id) {
  bool found = false;
  for (Group& g : groups_) {
    auto& subs = g.subscriptions;
    const auto before = subs.size();
    subs.erase(std::remove_if(subs.begin(), subs.end(), [&](auto& s) { return s->id() == id; }),
               subs.end());
    found = found || subs.size() != before;
  }
  // A group nobody uses any more takes its converter with it.
  groups_.erase(std::remove_if(groups_.begin(), groups_.end(),
                               [](const Group& g) { return g.subscriptions.empty(); }),
                groups_.end());
  if (found) {
    std::lock_guard<std::mutex> lock(mutex_);
    --counters_.subscriptions;
  }
}

void StreamDecoder::closeNow() {
  done_ = true;
  groups_.clear();
  video_.decoder.reset();
  audio_.decoder.reset();
  std::lock_guard<std::mutex> lock(mutex_);
  counters_.subscriptions = 0;
}

}  // namespace rtmp::decode
