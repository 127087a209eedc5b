// Shared fan-out encoding: the byte layout, and that a ChunkReader fed a
// per-player type-0 start followed by shared messages yields each player's
// own absolute timestamps and stream id, across the 24-bit edge and the
// 32-bit wrap, with the fallback when continuation headers cannot be reused.
#include "protocol/shared_chunks.h"

#include <gtest/gtest.h>

#include "protocol/chunk_test_util.h"

namespace rtmp::protocol {
namespace {

using testing::bytesOf;
using testing::ByteVector;
using testing::cat;
using testing::counting;
using testing::decodeOk;
using testing::hex;
using testing::toVector;

SharedChunks shared(uint32_t delta, const ByteVector& payload, uint32_t chunkSize = 4) {
  auto r = encodeShared(6, 9, delta, bytesOf(payload), chunkSize);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

TEST(SharedChunks, LayoutIsType1ThenType3Continuations) {
  SharedChunks s = shared(33, counting(10));
  EXPECT_EQ(toVector(s.bytes), hex("46"      // fmt 1, csid 6
                                   "000021"  // delta 33
                                   "00000a"  // length 10
                                   "09"      // video
                                   "| 00010203"
                                   "| c6 | 04050607"
                                   "| c6 | 0809"));
  EXPECT_EQ(s.firstHeaderSize, 8u);
}

TEST(SharedChunks, ExtendedDeltaIsRepeatedOnContinuations) {
  SharedChunks s = shared(0x01000000, counting(6));
  EXPECT_EQ(toVector(s.bytes), hex("46 ffffff 000006 09 01000000"  // fmt 1 + extended delta
                                   "| 00010203"
                                   "| c6 01000000 | 0405"));
  EXPECT_EQ(s.firstHeaderSize, 12u);
}

TEST(SharedChunks, Type0HeaderBytes) {
  base::BytesBuilder out;
  encodeType0Header(6, 9, 0x0102, 10, 7, out);
  EXPECT_EQ(toVector(out.freeze()), hex("06 000102 00000a 09 07000000"));
  encodeType0Header(320, 8, 0x01000000, 1, 1, out);
  EXPECT_EQ(toVector(out.freeze()), hex("01 00 01 ffffff 000001 08 01000000 01000000"));
}

struct Media {
  uint32_t delta;  // from the previous media message on the csid
  ByteVector payload;
};

std::vector<SharedChunks> encodeAll(const std::vector<Media>& media, uint32_t chunkSize = 4) {
  std::vector<SharedChunks> out;
  for (const auto& m : media) out.push_back(shared(m.delta, m.payload, chunkSize));
  return out;
}

// Set Chunk Size on csid 2 (fmt 0, ts 0, length 4, type 1, stream 0), so the
// reader uses the chunk size the shared bytes were cut at.
ByteVector setChunkSizeWire(uint32_t size) {
  ByteVector out = hex("02 000000 000004 01 00000000");
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(size >> shift));
  return out;
}

// What one player receives: Set Chunk Size, its own type-0 start on message
// `first`, then the shared bytes of every later message.
ByteVector playerWire(const std::vector<SharedChunks>& all, size_t first, uint32_t timestamp,
                      uint32_t streamId) {
  PlayerStart start = startWithType0(all[first], timestamp, streamId);
  ByteVector wire =
      cat({setChunkSizeWire(all[first].chunkSize), toVector(start.head), toVector(start.tail)});
  for (size_t i = first + 1; i < all.size(); ++i) wire = cat({wire, toVector(all[i].bytes)});
  return wire;
}

// Decodes a player's bytes, dropping the leading Set Chunk Size.
std::vector<Message> decodePlayer(const ByteVector& wire) {
  auto out = decodeOk(wire);
  EXPECT_FALSE(out.empty());
  if (!out.empty()) {
    EXPECT_EQ(out.front().type(), MessageType::kSetChunkSize);
    out.erase(out.begin());
  }
  return out;
}

// Checks decoded messages against media[first..]: timestamps are `start`
// plus the deltas, the stream id is the player's, payloads are unchanged.
void expectMessages(const std::vector<Media>& media, size_t first, uint32_t start,
                    uint32_t streamId, const std::vector<Message>& out) {
  ASSERT_EQ(out.size(), media.size() - first);
  uint32_t timestamp = start;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) timestamp += media[first + i].delta;  // wraps mod 2^32
    EXPECT_EQ(out[i].timestamp, timestamp) << "message " << i;
    EXPECT_EQ(out[i].streamId, streamId) << "message " << i;
    EXPECT_EQ(out[i].csid, 6u);
    EXPECT_EQ(out[i].typeId, 9);
    EXPECT_EQ(toVector(out[i].payload), media[first + i].payload) << "message " << i;
  }
}

void expectPlayerSees(const std::vector<Media>& media, size_t first, uint32_t start,
                      uint32_t streamId, const ByteVector& wire) {
  expectMessages(media, first, start, streamId, decodePlayer(wire));
}

TEST(SharedChunks, TwoPlayersWithDifferentBasesDecodeTheSameBytes) {
  const std::vector<Media> media = {{0, counting(9)},
                                    {33, counting(3, 9)},
                                    {33, counting(12, 1)},
                                    {34, counting(0)},
                                    {33, counting(5, 7)}};
  const auto all = encodeAll(media);
  expectPlayerSees(media, 0, 1000, 1, playerWire(all, 0, 1000, 1));
  expectPlayerSees(media, 0, 5, 7, playerWire(all, 0, 5, 7));
}

TEST(SharedChunks, StartTailSharesTheEncodedBytes) {
  const auto all = encodeAll({{0, counting(9)}});
  PlayerStart start = startWithType0(all[0], 1000, 1);
  EXPECT_EQ(start.tail.data(), all[0].bytes.data() + all[0].firstHeaderSize);
  EXPECT_EQ(start.head.size(), 12u);  // type-0 header only
}

TEST(SharedChunks, TimestampsCrossThe24BitEdge) {
  const std::vector<Media> media = {
      {0, counting(9)}, {0x10, counting(9, 1)}, {0x10, counting(9, 2)}, {0x10, counting(2)}};
  const auto all = encodeAll(media);
  // 0xFFFFF0 -> 0x1000000 -> 0x1000010: absolute past 0xFFFFFF, deltas small.
  expectPlayerSees(media, 0, 0xFFFFF0, 1, playerWire(all, 0, 0xFFFFF0, 1));
}

TEST(SharedChunks, ExtendedDeltasAcrossContinuations) {
  const std::vector<Media> media = {{0, counting(6)},
                                    {0x01000000, counting(11, 3)},
                                    {0xFFFFFF, counting(9, 4)},
                                    {0x01000000, counting(10, 5)},
                                    {20, counting(10, 6)}};
  const auto all = encodeAll(media);
  expectPlayerSees(media, 0, 100, 1, playerWire(all, 0, 100, 1));
}

TEST(SharedChunks, TimestampsWrapAt32Bits) {
  const std::vector<Media> media = {
      {0, counting(3)}, {0x20, counting(9, 1)}, {0x20, counting(9, 2)}};
  const auto all = encodeAll(media);
  // The type-0 start needs the extended field; its message fits one chunk.
  expectPlayerSees(media, 0, 0xFFFFFFF0, 2, playerWire(all, 0, 0xFFFFFFF0, 2));
}

TEST(SharedChunks, ContinuationsFitType0Rule) {
  // One chunk: no continuation headers, anything fits.
  EXPECT_TRUE(continuationsFitType0(shared(5, counting(4)), 0x02000000));
  EXPECT_TRUE(continuationsFitType0(shared(0x01000000, counting(4)), 5));
  // Neither needs the extended field.
  EXPECT_TRUE(continuationsFitType0(shared(5, counting(9)), 0xFFFFFE));
  // Only one of them needs it.
  EXPECT_FALSE(continuationsFitType0(shared(5, counting(9)), 0xFFFFFF));
  EXPECT_FALSE(continuationsFitType0(shared(0xFFFFFF, counting(9)), 5));
  // Both need it: the repeated value must be the same.
  EXPECT_TRUE(continuationsFitType0(shared(0x01000000, counting(9)), 0x01000000));
  EXPECT_FALSE(continuationsFitType0(shared(0x01000000, counting(9)), 0x02000000));
}

TEST(SharedChunks, FallbackWhenOnlyType0NeedsExtendedField) {
  const std::vector<Media> media = {{5, counting(9)}, {40, counting(9, 1)}};
  const auto all = encodeAll(media);
  PlayerStart start = startWithType0(all[0], 0x01000000, 1);
  EXPECT_TRUE(start.tail.empty());  // the whole message was encoded for this player
  expectPlayerSees(media, 0, 0x01000000, 1, playerWire(all, 0, 0x01000000, 1));
}

TEST(SharedChunks, FallbackWhenOnlySharedDeltaNeedsExtendedField) {
  const std::vector<Media> media = {{0x01000000, counting(9)}, {40, counting(9, 1)}};
  const auto all = encodeAll(media);
  EXPECT_TRUE(startWithType0(all[0], 5, 1).tail.empty());
  expectPlayerSees(media, 0, 5, 1, playerWire(all, 0, 5, 1));
}

// Why the rule exists: a type-0 header with timestamp 0x02000000 followed by
// continuations repeating the shared delta 0x01000000 does not decode.
TEST(SharedChunks, NaiveReuseOfContinuationsWouldCorruptThePayload) {
  const ByteVector payload = counting(9);
  SharedChunks s = shared(0x01000000, payload);
  base::BytesBuilder naive;
  naive.append(setChunkSizeWire(4));
  encodeType0Header(6, 9, 0x02000000, 9, 1, naive);
  naive.append(s.bytes.slice(s.firstHeaderSize).span());
  auto d = testing::decodeWhole(toVector(naive.freeze()));
  const bool decodedRight =
      !d.error && d.messages.size() == 2 && toVector(d.messages[1].payload) == payload;
  EXPECT_FALSE(decodedRight);

  expectPlayerSees({{0x01000000, payload}}, 0, 0x02000000, 1, playerWire({s}, 0, 0x02000000, 1));
}

TEST(SharedChunks, ResyncAfterDroppedMessages) {
  const std::vector<Media> media = {{0, counting(9)},     {33, counting(9, 1)},
                                    {33, counting(9, 2)}, {33, counting(9, 3)},
                                    {33, counting(9, 4)}, {33, counting(9, 5)}};
  const auto all = encodeAll(media);
  // Messages 0..2, then 3 and 4 dropped, then a new type-0 start on 5.
  PlayerStart first = startWithType0(all[0], 1000, 1);
  PlayerStart again = startWithType0(all[4], 1200, 1);
  ByteVector wire = cat({setChunkSizeWire(4), toVector(first.head), toVector(first.tail),
                         toVector(all[1].bytes), toVector(all[2].bytes), toVector(again.head),
                         toVector(again.tail), toVector(all[5].bytes)});
  auto out = decodePlayer(wire);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[2].timestamp, 1066u);
  EXPECT_EQ(out[3].timestamp, 1200u);
  EXPECT_EQ(toVector(out[3].payload), media[4].payload);
  EXPECT_EQ(out[4].timestamp, 1233u);
}

TEST(SharedChunks, SmallAndLargeChunkSizes) {
  const std::vector<Media> media = {
      {0, counting(5)}, {7, counting(3, 1)}, {7, counting(0)}, {0x01000000, counting(4, 2)}};
  for (uint32_t size : {1u, 2u, 3u, 128u, 0x7FFFFFFFu}) {
    const auto all = encodeAll(media, size);
    expectPlayerSees(media, 0, 0x00FFFFFF, 3, playerWire(all, 0, 0x00FFFFFF, 3));
  }
}

TEST(SharedChunks, RejectsInvalidArguments) {
  const auto payload = bytesOf(counting(3));
  EXPECT_EQ(encodeShared(1, 9, 0, payload, 128).error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(encodeShared(65600, 9, 0, payload, 128).error().code(),
            base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(encodeShared(6, 9, 0, payload, 0).error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(encodeShared(6, 9, 0, bytesOf(ByteVector(0x1000000)), 128).error().code(),
            base::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace rtmp::protocol
