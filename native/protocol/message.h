// An RTMP message as reassembled from (or about to be split into) chunks.
// RTMP 1.0 §5.4 (message types), §6.1 (message header).
#pragma once

#include <cstdint>

#include "base/bytes.h"

namespace rtmp::protocol {

// Message type ids, RTMP 1.0 §5.4 and §7.1.
enum class MessageType : uint8_t {
  kSetChunkSize = 1,
  kAbort = 2,
  kAcknowledgement = 3,
  kUserControl = 4,
  kWindowAckSize = 5,
  kSetPeerBandwidth = 6,
  kAudio = 8,
  kVideo = 9,
  kDataAmf3 = 15,
  kSharedObjectAmf3 = 16,
  kCommandAmf3 = 17,
  kDataAmf0 = 18,
  kSharedObjectAmf0 = 19,
  kCommandAmf0 = 20,
  kAggregate = 22,
};

// Chunk stream ids we send on (any 2..65599 is legal; §5.3.1.1).
inline constexpr uint32_t kCsidProtocolControl = 2;  // required by §5.4
inline constexpr uint32_t kCsidCommand = 3;          // NetConnection commands
inline constexpr uint32_t kCsidAudio = 4;            // fan-out: audio
inline constexpr uint32_t kCsidData = 5;             // NetStream commands and statuses
inline constexpr uint32_t kCsidVideo = 6;            // fan-out: video
// fan-out: metadata and other data messages. Kept apart from kCsidData: the
// fan-out writes pre-encoded type-1 chunks whose deltas assume nothing else
// was sent on their chunk stream, so the per-connection ChunkWriter must never
// share a csid with them.
inline constexpr uint32_t kCsidMediaData = 7;

struct Message {
  uint32_t csid = kCsidCommand;  // chunk stream it arrived on / is sent on
  uint8_t typeId = 0;            // a MessageType value (unknown ids are passed through)
  uint32_t streamId = 0;         // message stream id
  uint32_t timestamp = 0;        // absolute, 32-bit, wraps modulo 2^32
  base::Bytes payload;

  MessageType type() const { return static_cast<MessageType>(typeId); }
};

}  // namespace rtmp::protocol
