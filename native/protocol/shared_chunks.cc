#include "protocol/shared_chunks.h"

#include <string>

#include "protocol/chunk_header.h"
#include "protocol/chunk_writer.h"

namespace rtmp::protocol {

namespace {

ChunkHeader type0Header(const SharedChunks& shared, uint32_t timestamp, uint32_t streamId) {
  ChunkHeader h;
  h.type = ChunkType::kType0;
  h.csid = shared.csid;
  h.timestamp = timestamp;
  h.length = static_cast<uint32_t>(shared.payload.size());
  h.typeId = shared.typeId;
  h.streamId = streamId;
  return h;
}

}  // namespace

base::Result<SharedChunks> encodeShared(uint32_t csid, uint8_t typeId, uint32_t timestampDelta,
                                        const base::Bytes& payload, uint32_t chunkSize) {
  if (!validChunkStreamId(csid)) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       "shared chunks: csid " + std::to_string(csid) + " is outside 2..65599");
  }
  if (payload.size() > kMaxMessageLength) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       "shared chunks: payload of " + std::to_string(payload.size()) +
                           " bytes does not fit the 24-bit length field");
  }
  if (chunkSize == 0 || chunkSize > kMaxChunkSize) {
    return base::Error(base::ErrorCode::kInvalidArgument,
                       "shared chunks: chunk size " + std::to_string(chunkSize) + " is invalid");
  }

  ChunkHeader first;
  first.type = ChunkType::kType1;
  first.csid = csid;
  first.timestamp = timestampDelta;
  first.length = static_cast<uint32_t>(payload.size());
  first.typeId = typeId;

  base::BytesBuilder out(chunkedSize(first, payload.size(), chunkSize));
  appendChunks(first, payload.span(), chunkSize, out);

  SharedChunks shared;
  shared.bytes = out.freeze();
  shared.firstHeaderSize = encodedSize(first);
  shared.csid = csid;
  shared.typeId = typeId;
  shared.timestampDelta = timestampDelta;
  shared.chunkSize = chunkSize;
  shared.payload = payload;
  return shared;
}

void encodeType0Header(uint32_t csid, uint8_t typeId, uint32_t timestamp, uint32_t length,
                       uint32_t streamId, base::BytesBuilder& out) {
  ChunkHeader h;
  h.type = ChunkType::kType0;
  h.csid = csid;
  h.timestamp = timestamp;
  h.length = length;
  h.typeId = typeId;
  h.streamId = streamId;
  uint8_t buffer[kMaxChunkHeaderSize];
  out.append(buffer, encodeChunkHeader(h, buffer));
}

bool continuationsFitType0(const SharedChunks& shared, uint32_t timestamp) {
  if (shared.payload.size() <= shared.chunkSize) return true;  // one chunk: no continuations
  const bool sharedExtended = shared.timestampDelta >= kExtendedTimestampMarker;
  const bool type0Extended = timestamp >= kExtendedTimestampMarker;
  if (sharedExtended != type0Extended) return false;
  return !sharedExtended || timestamp == shared.timestampDelta;
}

base::Bytes encodeWithType0(const SharedChunks& shared, uint32_t timestamp, uint32_t streamId) {
  const ChunkHeader first = type0Header(shared, timestamp, streamId);
  base::BytesBuilder out(chunkedSize(first, shared.payload.size(), shared.chunkSize));
  appendChunks(first, shared.payload.span(), shared.chunkSize, out);
  return out.freeze();
}

PlayerStart startWithType0(const SharedChunks& shared, uint32_t timestamp, uint32_t streamId) {
  PlayerStart start;
  if (!continuationsFitType0(shared, timestamp)) {
    start.head = encodeWithType0(shared, timestamp, streamId);
    return start;
  }
  base::BytesBuilder head(kMaxChunkHeaderSize);
  encodeType0Header(shared.csid, shared.typeId, timestamp,
                    static_cast<uint32_t>(shared.payload.size()), streamId, head);
  start.head = head.freeze();
  start.tail = shared.bytes.slice(shared.firstHeaderSize);
  return start;
}

}  // namespace rtmp::protocol
