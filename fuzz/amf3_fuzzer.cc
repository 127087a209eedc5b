// Fuzzes the AMF3 decoder (all three reference tables) and checks that
// whatever it accepts re-encodes to a fixed point.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "base/byte_writer.h"
#include "protocol/amf3.h"

using rtmp::protocol::AmfLimits;
using rtmp::protocol::AmfValue;

namespace {

AmfLimits tightLimits() {
  AmfLimits l;
  l.maxDepth = 4;
  l.maxStringLength = 16;
  l.maxElements = 8;
  l.maxValues = 64;
  l.maxOutputBytes = 256;
  return l;
}

AmfLimits looseLimits() {
  AmfLimits l;
  l.maxElements = UINT32_MAX;
  l.maxValues = UINT32_MAX;
  l.maxOutputBytes = UINT32_MAX;
  return l;
}

// Decodes values until the end or the first error.
std::vector<AmfValue> decodeAll(std::span<const uint8_t> input, const AmfLimits& limits, bool* ok) {
  rtmp::protocol::Amf3Decoder decoder(input, limits);
  std::vector<AmfValue> out;
  *ok = true;
  while (!decoder.atEnd()) {
    auto v = decoder.next();
    if (!v.ok()) {
      *ok = false;
      break;
    }
    out.push_back(std::move(v).value());
  }
  return out;
}

void checkFixedPoint(const std::vector<AmfValue>& values) {
  rtmp::base::ByteWriter first;
  for (const AmfValue& v : values) {
    if (!rtmp::protocol::encodeAmf3(v, first).ok()) std::abort();
  }
  bool ok = false;
  std::vector<AmfValue> again = decodeAll(first.span(), looseLimits(), &ok);
  if (!ok || again.size() != values.size()) std::abort();
  rtmp::base::ByteWriter second;
  for (const AmfValue& v : again) {
    if (!rtmp::protocol::encodeAmf3(v, second).ok()) std::abort();
  }
  if (first.data() != second.data()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  bool ok = false;
  std::vector<AmfValue> values = decodeAll(input, AmfLimits{}, &ok);
  checkFixedPoint(values);  // the values decoded before any error
  for (const AmfValue& v : values) (void)v.toDebugString();
  (void)decodeAll(input, tightLimits(), &ok);
  return 0;
}
