// ChunkWriter -> ChunkReader round trips over seeded random message sets:
// every header type, csid form, extended timestamps, 32-bit wrap, chunk sizes
// from 1 up, Set Chunk Size changes mid-stream, fed whole, byte by byte and
// in random pieces.
#include <gtest/gtest.h>

#include <random>

#include "protocol/chunk_reader.h"
#include "protocol/chunk_test_util.h"
#include "protocol/chunk_writer.h"
#include "protocol/control_messages.h"

namespace rtmp::protocol {
namespace {

using testing::ByteVector;
using testing::describe;
using testing::sameMessage;
using testing::toVector;

struct Scenario {
  std::vector<Message> messages;  // what the reader must yield, in order
  ByteVector wire;
};

// Builds `count` messages and their chunked bytes. The writer starts at
// `chunkSize`; with `changeChunkSize` it sends Set Chunk Size now and then.
Scenario makeScenario(uint32_t seed, uint32_t chunkSize, bool changeChunkSize, int count) {
  std::mt19937 rng(seed);
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  static constexpr uint32_t kCsids[] = {2, 3, 4, 6, 63, 64, 65, 319, 320, 65599};
  static constexpr uint8_t kTypes[] = {8, 9, 18, 20};  // never 1/2: they steer the reader
  static constexpr uint32_t kChunkSizes[] = {1, 2, 3, 4, 5, 7, 64, 128, 129, 4096};
  static constexpr uint32_t kDeltas[] = {0,    0,        20,       23,         33,        40,
                                         1000, 0xFFFFFE, 0xFFFFFF, 0x01000000, 0x7FFFFFFF};

  struct Last {
    uint32_t timestamp = 0;
    uint32_t streamId = 1;
    uint32_t length = 0;
    uint8_t typeId = 8;
  };
  std::vector<Last> last(std::size(kCsids));

  Scenario s;
  ChunkWriter writer;
  base::BytesBuilder wire;
  auto emit = [&](const Message& m) {
    ASSERT_TRUE(writer.write(m, wire).ok());
    s.messages.push_back(m);
  };
  // Both sides start at 128; tell the reader the scenario's chunk size.
  emit(encodeSetChunkSize(chunkSize));
  EXPECT_TRUE(writer.setChunkSize(chunkSize).ok());

  for (int i = 0; i < count; ++i) {
    if (changeChunkSize && pick(16) == 0) {
      const uint32_t size = kChunkSizes[pick(std::size(kChunkSizes))];
      emit(encodeSetChunkSize(size));               // sent at the old size...
      EXPECT_TRUE(writer.setChunkSize(size).ok());  // ...applies from here on
    }
    const uint32_t which = pick(std::size(kCsids));
    Last& l = last[which];
    Message m;
    m.csid = kCsids[which];
    // Mostly repeat what the csid had, so types 1, 2 and 3 all occur.
    m.typeId = pick(4) == 0 ? kTypes[pick(std::size(kTypes))] : l.typeId;
    m.streamId = pick(10) == 0 ? pick(3) + 1 : l.streamId;
    const uint32_t roll = pick(20);
    if (roll == 0) {
      m.timestamp = l.timestamp - pick(100);  // backwards (or wraps back)
    } else if (roll == 1) {
      m.timestamp = 0xFFFFFFFF - pick(50);  // about to wrap
    } else {
      m.timestamp = l.timestamp + kDeltas[pick(std::size(kDeltas))];  // may wrap
    }
    const uint32_t length = pick(2) == 0 ? l.length : pick(4) == 0 ? pick(5) : pick(700);
    m.payload = base::Bytes::copyOf(testing::counting(length, static_cast<uint8_t>(i)));
    l = {m.timestamp, m.streamId, length, m.typeId};
    emit(m);
  }
  s.wire = toVector(wire.freeze());
  return s;
}

void expectSame(const std::vector<Message>& got, const std::vector<Message>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_TRUE(sameMessage(got[i], want[i]))
        << "message " << i << ": got " << describe(got[i]) << ", want " << describe(want[i]);
  }
}

// Feeds `wire` in pieces whose sizes come from `rng` (1..maxPiece bytes).
std::vector<Message> feedInPieces(const ByteVector& wire, uint32_t seed, size_t maxPiece) {
  std::mt19937 rng(seed);
  ChunkReader reader;
  std::vector<Message> out;
  size_t pos = 0;
  while (pos < wire.size()) {
    const size_t n = std::min(wire.size() - pos, 1 + rng() % maxPiece);
    auto status = reader.feed(std::span(wire).subspan(pos, n), out);
    EXPECT_TRUE(status.ok()) << status.error().toString();
    if (!status.ok()) break;
    pos += n;
  }
  EXPECT_EQ(reader.bytesConsumed(), pos);
  EXPECT_EQ(reader.bufferedBytes(), 0u);
  return out;
}

class ChunkRoundTrip : public ::testing::TestWithParam<uint32_t> {};

TEST_P(ChunkRoundTrip, WholeInput) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    Scenario s = makeScenario(seed * 7919, GetParam(), false, 150);
    expectSame(feedInPieces(s.wire, seed, s.wire.size() + 1), s.messages);
  }
}

TEST_P(ChunkRoundTrip, ByteByByte) {
  Scenario s = makeScenario(GetParam() * 31 + 5, GetParam(), false, 60);
  expectSame(feedInPieces(s.wire, 0, 1), s.messages);
}

TEST_P(ChunkRoundTrip, RandomPiecesWithChunkSizeChanges) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    Scenario s = makeScenario(seed * 104729 + GetParam(), GetParam(), true, 150);
    expectSame(feedInPieces(s.wire, seed, 1 + seed * 37), s.messages);
  }
}

INSTANTIATE_TEST_SUITE_P(ChunkSizes, ChunkRoundTrip,
                         ::testing::Values(1u, 2u, 3u, 4u, 5u, 127u, 128u, 4096u, 65536u));

}  // namespace
}  // namespace rtmp::protocol
