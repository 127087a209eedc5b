#include "protocol/chunk_writer.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace rtmp::protocol {

namespace {

ChunkHeader continuationOf(const ChunkHeader& first) {
  ChunkHeader c;
  c.type = ChunkType::kType3;
  c.csid = first.csid;
  c.timestamp = first.timestamp;  // repeats the extended field when first has one
  return c;
}

}  // namespace

size_t chunkedSize(const ChunkHeader& first, size_t payloadSize, uint32_t chunkSize) {
  const size_t chunks = payloadSize == 0 ? 1 : (payloadSize + chunkSize - 1) / chunkSize;
  return encodedSize(first) + payloadSize + (chunks - 1) * encodedSize(continuationOf(first));
}

void appendChunks(const ChunkHeader& first, std::span<const uint8_t> payload, uint32_t chunkSize,
                  base::BytesBuilder& out) {
  const ChunkHeader next = continuationOf(first);
  uint8_t* p = out.extend(chunkedSize(first, payload.size(), chunkSize));
  p += encodeChunkHeader(first, p);
  size_t offset = 0;
  while (true) {
    const size_t part = std::min<size_t>(chunkSize, payload.size() - offset);
    if (part > 0) std::memcpy(p, payload.data() + offset, part);
    p += part;
    offset += part;
    if (offset >= payload.size()) break;
    p += encodeChunkHeader(next, p);
  }
}

base::Status ChunkWriter::setChunkSize(uint32_t chunkSize) {
  if (chunkSize == 0 || chunkSize > kMaxChunkSize) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       "chunk size " + std::to_string(chunkSize) + " is outside 1..0x7FFFFFFF");
  }
  chunkSize_ = chunkSize;
  return base::okStatus();
}

base::Status ChunkWriter::write(const Message& message, base::BytesBuilder& out) {
  if (!validChunkStreamId(message.csid)) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       "chunk stream id " + std::to_string(message.csid) + " is outside 2..65599");
  }
  if (message.payload.size() > kMaxMessageLength) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       "message of " + std::to_string(message.payload.size()) +
                           " bytes does not fit the 24-bit length field");
  }
  const auto length = static_cast<uint32_t>(message.payload.size());

  ChunkHeader header;
  header.csid = message.csid;
  header.length = length;
  header.typeId = message.typeId;
  header.streamId = message.streamId;

  auto it = streams_.find(message.csid);
  const bool fresh = it == streams_.end();
  Last& last = fresh ? streams_[message.csid] : it->second;
  const uint32_t delta = message.timestamp - last.timestamp;
  if (fresh || message.streamId != last.streamId || message.timestamp < last.timestamp) {
    header.type = ChunkType::kType0;
    header.timestamp = message.timestamp;
  } else if (length != last.length || message.typeId != last.typeId) {
    header.type = ChunkType::kType1;
    header.timestamp = delta;
  } else if (!last.deltaKnown || delta != last.delta) {
    header.type = ChunkType::kType2;
    header.timestamp = delta;
  } else {
    header.type = ChunkType::kType3;
    header.timestamp = delta;
  }

  appendChunks(header, message.payload.span(), chunkSize_, out);

  last.streamId = message.streamId;
  last.timestamp = message.timestamp;
  last.length = length;
  last.typeId = message.typeId;
  last.delta = delta;
  last.deltaKnown = header.type != ChunkType::kType0;
  return base::okStatus();
}

}  // namespace rtmp::protocol
