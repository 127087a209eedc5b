// Fuzzes the protocol control and user control decoders. The first byte picks
// the message type id; the rest is the payload. Whatever decodes must encode
// back to the bytes it was decoded from.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "base/bytes.h"
#include "protocol/control_messages.h"
#include "protocol/message.h"
#include "protocol/user_control.h"

using namespace rtmp::protocol;

namespace {

// `encoded` must be a prefix of `payload` (decoders ignore trailing bytes).
void expectPrefix(const Message& encoded, const rtmp::base::Bytes& payload) {
  const auto& e = encoded.payload;
  if (e.size() > payload.size()) __builtin_trap();
  if (e.size() > 0 && std::memcmp(e.data(), payload.data(), e.size()) != 0) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Message m;
  m.csid = kCsidProtocolControl;
  m.typeId = data[0] % 8;
  m.payload = rtmp::base::Bytes::copyOf({data + 1, size - 1});

  switch (m.type()) {
    case MessageType::kSetChunkSize:
      if (auto r = decodeSetChunkSize(m); r.ok()) {
        if (*r == 0 || *r > 0x7FFFFFFF) __builtin_trap();
        expectPrefix(encodeSetChunkSize(*r), m.payload);
      }
      break;
    case MessageType::kAbort:
      if (auto r = decodeAbort(m); r.ok()) expectPrefix(encodeAbort(*r), m.payload);
      break;
    case MessageType::kAcknowledgement:
      if (auto r = decodeAcknowledgement(m); r.ok()) {
        expectPrefix(encodeAcknowledgement(*r), m.payload);
      }
      break;
    case MessageType::kWindowAckSize:
      if (auto r = decodeWindowAckSize(m); r.ok()) expectPrefix(encodeWindowAckSize(*r), m.payload);
      break;
    case MessageType::kSetPeerBandwidth:
      if (auto r = decodeSetPeerBandwidth(m); r.ok()) {
        expectPrefix(encodeSetPeerBandwidth(r->windowSize, r->limitType), m.payload);
      }
      break;
    case MessageType::kUserControl:
      if (auto r = decodeUserControl(m); r.ok()) {
        const Message back = encodeUserControl(*r);
        expectPrefix(back, m.payload);
        // Unknown events keep every byte.
        if (r->type == UserControlEventType::kUnknown && !(back.payload == m.payload)) {
          __builtin_trap();
        }
      }
      break;
    default:
      // Any other type: every decoder must refuse it without reading.
      if (decodeSetChunkSize(m).ok() || decodeUserControl(m).ok()) __builtin_trap();
      break;
  }
  return 0;
}
