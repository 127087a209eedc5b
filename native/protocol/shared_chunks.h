// Chunk bytes encoded once per media message and written to every player.
//
// Players differ in timestamp base and message stream id, so the shared form
// carries neither: its first header is type 1 (§5.3.1.2.2), holding only the
// timestamp DELTA from the previous message on the csid, the length and the
// type id; the stream id is inherited from the last type-0 header the player
// received on that csid. A player starts, and re-syncs after dropped messages,
// with its own type-0 header; every following shared message then applies:
//
//   per player:  [type-0 header: T0, len, type, stream id][part 1][type 3][part 2]...
//   shared:      [type-1 header: delta, len, type][part 1][type 3][part 2]...
//                 ^-- firstHeaderSize --^ the rest is reused after a type-0 header
//
// The catch (§5.3.1.3): a type-3 continuation header carries the 4-byte
// extended timestamp exactly when the header that started the message did,
// and readers that check its value (SRS, our ChunkReader) expect the value of
// that header. The shared continuations carry the delta's extended field (if
// delta >= 0xFFFFFF); after a type-0 header with timestamp T they are only
// right when T and delta agree on needing the field and, if they do, T ==
// delta. A message that fits in one chunk has no continuations and always
// fits. startWithType0() checks this and falls back to a per-player encoding.
//
// Preconditions for the caller: the player's outgoing chunk size equals the
// one used here, and the csid carries only shared output for that player (if
// its ChunkWriter ever writes there, call ChunkWriter::reset(csid) and start
// the next shared message with a type-0 header again).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"

namespace rtmp::protocol {

struct SharedChunks {
  base::Bytes bytes;           // [type-1 header][part][type-3 header][part]...
  size_t firstHeaderSize = 0;  // bytes of the leading type-1 header
  uint32_t csid = 0;
  uint8_t typeId = 0;
  uint32_t timestampDelta = 0;
  uint32_t chunkSize = 0;
  base::Bytes payload;  // the message payload, kept for the per-player fallback
};

// Encodes a message once for fan-out. kInvalidArgument for a csid outside
// 2..65599, a payload over 0xFFFFFF bytes or a chunk size outside 1..0x7FFFFFFF.
base::Result<SharedChunks> encodeShared(uint32_t csid, uint8_t typeId, uint32_t timestampDelta,
                                        const base::Bytes& payload, uint32_t chunkSize);

// Appends a type-0 header (with the extended timestamp when timestamp >=
// 0xFFFFFF). Arguments are as checked by encodeShared.
void encodeType0Header(uint32_t csid, uint8_t typeId, uint32_t timestamp, uint32_t length,
                       uint32_t streamId, base::BytesBuilder& out);

// Whether shared.bytes.slice(firstHeaderSize) may follow a type-0 header with
// `timestamp` (see the catch above).
bool continuationsFitType0(const SharedChunks& shared, uint32_t timestamp);

// The whole message encoded for one player, starting with a type-0 header.
base::Bytes encodeWithType0(const SharedChunks& shared, uint32_t timestamp, uint32_t streamId);

// What to write to start (or re-sync) a player with this message: `head`
// then `tail`. Usually head is the player's type-0 header and tail shares the
// encoded bytes; when the continuations do not fit, head is the full
// per-player encoding and tail is empty.
struct PlayerStart {
  base::Bytes head;
  base::Bytes tail;
};
PlayerStart startWithType0(const SharedChunks& shared, uint32_t timestamp, uint32_t streamId);

}  // namespace rtmp::protocol
