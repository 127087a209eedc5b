// User Control messages (type 4), RTMP 1.0 §6.2 and §7.1.7. Sent on chunk
// stream 2, message stream 0.
//
//   +------------------------------+-------------------------------
//   |     Event Type (16 bits)     |  Event Data (big-endian)
//   +------------------------------+-------------------------------
//
//   0 Stream Begin        stream id (4)
//   1 Stream EOF          stream id (4)
//   2 Stream Dry          stream id (4)
//   3 Set Buffer Length   stream id (4) | buffer length in ms (4)
//   4 Stream Is Recorded  stream id (4)
//   6 Ping Request        timestamp (4)
//   7 Ping Response       timestamp (4), echoed from the request
//
// Other event types exist in the wild (Flash's SWF verification 26/27,
// buffer empty/ready 31/32); they decode as kUnknown with their raw bytes so
// a session can ignore them instead of dropping the connection.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "protocol/message.h"

namespace rtmp::protocol {

enum class UserControlEventType : uint16_t {
  kStreamBegin = 0,
  kStreamEof = 1,
  kStreamDry = 2,
  kSetBufferLength = 3,
  kStreamIsRecorded = 4,
  kPingRequest = 6,
  kPingResponse = 7,
  kUnknown = 0xFFFF,  // decoded from any other event type; see rawType
};

struct UserControlEvent {
  UserControlEventType type = UserControlEventType::kUnknown;
  uint16_t rawType = 0xFFFF;    // the 16-bit event type as sent
  uint32_t streamId = 0;        // Stream Begin/EOF/Dry, Set Buffer Length, Stream Is Recorded
  uint32_t bufferLengthMs = 0;  // Set Buffer Length
  uint32_t timestamp = 0;       // Ping Request/Response
  base::Bytes data;             // event data of an unknown event, as received
};

// Builders for the known events; each returns a complete Message.
Message encodeStreamBegin(uint32_t streamId);
Message encodeStreamEof(uint32_t streamId);
Message encodeStreamDry(uint32_t streamId);
Message encodeSetBufferLength(uint32_t streamId, uint32_t bufferLengthMs);
Message encodeStreamIsRecorded(uint32_t streamId);
Message encodePingRequest(uint32_t timestamp);
Message encodePingResponse(uint32_t timestamp);
// Encodes any event; for kUnknown, `rawType` and `data` are written as given.
Message encodeUserControl(const UserControlEvent& event);

// Decodes a type-4 message. Wrong typeId: kInvalidArgument (caller bug).
// Payload shorter than the event needs: kTruncated. Trailing bytes are ignored.
base::Result<UserControlEvent> decodeUserControl(const Message& message);

}  // namespace rtmp::protocol
