#include "media/av1_config.h"

#include "media/bit_reader.h"

namespace rtmp::media {

using base::Error;
using base::ErrorCode;
using base::Result;
using base::Status;

namespace {

constexpr uint8_t kObuSequenceHeader = 1;

// AV1 §4.10.3 uvlc(): like Exp-Golomb; 32 or more leading zeros mean 2^32 - 1.
Result<uint32_t> uvlc(BitReader& br) {
  unsigned zeros = 0;
  while (true) {
    RTMP_ASSIGN(bool done, br.flag());
    if (done) break;
    if (++zeros >= 32) return UINT32_MAX;
  }
  RTMP_ASSIGN(uint32_t value, br.bits(zeros));
  return static_cast<uint32_t>(value + ((uint64_t{1} << zeros) - 1));
}

// AV1 §4.10.5 leb128(): at most 8 bytes, value below 2^32.
Result<uint32_t> leb128(std::span<const uint8_t> data, size_t& pos) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    if (pos >= data.size()) return Error(ErrorCode::kTruncated, "leb128");
    const uint8_t b = data[pos++];
    value |= uint64_t{b & 0x7Fu} << (7 * i);
    if (!(b & 0x80)) {
      if (value > UINT32_MAX) return Error(ErrorCode::kMalformed, "leb128 too large");
      return static_cast<uint32_t>(value);
    }
  }
  return Error(ErrorCode::kMalformed, "leb128 longer than 8 bytes");
}

Status parseSequenceHeader(BitReader& br, Av1SequenceHeader& h) {
  RTMP_ASSIGN(uint32_t profile, br.bits(3));
  h.seqProfile = static_cast<uint8_t>(profile);
  RTMP_ASSIGN(h.stillPicture, br.flag());
  RTMP_ASSIGN(h.reducedStillPictureHeader, br.flag());
  if (h.reducedStillPictureHeader) {
    RTMP_ASSIGN(uint32_t level, br.bits(5));
    h.seqLevelIdx0 = static_cast<uint8_t>(level);
  } else {
    RTMP_ASSIGN(h.timingInfoPresent, br.flag());
    bool decoderModelInfoPresent = false;
    uint32_t bufferDelayLength = 0;
    if (h.timingInfoPresent) {
      // §5.5.3 timing_info()
      RTMP_ASSIGN(h.numUnitsInDisplayTick, br.bits(32));
      RTMP_ASSIGN(h.timeScale, br.bits(32));
      RTMP_ASSIGN(h.equalPictureInterval, br.flag());
      if (h.equalPictureInterval) {
        RTMP_ASSIGN(h.numTicksPerPictureMinus1, uvlc(br));
      }
      RTMP_ASSIGN(decoderModelInfoPresent, br.flag());
      if (decoderModelInfoPresent) {
        // §5.5.4 decoder_model_info()
        RTMP_ASSIGN(uint32_t lengthMinus1, br.bits(5));
        bufferDelayLength = lengthMinus1 + 1;
        RTMP_TRY(br.skipBits(32 + 5 + 5));  // num_units_in_decoding_tick, two lengths
      }
    }
    RTMP_ASSIGN(bool initialDisplayDelayPresent, br.flag());
    RTMP_ASSIGN(uint32_t opsMinus1, br.bits(5));
    for (uint32_t i = 0; i <= opsMinus1; ++i) {
      RTMP_TRY(br.skipBits(12));  // operating_point_idc[i]
      RTMP_ASSIGN(uint32_t level, br.bits(5));
      bool tier = false;
      if (level > 7) {
        RTMP_ASSIGN(tier, br.flag());
      }
      if (i == 0) {
        h.seqLevelIdx0 = static_cast<uint8_t>(level);
        h.seqTier0 = tier;
      }
      if (decoderModelInfoPresent) {
        RTMP_ASSIGN(bool decoderModelPresent, br.flag());
        if (decoderModelPresent) {
          // §5.5.5 operating_parameters_info(): two delays and low_delay_mode_flag.
          RTMP_TRY(br.skipBits(2 * size_t{bufferDelayLength} + 1));
        }
      }
      if (initialDisplayDelayPresent) {
        RTMP_ASSIGN(bool present, br.flag());
        if (present) RTMP_TRY(br.skipBits(4));  // initial_display_delay_minus_1
      }
    }
  }
  RTMP_ASSIGN(uint32_t widthBitsMinus1, br.bits(4));
  RTMP_ASSIGN(uint32_t heightBitsMinus1, br.bits(4));
  RTMP_ASSIGN(uint32_t maxWidthMinus1, br.bits(widthBitsMinus1 + 1));
  RTMP_ASSIGN(uint32_t maxHeightMinus1, br.bits(heightBitsMinus1 + 1));
  h.maxFrameWidth = maxWidthMinus1 + 1;
  h.maxFrameHeight = maxHeightMinus1 + 1;
  return base::okStatus();
}

Status parseRecord(std::span<const uint8_t> record, Av1Config& c) {
  if (record.size() < 4) return Error(ErrorCode::kTruncated);
  if (!(record[0] & 0x80)) return Error(ErrorCode::kMedia, "marker bit is not set");
  c.version = record[0] & 0x7F;
  if (c.version != 1) return Error(ErrorCode::kMedia, "version is not 1");
  c.seqProfile = record[1] >> 5;
  c.seqLevelIdx0 = record[1] & 0x1F;
  c.seqTier0 = record[2] & 0x80;
  c.highBitdepth = record[2] & 0x40;
  c.twelveBit = record[2] & 0x20;
  c.monochrome = record[2] & 0x10;
  c.chromaSubsamplingX = record[2] & 0x08;
  c.chromaSubsamplingY = record[2] & 0x04;
  c.chromaSamplePosition = record[2] & 0x03;
  c.initialPresentationDelayPresent = record[3] & 0x10;
  c.initialPresentationDelayMinusOne = c.initialPresentationDelayPresent ? (record[3] & 0x0F) : 0;
  c.configObus = record.subspan(4);
  RTMP_ASSIGN(c.sequenceHeader, findAv1SequenceHeader(c.configObus));
  return base::okStatus();
}

}  // namespace

double Av1SequenceHeader::frameRate() const {
  if (!timingInfoPresent || !equalPictureInterval || numUnitsInDisplayTick == 0 || timeScale == 0) {
    return 0;
  }
  return static_cast<double>(timeScale) / (static_cast<double>(numUnitsInDisplayTick) *
                                           (static_cast<double>(numTicksPerPictureMinus1) + 1));
}

Result<Av1SequenceHeader> parseAv1SequenceHeader(std::span<const uint8_t> payload) {
  BitReader br(payload);
  Av1SequenceHeader header;
  auto status = parseSequenceHeader(br, header);
  if (!status.ok()) return std::move(status).error().withContext("av1 sequence header");
  return header;
}

Result<std::optional<Av1SequenceHeader>> findAv1SequenceHeader(std::span<const uint8_t> obus) {
  size_t pos = 0;
  while (pos < obus.size()) {
    // §5.3.2 obu_header: forbidden(1) type(4) extension_flag(1) has_size_field(1) reserved(1)
    const uint8_t header = obus[pos++];
    if (header & 0x80) return Error(ErrorCode::kMalformed, "av1 obu: forbidden bit set");
    const uint8_t type = (header >> 3) & 0x0F;
    if (header & 0x04) {
      if (pos >= obus.size()) return Error(ErrorCode::kTruncated, "av1 obu: extension header");
      ++pos;  // temporal_id(3) spatial_id(2) reserved(3)
    }
    size_t size = obus.size() - pos;
    if (header & 0x02) {
      auto declared = leb128(obus, pos);
      if (!declared.ok()) return std::move(declared).error().withContext("av1 obu_size");
      if (*declared > obus.size() - pos) return Error(ErrorCode::kTruncated, "av1 obu: payload");
      size = *declared;
    }
    if (type == kObuSequenceHeader) {
      RTMP_ASSIGN(Av1SequenceHeader h, parseAv1SequenceHeader(obus.subspan(pos, size)));
      return std::optional<Av1SequenceHeader>(h);
    }
    pos += size;
  }
  return std::optional<Av1SequenceHeader>();
}

Result<Av1Config> parseAv1Config(std::span<const uint8_t> record) {
  Av1Config config;
  auto status = parseRecord(record, config);
  if (!status.ok()) return std::move(status).error().withContext("av1 config");
  return config;
}

const char* av1ProfileName(uint8_t seqProfile) {
  switch (seqProfile) {
    case 0:
      return "Main";
    case 1:
      return "High";
    case 2:
      return "Professional";
    default:
      return "unknown";
  }
}

std::string av1LevelName(uint8_t seqLevelIdx) {
  if (seqLevelIdx == 31) return "max";
  return std::to_string(2 + (seqLevelIdx >> 2)) + "." + std::to_string(seqLevelIdx & 3);
}

}  // namespace rtmp::media
