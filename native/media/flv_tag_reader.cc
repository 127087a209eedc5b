#include "media/flv_tag_reader.h"

#include <string>

#include "base/endian.h"

namespace rtmp::media {

namespace {

constexpr uint8_t kReservedShift = 6;
constexpr uint8_t kFilterBit = 0x20;
constexpr uint8_t kTagTypeMask = 0x1F;

std::string at(size_t offset) {
  return "FLV tag at offset " + std::to_string(offset);
}

}  // namespace

FlvTagReader::FlvTagReader(std::span<const uint8_t> data, FlvTagReaderOptions options, size_t start)
    : data_(data), options_(options), pos_(start < data.size() ? start : data.size()) {}

base::Error FlvTagReader::fail(base::Error error) {
  error_ = error;
  return error;
}

base::Result<std::optional<FlvTagView>> FlvTagReader::next() {
  if (error_) return *error_;
  const size_t size = data_.size();
  if (pos_ >= size) return std::optional<FlvTagView>();
  const size_t left = size - pos_;
  if (left < kFlvTagHeaderSize) {
    return fail(base::Error(base::ErrorCode::kTruncated,
                            at(pos_) + ": input ends inside the 11-byte tag header (" +
                                std::to_string(left) + " bytes left)"));
  }
  const uint8_t* h = data_.data() + pos_;
  FlvTagView tag;
  tag.offset = pos_;
  tag.type = h[0] & kTagTypeMask;
  tag.filtered = (h[0] & kFilterBit) != 0;
  tag.reserved = static_cast<uint8_t>(h[0] >> kReservedShift);
  tag.bodySize = base::loadBe24(h + 1);
  tag.timestamp = (uint32_t{h[7]} << 24) | base::loadBe24(h + 4);
  tag.streamId = base::loadBe24(h + 8);
  tag.bodyOffset = pos_ + kFlvTagHeaderSize;

  if (tag.filtered && options_.rejectFiltered) {
    return fail(base::Error(base::ErrorCode::kUnsupported,
                            at(pos_) + ": filtered (encrypted) tags are not supported"));
  }
  if (tag.bodySize > options_.maxDataSize) {
    return fail(base::Error(base::ErrorCode::kLimitExceeded,
                            at(pos_) + ": tag of " + std::to_string(tag.bodySize) +
                                " bytes exceeds the limit of " +
                                std::to_string(options_.maxDataSize)));
  }
  if (size - tag.bodyOffset < tag.bodySize) {
    return fail(base::Error(base::ErrorCode::kTruncated,
                            at(pos_) + ": input ends inside the tag body (" +
                                std::to_string(tag.bodySize) + " bytes declared, " +
                                std::to_string(size - tag.bodyOffset) + " present)"));
  }
  size_t after = tag.bodyOffset + tag.bodySize;
  if (size - after >= kFlvPreviousTagSizeSize) {
    tag.previousTagSize = base::loadBe32(data_.data() + after);
    if (*tag.previousTagSize != kFlvTagHeaderSize + tag.bodySize) ++mismatches_;
    after += kFlvPreviousTagSizeSize;
  } else if (size != after || !options_.trailerOptionalAtEnd) {
    return fail(base::Error(base::ErrorCode::kTruncated,
                            at(pos_) + ": input ends inside the 4-byte PreviousTagSize (" +
                                std::to_string(size - after) + " bytes left)"));
  }
  pos_ = after;
  ++tagsRead_;
  return std::optional<FlvTagView>(tag);
}

}  // namespace rtmp::media
