#include "protocol/user_control.h"

#include <string>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace rtmp::protocol {

namespace {

using Type = UserControlEventType;

bool isKnown(uint16_t raw) {
  switch (static_cast<Type>(raw)) {
    case Type::kStreamBegin:
    case Type::kStreamEof:
    case Type::kStreamDry:
    case Type::kSetBufferLength:
    case Type::kStreamIsRecorded:
    case Type::kPingRequest:
    case Type::kPingResponse:
      return true;
    default:
      return false;
  }
}

bool carriesTimestamp(Type type) {
  return type == Type::kPingRequest || type == Type::kPingResponse;
}

Message userControlMessage(const base::ByteWriter& body) {
  Message m;
  m.csid = kCsidProtocolControl;
  m.typeId = static_cast<uint8_t>(MessageType::kUserControl);
  m.payload = base::Bytes::copyOf(body.span());
  return m;
}

Message streamEvent(Type type, uint32_t streamId) {
  UserControlEvent e;
  e.type = type;
  e.streamId = streamId;
  return encodeUserControl(e);
}

Message pingEvent(Type type, uint32_t timestamp) {
  UserControlEvent e;
  e.type = type;
  e.timestamp = timestamp;
  return encodeUserControl(e);
}

}  // namespace

Message encodeStreamBegin(uint32_t streamId) {
  return streamEvent(Type::kStreamBegin, streamId);
}
Message encodeStreamEof(uint32_t streamId) {
  return streamEvent(Type::kStreamEof, streamId);
}
Message encodeStreamDry(uint32_t streamId) {
  return streamEvent(Type::kStreamDry, streamId);
}
Message encodeStreamIsRecorded(uint32_t streamId) {
  return streamEvent(Type::kStreamIsRecorded, streamId);
}
Message encodePingRequest(uint32_t timestamp) {
  return pingEvent(Type::kPingRequest, timestamp);
}
Message encodePingResponse(uint32_t timestamp) {
  return pingEvent(Type::kPingResponse, timestamp);
}

Message encodeSetBufferLength(uint32_t streamId, uint32_t bufferLengthMs) {
  UserControlEvent e;
  e.type = Type::kSetBufferLength;
  e.streamId = streamId;
  e.bufferLengthMs = bufferLengthMs;
  return encodeUserControl(e);
}

Message encodeUserControl(const UserControlEvent& event) {
  base::ByteWriter w(10);
  if (event.type == Type::kUnknown) {
    w.u16be(event.rawType);
    w.bytes(event.data.span());
    return userControlMessage(w);
  }
  w.u16be(static_cast<uint16_t>(event.type));
  if (carriesTimestamp(event.type)) {
    w.u32be(event.timestamp);
  } else {
    w.u32be(event.streamId);
    if (event.type == Type::kSetBufferLength) w.u32be(event.bufferLengthMs);
  }
  return userControlMessage(w);
}

base::Result<UserControlEvent> decodeUserControl(const Message& message) {
  if (message.type() != MessageType::kUserControl) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       "not a user control message (type " + std::to_string(message.typeId) + ")");
  }
  base::ByteReader r(message.payload.span());
  auto raw = r.u16be();
  if (!raw.ok()) return std::move(raw).error().withContext("user control: event type");

  UserControlEvent e;
  e.rawType = *raw;
  if (!isKnown(*raw)) {
    // Unknown events are not an error (§7.1.7 lists a closed set, but real
    // peers send more); keep their data so it can be logged or relayed.
    e.type = Type::kUnknown;
    e.data = message.payload.slice(2);
    return e;
  }
  e.type = static_cast<Type>(*raw);

  const std::string where = "user control event " + std::to_string(*raw);
  auto first = r.u32be();
  if (!first.ok()) return std::move(first).error().withContext(where);
  if (carriesTimestamp(e.type)) {
    e.timestamp = *first;
    return e;
  }
  e.streamId = *first;
  if (e.type == Type::kSetBufferLength) {
    auto length = r.u32be();
    if (!length.ok()) return std::move(length).error().withContext(where + ": buffer length");
    e.bufferLengthMs = *length;
  }
  return e;
}

}  // namespace rtmp::protocol
