// ChunkWriter: header type choice, splitting, extended timestamps, errors.
#include "protocol/chunk_writer.h"

#include <gtest/gtest.h>

#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using testing::bytesOf;
using testing::ByteVector;
using testing::cat;
using testing::counting;
using testing::hex;
using testing::toVector;

Message message(uint32_t csid, uint8_t typeId, uint32_t streamId, uint32_t timestamp,
                const ByteVector& payload) {
  Message m;
  m.csid = csid;
  m.typeId = typeId;
  m.streamId = streamId;
  m.timestamp = timestamp;
  m.payload = bytesOf(payload);
  return m;
}

ByteVector write(ChunkWriter& writer, const Message& m) {
  base::BytesBuilder out;
  auto status = writer.write(m, out);
  EXPECT_TRUE(status.ok()) << status.error().toString();
  return toVector(out.freeze());
}

TEST(ChunkWriter, FirstMessageOnCsidIsType0) {
  ChunkWriter w;
  EXPECT_EQ(write(w, message(3, 20, 1, 16, hex("deadbeef"))),
            hex("03 000010 000004 14 01000000 | deadbeef"));
}

TEST(ChunkWriter, PicksTheSmallestHeader) {
  ChunkWriter w;
  // type 0: first on csid 4
  EXPECT_EQ(write(w, message(4, 8, 1, 1000, hex("aabb"))),
            hex("04 0003e8 000002 08 01000000 | aabb"));
  // type 2, not 3, right after type 0 (see chunk_writer.h): delta 20
  EXPECT_EQ(write(w, message(4, 8, 1, 1020, hex("ccdd"))), hex("84 000014 | ccdd"));
  // type 3: same length, type, stream and delta
  EXPECT_EQ(write(w, message(4, 8, 1, 1040, hex("eeff"))), hex("c4 | eeff"));
  // type 2: delta changes to 1
  EXPECT_EQ(write(w, message(4, 8, 1, 1041, hex("1122"))), hex("84 000001 | 1122"));
  // type 1: length changes
  EXPECT_EQ(write(w, message(4, 8, 1, 1050, hex("334455"))), hex("44 000009 000003 08 | 334455"));
  // type 1: type id changes
  EXPECT_EQ(write(w, message(4, 9, 1, 1050, hex("667788"))), hex("44 000000 000003 09 | 667788"));
}

TEST(ChunkWriter, StreamIdChangeIsType0) {
  ChunkWriter w;
  write(w, message(4, 8, 1, 10, hex("aa")));
  EXPECT_EQ(write(w, message(4, 8, 2, 20, hex("bb"))), hex("04 000014 000001 08 02000000 | bb"));
}

TEST(ChunkWriter, TimestampGoingBackwardsIsType0) {
  ChunkWriter w;
  write(w, message(4, 8, 1, 100, hex("aa")));
  EXPECT_EQ(write(w, message(4, 8, 1, 50, hex("bb"))), hex("04 000032 000001 08 01000000 | bb"));
}

TEST(ChunkWriter, SplitsAtChunkSizeWithType3Continuations) {
  ChunkWriter w;
  ASSERT_TRUE(w.setChunkSize(4).ok());
  EXPECT_EQ(write(w, message(6, 9, 1, 0, counting(10))),
            hex("06 000000 00000a 09 01000000"  // fmt 0, length 10
                "| 00010203"                    // chunk 1
                "| c6 | 04050607"               // chunk 2
                "| c6 | 0809"));                // chunk 3
}

TEST(ChunkWriter, ChunkSizeOneGivesOneByteChunks) {
  ChunkWriter w;
  ASSERT_TRUE(w.setChunkSize(1).ok());
  EXPECT_EQ(write(w, message(3, 20, 0, 0, hex("0a0b0c"))),
            hex("03 000000 000003 14 00000000 | 0a | c3 | 0b | c3 | 0c"));
}

TEST(ChunkWriter, ExtendedTimestampRepeatedOnContinuations) {
  ChunkWriter w;
  ASSERT_TRUE(w.setChunkSize(4).ok());
  EXPECT_EQ(write(w, message(6, 9, 1, 0x01000000, counting(6))),
            hex("06 ffffff 000006 09 01000000 01000000"  // fmt 0 + extended timestamp
                "| 00010203"
                "| c6 01000000 | 0405"));  // fmt 3 + the same field
}

TEST(ChunkWriter, ExtendedDeltaOnType2AndType3) {
  ChunkWriter w;
  write(w, message(4, 8, 1, 0, hex("aa")));
  EXPECT_EQ(write(w, message(4, 8, 1, 0x01000000, hex("bb"))), hex("84 ffffff 01000000 | bb"));
  EXPECT_EQ(write(w, message(4, 8, 1, 0x02000000, hex("cc"))), hex("c4 01000000 | cc"));
}

TEST(ChunkWriter, EmptyPayloadIsOneHeader) {
  ChunkWriter w;
  EXPECT_EQ(write(w, message(3, 18, 1, 0, {})), hex("03 000000 000000 12 01000000"));
}

TEST(ChunkWriter, LargeCsidContinuations) {
  ChunkWriter w;
  ASSERT_TRUE(w.setChunkSize(2).ok());
  EXPECT_EQ(write(w, message(320, 9, 1, 0, hex("010203"))),
            hex("01 00 01 000000 000003 09 01000000 | 0102 | c1 00 01 | 03"));
}

TEST(ChunkWriter, ResetForcesType0) {
  ChunkWriter w;
  write(w, message(4, 8, 1, 10, hex("aa")));
  w.reset(4);
  EXPECT_EQ(write(w, message(4, 8, 1, 20, hex("bb"))), hex("04 000014 000001 08 01000000 | bb"));
}

TEST(ChunkWriter, RejectsInvalidChunkStreamIds) {
  ChunkWriter w;
  base::BytesBuilder out;
  EXPECT_EQ(w.write(message(1, 8, 1, 0, hex("aa")), out).error().code(),
            base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(w.write(message(65600, 8, 1, 0, hex("aa")), out).error().code(),
            base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(out.size(), 0u);
}

TEST(ChunkWriter, RejectsPayloadOverTheLengthField) {
  ChunkWriter w;
  base::BytesBuilder out;
  Message m = message(6, 9, 1, 0, {});
  m.payload = bytesOf(ByteVector(0x1000000));
  EXPECT_EQ(w.write(m, out).error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(out.size(), 0u);
  // Nothing was remembered: the next message on csid 6 still starts with type 0.
  EXPECT_EQ(write(w, message(6, 9, 1, 0, hex("aa")))[0], 0x06);
}

TEST(ChunkWriter, RejectsInvalidChunkSizes) {
  ChunkWriter w;
  EXPECT_EQ(w.setChunkSize(0).error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(w.setChunkSize(0x80000000).error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(w.chunkSize(), 128u);
  EXPECT_TRUE(w.setChunkSize(0x7FFFFFFF).ok());
}

TEST(ChunkWriter, AppendsAfterExistingBytes) {
  ChunkWriter w;
  base::BytesBuilder out;
  ASSERT_TRUE(w.write(message(3, 20, 0, 0, hex("01")), out).ok());
  ASSERT_TRUE(w.write(message(3, 20, 0, 5, hex("02")), out).ok());
  EXPECT_EQ(toVector(out.freeze()),
            cat({hex("03 000000 000001 14 00000000 | 01"), hex("83 000005 | 02")}));
}

}  // namespace
}  // namespace rtmp::protocol
