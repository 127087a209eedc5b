#include "protocol/data_message.h"

#include <algorithm>

namespace rtmp::protocol {

namespace {

// Each: AMF0 string marker 0x02, u16 length, the bytes (see the header).
constexpr uint8_t kSetDataFrame[] = {0x02, 0x00, 0x0D, '@', 's', 'e', 't', 'D',
                                     'a',  't',  'a',  'F', 'r', 'a', 'm', 'e'};
constexpr uint8_t kOnMetaData[] = {0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e',
                                   't',  'a',  'D',  'a', 't', 'a'};

bool startsWith(std::span<const uint8_t> bytes, std::span<const uint8_t> prefix) {
  return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

}  // namespace

bool stripSetDataFrame(base::Bytes& body) {
  if (!startsWith(body.span(), kSetDataFrame)) return false;
  body = body.slice(sizeof(kSetDataFrame));
  return true;
}

bool isOnMetaData(std::span<const uint8_t> payload) {
  return startsWith(payload, kOnMetaData);
}

}  // namespace rtmp::protocol
