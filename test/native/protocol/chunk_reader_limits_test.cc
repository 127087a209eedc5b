// ChunkReader: every bound and every error path, and that errors stick.
#include <gtest/gtest.h>

#include "protocol/chunk_reader.h"
#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using base::ErrorCode;
using testing::cat;
using testing::counting;
using testing::decodeErrorCode;
using testing::decodeOk;
using testing::hex;

TEST(ChunkReaderErrors, Type1WithoutStateIsChunkState) {
  EXPECT_EQ(decodeErrorCode(hex("43 000000 000001 14 | 00")), ErrorCode::kChunkState);
}

TEST(ChunkReaderErrors, Type2WithoutStateIsChunkState) {
  EXPECT_EQ(decodeErrorCode(hex("83 000000 | 00")), ErrorCode::kChunkState);
}

TEST(ChunkReaderErrors, Type3WithoutStateIsChunkState) {
  EXPECT_EQ(decodeErrorCode(hex("c3 | 00")), ErrorCode::kChunkState);
}

TEST(ChunkReaderErrors, Type2WithoutStateOnCsid2IsChunkState) {
  // Only type 1 is tolerated on a fresh csid 2 (librtmp); type 2 has no length.
  EXPECT_EQ(decodeErrorCode(hex("82 000000 | 00")), ErrorCode::kChunkState);
}

// A message on csid 6 of 130 bytes with only its first chunk received.
std::vector<uint8_t> incompleteVideo() {
  return cat({hex("06 000000 000082 09 01000000"), counting(128)});
}

TEST(ChunkReaderErrors, Type0InsideIncompleteMessageIsChunkState) {
  const auto in = cat({incompleteVideo(), hex("06 000000 000001 09 01000000 | 00")});
  EXPECT_EQ(decodeErrorCode(in), ErrorCode::kChunkState);
}

TEST(ChunkReaderErrors, Type1InsideIncompleteMessageIsChunkState) {
  const auto in = cat({incompleteVideo(), hex("46 000000 000001 09 | 00")});
  EXPECT_EQ(decodeErrorCode(in), ErrorCode::kChunkState);
}

TEST(ChunkReaderErrors, Type2InsideIncompleteMessageIsChunkState) {
  const auto in = cat({incompleteVideo(), hex("86 000000 | 00")});
  EXPECT_EQ(decodeErrorCode(in), ErrorCode::kChunkState);
}

TEST(ChunkReaderLimits, MessageAtMaximumSizeIsAccepted) {
  ChunkReaderLimits limits;
  limits.maxMessageSize = 100;
  const auto in = cat({hex("03 000000 000064 14 00000000"), counting(100)});  // length 100
  EXPECT_EQ(decodeOk(in, limits).size(), 1u);
}

TEST(ChunkReaderLimits, MessageOverMaximumSizeIsTooLarge) {
  ChunkReaderLimits limits;
  limits.maxMessageSize = 100;
  const auto in = hex("03 000000 000065 14 00000000");  // length 101: header alone fails
  EXPECT_EQ(decodeErrorCode(in, limits), ErrorCode::kMessageTooLarge);
}

TEST(ChunkReaderLimits, Type1LengthOverMaximumIsTooLarge) {
  ChunkReaderLimits limits;
  limits.maxMessageSize = 100;
  const auto in =
      hex("03 000000 000001 14 00000000 | 00"  // small message
          "43 000000 0000c8 14");              // fmt 1, length 200
  EXPECT_EQ(decodeErrorCode(in, limits), ErrorCode::kMessageTooLarge);
}

TEST(ChunkReaderLimits, TooManyChunkStreams) {
  ChunkReaderLimits limits;
  limits.maxChunkStreams = 2;
  const auto in =
      hex("03 000000 000001 14 00000000 | 00"    // csid 3
          "04 000000 000001 08 01000000 | 00"    // csid 4
          "44 000001 000001 08 | 00"             // csid 4 again: no new state
          "05 000000 000001 12 01000000 | 00");  // csid 5: a third stream
  EXPECT_EQ(decodeErrorCode(in, limits), ErrorCode::kLimitExceeded);
}

TEST(ChunkReaderLimits, BufferedBytesAtLimitAreAccepted) {
  ChunkReaderLimits limits;
  limits.maxBufferedBytes = 256;
  const auto in = cat({hex("04 000000 00012c 08 01000000"), counting(128),    // 128 of 300
                       hex("06 000000 00012c 09 01000000"), counting(128)});  // 128 of 300
  ChunkReader reader(limits);
  std::vector<Message> out;
  ASSERT_TRUE(reader.feed(in, out).ok());
  EXPECT_EQ(reader.bufferedBytes(), 256u);
}

TEST(ChunkReaderLimits, BufferedBytesOverLimitAcrossChunkStreams) {
  ChunkReaderLimits limits;
  limits.maxBufferedBytes = 255;
  const auto in = cat({hex("04 000000 00012c 08 01000000"), counting(128),
                       hex("06 000000 00012c 09 01000000"), counting(128)});
  EXPECT_EQ(decodeErrorCode(in, limits), ErrorCode::kLimitExceeded);
}

TEST(ChunkReaderLimits, CompletedMessagesAreNotBuffered) {
  ChunkReaderLimits limits;
  limits.maxBufferedBytes = 200;
  std::vector<uint8_t> in = cat({hex("03 000000 000080 14 00000000"), counting(128)});
  for (int i = 0; i < 5; ++i) {
    in = cat({in, hex("c3"), counting(128)});  // fmt 3: another 128-byte message
  }
  EXPECT_EQ(decodeOk(in, limits).size(), 6u);
}

TEST(ChunkReaderLimits, HugeDeclaredLengthBuffersOnlyWhatArrived) {
  ChunkReader reader;
  std::vector<Message> out;
  const auto in = cat({hex("04 000000 ffffff 08 01000000"), counting(100)});  // 16 MiB - 1
  ASSERT_TRUE(reader.feed(in, out).ok());
  EXPECT_EQ(reader.bufferedBytes(), 100u);
  EXPECT_TRUE(out.empty());
}

TEST(ChunkReaderErrors, ErrorSticksAndMessagesBeforeItAreKept) {
  ChunkReader reader;
  std::vector<Message> out;
  const auto in =
      hex("03 000000 000001 14 00000000 | 00"  // a valid message
          "c7 | 00");                          // type 3 on unknown csid 7
  auto first = reader.feed(in, out);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), ErrorCode::kChunkState);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_TRUE(reader.failed());

  out.clear();
  auto again = reader.feed(hex("03 000000 000001 14 00000000 | 00"), out);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kChunkState);
  EXPECT_TRUE(out.empty());
}

TEST(ChunkReaderErrors, ErrorMessageNamesTheChunkStream) {
  ChunkReader reader;
  std::vector<Message> out;
  auto status = reader.feed(hex("c7 | 00"), out);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("chunk stream 7"), std::string::npos);
}

}  // namespace
}  // namespace rtmp::protocol
