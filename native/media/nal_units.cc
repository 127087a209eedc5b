#include "media/nal_units.h"

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

Status forEachNalUnit(std::span<const uint8_t> data, uint8_t lengthSize,
                      const std::function<bool(std::span<const uint8_t>)>& visit) {
  if (lengthSize != 1 && lengthSize != 2 && lengthSize != 4) {
    return Error(ErrorCode::kInvalidArgument, "nal units: length size must be 1, 2 or 4");
  }
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < lengthSize) {
      return Error(ErrorCode::kTruncated, "nal units: length prefix cut");
    }
    size_t length = 0;
    for (uint8_t i = 0; i < lengthSize; ++i) length = (length << 8) | data[pos + i];
    pos += lengthSize;
    if (length > data.size() - pos) {
      return Error(ErrorCode::kTruncated, "nal units: unit runs past the end");
    }
    if (length != 0 && !visit(data.subspan(pos, length))) return base::okStatus();
    pos += length;
  }
  return base::okStatus();
}

Result<std::vector<std::span<const uint8_t>>> splitNalUnits(std::span<const uint8_t> data,
                                                            uint8_t lengthSize, size_t maxUnits) {
  std::vector<std::span<const uint8_t>> units;
  bool tooMany = false;
  RTMP_TRY(forEachNalUnit(data, lengthSize, [&](std::span<const uint8_t> nal) {
    if (units.size() >= maxUnits) {
      tooMany = true;
      return false;
    }
    units.push_back(nal);
    return true;
  }));
  if (tooMany) return Error(ErrorCode::kLimitExceeded, "nal units: too many in one access unit");
  return units;
}

Result<bool> containsH264Idr(std::span<const uint8_t> data, uint8_t lengthSize) {
  bool found = false;
  RTMP_TRY(forEachNalUnit(data, lengthSize, [&](std::span<const uint8_t> nal) {
    found = h264NalType(nal[0]) == kH264NalIdr;
    return !found;
  }));
  return found;
}

Result<bool> containsHevcIrap(std::span<const uint8_t> data, uint8_t lengthSize) {
  bool found = false;
  RTMP_TRY(forEachNalUnit(data, lengthSize, [&](std::span<const uint8_t> nal) {
    found = isHevcIrap(hevcNalType(nal[0]));
    return !found;
  }));
  return found;
}

void appendAnnexB(std::span<const uint8_t> nal, base::BytesBuilder& out) {
  static constexpr uint8_t kStartCode[4] = {0, 0, 0, 1};
  out.append(kStartCode);
  out.append(nal);
}

Status avccToAnnexB(std::span<const uint8_t> data, uint8_t lengthSize, base::BytesBuilder& out) {
  return forEachNalUnit(data, lengthSize, [&](std::span<const uint8_t> nal) {
    appendAnnexB(nal, out);
    return true;
  });
}

}  // namespace rtmp::media
