// Protocol control messages, RTMP 1.0 §5.4. They travel on chunk stream 2,
// message stream 0; the timestamp is ignored (we send 0).
//
//   type 1 Set Chunk Size     |0| chunk size (31 bits)                      |
//   type 2 Abort Message      | chunk stream id (32)                        |
//   type 3 Acknowledgement    | sequence number = bytes received so far (32) |
//   type 5 Window Ack Size    | acknowledgement window size (32)            |
//   type 6 Set Peer Bandwidth | window size (32) | limit type (8)           |
//
// All fields are big-endian. Decoders reject short payloads (kTruncated) and
// ignore trailing bytes, which carry no meaning in any of these messages.
#pragma once

#include <cstdint>

#include "base/error.h"
#include "protocol/message.h"

namespace rtmp::protocol {

// §5.4.5: how the peer should apply a Set Peer Bandwidth window.
enum class BandwidthLimitType : uint8_t {
  kHard = 0,     // limit output to this window
  kSoft = 1,     // limit to this window or the one in effect, whichever is smaller
  kDynamic = 2,  // hard if the previous limit was hard, otherwise ignore
};

struct PeerBandwidth {
  uint32_t windowSize = 0;
  BandwidthLimitType limitType = BandwidthLimitType::kHard;
};

// Encoders: each returns a complete Message on csid 2, stream 0, timestamp 0.
Message encodeSetChunkSize(uint32_t chunkSize);  // caller passes 1..0x7FFFFFFF
Message encodeAbort(uint32_t csid);
Message encodeAcknowledgement(uint32_t sequenceNumber);
Message encodeWindowAckSize(uint32_t windowSize);
Message encodeSetPeerBandwidth(uint32_t windowSize, BandwidthLimitType limitType);

// Decoders: `message.typeId` must match (kInvalidArgument otherwise: a caller
// bug, not peer input). Set Chunk Size outside 1..0x7FFFFFFF is kChunkSize; an
// unknown limit type is kMalformed.
base::Result<uint32_t> decodeSetChunkSize(const Message& message);
base::Result<uint32_t> decodeAbort(const Message& message);
base::Result<uint32_t> decodeAcknowledgement(const Message& message);
base::Result<uint32_t> decodeWindowAckSize(const Message& message);
base::Result<PeerBandwidth> decodeSetPeerBandwidth(const Message& message);

}  // namespace rtmp::protocol
