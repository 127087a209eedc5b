#include "server/player_tap.h"

#include "protocol/shared_chunks.h"
#include "protocol/status_codes.h"

namespace rtmp::server {

namespace {

bool earlier(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a - b) < 0;
}

}  // namespace

uint32_t PlayerTap::playerTimestamp(uint32_t streamTimestamp, bool* clamped) const {
  if (options_.timestampMode != TimestampMode::kRebase || !base_) return streamTimestamp;
  int32_t rel = static_cast<int32_t>(streamTimestamp - *base_);
  if (clamped) *clamped = rel < 0;
  return rel > 0 ? static_cast<uint32_t>(rel) : 0;
}

void PlayerTap::restartTimeline() {
  base_.reset();
  pending_.clear();
  for (auto& seq : lastSentSeq_) seq = 0;
  policy_.restart();
}

void PlayerTap::onStart(const JoinSnapshot& snapshot) {
  streamHasVideo_ = snapshot.videoHeader != nullptr;
  publisherPresent_ = snapshot.publishing;
  host_.publisherPresence(snapshot.publishing);
  if (!snapshot.publishing) return;  // waiting for a publisher: onPublisherBack starts us
  host_.sendStreamBegin();
  for (const auto& header : {snapshot.metadata, snapshot.videoHeader, snapshot.audioHeader}) {
    if (header) pending_.push_back(header);
  }
  if (snapshot.gop.empty()) return;  // start at the next keyframe (onMedia)
  uint32_t base = snapshot.gop.front()->timestamp();
  for (const auto& m : snapshot.gop) {
    if (earlier(m->timestamp(), base)) base = m->timestamp();
  }
  startTimeline(base);
  for (const auto& m : snapshot.gop) send(*m);
  sink_.flushMedia();
}

void PlayerTap::startTimeline(uint32_t base) {
  base_ = base;
  // Metadata and sequence headers open the player's timeline, ahead of the
  // first frame, so its decoder is configured before it sees a picture.
  for (const auto& header : pending_) send(*header, true);
  pending_.clear();
}

void PlayerTap::onMedia(const SharedMediaRef& media) {
  const SharedMedia& m = *media;
  if (m.kind() == MediaKind::kVideo) streamHasVideo_ = true;
  const bool header = m.sequenceHeader() || m.kind() == MediaKind::kData;
  if (!base_) {
    if (header) {
      // Not started yet: keep the newest header of each kind for the start.
      std::erase_if(pending_, [&](const SharedMediaRef& p) {
        return p->kind() == m.kind() && p->sequenceHeader() == m.sequenceHeader();
      });
      pending_.push_back(media);
      return;
    }
    // Begin at a keyframe, or at any audio frame for audio-only streams.
    bool canStart = m.keyframe() || (m.kind() == MediaKind::kAudio && !streamHasVideo_);
    if (!canStart) return;
    startTimeline(m.timestamp());
  }
  if (!header && !wanted(m)) return;
  // Decoder configuration and metadata always go through, even while dropping.
  if (!header && shouldDrop(m)) return;
  send(m);
}

bool PlayerTap::wanted(const SharedMedia& m) {
  if (paused_) return false;
  if (m.kind() == MediaKind::kAudio) return wantAudio_;
  if (m.kind() != MediaKind::kVideo) return true;
  if (!wantVideo_) return false;
  if (awaitKeyframe_) {
    if (!m.keyframe()) return false;
    awaitKeyframe_ = false;
  }
  return true;
}

void PlayerTap::setReceive(bool video, bool enabled) {
  if (video) {
    if (enabled && !wantVideo_) awaitKeyframe_ = true;
    wantVideo_ = enabled;
  } else {
    wantAudio_ = enabled;
  }
}

void PlayerTap::setPaused(bool paused) {
  if (paused_ && !paused) awaitKeyframe_ = true;
  paused_ = paused;
}

bool PlayerTap::shouldDrop(const SharedMedia& m) {
  // One question to the host per message.
  if (policy_.admit(m.kind(), m.keyframe(), sink_.queuedBytes())) return false;
  if (m.csid < 8) lastSentSeq_[m.csid] = 0;  // the delta chain on this csid is broken
  const SlowConsumerDrops& drops = policy_.drops();
  stats_.droppedVideo = drops.video;
  stats_.droppedAudio = drops.audio;
  stats_.droppedForBacklog = drops.backlogTime;
  stats_.droppedForByteCap = drops.byteCap;
  host_.reportDrops(stats_);
  return true;
}

void PlayerTap::send(const SharedMedia& m, bool fresh) {
  const uint32_t csid = m.csid < 8 ? m.csid : 0;
  const bool chained =
      m.encoded() && !fresh && lastSentSeq_[csid] != 0 && m.prevSeqOnCsid == lastSentSeq_[csid];
  uint64_t size = 0;
  bool clamped = false;
  // The hot path (chained) hands over a reference to the shared bytes: no
  // allocation and no copy per player.
  if (chained) {
    size = m.chunks.bytes.size();
    sink_.writeMedia(m.chunks.bytes, base::Bytes());
  } else if (!m.encoded()) {
    // Ingested while the stream had no RTMP player: this player's own copy.
    base::Bytes whole = protocol::encodeWithType0(
        m.chunks, playerTimestamp(m.timestamp(), &clamped), options_.streamId);
    size = whole.size();
    sink_.writeMedia(whole, base::Bytes());
  } else {
    protocol::PlayerStart start = protocol::startWithType0(
        m.chunks, playerTimestamp(m.timestamp(), &clamped), options_.streamId);
    size = start.head.size() + start.tail.size();
    sink_.writeMedia(start.head, start.tail);
  }
  // A clamped timestamp is not where the shared deltas assume this message
  // was: the next message on csid must restart with its own type-0 header.
  lastSentSeq_[csid] = clamped ? 0 : m.seq;
  policy_.handedOver(size, m.timestamp(), m.kind() != MediaKind::kData);
  stats_.bytesOut += size;
  ++stats_.sentMessages;
  unpublishedBytes_ += size;
  if (++unpublishedMessages_ >= kBytesOutEveryMessages ||
      unpublishedBytes_ >= kBytesOutEveryBytes) {
    publishBytesOut();
  }
}

void PlayerTap::publishBytesOut() {
  if (options_.bytesOut != nullptr && unpublishedBytes_ != 0) {
    options_.bytesOut->store(options_.bytesOut->load(std::memory_order_relaxed) + unpublishedBytes_,
                             std::memory_order_relaxed);
  }
  unpublishedBytes_ = 0;
  unpublishedMessages_ = 0;
}

void PlayerTap::onPublisherGone() {
  if (!publisherPresent_) return;
  publisherPresent_ = false;
  host_.sendPlayStatus(protocol::status::kPlayUnpublishNotify,
                       options_.streamPath + " is now unpublished.");
  host_.sendStreamEof();
  restartTimeline();
  host_.publisherPresence(false);
}

void PlayerTap::onPublisherBack() {
  if (publisherPresent_) return;
  publisherPresent_ = true;
  restartTimeline();
  host_.sendStreamBegin();
  host_.sendPlayStatus(protocol::status::kPlayPublishNotify,
                       options_.streamPath + " is now published.");
  host_.publisherPresence(true);
}

}  // namespace rtmp::server
