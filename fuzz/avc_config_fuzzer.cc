// Fuzzes the AVCDecoderConfigurationRecord parser and the H.264 SPS parser:
// the input is parsed as a record (and every SPS in it), and on its own as
// an SPS NAL unit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "media/avc_config.h"
#include "media/h264_sps.h"

using namespace rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  if (auto config = media::parseAvcConfig(input); config.ok()) {
    for (auto sps : config->sps) {
      if (sps.data() < data || sps.data() + sps.size() > data + size) std::abort();
      (void)media::parseH264Sps(sps);
    }
  }
  if (auto sps = media::parseH264Sps(input); sps.ok()) {
    if (sps->width == 0 || sps->height == 0 || sps->width > 65536 || sps->height > 131072) {
      std::abort();  // the parser's bounds must hold
    }
    (void)media::h264LevelName(sps->levelIdc, sps->profileIdc, sps->constraintFlags);
    (void)sps->frameRate();
  }
  return 0;
}
