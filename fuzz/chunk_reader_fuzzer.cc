// Fuzzes ChunkReader with the whole input in one feed(). Every message it
// yields (other than Set Chunk Size / Abort, which steer the reader) must
// survive ChunkWriter -> a fresh ChunkReader unchanged.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "protocol/chunk_reader.h"
#include "protocol/chunk_writer.h"
#include "protocol/message.h"

using rtmp::protocol::ChunkReader;
using rtmp::protocol::ChunkReaderLimits;
using rtmp::protocol::ChunkWriter;
using rtmp::protocol::Message;
using rtmp::protocol::MessageType;

namespace {

// Small bounds keep each run fast; the limit paths are reached more often.
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
  ChunkReader reader(fuzzLimits());
  std::vector<Message> messages;
  (void)reader.feed({data, size}, messages);
  if (reader.bytesConsumed() != size) __builtin_trap();

  std::vector<Message> kept;
  for (auto& m : messages) {
    if (m.type() != MessageType::kSetChunkSize && m.type() != MessageType::kAbort) {
      kept.push_back(m);
    }
  }
  ChunkWriter writer;
  rtmp::base::BytesBuilder wire;
  for (const auto& m : kept) {
    if (!writer.write(m, wire).ok()) __builtin_trap();  // reader output is always writable
  }
  const rtmp::base::Bytes bytes = wire.freeze();
  ChunkReaderLimits roomy;
  roomy.maxChunkStreams = 1 << 17;
  ChunkReader again(roomy);
  std::vector<Message> back;
  if (!again.feed(bytes.span(), back).ok()) __builtin_trap();
  if (back.size() != kept.size()) __builtin_trap();
  for (size_t i = 0; i < kept.size(); ++i) {
    if (!same(back[i], kept[i])) __builtin_trap();
  }
  return 0;
}
