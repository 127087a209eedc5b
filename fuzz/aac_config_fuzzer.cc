// Fuzzes the AAC AudioSpecificConfig parser and the ADTS header builder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "media/aac_config.h"
#include "media/adts.h"

using namespace rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto config = media::parseAacConfig(std::span<const uint8_t>(data, size));
  if (!config.ok()) return 0;
  (void)media::aacProfileName(*config);
  (void)config->outputSampleRate();
  auto header = media::makeAdtsHeader(*config, size * 37);
  if (header.ok()) {
    // Sync word and the frame length must read back.
    const auto& h = *header;
    if (h[0] != 0xFF || (h[1] & 0xF6) != 0xF0) std::abort();
    const size_t length = (size_t{h[3] & 3u} << 11) | (size_t{h[4]} << 3) | (h[5] >> 5);
    if (length != size * 37 + media::kAdtsHeaderSize) std::abort();
  }
  return 0;
}
