#include "protocol/control_messages.h"

#include <string>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "protocol/chunk_header.h"

namespace rtmp::protocol {

namespace {

Message controlMessage(MessageType type, const base::ByteWriter& body) {
  Message m;
  m.csid = kCsidProtocolControl;
  m.typeId = static_cast<uint8_t>(type);
  m.streamId = 0;
  m.timestamp = 0;
  m.payload = base::Bytes::copyOf(body.span());
  return m;
}

Message u32Message(MessageType type, uint32_t value) {
  base::ByteWriter w(4);
  w.u32be(value);
  return controlMessage(type, w);
}

base::Status expectType(const Message& message, MessageType type, const char* name) {
  if (message.type() == type) return base::okStatus();
  return base::Error(
      base::ErrorCode::kInvalidArgument,
      std::string("not a ") + name + " message (type " + std::to_string(message.typeId) + ")");
}

// The single 32-bit field that types 1, 2, 3 and 5 carry.
base::Result<uint32_t> decodeU32(const Message& message, MessageType type, const char* name) {
  RTMP_TRY(expectType(message, type, name));
  base::ByteReader r(message.payload.span());
  auto value = r.u32be();
  if (!value.ok()) return std::move(value).error().withContext(name);
  return value;
}

}  // namespace

Message encodeSetChunkSize(uint32_t chunkSize) {
  return u32Message(MessageType::kSetChunkSize, chunkSize);
}

Message encodeAbort(uint32_t csid) {
  return u32Message(MessageType::kAbort, csid);
}

Message encodeAcknowledgement(uint32_t sequenceNumber) {
  return u32Message(MessageType::kAcknowledgement, sequenceNumber);
}

Message encodeWindowAckSize(uint32_t windowSize) {
  return u32Message(MessageType::kWindowAckSize, windowSize);
}

Message encodeSetPeerBandwidth(uint32_t windowSize, BandwidthLimitType limitType) {
  base::ByteWriter w(5);
  w.u32be(windowSize);
  w.u8(static_cast<uint8_t>(limitType));
  return controlMessage(MessageType::kSetPeerBandwidth, w);
}

base::Result<uint32_t> decodeSetChunkSize(const Message& message) {
  RTMP_ASSIGN(uint32_t size, decodeU32(message, MessageType::kSetChunkSize, "set chunk size"));
  // §5.4.1: the first bit MUST be zero; a zero size would make no progress.
  if (size == 0 || size > kMaxChunkSize) {
    return base::Error(base::ErrorCode::kChunkSize,
                       "set chunk size: " + std::to_string(size) + " is outside 1..0x7FFFFFFF");
  }
  return size;
}

base::Result<uint32_t> decodeAbort(const Message& message) {
  return decodeU32(message, MessageType::kAbort, "abort");
}

base::Result<uint32_t> decodeAcknowledgement(const Message& message) {
  return decodeU32(message, MessageType::kAcknowledgement, "acknowledgement");
}

base::Result<uint32_t> decodeWindowAckSize(const Message& message) {
  return decodeU32(message, MessageType::kWindowAckSize, "window acknowledgement size");
}

base::Result<PeerBandwidth> decodeSetPeerBandwidth(const Message& message) {
  constexpr const char* kName = "set peer bandwidth";
  RTMP_TRY(expectType(message, MessageType::kSetPeerBandwidth, kName));
  base::ByteReader r(message.payload.span());
  auto size = r.u32be();
  if (!size.ok()) return std::move(size).error().withContext(kName);
  auto limit = r.u8();
  if (!limit.ok()) return std::move(limit).error().withContext(kName);
  if (*limit > static_cast<uint8_t>(BandwidthLimitType::kDynamic)) {
    return base::Error(base::ErrorCode::kMalformed,
                       std::string(kName) + ": unknown limit type " + std::to_string(*limit));
  }
  return PeerBandwidth{*size, static_cast<BandwidthLimitType>(*limit)};
}

}  // namespace rtmp::protocol
