// Split-feed fuzzer for ChunkReader. The first input byte says how many of
// the next bytes are piece sizes; the rest is the chunk stream, fed in those
// pieces (cycling). Fed in pieces it must yield exactly what one feed() of the
// same bytes yields: the same messages, and an error at the same point.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/chunk_reader.h"
#include "protocol/message.h"

using rtmp::protocol::ChunkReader;
using rtmp::protocol::ChunkReaderLimits;
using rtmp::protocol::Message;

namespace {

ChunkReaderLimits fuzzLimits() {
  ChunkReaderLimits limits;
  limits.maxMessageSize = 1 << 20;
  limits.maxChunkStreams = 16;
  limits.maxBufferedBytes = 2 << 20;
  return limits;
}

bool same(const Message& a, const Message& b) {
  return a.csid == b.csid && a.typeId == b.typeId && a.streamId == b.streamId &&
         a.timestamp == b.timestamp && a.payload == b.payload;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t count = std::min<size_t>(data[0] % 16, size - 1);
  const std::span<const uint8_t> sizes(data + 1, count);
  const std::span<const uint8_t> stream(data + 1 + count, size - 1 - count);

  ChunkReader whole(fuzzLimits());
  std::vector<Message> expected;
  const auto wholeStatus = whole.feed(stream, expected);

  ChunkReader pieces(fuzzLimits());
  std::vector<Message> got;
  std::optional<rtmp::base::ErrorCode> error;
  size_t pos = 0;
  for (size_t i = 0; pos < stream.size() && !error; ++i) {
    // Piece sizes cycle through `sizes` (1 byte each when there are none).
    // A 0 is an empty feed followed by a 1-byte one.
    size_t n = sizes.empty() ? 1 : sizes[i % sizes.size()];
    if (n == 0) {
      auto empty = pieces.feed({}, got);
      if (!empty.ok()) error = empty.error().code();
      n = 1;
    }
    n = std::min(n, stream.size() - pos);
    auto status = pieces.feed(stream.subspan(pos, n), got);
    if (!status.ok() && !error) error = status.error().code();
    pos += n;
  }

  if (wholeStatus.ok() != !error.has_value()) __builtin_trap();
  if (error && *error != wholeStatus.error().code()) __builtin_trap();
  if (got.size() != expected.size()) __builtin_trap();
  for (size_t i = 0; i < got.size(); ++i) {
    if (!same(got[i], expected[i])) __builtin_trap();
  }
  if (pieces.bufferedBytes() != whole.bufferedBytes() && !error) __builtin_trap();
  return 0;
}
