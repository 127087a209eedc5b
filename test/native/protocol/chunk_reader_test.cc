// ChunkReader: header types, csid encodings, timestamps, interleaving.
// Vectors are written from RTMP 1.0 §5.3; '|' marks where chunk data starts
// or a chunk ends. Every vector is also fed one byte at a time.
#include "protocol/chunk_reader.h"

#include <gtest/gtest.h>

#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using testing::cat;
using testing::counting;
using testing::decodeOk;
using testing::hex;
using testing::toVector;

TEST(ChunkReader, Type0SingleChunkMessage) {
  const auto in =
      hex("03"        // basic header: fmt 0, csid 3
          "000010"    // timestamp 16
          "000004"    // message length 4
          "14"        // type id 20 (AMF0 command)
          "01000000"  // message stream id 1 (little-endian)
          "| deadbeef");
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].csid, 3u);
  EXPECT_EQ(out[0].typeId, 20);
  EXPECT_EQ(out[0].streamId, 1u);
  EXPECT_EQ(out[0].timestamp, 16u);
  EXPECT_EQ(toVector(out[0].payload), hex("deadbeef"));
}

TEST(ChunkReader, Type0MessageSplitAtDefaultChunkSize) {
  const auto in = cat({
      hex("06"          // fmt 0, csid 6
          "000000"      // timestamp 0
          "000082"      // length 130
          "09"          // video
          "01000000"),  // stream 1
      counting(128),    // | chunk 1: 128 bytes (default chunk size)
      hex("c6"),        // | fmt 3, csid 6: continuation
      counting(2, 128)  // | chunk 2: the last 2 bytes
  });
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(toVector(out[0].payload), counting(130));
}

// The first message of the type 1/2/3 tests below: csid 4, timestamp 1000,
// length 2, audio, stream 1.
std::vector<uint8_t> audioStart() {
  return hex(
      "04"        // fmt 0, csid 4
      "0003e8"    // timestamp 1000
      "000002"    // length 2
      "08"        // audio
      "01000000"  // stream 1
      "| aabb");
}

TEST(ChunkReader, Type1AddsDeltaAndInheritsStreamId) {
  const auto in = cat({audioStart(), hex("44"      // fmt 1, csid 4
                                         "000014"  // delta 20
                                         "000003"  // length 3
                                         "09"      // video
                                         "| 010203")});
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 1020u);
  EXPECT_EQ(out[1].typeId, 9);
  EXPECT_EQ(out[1].streamId, 1u);
  EXPECT_EQ(toVector(out[1].payload), hex("010203"));
}

TEST(ChunkReader, Type2InheritsLengthTypeAndStreamId) {
  const auto in = cat({audioStart(), hex("84"      // fmt 2, csid 4
                                         "00001e"  // delta 30
                                         "| ccdd")});
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 1030u);
  EXPECT_EQ(out[1].typeId, 8);
  EXPECT_EQ(out[1].streamId, 1u);
  EXPECT_EQ(toVector(out[1].payload), hex("ccdd"));
}

TEST(ChunkReader, Type3StartingMessageReusesPreviousDelta) {
  const auto in = cat({audioStart(),
                       hex("84 000014 | ccdd"  // fmt 2, delta 20 -> 1020
                           "c4 | eeff"         // fmt 3: new message, delta 20 again -> 1040
                           "c4 | 1122")});     // and again -> 1060
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[2].timestamp, 1040u);
  EXPECT_EQ(out[3].timestamp, 1060u);
  EXPECT_EQ(toVector(out[3].payload), hex("1122"));
  EXPECT_EQ(out[3].typeId, 8);
}

// §5.3.1.2.4: "If the delta between the first message and the second message
// is same as the timestamp of the first message, then a chunk of Type 3 could
// immediately follow the chunk of Type 0".
TEST(ChunkReader, Type3RightAfterType0UsesItsTimestampAsDelta) {
  const auto in =
      hex("04 000028 000002 08 01000000 | aabb"  // fmt 0, csid 4, timestamp 40
          "c4 | ccdd");                          // fmt 3: new message at 40 + 40
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 80u);
}

TEST(ChunkReader, TimestampDeltaWrapsAround32Bits) {
  const auto in =
      hex("04 ffffff 000001 08 01000000 fffffff0 | aa"  // fmt 0, extended timestamp 0xFFFFFFF0
          "84 000020 | bb");                            // fmt 2, delta 0x20 -> 0x10 after wrap
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].timestamp, 0xFFFFFFF0u);
  EXPECT_EQ(out[1].timestamp, 0x10u);
}

struct CsidCase {
  uint32_t csid;
  const char* basicHeader;  // fmt 0
};

class ChunkReaderCsid : public ::testing::TestWithParam<CsidCase> {};

TEST_P(ChunkReaderCsid, DecodesBasicHeaderForm) {
  const auto in = cat({hex(GetParam().basicHeader),
                       hex("000000 000001 08 00000000"  // ts 0, length 1, audio, stream 0
                           "| 5a")});
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].csid, GetParam().csid);
  EXPECT_EQ(toVector(out[0].payload), hex("5a"));
}

// §5.3.1.1: one byte for 2..63; low bits 0 -> one more byte (csid - 64);
// low bits 1 -> two more bytes, (csid - 64) little-endian.
INSTANTIATE_TEST_SUITE_P(Edges, ChunkReaderCsid,
                         ::testing::Values(CsidCase{2, "02"}, CsidCase{63, "3f"},
                                           CsidCase{64, "00 00"}, CsidCase{65, "00 01"},
                                           CsidCase{319, "00 ff"}, CsidCase{320, "01 00 01"},
                                           CsidCase{321, "01 01 01"}, CsidCase{65599, "01 ff ff"},
                                           // The 3-byte form may also name small ids.
                                           CsidCase{64, "01 00 00"}, CsidCase{319, "01 ff 00"}));

TEST(ChunkReader, ContinuationUsesThreeByteBasicHeader) {
  const auto in = cat({hex("01 00 01"                     // fmt 0, csid 320
                           "000000 000082 09 01000000"),  // ts 0, length 130, video, stream 1
                       counting(128),                     // | chunk 1
                       hex("c1 00 01"),                   // | fmt 3, csid 320
                       counting(2, 128)});                // | chunk 2
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].csid, 320u);
  EXPECT_EQ(toVector(out[0].payload), counting(130));
}

TEST(ChunkReader, InterleavedChunkStreamsReassembleSeparately) {
  const auto audio = counting(200, 0);
  const auto video = counting(150, 100);
  const auto in = cat({
      hex("04 000000 0000c8 08 01000000"),   // fmt 0, csid 4, length 200, audio
      {audio.begin(), audio.begin() + 128},  // | audio chunk 1
      hex("06 000000 000096 09 01000000"),   // | fmt 0, csid 6, length 150, video
      {video.begin(), video.begin() + 128},  // | video chunk 1
      hex("c4"),                             // | fmt 3, csid 4
      {audio.begin() + 128, audio.end()},    // | audio chunk 2 (72 bytes): audio done
      hex("c6"),                             // | fmt 3, csid 6
      {video.begin() + 128, video.end()},    // | video chunk 2 (22 bytes): video done
  });
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].csid, 4u);
  EXPECT_EQ(toVector(out[0].payload), audio);
  EXPECT_EQ(out[1].csid, 6u);
  EXPECT_EQ(toVector(out[1].payload), video);
}

TEST(ChunkReader, ZeroLengthMessageCompletesWithItsHeader) {
  const auto in =
      hex("03 000005 000000 12 01000000"  // fmt 0, csid 3, ts 5, length 0, AMF0 data
          "83 000001");                   // fmt 2, delta 1: another empty message
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].payload.empty());
  EXPECT_EQ(out[0].timestamp, 5u);
  EXPECT_EQ(out[1].timestamp, 6u);
}

TEST(ChunkReader, CountsEveryByteFed) {
  ChunkReader reader;
  std::vector<Message> out;
  const auto in = hex("03 000010 000004 14 01000000 | deadbeef");
  ASSERT_TRUE(reader.feed(std::span(in).first(5), out).ok());
  EXPECT_EQ(reader.bytesConsumed(), 5u);
  ASSERT_TRUE(reader.feed(std::span(in).subspan(5), out).ok());
  EXPECT_EQ(reader.bytesConsumed(), in.size());
  EXPECT_EQ(out.size(), 1u);
}

TEST(ChunkReader, EmptyFeedIsHarmless) {
  ChunkReader reader;
  std::vector<Message> out;
  EXPECT_TRUE(reader.feed({}, out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(reader.bytesConsumed(), 0u);
}

TEST(ChunkReader, PayloadIsSharedImmutableBytes) {
  const auto in = hex("03 000010 000004 14 01000000 | deadbeef");
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  base::Bytes copy = out[0].payload;
  EXPECT_EQ(copy.data(), out[0].payload.data());  // zero-copy share
  EXPECT_EQ(copy.useCount(), 2u);
}

TEST(ChunkReader, HeaderSplitAcrossFeedsMidField) {
  ChunkReader reader;
  std::vector<Message> out;
  const auto in = hex("01 00 01 000010 000002 14 01000000 | abcd");  // csid 320
  // Split inside the 3-byte basic header, then inside the stream id.
  ASSERT_TRUE(reader.feed(std::span(in).first(2), out).ok());
  ASSERT_TRUE(reader.feed(std::span(in).subspan(2, 8), out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(reader.feed(std::span(in).subspan(10), out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].csid, 320u);
  EXPECT_EQ(out[0].streamId, 1u);
}

}  // namespace
}  // namespace rtmp::protocol
