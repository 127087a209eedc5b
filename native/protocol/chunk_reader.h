// ChunkReader: reassembles RTMP messages from a chunk stream (RTMP 1.0 §5.3).
// Sans-I/O: feed it bytes in any split, it appends every completed message.
//
// Rules this reader applies, where the spec or real peers leave room:
//  * Timestamps. Type 0 carries the absolute timestamp; types 1 and 2 carry a
//    delta added (mod 2^32) to the previous message's timestamp on that csid;
//    a type-3 chunk that starts a new message reuses the last delta. After a
//    type-0 header the "last delta" is that header's timestamp (§5.3.1.2.4:
//    "a chunk of Type 3 could immediately follow the chunk of Type 0").
//  * Extended timestamp on type-3 chunks. The spec and most encoders (FFmpeg,
//    librtmp, Flash, SRS) repeat the 4-byte field on every type-3 chunk that
//    follows a header which used it; some (nginx-rtmp without play_time_fix)
//    omit it on continuation chunks. So on a continuation chunk the reader
//    peeks at 4 bytes and consumes them only if they equal the extended value
//    of the header that started the message, or the message's absolute
//    timestamp (the value SRS checks for); otherwise they are payload. A
//    type-3 chunk starting a new message must carry the field and its value
//    is the delta (what FFmpeg writes when the deltas differ but both need
//    the field).
//    The peek waits for 4 bytes, so with an omitting encoder a final chunk
//    shorter than 4 bytes is emitted only once more bytes arrive.
//  * A type 1/2/3 chunk on a csid with no state is kChunkState, except a
//    type 1 on csid 2: librtmp sends its first Ping Response / Set Buffer
//    Length that way, so csid 2 starts from stream 0, timestamp 0.
//  * A type 0/1/2 header while a message on that csid is incomplete is
//    kChunkState (only type 3 may continue a message; Abort clears it).
//  * Set Chunk Size (type 1) applies from the next chunk on; Abort (type 2)
//    drops the partial message of the csid it names. Both are still emitted.
//    They apply whichever csid/stream they arrive on, as other servers do.
//
// After any error the reader stays failed and returns that error again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "protocol/chunk_header.h"
#include "protocol/message.h"

namespace rtmp::protocol {

struct ChunkReaderLimits {
  // Declared message length above this is kMessageTooLarge. The 24-bit length
  // field caps it at 16 MiB - 1 anyway.
  uint32_t maxMessageSize = 16u << 20;
  // Chunk streams with state (each one the peer starts with a type-0 header);
  // one more is kLimitExceeded.
  size_t maxChunkStreams = 64;
  // Sum of payload bytes held in incomplete messages; past it kLimitExceeded.
  uint64_t maxBufferedBytes = 32u << 20;
};

class ChunkReader {
 public:
  explicit ChunkReader(ChunkReaderLimits limits = {});
  ~ChunkReader();
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // Consumes all of `bytes`, appending completed messages to `out` in the
  // order they completed. On error, messages completed before it are in `out`.
  base::Status feed(std::span<const uint8_t> bytes, std::vector<Message>& out);

  // Total bytes fed so far, for Acknowledgements (§5.4.3). The session adds
  // the handshake bytes it read itself.
  uint64_t bytesConsumed() const { return bytesConsumed_; }
  // Current incoming chunk size (128 until the peer sends Set Chunk Size).
  uint32_t chunkSize() const { return chunkSize_; }
  size_t chunkStreamCount() const { return streams_.size(); }
  uint64_t bufferedBytes() const { return buffered_; }
  bool failed() const { return error_.has_value(); }

 private:
  struct Stream;
  struct Header;
  enum class Parse { kNeedMore, kDone };

  base::Result<Parse> parseHeader(std::span<const uint8_t> in, Header& h) const;
  base::Status applyHeader(const Header& h);
  base::Status startMessage(Stream& s);
  base::Status appendData(std::span<const uint8_t> data, std::vector<Message>& out);
  base::Status completeMessage(Stream& s, std::vector<Message>& out);
  base::Status feedLoop(std::span<const uint8_t> bytes, std::vector<Message>& out);
  Stream* find(uint32_t csid) const;
  void abort(uint32_t csid);

  ChunkReaderLimits limits_;
  uint32_t chunkSize_ = kDefaultChunkSize;
  uint64_t bytesConsumed_ = 0;
  uint64_t buffered_ = 0;
  std::unordered_map<uint32_t, std::unique_ptr<Stream>> streams_;

  // Between chunks: bytes of a header split across feed() calls.
  uint8_t pending_[kMaxChunkHeaderSize] = {};
  size_t pendingSize_ = 0;
  // Inside a chunk: the stream receiving its data and how much is left.
  Stream* current_ = nullptr;
  uint32_t chunkLeft_ = 0;

  std::optional<base::Error> error_;
};

}  // namespace rtmp::protocol
