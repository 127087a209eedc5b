// Chunk header encoding, RTMP 1.0 §5.3.1.
#include "protocol/chunk_header.h"

#include <gtest/gtest.h>

#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using testing::ByteVector;
using testing::hex;

ByteVector encode(const ChunkHeader& h) {
  uint8_t buffer[kMaxChunkHeaderSize];
  const size_t n = encodeChunkHeader(h, buffer);
  EXPECT_EQ(n, encodedSize(h));
  return ByteVector(buffer, buffer + n);
}

ChunkHeader header(ChunkType type, uint32_t csid, uint32_t timestamp) {
  ChunkHeader h;
  h.type = type;
  h.csid = csid;
  h.timestamp = timestamp;
  h.length = 0x000102;
  h.typeId = 9;
  h.streamId = 0x04030201;
  return h;
}

TEST(ChunkHeader, Type0) {
  EXPECT_EQ(encode(header(ChunkType::kType0, 6, 0x0a0b0c)),
            hex("06"           // fmt 0, csid 6
                "0a0b0c"       // timestamp
                "000102"       // length
                "09"           // type id
                "01020304"));  // stream id 0x04030201, little-endian
}

TEST(ChunkHeader, Type1) {
  EXPECT_EQ(encode(header(ChunkType::kType1, 6, 0x20)), hex("46 000020 000102 09"));
}

TEST(ChunkHeader, Type2) {
  EXPECT_EQ(encode(header(ChunkType::kType2, 6, 0x20)), hex("86 000020"));
}

TEST(ChunkHeader, Type3) {
  EXPECT_EQ(encode(header(ChunkType::kType3, 6, 0x20)), hex("c6"));
}

TEST(ChunkHeader, ExtendedTimestampOnEveryType) {
  EXPECT_EQ(encode(header(ChunkType::kType0, 6, 0xFFFFFF)),
            hex("06 ffffff 000102 09 01020304 | 00ffffff"));
  EXPECT_EQ(encode(header(ChunkType::kType1, 6, 0x12345678)),
            hex("46 ffffff 000102 09 | 12345678"));
  EXPECT_EQ(encode(header(ChunkType::kType2, 6, 0x01000000)), hex("86 ffffff | 01000000"));
  EXPECT_EQ(encode(header(ChunkType::kType3, 6, 0x01000000)), hex("c6 | 01000000"));
}

TEST(ChunkHeader, JustBelowTheMarkerStaysInThreeBytes) {
  EXPECT_EQ(encode(header(ChunkType::kType2, 6, 0xFFFFFE)), hex("86 fffffe"));
}

TEST(ChunkHeader, BasicHeaderFormsAtTheEdges) {
  EXPECT_EQ(encode(header(ChunkType::kType3, 2, 0)), hex("c2"));
  EXPECT_EQ(encode(header(ChunkType::kType3, 63, 0)), hex("ff"));
  EXPECT_EQ(encode(header(ChunkType::kType3, 64, 0)), hex("c0 00"));
  EXPECT_EQ(encode(header(ChunkType::kType3, 319, 0)), hex("c0 ff"));
  EXPECT_EQ(encode(header(ChunkType::kType3, 320, 0)), hex("c1 00 01"));  // 256: low, high
  EXPECT_EQ(encode(header(ChunkType::kType3, 65599, 0)), hex("c1 ff ff"));
  EXPECT_EQ(basicHeaderSize(63), 1u);
  EXPECT_EQ(basicHeaderSize(64), 2u);
  EXPECT_EQ(basicHeaderSize(319), 2u);
  EXPECT_EQ(basicHeaderSize(320), 3u);
}

TEST(ChunkHeader, LargestHeaderFitsTheBound) {
  EXPECT_EQ(encode(header(ChunkType::kType0, 65599, 0xFFFFFFFF)).size(), kMaxChunkHeaderSize);
}

TEST(ChunkHeader, ValidChunkStreamIds) {
  EXPECT_FALSE(validChunkStreamId(0));
  EXPECT_FALSE(validChunkStreamId(1));
  EXPECT_TRUE(validChunkStreamId(2));
  EXPECT_TRUE(validChunkStreamId(65599));
  EXPECT_FALSE(validChunkStreamId(65600));
}

}  // namespace
}  // namespace rtmp::protocol
