#include "rtmp_bench_players.h"

#include <algorithm>

#include "media/flv_tag.h"

namespace rtmp::bench {

namespace {
constexpr uint8_t kAudio = 8;
constexpr uint8_t kVideo = 9;
constexpr uint8_t kDataAmf3 = 15;
constexpr uint8_t kDataAmf0 = 18;
constexpr size_t kMaxErrorSamples = 5;
}  // namespace

Player::Player(PlayerContext& context, LoopSamples& samples, bool lateJoiner)
    : context_(context), samples_(samples), lateJoiner_(lateJoiner) {}

Player::~Player() = default;

void Player::recordError(const std::string& text) {
  std::lock_guard<std::mutex> lock(samples_.mutex);
  if (samples_.errors.size() < kMaxErrorSamples &&
      std::find(samples_.errors.begin(), samples_.errors.end(), text) == samples_.errors.end()) {
    samples_.errors.push_back(text);
  }
}

void Player::open(net::LoopThread& loop) {
  launched_.store(true, std::memory_order_release);
  openNs_ = nowNs();
  client::ClientSessionConfig config;
  config.mode = client::ClientMode::kPlay;
  config.app = context_.url.app;
  config.tcUrl = context_.url.tcUrl;
  config.streamName = context_.url.stream;
  client::ClientConnection::Events events;
  events.onStreamCreated = [this](uint32_t) { playSentNs_ = nowNs(); };
  events.onStarted = [this] {
    started_.store(true, std::memory_order_release);
    if (lateJoiner_) {
      std::lock_guard<std::mutex> lock(samples_.mutex);
      samples_.connectToStartMs.push_back((nowNs() - openNs_) / 1e6);
    }
  };
  events.onMedia = [this](uint8_t typeId, uint32_t, const base::Bytes& payload) {
    onMedia(typeId, payload);
  };
  events.onClosed = [this](const base::Error& reason) { onClosed(reason); };
  auto opened = client::ClientConnection::open(loop, context_.url.host, context_.url.port,
                                               std::move(config), std::move(events));
  if (!opened.ok()) {
    onClosed(opened.error());
    return;
  }
  connection_ = std::move(*opened);
}

void Player::onMedia(uint8_t typeId, const base::Bytes& payload) {
  if (typeId != kAudio && typeId != kVideo && typeId != kDataAmf0 && typeId != kDataAmf3) return;
  mediaBytes_.fetch_add(payload.size(), std::memory_order_relaxed);
  if (typeId != kVideo) return;
  const int64_t now = nowNs();
  if (!keyframe_.load(std::memory_order_relaxed)) {
    auto info = media::parseVideoTag(payload.span());
    if (info.ok() && info->keyframe && !info->sequenceHeader) {
      keyframe_.store(true, std::memory_order_release);
      if (lateJoiner_) {
        {
          std::lock_guard<std::mutex> lock(samples_.mutex);
          if (playSentNs_ != 0) samples_.playToKeyframeMs.push_back((now - playSentNs_) / 1e6);
        }
        closeOnLoop();  // a late joiner has measured what it came for
        return;
      }
    }
  }
  if (lateJoiner_ || context_.frames == nullptr ||
      !context_.measuring.load(std::memory_order_relaxed)) {
    return;
  }
  // Sequence headers are configuration, re-sent by servers to each player
  // (or again later), not frames of the timeline: they would match a send
  // time from long ago.
  auto info = media::parseVideoTag(payload.span());
  if (!info.ok() || !info->isMedia() || info->sequenceHeader) return;
  auto sent = context_.frames->lookup(frameKeyOf(payload.span()));
  std::lock_guard<std::mutex> lock(samples_.mutex);
  if (sent) {
    samples_.latencyMs.push_back((now - *sent) / 1e6);
  } else {
    ++samples_.latencyMisses;
  }
}

void Player::onClosed(const base::Error& reason) {
  if (!closingByUs_) {
    if (reason.code() == base::ErrorCode::kClosed) {
      closedEarly_.store(true, std::memory_order_release);
      recordError("closed by server: " + reason.toString());
    } else {
      errored_.store(true, std::memory_order_release);
      recordError(reason.toString());
    }
  }
  ended_.store(true, std::memory_order_release);
}

void Player::closeOnLoop() {
  closingByUs_ = true;
  // close(), not destruction: this may run inside the connection's own
  // callbacks. onClosed follows and counts nothing since we asked for it.
  if (connection_ && connection_->isOpen()) connection_->close();
}

}  // namespace rtmp::bench
