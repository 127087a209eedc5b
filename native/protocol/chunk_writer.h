// ChunkWriter: splits outgoing messages into chunks (RTMP 1.0 §5.3), one per
// connection. It remembers the last message per csid to pick the smallest
// header the peer can decode:
//   type 0  first message on the csid, another message stream id, or a
//           timestamp lower than the previous one (§5.3.1.2.1)
//   type 1  same stream id; length or type id differs
//   type 2  same stream id, length and type id; the delta differs
//   type 3  all of that equal and the same delta as the previous message
// Chunks after the first are type 3 and repeat the extended timestamp when the
// first header has one (§5.3.1.3), as FFmpeg, librtmp and SRS expect.
//
// A new message never starts with type 3 right after a type-0 header: the spec
// says the delta is then the type-0 timestamp, but nginx-rtmp reads it as 0,
// so the writer sends one type-2 header instead and every reader agrees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>

#include "base/bytes.h"
#include "base/error.h"
#include "protocol/chunk_header.h"
#include "protocol/message.h"

namespace rtmp::protocol {

class ChunkWriter {
 public:
  ChunkWriter() = default;

  // Appends the chunks of `message` to `out`. kInvalidArgument (nothing
  // written, state unchanged) for a csid outside 2..65599 or a payload longer
  // than the 24-bit length field.
  base::Status write(const Message& message, base::BytesBuilder& out);

  // Outgoing chunk size for the following writes. The caller sends Set Chunk
  // Size (encodeSetChunkSize) with the old size first. kInvalidArgument
  // outside 1..0x7FFFFFFF.
  base::Status setChunkSize(uint32_t chunkSize);
  uint32_t chunkSize() const { return chunkSize_; }

  // Forgets what was sent on `csid`, so its next message uses a type-0 header
  // (e.g. after the csid was written by someone else, such as shared chunks).
  void reset(uint32_t csid) { streams_.erase(csid); }

 private:
  struct Last {
    uint32_t streamId = 0;
    uint32_t timestamp = 0;
    uint32_t length = 0;
    uint8_t typeId = 0;
    uint32_t delta = 0;
    bool deltaKnown = false;  // false right after a type-0 header (see above)
  };

  uint32_t chunkSize_ = kDefaultChunkSize;
  std::unordered_map<uint32_t, Last> streams_;
};

// Appends `payload` as chunks: `first` (its csid and timestamp value are
// reused by the type-3 continuation headers), then type-3 headers between
// chunkSize-byte parts. Shared by ChunkWriter and shared_chunks.
void appendChunks(const ChunkHeader& first, std::span<const uint8_t> payload, uint32_t chunkSize,
                  base::BytesBuilder& out);
// Exact byte count appendChunks() will append.
size_t chunkedSize(const ChunkHeader& first, size_t payloadSize, uint32_t chunkSize);

}  // namespace rtmp::protocol
