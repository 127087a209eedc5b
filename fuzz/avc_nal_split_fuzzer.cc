// Fuzzes length-prefixed NAL unit splitting and AVCC → Annex B conversion.
// The first byte picks the length size (1, 2, 4 and the invalid 3).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "base/bytes.h"
#include "media/nal_units.h"

using namespace rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr uint8_t kLengthSizes[] = {1, 2, 4, 3};
  const uint8_t lengthSize = kLengthSizes[data[0] & 3];
  const std::span<const uint8_t> au(data + 1, size - 1);

  auto units = media::splitNalUnits(au, lengthSize);
  size_t payload = 0;
  if (units.ok()) {
    for (auto nal : *units) {
      if (nal.empty() || nal.data() < au.data() ||
          nal.data() + nal.size() > au.data() + au.size()) {
        std::abort();
      }
      payload += nal.size();
    }
  }
  (void)media::containsH264Idr(au, lengthSize);
  (void)media::containsHevcIrap(au, lengthSize);
  base::BytesBuilder out;
  auto status = media::avccToAnnexB(au, lengthSize, out);
  // Annex B adds a 4-byte start code per unit where AVCC had lengthSize bytes.
  if (status.ok() && units.ok() && out.size() != payload + 4 * units->size()) std::abort();
  return 0;
}
