// Fuzzes the AMF0 decoder (with the AMF3 switch) and checks that whatever it
// accepts re-encodes to a fixed point: encode(decode(encode(v))) == encode(v).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "base/byte_writer.h"
#include "protocol/amf0.h"

using rtmp::protocol::AmfLimits;
using rtmp::protocol::AmfValue;

namespace {

// Tight limits reach every limit path with short inputs.
AmfLimits tightLimits() {
  AmfLimits l;
  l.maxDepth = 4;
  l.maxStringLength = 16;
  l.maxElements = 8;
  l.maxValues = 64;
  l.maxOutputBytes = 256;
  l.allowUnterminatedEcmaArray = false;
  return l;
}

// Limits loose enough that re-decoding an expanded re-encoding never trips
// them (references were expanded; ECMA dense parts became keys).
AmfLimits looseLimits() {
  AmfLimits l;
  l.maxElements = UINT32_MAX;
  l.maxValues = UINT32_MAX;
  l.maxOutputBytes = UINT32_MAX;
  return l;
}

void checkFixedPoint(const std::vector<AmfValue>& values) {
  rtmp::base::ByteWriter first;
  auto s = rtmp::protocol::encodeAmf0(values, first);
  if (!s.ok()) {
    // Only names AMF0 cannot express (over 65535 bytes) may fail.
    if (s.error().code() != rtmp::base::ErrorCode::kInvalidArgument) std::abort();
    return;
  }
  auto again = rtmp::protocol::decodeAmf0Sequence(first.span(), looseLimits());
  if (!again.ok()) std::abort();
  rtmp::base::ByteWriter second;
  if (!rtmp::protocol::encodeAmf0(*again, second).ok()) std::abort();
  if (first.data() != second.data()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  auto values = rtmp::protocol::decodeAmf0Sequence(input);
  if (values.ok()) {
    checkFixedPoint(*values);
    for (const AmfValue& v : *values) (void)v.toDebugString();
  }
  (void)rtmp::protocol::decodeAmf0Sequence(input, tightLimits());
  return 0;
}
