// FlvFileReader: walks the tags of a whole FLV file held in memory, sans-I/O
// (Adobe FLV v10.1 §E.2, §E.3, §E.4.1). Tag bodies are slices of the file's
// Bytes: nothing is copied.
//
// File header (§E.2), 9 bytes in version 1:
//   | 'F' 'L' 'V' | version (1) | 00000 A 0 V | DataOffset (4, BE) |
// Body (§E.3): PreviousTagSize0 (4, always 0), then per tag:
//   | tag header (11) | tag data (DataSize) | PreviousTagSize (4) = 11 + DataSize |
// The tags are walked by FlvTagReader (flv_tag_reader.h draws the tag header).
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
#include "media/flv_tag_reader.h"

namespace rtmp::media {

inline constexpr size_t kFlvFileHeaderSize = 9;

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
  uint64_t position() const { return tags_.position(); }
  uint64_t tagsRead() const { return tags_.tagsRead(); }
  uint64_t previousTagSizeMismatches() const { return tags_.previousTagSizeMismatches(); }

 private:
  FlvFileReader(base::Bytes file, FlvFileHeader header, FlvFileLimits limits, size_t pos);

  base::Bytes file_;  // owns the bytes tags_ reads (a heap block: moves keep it in place)
  FlvFileHeader header_;
  FlvTagReader tags_;
};

}  // namespace rtmp::media
