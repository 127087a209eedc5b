// ChunkReader: the extended timestamp field (RTMP 1.0 §5.3.1.3) on every
// header type, and its repetition on type-3 chunks including the peers that
// omit it on continuation chunks (see chunk_reader.h).
#include <gtest/gtest.h>

#include "protocol/chunk_reader.h"
#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using testing::cat;
using testing::counting;
using testing::decodeOk;
using testing::hex;
using testing::toVector;

TEST(ChunkReaderExtendedTimestamp, Type0) {
  const auto in =
      hex("03"        // fmt 0, csid 3
          "ffffff"    // timestamp: see extended field
          "000002"    // length 2
          "08"        // audio
          "01000000"  // stream 1
          "01000000"  // extended timestamp 0x01000000
          "| aabb");
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp, 0x01000000u);
  EXPECT_EQ(toVector(out[0].payload), hex("aabb"));
}

TEST(ChunkReaderExtendedTimestamp, ExactlyFFFFFFUsesTheExtendedField) {
  const auto in = hex("03 ffffff 000001 08 01000000 00ffffff | aa");
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp, 0xFFFFFFu);
}

TEST(ChunkReaderExtendedTimestamp, Type1Delta) {
  const auto in =
      hex("04 000100 000002 08 01000000 | aabb"  // fmt 0, csid 4, timestamp 0x100
          "44"                                   // fmt 1, csid 4
          "ffffff"                               // delta: see extended field
          "000003 09"                            // length 3, video
          "01000000"                             // extended delta 0x01000000
          "| ccddee");
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 0x01000100u);
  EXPECT_EQ(toVector(out[1].payload), hex("ccddee"));
}

TEST(ChunkReaderExtendedTimestamp, Type2Delta) {
  const auto in =
      hex("04 000100 000002 08 01000000 | aabb"  // fmt 0, timestamp 0x100
          "84 ffffff 01000000 | ccdd");          // fmt 2, extended delta 0x01000000
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 0x01000100u);
}

TEST(ChunkReaderExtendedTimestamp, RepeatedOnContinuationAfterType0) {
  const auto in = cat({hex("06 ffffff 000082 09 01000000"  // fmt 0, length 130, video
                           "01000000"),                    // extended timestamp
                       counting(128),                      // | chunk 1
                       hex("c6"                            // | fmt 3 continuation
                           "01000000"),                    // extended timestamp repeated
                       counting(2, 128)});                 // | chunk 2
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp, 0x01000000u);
  EXPECT_EQ(toVector(out[0].payload), counting(130));
}

// FFmpeg repeats the header's field (the delta) on continuations.
TEST(ChunkReaderExtendedTimestamp, ContinuationRepeatsDeltaAfterType1) {
  const auto in = cat({hex("06 000100 000002 09 01000000 | aabb"  // fmt 0, ts 0x100
                           "46 ffffff 000082 09"                  // fmt 1, length 130
                           "01000000"),                           // extended delta
                       counting(128),                             // | chunk 1
                       hex("c6 01000000"),                        // | fmt 3, delta repeated
                       counting(2, 128)});                        // | chunk 2
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 0x01000100u);
  EXPECT_EQ(toVector(out[1].payload), counting(130));
}

// Some peers put the absolute timestamp on continuations instead (SRS accepts it).
TEST(ChunkReaderExtendedTimestamp, ContinuationCarriesAbsoluteTimestampAfterType1) {
  const auto in = cat({hex("06 000100 000002 09 01000000 | aabb"
                           "46 ffffff 000082 09 01000000"),
                       counting(128),
                       hex("c6 01000100"),  // | fmt 3, absolute timestamp 0x01000100
                       counting(2, 128)});
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(toVector(out[1].payload), counting(130));
}

// nginx-rtmp (without play_time_fix) omits the field on continuations.
TEST(ChunkReaderExtendedTimestamp, ContinuationWithoutTheFieldKeepsPayload) {
  const auto in = cat({hex("06 ffffff 00008c 09 01000000 01000000"),  // length 140
                       counting(128),                                 // | chunk 1
                       hex("c6"),                                     // | fmt 3, no field
                       counting(12, 128)});                           // | chunk 2: 80 81 82 ..
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(toVector(out[0].payload), counting(140));
}

// The peek needs 4 bytes: a final chunk shorter than that from an omitting
// peer completes when the next bytes arrive.
TEST(ChunkReaderExtendedTimestamp, ShortFinalChunkWithoutFieldWaitsForNextBytes) {
  ChunkReader reader;
  std::vector<Message> out;
  const auto first = cat({hex("06 ffffff 000082 09 01000000 01000000"), counting(128), hex("c6"),
                          counting(2, 128)});  // | fmt 3, 2 bytes, no field
  ASSERT_TRUE(reader.feed(first, out).ok());
  EXPECT_TRUE(out.empty());
  const auto next = hex("03 000000 000001 14 00000000 | 07");  // any next chunk
  ASSERT_TRUE(reader.feed(next, out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(toVector(out[0].payload), counting(130));
  EXPECT_EQ(toVector(out[1].payload), hex("07"));
}

// Regression: the "absent" verdict can come after payload bytes were buffered
// with the header in an earlier feed(); they must go back to the payload.
TEST(ChunkReaderExtendedTimestamp, PeekAcrossFeedsReturnsBufferedBytesToPayload) {
  ChunkReader reader;
  std::vector<Message> out;
  const auto head = cat({hex("06 ffffff 00008c 09 01000000 01000000"), counting(128)});
  ASSERT_TRUE(reader.feed(head, out).ok());
  ASSERT_TRUE(reader.feed(hex("c6 80 81"), out).ok());  // fmt 3 + 2 payload bytes
  ASSERT_TRUE(reader.feed(counting(10, 130), out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(toVector(out[0].payload), counting(140));
}

// FFmpeg sends type 3 when both deltas need the field, even if they differ:
// the field of a type-3 chunk that starts a message is the new delta.
TEST(ChunkReaderExtendedTimestamp, Type3StartingMessageReadsItsDelta) {
  const auto in =
      hex("04 000000 000002 08 01000000 | aabb"  // fmt 0, timestamp 0
          "84 ffffff 01000000 | ccdd"            // fmt 2, delta 0x01000000
          "c4 01000010 | eeff"                   // fmt 3, new message, delta 0x01000010
          "c4 01000010 | 1122");                 // fmt 3, same delta again
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1].timestamp, 0x01000000u);
  EXPECT_EQ(out[2].timestamp, 0x02000010u);
  EXPECT_EQ(out[3].timestamp, 0x03000020u);
  EXPECT_EQ(toVector(out[3].payload), hex("1122"));
}

TEST(ChunkReaderExtendedTimestamp, Type3AfterExtendedType0AddsItsTimestamp) {
  const auto in =
      hex("04 ffffff 000002 08 01000000 01000000 | aabb"  // fmt 0, timestamp 0x01000000
          "c4 01000000 | ccdd");                          // fmt 3: delta = 0x01000000
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 0x02000000u);
}

TEST(ChunkReaderExtendedTimestamp, LaterSmallHeaderStopsTheRepetition) {
  const auto in = cat({hex("06 ffffff 000082 09 01000000 01000000"), counting(128),
                       hex("c6 01000000"), counting(2, 128),  // extended message done
                       hex("86 000010"),                      // fmt 2, delta 16: no field
                       counting(128, 7),                      // | chunk 1
                       hex("c6"),                             // | fmt 3, no field expected
                       counting(2, 7 + 128)});
  auto out = decodeOk(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp, 0x01000010u);
  EXPECT_EQ(toVector(out[1].payload), counting(130, 7));
}

}  // namespace
}  // namespace rtmp::protocol
