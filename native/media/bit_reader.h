// BitReader: a bounded MSB-first bit reader for codec headers (H.264/H.265
// SPS, AAC AudioSpecificConfig, AV1 sequence header). Every read either
// returns its value and advances, or returns kTruncated and leaves the
// position unchanged, so a hostile header can never read past its end.
//
// Also here: Exp-Golomb codes (ITU-T H.264 §9.1, H.265 §9.2) and the removal
// of emulation-prevention bytes that turns a NAL unit into its RBSP
// (H.264 §7.4.1, H.265 §7.4.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace rtmp::media {

class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> data) : data_(data) {}

  size_t bitPosition() const { return pos_; }
  size_t bitsLeft() const { return data_.size() * 8 - pos_; }
  bool byteAligned() const { return (pos_ & 7) == 0; }

  // n in [0, 32]; n > 32 is kInvalidArgument (a caller bug, not peer input).
  base::Result<uint32_t> bits(unsigned n);
  base::Result<bool> flag();
  base::Status skipBits(size_t n);

  // ue(v): unsigned Exp-Golomb. Values needing more than 32 leading zeros
  // cannot occur in a valid stream and are kMalformed.
  base::Result<uint32_t> ue();
  // se(v): signed Exp-Golomb (k → (-1)^(k+1) * ceil(k/2)).
  base::Result<int32_t> se();
  // ue(v) that must be ≤ max: larger values are kMalformed naming the field.
  base::Result<uint32_t> ueAtMost(uint32_t max, std::string_view field);

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;  // in bits
};

// Copies a NAL unit (or part of one) into its RBSP: every 0x03 that follows
// two zero bytes is an emulation-prevention byte and is dropped.
std::vector<uint8_t> nalToRbsp(std::span<const uint8_t> nal);

}  // namespace rtmp::media
