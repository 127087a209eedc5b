#include "media/flv_file_reader.h"

#include <string>
#include <utility>

#include "base/byte_reader.h"

namespace rtmp::media {

namespace {

constexpr size_t kPreviousTagSize = 4;
constexpr uint8_t kFilterBit = 0x20;
constexpr uint8_t kTagTypeMask = 0x1F;

std::string at(uint64_t offset) {
  return "FLV tag at offset " + std::to_string(offset);
}

}  // namespace

FlvFileReader::FlvFileReader(base::Bytes file, FlvFileHeader header, FlvFileLimits limits,
                             size_t pos)
    : file_(std::move(file)), header_(header), limits_(limits), pos_(pos) {}

base::Result<FlvFileReader> FlvFileReader::open(base::Bytes file, FlvFileLimits limits) {
  base::ByteReader r(file.span());
  if (file.size() < kFlvFileHeaderSize) {
    return base::Error(
        base::ErrorCode::kTruncated,
        "FLV file header: " + std::to_string(file.size()) + " bytes, the header needs 9");
  }
  if (file[0] != 'F' || file[1] != 'L' || file[2] != 'V') {
    return base::Error(base::ErrorCode::kMalformed, "not an FLV file (no 'FLV' signature)");
  }
  RTMP_TRY(r.skip(3));
  FlvFileHeader header;
  RTMP_ASSIGN(header.version, r.u8());
  RTMP_ASSIGN(uint8_t flags, r.u8());
  header.hasAudio = (flags & 0x04) != 0;
  header.hasVideo = (flags & 0x01) != 0;
  RTMP_ASSIGN(header.dataOffset, r.u32be());
  if (header.dataOffset < kFlvFileHeaderSize || header.dataOffset > file.size()) {
    return base::Error(base::ErrorCode::kMalformed,
                       "FLV file header: DataOffset " + std::to_string(header.dataOffset) +
                           " outside 9.." + std::to_string(file.size()));
  }
  // PreviousTagSize0 follows the header; a file may end right there.
  size_t pos = header.dataOffset;
  if (file.size() - pos >= kPreviousTagSize) {
    pos += kPreviousTagSize;
  } else {
    pos = file.size();
  }
  return FlvFileReader(std::move(file), header, limits, pos);
}

base::Error FlvFileReader::fail(base::Error error) {
  error_ = error;
  return error;
}

base::Result<std::optional<FlvFileTag>> FlvFileReader::next() {
  if (error_) return *error_;
  const size_t size = file_.size();
  if (pos_ >= size) return std::optional<FlvFileTag>();
  if (size - pos_ < kFlvTagHeaderSize) {
    return fail(base::Error(base::ErrorCode::kTruncated,
                            at(pos_) + ": file ends inside the 11-byte tag header (" +
                                std::to_string(size - pos_) + " bytes left)"));
  }
  base::ByteReader r(file_.span().subspan(pos_));
  FlvFileTag tag;
  tag.offset = pos_;
  const uint8_t first = r.u8().value();
  const uint32_t dataSize = r.u24be().value();
  const uint32_t low = r.u24be().value();
  const uint8_t extended = r.u8().value();
  tag.streamId = r.u24be().value();
  tag.type = first & kTagTypeMask;
  tag.timestamp = (static_cast<uint32_t>(extended) << 24) | low;
  if ((first & kFilterBit) != 0) {
    return fail(base::Error(base::ErrorCode::kUnsupported,
                            at(pos_) + ": filtered (encrypted) tags are not supported"));
  }
  if (dataSize > limits_.maxTagSize) {
    return fail(base::Error(base::ErrorCode::kLimitExceeded,
                            at(pos_) + ": tag of " + std::to_string(dataSize) +
                                " bytes exceeds the limit of " +
                                std::to_string(limits_.maxTagSize)));
  }
  const size_t bodyStart = pos_ + kFlvTagHeaderSize;
  if (size - bodyStart < dataSize) {
    return fail(base::Error(base::ErrorCode::kTruncated,
                            at(pos_) + ": file ends inside the tag body (" +
                                std::to_string(dataSize) + " bytes declared, " +
                                std::to_string(size - bodyStart) + " present)"));
  }
  tag.body = file_.slice(bodyStart, dataSize);
  size_t after = bodyStart + dataSize;
  if (size - after >= kPreviousTagSize) {
    base::ByteReader trailer(file_.span().subspan(after, kPreviousTagSize));
    if (trailer.u32be().value() != kFlvTagHeaderSize + dataSize) ++mismatches_;
    after += kPreviousTagSize;
  } else if (size != after) {
    return fail(base::Error(base::ErrorCode::kTruncated,
                            at(pos_) + ": file ends inside the PreviousTagSize field"));
  }
  pos_ = after;
  ++tagsRead_;
  return std::optional<FlvFileTag>(std::move(tag));
}

}  // namespace rtmp::media
