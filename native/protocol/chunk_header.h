// Chunk header encoding shared by ChunkWriter and the shared fan-out encoder.
// RTMP 1.0 §5.3.1.
//
//  +--------------+----------------+--------------------+--------------+
//  | Basic Header | Message Header | Extended Timestamp |  Chunk Data  |
//  +--------------+----------------+--------------------+--------------+
//  |<------------------- Chunk Header ----------------->|
//
// Basic header (§5.3.1.1), fmt = header type in the top two bits:
//   csid 2..63       1 byte   |fmt| csid      |
//   csid 64..319     2 bytes  |fmt|    0      | csid - 64        |
//   csid 64..65599   3 bytes  |fmt|    1      | (csid - 64) low  | (csid - 64) high |
//
// Message header (§5.3.1.2), big-endian except the stream id:
//   type 0 (11 bytes): timestamp(3) length(3) type id(1) stream id(4, little-endian)
//   type 1 (7 bytes):  timestamp delta(3) length(3) type id(1)
//   type 2 (3 bytes):  timestamp delta(3)
//   type 3 (0 bytes)
//
// Extended timestamp (§5.3.1.3): when the absolute timestamp (type 0) or the
// delta (types 1/2) is >= 0xFFFFFF the 3-byte field holds 0xFFFFFF and the
// full 32-bit value follows the message header. Type 3 chunks repeat that
// 4-byte field whenever the type 0/1/2 header they follow carried it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rtmp::protocol {

// The four message header formats, §5.3.1.2.
enum class ChunkType : uint8_t { kType0 = 0, kType1 = 1, kType2 = 2, kType3 = 3 };

inline constexpr uint32_t kMinChunkStreamId = 2;
inline constexpr uint32_t kMaxChunkStreamId = 65599;  // 64 + 0xFFFF
inline constexpr uint32_t kExtendedTimestampMarker = 0xFFFFFF;
inline constexpr uint32_t kMaxMessageLength = 0xFFFFFF;  // 24-bit length field
inline constexpr uint32_t kDefaultChunkSize = 128;       // §5.4.1
inline constexpr uint32_t kMaxChunkSize = 0x7FFFFFFF;    // §5.4.1: top bit must be zero
// Basic header 3 + type-0 message header 11 + extended timestamp 4.
inline constexpr size_t kMaxChunkHeaderSize = 18;

// One chunk header to encode. `timestamp` is the value the header carries:
// the absolute timestamp for type 0, the delta for types 1 and 2, and for a
// type 3 chunk the value of the type 0/1/2 header it repeats (it decides
// whether the 4-byte extended field is written, and what it holds).
struct ChunkHeader {
  ChunkType type = ChunkType::kType0;
  uint32_t csid = 0;  // must be in [kMinChunkStreamId, kMaxChunkStreamId]
  uint32_t timestamp = 0;
  uint32_t length = 0;    // types 0 and 1; must be <= kMaxMessageLength
  uint8_t typeId = 0;     // types 0 and 1
  uint32_t streamId = 0;  // type 0

  bool extended() const { return timestamp >= kExtendedTimestampMarker; }
};

inline bool validChunkStreamId(uint32_t csid) {
  return csid >= kMinChunkStreamId && csid <= kMaxChunkStreamId;
}

// 1, 2 or 3 bytes, §5.3.1.1.
size_t basicHeaderSize(uint32_t csid);
// Message header size for a type: 11, 7, 3 or 0.
size_t messageHeaderSize(ChunkType type);
// Full encoded size of `header`, including the extended timestamp.
size_t encodedSize(const ChunkHeader& header);
// Writes `header` to `out` (room for kMaxChunkHeaderSize bytes) and returns the
// number of bytes written. The caller has checked csid and length.
size_t encodeChunkHeader(const ChunkHeader& header, uint8_t* out);

}  // namespace rtmp::protocol
