// ClientHandshake, simple (§5.2) handshake and the start()/feed() contract.
// Digest C1/C2 are tested against a reference in handshake_digest_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "protocol/handshake_client.h"

namespace rtmp::protocol {
namespace {

using base::ErrorCode;
using Buffer = std::vector<uint8_t>;

constexpr size_t kPacket = 1536;

RandomSource countingRandom(uint8_t start) {
  auto next = std::make_shared<uint8_t>(start);
  return [next](std::span<uint8_t> out) {
    for (uint8_t& b : out) b = (*next)++;
  };
}

ClientHandshakeOptions simpleOptions() {
  ClientHandshakeOptions o;
  o.time = 0x11223344;
  o.random = countingRandom(0x10);
  o.digest = false;
  return o;
}

// S0 + a simple S1: time 0x0A0B0C0D, zero, random = 0xF0, 0xF1, ...
Buffer simpleS0S1() {
  Buffer b = {
      0x03,                    // S0: version 3
      0x0A, 0x0B, 0x0C, 0x0D,  // S1 time
      0x00, 0x00, 0x00, 0x00,  // S1 zero
  };
  for (size_t i = 0; i < kPacket - 8; ++i) b.push_back(static_cast<uint8_t>(0xF0 + i));
  return b;
}

// The S2 a simple server sends for the client's C1 (from start()).
Buffer echoOf(const Buffer& c0c1) {
  Buffer s2(c0c1.begin() + 1, c0c1.end());
  s2[4] = 0x0A, s2[5] = 0x0B, s2[6] = 0x0C, s2[7] = 0x0D;  // server's time2
  return s2;
}

Buffer concat(Buffer a, const Buffer& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(ClientHandshake, SimpleC0C1LayoutIsAsSpecified) {
  ClientHandshake hs(simpleOptions());
  auto out = hs.start();
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1 + kPacket);
  const Buffer& b = *out;
  EXPECT_EQ(b[0], 0x03);  // C0
  // C1: time 0x11223344, zero, random 0x10, 0x11, ...
  EXPECT_EQ(Buffer(b.begin() + 1, b.begin() + 5), Buffer({0x11, 0x22, 0x33, 0x44}));
  EXPECT_EQ(Buffer(b.begin() + 5, b.begin() + 9), Buffer({0x00, 0x00, 0x00, 0x00}));
  for (size_t i = 8; i < kPacket; ++i) {
    ASSERT_EQ(b[1 + i], static_cast<uint8_t>(0x10 + (i - 8))) << "C1 random byte " << i;
  }
}

TEST(ClientHandshake, SimpleC2EchoesS1AsSoonAsS1IsComplete) {
  ClientHandshake hs(simpleOptions());
  ASSERT_TRUE(hs.start().ok());
  auto step = hs.feed(simpleS0S1());
  ASSERT_TRUE(step.ok());
  EXPECT_FALSE(step->done);  // S2 still to come
  EXPECT_EQ(step->consumed, 1 + kPacket);
  ASSERT_EQ(step->output.size(), kPacket);
  const Buffer& c2 = step->output;
  EXPECT_EQ(Buffer(c2.begin(), c2.begin() + 4), Buffer({0x0A, 0x0B, 0x0C, 0x0D}));      // S1 time
  EXPECT_EQ(Buffer(c2.begin() + 4, c2.begin() + 8), Buffer({0x11, 0x22, 0x33, 0x44}));  // time2
  for (size_t i = 8; i < kPacket; ++i) {
    ASSERT_EQ(c2[i], static_cast<uint8_t>(0xF0 + (i - 8))) << "C2 echo byte " << i;
  }
  EXPECT_EQ(hs.mode(), HandshakeMode::kSimple);
  EXPECT_EQ(hs.peerTime(), 0x0A0B0C0Du);
  EXPECT_EQ(hs.peerVersion(), 0u);
}

TEST(ClientHandshake, EchoedS2CompletesAndLeavesChunkBytes) {
  ClientHandshake hs(simpleOptions());
  auto c0c1 = hs.start();
  ASSERT_TRUE(c0c1.ok());
  const Buffer chunkStart = {0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x05};
  const Buffer input = concat(concat(simpleS0S1(), echoOf(*c0c1)), chunkStart);
  auto step = hs.feed(input);
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->done);
  EXPECT_TRUE(hs.done());
  EXPECT_EQ(step->output.size(), kPacket);  // C2
  ASSERT_EQ(step->consumed, 1 + 2 * kPacket);
  EXPECT_EQ(Buffer(input.begin() + step->consumed, input.end()), chunkStart);
  EXPECT_TRUE(hs.peerEchoMatched());
}

TEST(ClientHandshake, GarbageS2IsAcceptedButReportedAsNotMatching) {
  ClientHandshake hs(simpleOptions());
  ASSERT_TRUE(hs.start().ok());
  auto step = hs.feed(concat(simpleS0S1(), Buffer(kPacket, 0x77)));
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->done);
  EXPECT_FALSE(hs.peerEchoMatched());
}

TEST(ClientHandshake, DigestC1AgainstASimpleServerEndsSimple) {
  ClientHandshakeOptions o = simpleOptions();
  o.digest = true;
  ClientHandshake hs(o);
  auto c0c1 = hs.start();
  ASSERT_TRUE(c0c1.ok());
  auto step = hs.feed(concat(simpleS0S1(), echoOf(*c0c1)));
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->done);
  EXPECT_EQ(hs.mode(), HandshakeMode::kSimple);
  EXPECT_FALSE(hs.digestRejected());  // S1 never claimed a digest
  EXPECT_TRUE(hs.peerEchoMatched());
}

TEST(ClientHandshake, WrongS0IsAVersionError) {
  ClientHandshake hs(simpleOptions());
  ASSERT_TRUE(hs.start().ok());
  const uint8_t s0[] = {0x06};
  auto step = hs.feed(s0);
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().code(), ErrorCode::kHandshakeVersion);
  EXPECT_EQ(hs.feed(simpleS0S1()).error().code(), ErrorCode::kHandshakeState);
}

TEST(ClientHandshake, FeedBeforeStartIsAStateError) {
  ClientHandshake hs(simpleOptions());
  auto step = hs.feed(simpleS0S1());
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().code(), ErrorCode::kHandshakeState);
}

TEST(ClientHandshake, StartTwiceIsAStateError) {
  ClientHandshake hs(simpleOptions());
  ASSERT_TRUE(hs.start().ok());
  auto again = hs.start();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kHandshakeState);
}

TEST(ClientHandshake, FeedAfterDoneIsAStateError) {
  ClientHandshake hs(simpleOptions());
  ASSERT_TRUE(hs.start().ok());
  ASSERT_TRUE(hs.feed(concat(simpleS0S1(), Buffer(kPacket, 0))).ok());
  ASSERT_TRUE(hs.done());
  const uint8_t more[] = {0x02};
  EXPECT_EQ(hs.feed(more).error().code(), ErrorCode::kHandshakeState);
}

TEST(ClientHandshake, EmptyFeedDoesNothing) {
  ClientHandshake hs(simpleOptions());
  ASSERT_TRUE(hs.start().ok());
  auto step = hs.feed({});
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->output.empty());
  EXPECT_EQ(step->consumed, 0u);
  EXPECT_FALSE(step->done);
}

}  // namespace
}  // namespace rtmp::protocol
