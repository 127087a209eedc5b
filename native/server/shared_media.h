// SharedMedia: one publisher message after ingest, immutable and shared by
// every consumer (RTMP players on any loop, segmenter, decoder, recorder).
// Built once on the publisher's loop; the RTMP chunk bytes for the engine's
// outgoing chunk size are encoded once here and written as-is to every player.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "media/media_packet.h"
#include "protocol/shared_chunks.h"

namespace rtmp::server {

using media::MediaKind;

struct SharedMedia {
  // Classified message; packet.dts is on the stream timeline (after ingest
  // correction), packet.payload is the FLV tag body exactly as received.
  media::MediaPacket packet;
  uint32_t csid = 0;  // chunk stream we send it on
  uint64_t seq = 0;   // stream-wide sequence number, strictly increasing
  // seq of the previous message on the same csid (0 = none). A player may send
  // the shared type-1 bytes only if that is also the last message it sent on
  // csid; otherwise (join, drop, republish) it restarts with a type-0 header.
  uint64_t prevSeqOnCsid = 0;

  // Chunk bytes for the engine's outgoing chunk size, encoded once: a type-1
  // header (timestamp delta from the previous message on csid) then the
  // payload split in chunks. A player (re)starting the chunk stream puts its
  // own type-0 header in front (protocol::startWithType0).
  // Lazy: encoded only while the stream has an RTMP player. Without one,
  // chunks.bytes is empty (the other fields are set) and a player that later
  // gets this message (from the join snapshot) encodes it itself.
  protocol::SharedChunks chunks;
  bool encoded() const { return !chunks.bytes.empty(); }

  MediaKind kind() const { return packet.kind; }
  uint32_t timestamp() const { return packet.dts; }
  uint8_t typeId() const { return packet.messageType; }
  bool keyframe() const { return packet.kind == MediaKind::kVideo && packet.keyframe; }
  bool sequenceHeader() const { return packet.sequenceHeader; }
  const base::Bytes& payload() const { return packet.payload; }
};

using SharedMediaRef = std::shared_ptr<const SharedMedia>;

}  // namespace rtmp::server
