// Fuzzes the HEVCDecoderConfigurationRecord parser and the H.265 SPS parser:
// the input as a record (and its first SPS), and on its own as an SPS NAL unit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "media/hevc_config.h"
#include "media/hevc_sps.h"

using namespace rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  if (auto config = media::parseHevcConfig(input); config.ok()) {
    for (const auto& array : config->arrays) {
      for (auto nal : array.units) {
        if (nal.data() < data || nal.data() + nal.size() > data + size) std::abort();
      }
    }
    (void)media::parseHevcSps(config->firstNal(media::kHevcNalSps));
  }
  if (auto sps = media::parseHevcSps(input); sps.ok()) {
    if (sps->width == 0 || sps->height == 0 || sps->width > sps->codedWidth ||
        sps->height > sps->codedHeight) {
      std::abort();
    }
    (void)media::hevcLevelName(sps->ptl.levelIdc);
    (void)sps->frameRate();
  }
  return 0;
}
