#include "ideal_relay_stream.h"

#include <algorithm>
#include <chrono>
#include <span>
#include <string>
#include <utility>

#include "base/error.h"
#include "media/flv_tag.h"
#include "protocol/chunk_header.h"
#include "protocol/chunk_writer.h"
#include "protocol/command_builders.h"

namespace rtmp::bench {

using protocol::MessageType;

IdealStream::IdealStream(net::LoopThread& loop, IdealStreamOptions options)
    : options_(options), timer_(loop) {
  if (options_.mergeMs > 0) {
    const std::chrono::milliseconds period(options_.mergeMs);
    timer_.start(
        period, [this] { flushAll(); }, period);
  }
}

bool IdealStream::claimPublisher(const net::Connection& publisher) {
  if (publisher_ != nullptr && publisher_ != &publisher) {
    return false;
  }
  publisher_ = &publisher;
  return true;
}

void IdealStream::releasePublisher(const net::Connection& publisher) {
  if (publisher_ != &publisher) {
    return;
  }
  publisher_ = nullptr;
  // A new publisher may send other configs: nobody may start on stale ones.
  metadata_ = {};
  videoConfig_ = {};
  audioConfig_ = {};
  forgetCache();
  for (Player& p : players_) {
    p.state = PlayerState::kWaitKey;
  }
}

// One type-0 header (RTMP 1.0 §5.3.1.2.1: absolute timestamp, length, type,
// message stream id) and type-3 continuations: any reader decodes it alone,
// so the same bytes are valid for every player at any point of its stream.
base::Bytes IdealStream::encode(uint32_t csid, uint8_t typeId, uint32_t timestamp,
                                const base::Bytes& payload) const {
  protocol::ChunkHeader header;
  header.type = protocol::ChunkType::kType0;
  header.csid = csid;
  header.timestamp = timestamp;
  header.length = static_cast<uint32_t>(payload.size());
  header.typeId = typeId;
  header.streamId = options_.streamId;
  base::BytesBuilder out(protocol::chunkedSize(header, payload.size(), options_.chunkSize));
  protocol::appendChunks(header, payload.span(), options_.chunkSize, out);
  return out.freeze();
}

void IdealStream::onMetadata(const protocol::AmfValue& metadata) {
  auto message = protocol::buildOnMetaData(options_.streamId, metadata);
  if (!message.ok()) {
    return;  // a key AMF0 cannot carry: keep the previous metadata
  }
  metadata_ = encode(protocol::kCsidMediaData, message->typeId, 0, message->payload);
  for (Player& p : players_) {
    if (p.state == PlayerState::kLive) {
      deliver(p, metadata_);
    }
  }
}

void IdealStream::onMedia(const protocol::Message& message) {
  const bool video = message.type() == MessageType::kVideo;
  if (message.payload.size() > protocol::kMaxMessageLength) {
    return;  // cannot happen from a ChunkReader (24-bit length); kept for safety
  }
  stats_.messagesIn++;
  bool keyframe = false;
  if (video) {
    auto info = media::parseVideoTag(message.payload.span());
    if (info.ok() && info->sequenceHeader) {
      videoConfig_ =
          encode(protocol::kCsidVideo, message.typeId, message.timestamp, message.payload);
      stats_.bytesEncoded += videoConfig_.size();
      for (Player& p : players_) deliver(p, videoConfig_);
      return;
    }
    keyframe = info.ok() && info->keyframe;
  } else {
    auto info = media::parseAudioTag(message.payload.span());
    if (info.ok() && info->sequenceHeader) {
      audioConfig_ =
          encode(protocol::kCsidAudio, message.typeId, message.timestamp, message.payload);
      stats_.bytesEncoded += audioConfig_.size();
      for (Player& p : players_) deliver(p, audioConfig_);
      return;
    }
  }

  // The one encoding of this message, shared by the cache and every player.
  const base::Bytes bytes = encode(video ? protocol::kCsidVideo : protocol::kCsidAudio,
                                   message.typeId, message.timestamp, message.payload);
  stats_.bytesEncoded += bytes.size();

  if (options_.gopCache) {
    if (keyframe) {
      forgetCache();
    }
    // Cache only from a keyframe on (gop_ is empty until the first one).
    if (keyframe || !gop_.empty()) {
      gop_.push_back(bytes);
      gopBytes_ += bytes.size();
      if (gopBytes_ > options_.maxGopBytes) {
        forgetCache();
      }
    }
  }

  for (Player& p : players_) {
    if (p.state == PlayerState::kWaitKey) {
      if (!keyframe) continue;
      p.state = PlayerState::kLive;
    }
    deliver(p, bytes);
  }
}

void IdealStream::addPlayer(net::Connection& connection) {
  players_.push_back(Player{&connection, PlayerState::kWaitKey, {}, 0});
  stats_.playersPeak = std::max(stats_.playersPeak, players_.size());
  Player& p = players_.back();
  deliver(p, metadata_);
  deliver(p, videoConfig_);
  deliver(p, audioConfig_);
  if (!gop_.empty()) {
    p.state = PlayerState::kLive;
    if (options_.mergeMs > 0) {
      for (const base::Bytes& b : gop_) deliver(p, b);
    } else {
      // Immediate mode: the whole cache in one gathered write.
      p.connection->write(std::span<const base::Bytes>(gop_));
      stats_.writes++;
      checkQueue(p);
    }
  }
}

void IdealStream::removePlayer(const net::Connection& connection) {
  auto it = std::find_if(players_.begin(), players_.end(),
                         [&](const Player& p) { return p.connection == &connection; });
  if (it == players_.end()) {
    return;
  }
  if (it != players_.end() - 1) {
    *it = std::move(players_.back());
  }
  players_.pop_back();
}

void IdealStream::deliver(Player& player, const base::Bytes& bytes) {
  if (bytes.empty() || !player.connection->isOpen()) {
    return;
  }
  if (options_.mergeMs == 0) {
    player.connection->write(bytes);
    stats_.writes++;
  } else {
    player.pending.push_back(bytes);
    player.pendingBytes += bytes.size();
  }
  checkQueue(player);
}

void IdealStream::flush(Player& player) {
  if (player.pending.empty()) {
    return;
  }
  if (player.connection->isOpen()) {
    player.connection->write(std::span<const base::Bytes>(player.pending));
    stats_.writes++;
  }
  player.pending.clear();
  player.pendingBytes = 0;
}

void IdealStream::flushAll() {
  for (Player& p : players_) flush(p);
}

void IdealStream::checkQueue(Player& player) {
  const size_t queued = player.connection->queuedBytes() + player.pendingBytes;
  if (queued > options_.maxPlayerQueueBytes && player.connection->isOpen()) {
    stats_.playersClosedForQueue++;
    // close() is asynchronous: onClose (and removePlayer) come from the loop
    // later, so the caller's iteration over players_ stays valid.
    player.connection->close(base::Error(
        base::ErrorCode::kLimitExceeded,
        "player queue over " + std::to_string(options_.maxPlayerQueueBytes) + " bytes"));
    player.pending.clear();
    player.pendingBytes = 0;
  }
}

void IdealStream::forgetCache() {
  gop_.clear();
  gopBytes_ = 0;
}

}  // namespace rtmp::bench
