// IdealStream: the one stream of the ideal relay — the publisher's metadata,
// sequence headers and (optionally) last GOP, and the list of players.
//
// This is the floor a relay can reach: every media message is chunk-encoded
// once (type-0 header, absolute timestamp, message stream id 1, chunk size
// 4096) into one shared base::Bytes, and that reference is handed to every
// player. No per-player timestamps, no per-player queues in time, no drops:
// the only bound is closing a player whose unsent bytes pass 64 MiB.
//
// Delivery modes:
//   immediate (mergeMs == 0): one Connection::write per message per player.
//   merged    (mergeMs  > 0): the reference is appended to the player's
//             pending list; a repeating timer flushes every player with one
//             gathered write per tick.
//
// Joining: a player gets metadata and sequence headers at once, then either
// the cached GOP (gopCache, default: cheap — a list of references to bytes
// already encoded) or nothing until the next video keyframe.
//
// Threading: everything on the relay's single loop thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "net/connection.h"
#include "net/loop_thread.h"
#include "net/timer.h"
#include "protocol/amf_value.h"
#include "protocol/message.h"

namespace rtmp::bench {

struct IdealStreamOptions {
  uint32_t mergeMs = 0;  // 0: immediate writes
  bool gopCache = true;  // false: players start at the next keyframe
  uint32_t chunkSize = 4096;
  uint32_t streamId = 1;  // the message stream id every player gets from createStream
  size_t maxPlayerQueueBytes = size_t{64} << 20;
  size_t maxGopBytes = size_t{64} << 20;  // past it the cache is dropped until the next keyframe
};

struct IdealStreamStats {
  uint64_t messagesIn = 0;
  uint64_t bytesEncoded = 0;
  uint64_t writes = 0;
  uint64_t playersClosedForQueue = 0;
  size_t playersPeak = 0;
};

class IdealStream {
 public:
  // Loop thread (the merge timer is created on it).
  IdealStream(net::LoopThread& loop, IdealStreamOptions options);
  IdealStream(const IdealStream&) = delete;
  IdealStream& operator=(const IdealStream&) = delete;

  // Publisher side. claim() fails while another connection publishes.
  bool claimPublisher(const net::Connection& publisher);
  void releasePublisher(const net::Connection& publisher);
  // An audio (8) or video (9) message as received from the publisher.
  void onMedia(const protocol::Message& message);
  // The object of "@setDataFrame"/"onMetaData" from the publisher.
  void onMetadata(const protocol::AmfValue& metadata);

  // Player side: the caller has already sent Play.Start on the connection.
  void addPlayer(net::Connection& player);
  void removePlayer(const net::Connection& player);

  const IdealStreamStats& stats() const { return stats_; }
  size_t playerCount() const { return players_.size(); }

 private:
  enum class PlayerState : uint8_t { kWaitKey, kLive };
  struct Player {
    net::Connection* connection;
    PlayerState state;
    std::vector<base::Bytes> pending;  // merged mode only
    size_t pendingBytes = 0;
  };

  base::Bytes encode(uint32_t csid, uint8_t typeId, uint32_t timestamp,
                     const base::Bytes& payload) const;
  void deliver(Player& player, const base::Bytes& bytes);
  void flush(Player& player);
  void flushAll();
  void checkQueue(Player& player);
  void forgetCache();

  IdealStreamOptions options_;
  net::Timer timer_;
  const net::Connection* publisher_ = nullptr;
  base::Bytes metadata_;     // encoded onMetaData
  base::Bytes videoConfig_;  // encoded sequence headers
  base::Bytes audioConfig_;
  std::vector<base::Bytes> gop_;  // encoded messages from the last keyframe on
  size_t gopBytes_ = 0;
  std::vector<Player> players_;
  IdealStreamStats stats_;
};

}  // namespace rtmp::bench
