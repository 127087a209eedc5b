// Fuzzes FlvTagReader (aggregate bodies, FLV file bodies). The first byte
// picks the options; the rest is the span. Every tag must lie inside the
// span, tags must follow each other without gaps, the walk must end, and an
// error must stay sticky.
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/flv_tag_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rtmp::media;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::span<const uint8_t> span(data + 1, size - 1);
  FlvTagReaderOptions options;
  options.trailerOptionalAtEnd = (mode & 0x01) != 0;
  options.rejectFiltered = (mode & 0x02) != 0;
  if ((mode & 0x04) != 0) options.maxDataSize = mode >> 3;  // tiny limits reach that path
  const size_t start = (mode & 0x80) != 0 ? (mode & 0x0F) : 0;

  FlvTagReader reader(span, options, start);
  size_t expected = start < span.size() ? start : span.size();
  // Each tag takes at least 11 bytes: more iterations than that is a loop.
  for (size_t i = 0; i <= span.size() / kFlvTagHeaderSize + 1; ++i) {
    auto tag = reader.next();
    if (!tag.ok()) {
      auto again = reader.next();
      if (again.ok() || again.error().code() != tag.error().code()) __builtin_trap();
      if (reader.position() != expected) __builtin_trap();
      return 0;
    }
    if (!tag->has_value()) {
      if (reader.position() != span.size()) __builtin_trap();
      return 0;
    }
    const FlvTagView& t = **tag;
    if (t.offset != expected || t.bodyOffset != t.offset + kFlvTagHeaderSize) __builtin_trap();
    if (t.bodySize > options.maxDataSize) __builtin_trap();
    if (t.bodyOffset + t.bodySize > span.size()) __builtin_trap();
    if (options.rejectFiltered && t.filtered) __builtin_trap();
    const size_t end = t.bodyOffset + t.bodySize + (t.previousTagSize ? 4 : 0);
    if (!t.previousTagSize && (!options.trailerOptionalAtEnd || end != span.size())) {
      __builtin_trap();
    }
    if (end > span.size() || reader.position() != end) __builtin_trap();
    if (reader.previousTagSizeMismatches() > reader.tagsRead()) __builtin_trap();
    expected = end;
  }
  __builtin_trap();  // did not end
}
