// FlvFileReader: walks the tags of a whole FLV file held in memory, sans-I/O
// (Adobe FLV v10.1 §E.2, §E.3, §E.4.1). Tag bodies are slices of the file's
// Bytes: nothing is copied.
//
// File header (§E.2), 9 bytes in version 1:
//   | 'F' 'L' 'V' | version (1) | 00000 A 0 V | DataOffset (4, BE) |
// Body (§E.3): PreviousTagSize0 (4, always 0), then per tag:
//   | tag header (11) | tag data (DataSize) | PreviousTagSize (4) = 11 + DataSize |
// Tag header (§E.4.1):
//   byte 0     Reserved(2) Filter(1) TagType(5)   8 audio, 9 video, 18 script
//   bytes 1-3  DataSize (24, BE)
//   bytes 4-6  Timestamp (24, BE, ms)
//   byte 7     TimestampExtended (8): the upper 8 bits of a 32-bit timestamp
//   bytes 8-10 StreamID (24): always 0
//
// Choices: a PreviousTagSize that disagrees with the tag is counted, not
// fatal (several muxers write wrong ones and players ignore them). A missing
// final PreviousTagSize is accepted (files cut right after the last tag).
// Filtered (encrypted) tags are kUnsupported. Any other tag type is yielded
// as it is; the caller decides.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/error.h"

namespace rtmp::media {

inline constexpr size_t kFlvFileHeaderSize = 9;
inline constexpr size_t kFlvTagHeaderSize = 11;

struct FlvFileHeader {
  uint8_t version = 0;
  bool hasAudio = false;
  bool hasVideo = false;
  uint32_t dataOffset = 0;
};

struct FlvFileTag {
  uint8_t type = 0;        // 8 audio, 9 video, 18 script data
  uint32_t timestamp = 0;  // ms, TimestampExtended applied
  uint32_t streamId = 0;   // 0 in valid files
  base::Bytes body;        // slice of the file
  uint64_t offset = 0;     // where the tag header starts in the file
};

struct FlvFileLimits {
  // A tag body larger than this is kLimitExceeded (the 24-bit field allows
  // 16 MiB - 1).
  uint32_t maxTagSize = 16u << 20;
};

class FlvFileReader {
 public:
  // Checks the signature and header; kTruncated for a file shorter than the
  // header, kMalformed for another signature or a DataOffset below 9 or past
  // the end.
  static base::Result<FlvFileReader> open(base::Bytes file, FlvFileLimits limits = {});

  const FlvFileHeader& header() const { return header_; }

  // The next tag, or nullopt at the clean end of the file. kTruncated when
  // the file ends inside a tag header or body (the error says where). After
  // an error, returns it again.
  base::Result<std::optional<FlvFileTag>> next();

  // Offset of the next tag header.
  uint64_t position() const { return pos_; }
  uint64_t tagsRead() const { return tagsRead_; }
  uint64_t previousTagSizeMismatches() const { return mismatches_; }

 private:
  FlvFileReader(base::Bytes file, FlvFileHeader header, FlvFileLimits limits, size_t pos);
  base::Error fail(base::Error error);

  base::Bytes file_;
  FlvFileHeader header_;
  FlvFileLimits limits_;
  size_t pos_;
  uint64_t tagsRead_ = 0;
  uint64_t mismatches_ = 0;
  std::optional<base::Error> error_;
};

}  // namespace rtmp::media
