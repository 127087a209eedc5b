// ServerHandshake, simple (§5.2) handshake and the feed() contract. The digest
// handshake is tested against an independent reference in
// handshake_digest_test.cc.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "protocol/handshake_server.h"

namespace rtmp::protocol {
namespace {

using base::ErrorCode;
using Buffer = std::vector<uint8_t>;

constexpr size_t kPacket = 1536;

// Deterministic "random" bytes: start, start+1, ... (mod 256), continuing
// across calls.
RandomSource countingRandom(uint8_t start) {
  auto next = std::make_shared<uint8_t>(start);
  return [next](std::span<uint8_t> out) {
    for (uint8_t& b : out) b = (*next)++;
  };
}

// C0 + a simple C1: time 0x01020304, zero field, random = 0x00, 0x01, ...
Buffer simpleC0C1() {
  Buffer b = {
      0x03,                    // C0: RTMP version 3
      0x01, 0x02, 0x03, 0x04,  // C1 time
      0x00, 0x00, 0x00, 0x00,  // C1 zero (simple handshake)
  };
  for (size_t i = 0; i < kPacket - 8; ++i) b.push_back(static_cast<uint8_t>(i));  // random
  return b;
}

ServerHandshakeOptions fixedOptions() {
  ServerHandshakeOptions o;
  o.time = 0x0A0B0C0D;
  o.random = countingRandom(0x80);
  return o;
}

Buffer concat(const Buffer& a, const Buffer& b) {
  Buffer out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// A correct simple C2 for the server's S1 (taken from the server output).
Buffer echoOf(const Buffer& s0s1s2) {
  Buffer c2(s0s1s2.begin() + 1, s0s1s2.begin() + 1 + kPacket);  // S1
  c2[4] = c2[5] = c2[6] = c2[7] = 0x55;                         // time2: the client's own read time
  return c2;
}

TEST(ServerHandshake, SimpleAnswerLaysOutS0S1S2AsSpecified) {
  ServerHandshake hs(fixedOptions());
  auto step = hs.feed(simpleC0C1());
  ASSERT_TRUE(step.ok()) << step.error().toString();
  EXPECT_FALSE(step->done);
  EXPECT_EQ(step->consumed, 1 + kPacket);
  const Buffer& out = step->output;
  ASSERT_EQ(out.size(), 1 + 2 * kPacket);

  // ---- S0 ----
  EXPECT_EQ(out[0], 0x03);  // version 3
  // ---- S1 (out[1..1537)) ----
  const uint8_t* s1 = out.data() + 1;
  EXPECT_EQ(s1[0], 0x0A);  // time = options.time, big-endian
  EXPECT_EQ(s1[1], 0x0B);
  EXPECT_EQ(s1[2], 0x0C);
  EXPECT_EQ(s1[3], 0x0D);
  for (size_t i = 4; i < 8; ++i) EXPECT_EQ(s1[i], 0x00) << "S1 zero field byte " << i;
  for (size_t i = 8; i < kPacket; ++i) {
    ASSERT_EQ(s1[i], static_cast<uint8_t>(0x80 + (i - 8))) << "S1 random byte " << i;
  }
  // ---- S2 (out[1537..3073)) ----
  const uint8_t* s2 = out.data() + 1 + kPacket;
  EXPECT_EQ(s2[0], 0x01);  // time = C1's time
  EXPECT_EQ(s2[1], 0x02);
  EXPECT_EQ(s2[2], 0x03);
  EXPECT_EQ(s2[3], 0x04);
  EXPECT_EQ(s2[4], 0x0A);  // time2 = when the server read C1 (options.time)
  EXPECT_EQ(s2[5], 0x0B);
  EXPECT_EQ(s2[6], 0x0C);
  EXPECT_EQ(s2[7], 0x0D);
  for (size_t i = 8; i < kPacket; ++i) {
    ASSERT_EQ(s2[i], static_cast<uint8_t>(i - 8)) << "S2 echo of C1 random byte " << i;
  }

  EXPECT_EQ(hs.mode(), HandshakeMode::kSimple);
  EXPECT_FALSE(hs.scheme().has_value());
  EXPECT_EQ(hs.peerTime(), 0x01020304u);
  EXPECT_EQ(hs.peerVersion(), 0u);
  EXPECT_FALSE(hs.digestRejected());
}

TEST(ServerHandshake, EchoedC2CompletesAndIsReportedAsMatching) {
  ServerHandshake hs(fixedOptions());
  auto first = hs.feed(simpleC0C1());
  ASSERT_TRUE(first.ok());
  auto second = hs.feed(echoOf(first->output));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->done);
  EXPECT_TRUE(second->output.empty());
  EXPECT_EQ(second->consumed, kPacket);
  EXPECT_TRUE(hs.done());
  EXPECT_TRUE(hs.peerEchoMatched());
}

TEST(ServerHandshake, GarbageC2IsAcceptedButReportedAsNotMatching) {
  ServerHandshake hs(fixedOptions());
  ASSERT_TRUE(hs.feed(simpleC0C1()).ok());
  auto step = hs.feed(Buffer(kPacket, 0xEE));
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->done);
  EXPECT_FALSE(hs.peerEchoMatched());
}

TEST(ServerHandshake, AnswerIsSentExactlyWhenTheLastC1ByteArrives) {
  ServerHandshake hs(fixedOptions());
  const Buffer c0c1 = simpleC0C1();
  auto most = hs.feed(std::span(c0c1).first(c0c1.size() - 1));
  ASSERT_TRUE(most.ok());
  EXPECT_TRUE(most->output.empty());
  EXPECT_EQ(most->consumed, c0c1.size() - 1);
  auto last = hs.feed(std::span(c0c1).last(1));
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->output.size(), 1 + 2 * kPacket);
  EXPECT_EQ(last->consumed, 1u);
}

TEST(ServerHandshake, OneByteAtATimeGivesTheSameAnswer) {
  ServerHandshake whole(fixedOptions());
  auto expected = whole.feed(simpleC0C1());
  ASSERT_TRUE(expected.ok());

  ServerHandshake hs(fixedOptions());
  const Buffer input = concat(simpleC0C1(), echoOf(expected->output));
  Buffer output;
  for (size_t i = 0; i < input.size(); ++i) {
    auto step = hs.feed(std::span(input).subspan(i, 1));
    ASSERT_TRUE(step.ok()) << "byte " << i;
    EXPECT_EQ(step->consumed, 1u);
    EXPECT_EQ(step->done, i + 1 == input.size());
    output.insert(output.end(), step->output.begin(), step->output.end());
  }
  EXPECT_EQ(output, expected->output);
  EXPECT_TRUE(hs.peerEchoMatched());
}

TEST(ServerHandshake, BytesAfterC2AreLeftUntouchedInOneFeed) {
  ServerHandshake hs(fixedOptions());
  // Chunk stream bytes right behind C2: a type-0 header on csid 2.
  const Buffer chunkStart = {0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01};
  const Buffer input = concat(concat(simpleC0C1(), Buffer(kPacket, 0x11)), chunkStart);
  auto step = hs.feed(input);
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->done);
  ASSERT_EQ(step->consumed, 1 + 2 * kPacket);
  EXPECT_EQ(Buffer(input.begin() + step->consumed, input.end()), chunkStart);
}

TEST(ServerHandshake, BytesAfterC2AreLeftUntouchedWhenC2ArrivesLater) {
  ServerHandshake hs(fixedOptions());
  ASSERT_TRUE(hs.feed(simpleC0C1()).ok());
  const Buffer input = concat(Buffer(kPacket, 0x11), {0xC3, 0xAA, 0xBB});
  auto step = hs.feed(input);
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->done);
  EXPECT_EQ(step->consumed, kPacket);
  EXPECT_EQ(Buffer(input.begin() + step->consumed, input.end()), Buffer({0xC3, 0xAA, 0xBB}));
}

TEST(ServerHandshake, EmptyFeedDoesNothing) {
  ServerHandshake hs(fixedOptions());
  auto step = hs.feed({});
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->output.empty());
  EXPECT_EQ(step->consumed, 0u);
  EXPECT_FALSE(step->done);
  EXPECT_EQ(hs.mode(), HandshakeMode::kPending);
}

TEST(ServerHandshake, FeedAfterDoneIsAStateError) {
  ServerHandshake hs(fixedOptions());
  ASSERT_TRUE(hs.feed(concat(simpleC0C1(), Buffer(kPacket, 0))).ok());
  ASSERT_TRUE(hs.done());
  const uint8_t more[] = {0x02};
  auto step = hs.feed(more);
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().code(), ErrorCode::kHandshakeState);
  // Even an empty feed: the caller should have moved on to the chunk reader.
  EXPECT_EQ(hs.feed({}).error().code(), ErrorCode::kHandshakeState);
}

struct BadVersion {
  uint8_t byte;
  const char* mentions;
};

class ServerHandshakeBadVersion : public testing::TestWithParam<BadVersion> {};

TEST_P(ServerHandshakeBadVersion, IsRejectedOnTheFirstByte) {
  ServerHandshake hs(fixedOptions());
  const uint8_t c0[] = {GetParam().byte};  // no C1 needed to decide
  auto step = hs.feed(c0);
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().code(), ErrorCode::kHandshakeVersion);
  EXPECT_NE(step.error().message().find(GetParam().mentions), std::string::npos)
      << step.error().message();
}

INSTANTIATE_TEST_SUITE_P(Versions, ServerHandshakeBadVersion,
                         testing::Values(BadVersion{0x06, "RTMPE"},  // encrypted RTMP
                                         BadVersion{0x08, "RTMPE"},  // RTMPE + XTEA
                                         BadVersion{0x09, "RTMPE"},  // RTMPE + Blowfish
                                         BadVersion{0x16, "TLS"},    // TLS record
                                         BadVersion{'G', "HTTP"},    // "GET /"
                                         BadVersion{0x00, "version 3"},
                                         BadVersion{0x02, "version 3"},
                                         BadVersion{0x1F, "version 3"},
                                         BadVersion{0xFF, "version 3"}));

TEST(ServerHandshake, FeedAfterAVersionErrorIsAStateError) {
  ServerHandshake hs(fixedOptions());
  const uint8_t c0[] = {0x06};
  ASSERT_FALSE(hs.feed(c0).ok());
  auto again = hs.feed(simpleC0C1());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kHandshakeState);
}

TEST(ServerHandshake, DefaultRandomSourceFillsS1) {
  ServerHandshake hs(ServerHandshakeOptions{});  // OpenSSL RAND_bytes
  auto step = hs.feed(simpleC0C1());
  ASSERT_TRUE(step.ok());
  // 1528 random bytes all zero would mean the source wrote nothing.
  const Buffer s1Random(step->output.begin() + 1 + 8, step->output.begin() + 1 + kPacket);
  EXPECT_NE(s1Random, Buffer(kPacket - 8, 0));
}

}  // namespace
}  // namespace rtmp::protocol
