#include "media/flv_file_reader.h"

#include <string>
#include <utility>

#include "base/byte_reader.h"

namespace rtmp::media {

FlvFileReader::FlvFileReader(base::Bytes file, FlvFileHeader header, FlvFileLimits limits,
                             size_t pos)
    : file_(std::move(file)),
      header_(header),
      tags_(file_.span(),
            FlvTagReaderOptions{.maxDataSize = limits.maxTagSize,
                                .trailerOptionalAtEnd = true,
                                .rejectFiltered = true},
            pos) {}

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
  if (file.size() - pos >= kFlvPreviousTagSizeSize) {
    pos += kFlvPreviousTagSizeSize;
  } else {
    pos = file.size();
  }
  return FlvFileReader(std::move(file), header, limits, pos);
}

base::Result<std::optional<FlvFileTag>> FlvFileReader::next() {
  RTMP_ASSIGN(std::optional<FlvTagView> view, tags_.next());
  if (!view) return std::optional<FlvFileTag>();
  FlvFileTag tag;
  tag.type = view->type;
  tag.timestamp = view->timestamp;
  tag.streamId = view->streamId;
  tag.body = file_.slice(view->bodyOffset, view->bodySize);
  tag.offset = view->offset;
  return std::optional<FlvFileTag>(std::move(tag));
}

}  // namespace rtmp::media
