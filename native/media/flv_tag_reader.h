// FlvTagReader: walks a run of FLV tags in a byte span, sans-I/O and bounded
// (Adobe FLV v10.1 §E.3, §E.4.1). The same layout appears in an FLV file body
// and in an RTMP aggregate message (RTMP 1.0 §7.1.6), so FlvFileReader and
// the session's aggregate handler both read through it.
//
// One tag, as it sits in the span:
//
//   offset  size  field
//   0       1     Reserved(2) Filter(1) TagType(5)   8 audio, 9 video, 18 script
//   1       3     DataSize (BE)                      body length, <= 16 MiB - 1
//   4       3     Timestamp (BE, ms)                 low 24 bits
//   7       1     TimestampExtended                  bits 24..31 of the timestamp
//   8       3     StreamID (BE)                      always 0
//   11      N     tag body (DataSize bytes)
//   11+N    4     PreviousTagSize (BE)               = 11 + DataSize
//
//   e.g. an audio tag of 2 bytes at 0x01020304 ms:
//   08 | 00 00 02 | 02 03 04 | 01 | 00 00 00 | AF 00 | 00 00 00 0D
//
// Choices: the reader reports the header as it is (type, Filter and Reserved
// bits apart) and yields every tag type; rejecting filtered tags is an
// option. A PreviousTagSize that disagrees with the tag is counted, not fatal
// (several muxers write wrong ones; players ignore them). Whether the last
// tag may end without its PreviousTagSize is an option (FLV files are often
// cut right after a tag; an aggregate carries every back-pointer). Errors are
// sticky: after one, next() returns it again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/error.h"

namespace rtmp::media {

inline constexpr size_t kFlvTagHeaderSize = 11;
inline constexpr size_t kFlvPreviousTagSizeSize = 4;
// The 24-bit DataSize field cannot say more than this.
inline constexpr uint32_t kFlvMaxDataSize = 0xFFFFFF;

struct FlvTagReaderOptions {
  // A body larger than this is kLimitExceeded.
  uint32_t maxDataSize = kFlvMaxDataSize;
  // Accept a final tag that ends exactly at the end of the span, without its
  // PreviousTagSize. A partial PreviousTagSize is always kTruncated.
  bool trailerOptionalAtEnd = false;
  // kUnsupported for a tag with the Filter bit set (encrypted body), checked
  // before anything else about that tag.
  bool rejectFiltered = false;
};

// One tag's header and where its body lies. Offsets count from the start of
// the span the reader was given.
struct FlvTagView {
  uint8_t type = 0;        // TagType, the low 5 bits of byte 0
  bool filtered = false;   // Filter bit: the body is encrypted (§E.4.1)
  uint8_t reserved = 0;    // the top 2 bits of byte 0, 0 in valid tags
  uint32_t timestamp = 0;  // ms, TimestampExtended applied
  uint32_t streamId = 0;   // 0 in valid tags
  size_t offset = 0;       // where the tag header starts
  size_t bodyOffset = 0;   // offset + 11
  uint32_t bodySize = 0;   // DataSize
  // The PreviousTagSize after the body, absent only where the options allow.
  std::optional<uint32_t> previousTagSize;
};

class FlvTagReader {
 public:
  // Reads tags from data[start..]: `start` lets a file reader skip the file
  // header while keeping offsets relative to the whole file.
  explicit FlvTagReader(std::span<const uint8_t> data, FlvTagReaderOptions options = {},
                        size_t start = 0);

  // The next tag, or nullopt at the clean end of the span. kTruncated when
  // the span ends inside a header, body or PreviousTagSize; kLimitExceeded
  // for a body over options.maxDataSize; kUnsupported for a filtered tag if
  // options.rejectFiltered. Messages name the tag's offset.
  base::Result<std::optional<FlvTagView>> next();

  // Offset of the next tag header.
  size_t position() const { return pos_; }
  uint64_t tagsRead() const { return tagsRead_; }
  // Tags whose PreviousTagSize was present and not 11 + DataSize.
  uint64_t previousTagSizeMismatches() const { return mismatches_; }

 private:
  base::Error fail(base::Error error);

  std::span<const uint8_t> data_;
  FlvTagReaderOptions options_;
  size_t pos_;
  uint64_t tagsRead_ = 0;
  uint64_t mismatches_ = 0;
  std::optional<base::Error> error_;
};

}  // namespace rtmp::media
