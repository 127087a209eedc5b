#include "media/adts.h"

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;

Result<AdtsHeader> makeAdtsHeader(const AacConfig& config, size_t rawFrameSize) {
  // profile_ObjectType is 2 bits: only Main, LC, SSR and LTP fit.
  if (config.objectType < 1 || config.objectType > 4) {
    return Error(ErrorCode::kUnsupported, "adts: object type does not fit in 2 bits");
  }
  if (config.samplingFrequencyIndex > 12) {
    return Error(ErrorCode::kUnsupported, "adts: explicit sampling frequency");
  }
  if (config.channelConfiguration == 0 || config.channelConfiguration > 7) {
    return Error(ErrorCode::kUnsupported, "adts: channel configuration needs a PCE");
  }
  if (rawFrameSize > kAdtsMaxFrameLength - kAdtsHeaderSize) {
    return Error(ErrorCode::kInvalidArgument, "adts: frame longer than 8191 bytes");
  }
  const uint32_t frameLength = static_cast<uint32_t>(rawFrameSize + kAdtsHeaderSize);
  const uint32_t profile = config.objectType - 1u;
  const uint32_t index = config.samplingFrequencyIndex;
  const uint32_t channels = config.channelConfiguration;
  constexpr uint32_t kBufferFullnessVbr = 0x7FF;

  AdtsHeader h{};
  h[0] = 0xFF;  // syncword high 8
  h[1] = 0xF1;  // syncword low 4, ID 0, layer 0, no CRC
  h[2] = static_cast<uint8_t>((profile << 6) | (index << 2) | (channels >> 2));
  h[3] = static_cast<uint8_t>(((channels & 3) << 6) | (frameLength >> 11));
  h[4] = static_cast<uint8_t>((frameLength >> 3) & 0xFF);
  h[5] = static_cast<uint8_t>(((frameLength & 7) << 5) | (kBufferFullnessVbr >> 6));
  h[6] = static_cast<uint8_t>((kBufferFullnessVbr & 0x3F) << 2);  // 0: one raw data block
  return h;
}

}  // namespace rtmp::media
