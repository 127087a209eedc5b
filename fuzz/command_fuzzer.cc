// Fuzzes command and data message decoding (types 20/17/18/15) and every
// typed parser on what decodes. The first byte picks the message type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "protocol/command.h"
#include "protocol/command_builders.h"
#include "protocol/command_parsers.h"

using namespace rtmp::protocol;

namespace {

void parseEverything(const Command& c) {
  (void)parseConnect(c);
  (void)parseCreateStream(c);
  (void)parseStreamNameCommand(c);
  (void)parsePublish(c);
  (void)parsePlay(c);
  (void)parsePlay2(c);
  (void)parseDeleteStream(c);
  (void)parseCloseStream(c);
  (void)parseReceive(c);
  (void)parsePause(c);
  (void)parseSeek(c);
  if (auto r = parseResult(c); r.ok()) {
    (void)r->number();
    (void)r->status();
  }
  (void)parseOnStatus(c);
  (void)parseOnFCPublish(c);
  (void)parseOnBWDone(c);
}

// Whatever decodes re-encodes (unless a name is too long for AMF0) and
// decodes again to the same name and argument count.
void checkReencode(const Command& c) {
  auto m = encodeCommand(c, kCsidNetConnection, 0);
  if (!m.ok()) {
    if (m.error().code() != rtmp::base::ErrorCode::kInvalidArgument) std::abort();
    return;
  }
  AmfLimits loose;
  loose.maxElements = UINT32_MAX;
  loose.maxValues = UINT32_MAX;
  loose.maxOutputBytes = UINT32_MAX;
  auto back = decodeCommand(*m, loose);
  if (!back.ok() || back->name != c.name || back->args.size() != c.args.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::span<const uint8_t> payload(data + 1, size - 1);
  switch (data[0] & 3) {
    case 0:
    case 1: {
      auto c = decodeCommandPayload(payload, (data[0] & 3) == 1);
      if (c.ok()) {
        parseEverything(*c);
        checkReencode(*c);
      }
      break;
    }
    default: {
      auto d = decodeDataPayload(payload, (data[0] & 3) == 3);
      if (d.ok()) {
        if (const AmfValue* meta = metadataOf(*d)) {
          (void)buildOnMetaData(1, *meta);
        }
      }
      break;
    }
  }
  return 0;
}
