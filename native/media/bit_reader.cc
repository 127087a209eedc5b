#include "media/bit_reader.h"

#include <string>

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

Result<uint32_t> BitReader::bits(unsigned n) {
  if (n > 32) return Error(ErrorCode::kInvalidArgument, "bit reader: more than 32 bits at once");
  if (n > bitsLeft()) return Error(ErrorCode::kTruncated);
  uint64_t v = 0;
  for (unsigned i = 0; i < n;) {
    // Take as many bits as are left in the current byte, up to what is asked.
    const size_t byte = pos_ >> 3;
    const unsigned offset = pos_ & 7;
    const unsigned avail = 8 - offset;
    const unsigned take = (n - i) < avail ? (n - i) : avail;
    const unsigned chunk = (data_[byte] >> (avail - take)) & ((1u << take) - 1);
    v = (v << take) | chunk;
    pos_ += take;
    i += take;
  }
  return static_cast<uint32_t>(v);
}

Result<bool> BitReader::flag() {
  RTMP_ASSIGN(uint32_t v, bits(1));
  return v != 0;
}

Status BitReader::skipBits(size_t n) {
  if (n > bitsLeft()) return Error(ErrorCode::kTruncated);
  pos_ += n;
  return base::okStatus();
}

Result<uint32_t> BitReader::ue() {
  // codeNum = 2^leadingZeros - 1 + bits(leadingZeros)   (H.264 §9.1)
  const size_t start = pos_;
  unsigned zeros = 0;
  while (true) {
    if (bitsLeft() == 0) {
      pos_ = start;
      return Error(ErrorCode::kTruncated);
    }
    const bool bit = (data_[pos_ >> 3] >> (7 - (pos_ & 7))) & 1;
    ++pos_;
    if (bit) break;
    if (++zeros > 31) {
      pos_ = start;
      return Error(ErrorCode::kMalformed, "Exp-Golomb code longer than 32 bits");
    }
  }
  auto suffix = bits(zeros);
  if (!suffix.ok()) {
    pos_ = start;
    return std::move(suffix).error();
  }
  return static_cast<uint32_t>((uint64_t{1} << zeros) - 1 + *suffix);
}

Result<int32_t> BitReader::se() {
  RTMP_ASSIGN(uint32_t k, ue());
  // ue() yields at most 2^32 - 2, so ceil(k / 2) ≤ 2^31 - 1 always fits.
  const int64_t magnitude = (int64_t{k} + 1) / 2;
  return static_cast<int32_t>((k & 1) ? magnitude : -magnitude);
}

Result<uint32_t> BitReader::ueAtMost(uint32_t max, std::string_view field) {
  auto v = ue();
  if (!v.ok()) return std::move(v).error().withContext(field);
  if (*v > max) return Error(ErrorCode::kMalformed, std::string(field) + " out of range");
  return v;
}

std::vector<uint8_t> nalToRbsp(std::span<const uint8_t> nal) {
  std::vector<uint8_t> out;
  out.reserve(nal.size());
  unsigned zeros = 0;
  for (uint8_t b : nal) {
    if (zeros >= 2 && b == 0x03) {
      zeros = 0;  // emulation_prevention_three_byte: drop it
      continue;
    }
    out.push_back(b);
    zeros = (b == 0) ? zeros + 1 : 0;
  }
  return out;
}

}  // namespace rtmp::media
