// ChunkReader: protocol control messages that change how the following chunks
// are read, Set Chunk Size (§5.4.1) and Abort (§5.4.2), and the librtmp
// type-1 start on csid 2.
#include <gtest/gtest.h>

#include "protocol/chunk_reader.h"
#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using testing::cat;
using testing::counting;
using testing::decodeErrorCode;
using testing::decodeOk;
using testing::hex;
using testing::toVector;

// Set Chunk Size on csid 2, stream 0, with the given 4 payload bytes.
std::vector<uint8_t> setChunkSize(const char* payloadHex) {
  return cat({hex("02"        // fmt 0, csid 2
                  "000000"    // timestamp 0
                  "000004"    // length 4
                  "01"        // Set Chunk Size
                  "00000000"  // stream 0
                  "|"),
              hex(payloadHex)});
}

TEST(ChunkReaderControl, LargerChunkSizeAppliesToFollowingChunks) {
  const auto in = cat({setChunkSize("000000c8"),             // chunk size 200
                       hex("03 000000 0000c8 14 00000000"),  // length 200
                       counting(200)});                      // | one chunk of 200
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].typeId, 1);  // the Set Chunk Size message is still emitted
  EXPECT_EQ(toVector(out[0].payload), hex("000000c8"));
  EXPECT_EQ(toVector(out[1].payload), counting(200));
}

TEST(ChunkReaderControl, SmallerChunkSizeAppliesToFollowingChunks) {
  const auto in = cat({setChunkSize("00000002"),  // chunk size 2
                       hex("03 000000 000005 14 00000000"
                           "| 0001"         // chunk 1
                           "| c3 | 0203"    // chunk 2
                           "| c3 | 04")});  // chunk 3
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(toVector(out[1].payload), hex("0001020304"));
}

TEST(ChunkReaderControl, ChunkSizeReportedAfterChange) {
  ChunkReader reader;
  std::vector<Message> out;
  EXPECT_EQ(reader.chunkSize(), 128u);
  ASSERT_TRUE(reader.feed(setChunkSize("00001000"), out).ok());
  EXPECT_EQ(reader.chunkSize(), 4096u);
}

TEST(ChunkReaderControl, ChunkSizeChangeAppliesInsideAnotherCsidsMessage) {
  const auto audio = counting(200);
  const auto in = cat({
      hex("04 000000 0000c8 08 01000000"),   // fmt 0, csid 4, length 200
      {audio.begin(), audio.begin() + 128},  // | chunk 1 at the old size
      setChunkSize("00000020"),              // | chunk size 32
      hex("c4"),
      {audio.begin() + 128, audio.begin() + 160},  // | 32 bytes
      hex("c4"),
      {audio.begin() + 160, audio.begin() + 192},  // | 32 bytes
      hex("c4"),
      {audio.begin() + 192, audio.end()},  // | last 8 bytes
  });
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].csid, 4u);
  EXPECT_EQ(toVector(out[1].payload), audio);
}

TEST(ChunkReaderControl, MaximumChunkSizeAccepted) {
  ChunkReader reader;
  std::vector<Message> out;
  ASSERT_TRUE(reader.feed(setChunkSize("7fffffff"), out).ok());
  EXPECT_EQ(reader.chunkSize(), 0x7FFFFFFFu);
}

TEST(ChunkReaderControl, ZeroChunkSizeIsAnError) {
  EXPECT_EQ(decodeErrorCode(setChunkSize("00000000")), base::ErrorCode::kChunkSize);
}

TEST(ChunkReaderControl, ChunkSizeWithTopBitSetIsAnError) {
  EXPECT_EQ(decodeErrorCode(setChunkSize("80000000")), base::ErrorCode::kChunkSize);
}

TEST(ChunkReaderControl, TruncatedSetChunkSizeIsAnError) {
  const auto in = hex("02 000000 000003 01 00000000 | 000080");  // only 3 payload bytes
  EXPECT_EQ(decodeErrorCode(in), base::ErrorCode::kTruncated);
}

// Abort Message (type 2) naming csid `csidHex` (4 bytes).
std::vector<uint8_t> abortMessage(const char* csidHex) {
  return cat({hex("02 000000 000004 02 00000000 |"),  // fmt 0, csid 2, length 4, Abort
              hex(csidHex)});
}

TEST(ChunkReaderControl, AbortDiscardsThePartialMessage) {
  ChunkReader reader;
  std::vector<Message> out;
  const auto in = cat({hex("04 000064 000082 08 01000000"),           // csid 4, ts 100, length 130
                       counting(128),                                 // | chunk 1 of 2
                       abortMessage("00000004"),                      // | abort csid 4
                       hex("04 000000 000002 08 01000000 | aabb")});  // fresh message
  ASSERT_TRUE(reader.feed(in, out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].typeId, 2);
  EXPECT_EQ(toVector(out[1].payload), hex("aabb"));
  EXPECT_EQ(reader.bufferedBytes(), 0u);
}

TEST(ChunkReaderControl, AbortKeepsHeaderStateForTheNextMessage) {
  const auto in = cat({hex("04 000064 000082 08 01000000"),  // csid 4, ts 100, length 130
                       counting(128),                        // | chunk 1, then aborted
                       abortMessage("00000004"),
                       hex("84 00000a"),  // fmt 2: delta 10, length 130
                       counting(128, 1), hex("c4"), counting(2, 129)});
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 110u);
  EXPECT_EQ(toVector(out[1].payload), counting(130, 1));
}

TEST(ChunkReaderControl, AbortOfUnknownCsidIsIgnored) {
  auto out = decodeOk(abortMessage("00000009"));
  ASSERT_EQ(out.size(), 1u);
}

TEST(ChunkReaderControl, TruncatedAbortIsAnError) {
  const auto in = hex("02 000000 000002 02 00000000 | 0004");
  EXPECT_EQ(decodeErrorCode(in), base::ErrorCode::kTruncated);
}

// librtmp answers a ping with a type-1 header on a csid 2 it never used.
TEST(ChunkReaderControl, Type1MayStartProtocolControlCsid) {
  const auto in =
      hex("42"      // fmt 1, csid 2, no previous header
          "000000"  // delta 0
          "000006"  // length 6
          "04"      // User Control
          "| 0007"  // Ping Response
          "00000d0f");
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].csid, 2u);
  EXPECT_EQ(out[0].streamId, 0u);
  EXPECT_EQ(out[0].timestamp, 0u);
  EXPECT_EQ(out[0].typeId, 4);
}

}  // namespace
}  // namespace rtmp::protocol
