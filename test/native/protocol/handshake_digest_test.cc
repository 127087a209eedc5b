// The digest (Flash Player 9) handshake, checked against a reference written
// here from the published facts, independently of handshake_digest.cc: its
// own key bytes, its own offset arithmetic, OpenSSL HMAC called directly.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <string>
#include <vector>

#include "protocol/handshake_client.h"
#include "protocol/handshake_digest.h"
#include "protocol/handshake_server.h"

namespace rtmp::protocol {
namespace {

using Buffer = std::vector<uint8_t>;
constexpr size_t kPacket = 1536;

// ---------------------------------------------------------------------------
// Reference

// The 32 bytes both well-known keys end with.
const Buffer kKeyTail = {
    0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
    0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
};

Buffer text(const std::string& s) {
  return Buffer(s.begin(), s.end());
}
Buffer withTail(Buffer key) {
  key.insert(key.end(), kKeyTail.begin(), kKeyTail.end());
  return key;
}
const Buffer kPlayerText = text("Genuine Adobe Flash Player 001");        // signs C1
const Buffer kServerText = text("Genuine Adobe Flash Media Server 001");  // signs S1
const Buffer kPlayerFull = withTail(kPlayerText);                         // C2 key root
const Buffer kServerFull = withTail(kServerText);                         // S2 key root

Buffer refHmac(const Buffer& key, const uint8_t* data, size_t size) {
  Buffer out(32);
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data, size, out.data(), &len);
  EXPECT_EQ(len, 32u);
  return out;
}

// Scheme 0 = key block at 8, digest block at 772; scheme 1 = digest block at
// 8. The digest block starts with 4 offset bytes; the digest sits at
// (their sum % 728) past them.
size_t refDigestPos(const Buffer& p, int scheme) {
  const size_t block = scheme == 0 ? 772 : 8;
  return block + 4 + (p[block] + p[block + 1] + p[block + 2] + p[block + 3]) % 728;
}

// HMAC over the 1536 bytes without the 32 digest bytes.
Buffer refPacketDigest(const Buffer& p, size_t pos, const Buffer& key) {
  Buffer rest(p.begin(), p.begin() + pos);
  rest.insert(rest.end(), p.begin() + pos + 32, p.end());
  EXPECT_EQ(rest.size(), 1504u);
  return refHmac(key, rest.data(), rest.size());
}

Buffer digestBytes(const Buffer& p, size_t pos) {
  return Buffer(p.begin() + pos, p.begin() + pos + 32);
}

void refSign(Buffer& p, int scheme, const Buffer& key) {
  const size_t pos = refDigestPos(p, scheme);
  const Buffer d = refPacketDigest(p, pos, key);
  std::copy(d.begin(), d.end(), p.begin() + pos);
}

bool refVerify(const Buffer& p, int scheme, const Buffer& key) {
  const size_t pos = refDigestPos(p, scheme);
  return refPacketDigest(p, pos, key) == digestBytes(p, pos);
}

// The answer packet's tail: HMAC(HMAC(fullKey, answeredDigest), first 1504).
Buffer refAnswerTail(const Buffer& p, const Buffer& fullKey, const Buffer& answered) {
  const Buffer key = refHmac(fullKey, answered.data(), answered.size());
  return refHmac(key, p.data(), 1504);
}

// A packet with time, version field and pseudo-random filler.
Buffer refPacket(uint32_t time, uint32_t version, uint8_t seed) {
  Buffer p(kPacket);
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(time >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<uint8_t>(version >> (24 - 8 * i));
  for (size_t i = 8; i < kPacket; ++i) p[i] = static_cast<uint8_t>(seed + i * 7);
  return p;
}

Buffer refSignedC1(int scheme) {
  Buffer c1 = refPacket(0x00000010, 0x09007C02, 0x21);  // Flash Player 9.0.124.2
  refSign(c1, scheme, kPlayerText);
  return c1;
}

Buffer withC0(uint8_t c0, const Buffer& packet) {
  Buffer out = {c0};
  out.insert(out.end(), packet.begin(), packet.end());
  return out;
}

RandomSource countingRandom(uint8_t start) {
  auto next = std::make_shared<uint8_t>(start);
  return [next](std::span<uint8_t> out) {
    for (uint8_t& b : out) b = (*next)++;
  };
}

// ---------------------------------------------------------------------------
// Building blocks

TEST(HandshakeDigest, HmacMatchesRfc4231TestCase2) {
  const Buffer key = text("Jefe");
  const Buffer data = text("what do ya want for nothing?");
  const HandshakeDigest expected = {
      0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
      0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
      0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
  };
  auto digest = hmacSha256(key, data);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, expected);
}

TEST(HandshakeDigest, KeysAreTheWellKnownConstants) {
  auto bytes = [](std::span<const uint8_t> s) { return Buffer(s.begin(), s.end()); };
  EXPECT_EQ(bytes(playerPartialKey()), kPlayerText);
  EXPECT_EQ(bytes(playerFullKey()), kPlayerFull);
  EXPECT_EQ(bytes(serverPartialKey()), kServerText);
  EXPECT_EQ(bytes(serverFullKey()), kServerFull);
  EXPECT_EQ(playerFullKey().size(), 62u);
  EXPECT_EQ(serverFullKey().size(), 68u);
}

TEST(HandshakeDigest, PositionIsComputedFromTheOffsetBytesOfTheDigestBlock) {
  HandshakePacket p{};
  // Scheme 1: offset bytes at 8..11. 0xFF * 4 = 1020; 1020 % 728 = 292;
  // digest at 8 + 4 + 292 = 304.
  p[8] = p[9] = p[10] = p[11] = 0xFF;
  // Scheme 0: offset bytes at 772..775. 1 + 2 + 3 + 4 = 10; digest at 786.
  p[772] = 1, p[773] = 2, p[774] = 3, p[775] = 4;
  EXPECT_EQ(digestPosition(p, DigestScheme::kDigestFirst), 304u);
  EXPECT_EQ(digestPosition(p, DigestScheme::kKeyFirst), 786u);
  // Largest offset: 0xFF + 0xFF + 0xD9 + 0 = 727 -> digest at 1503..1534,
  // one byte short of the packet end (728 slots, not 729).
  p[772] = 0xFF, p[773] = 0xFF, p[774] = 0xD9, p[775] = 0x00;
  EXPECT_EQ(digestPosition(p, DigestScheme::kKeyFirst), 776u + 727u);
  EXPECT_EQ(digestPosition(p, DigestScheme::kKeyFirst) + 32, 1535u);
}

TEST(HandshakeDigest, FindsAReferenceSignatureInEitherScheme) {
  for (int scheme : {0, 1}) {
    const Buffer c1 = refSignedC1(scheme);
    HandshakePacket p;
    std::copy(c1.begin(), c1.end(), p.begin());
    auto found = findPacketDigest(p, playerPartialKey());
    ASSERT_TRUE(found.has_value()) << "scheme " << scheme;
    EXPECT_EQ(static_cast<int>(*found), scheme);
    // Signed with the player key: the server key does not verify it.
    EXPECT_FALSE(findPacketDigest(p, serverPartialKey()).has_value());
  }
}

// ---------------------------------------------------------------------------
// Server answering a digest C1

class ServerDigest : public testing::TestWithParam<int> {};

TEST_P(ServerDigest, AnswersWithSignedS1AndDigestKeyedS2InTheClientsScheme) {
  const int scheme = GetParam();
  const Buffer c1 = refSignedC1(scheme);
  ServerHandshake hs({.time = 0x00ABCDEF, .random = countingRandom(0x40)});
  auto step = hs.feed(withC0(0x03, c1));
  ASSERT_TRUE(step.ok()) << step.error().toString();
  ASSERT_EQ(step->output.size(), 1 + 2 * kPacket);
  EXPECT_EQ(hs.mode(), HandshakeMode::kDigest);
  ASSERT_TRUE(hs.scheme().has_value());
  EXPECT_EQ(static_cast<int>(*hs.scheme()), scheme);
  EXPECT_EQ(hs.peerVersion(), 0x09007C02u);
  EXPECT_EQ(hs.peerTime(), 0x10u);

  EXPECT_EQ(step->output[0], 0x03);  // S0
  const Buffer s1(step->output.begin() + 1, step->output.begin() + 1 + kPacket);
  const Buffer s2(step->output.begin() + 1 + kPacket, step->output.end());
  // S1: time, non-zero server version, digest signed with the server text key
  // at the position the same scheme gives.
  EXPECT_EQ(Buffer(s1.begin(), s1.begin() + 4), Buffer({0x00, 0xAB, 0xCD, 0xEF}));
  EXPECT_NE(Buffer(s1.begin() + 4, s1.begin() + 8), Buffer(4, 0));
  EXPECT_TRUE(refVerify(s1, scheme, kServerText));
  // S2: its last 32 bytes are keyed from C1's digest with the full server key.
  const Buffer c1Digest = digestBytes(c1, refDigestPos(c1, scheme));
  EXPECT_EQ(Buffer(s2.begin() + 1504, s2.end()), refAnswerTail(s2, kServerFull, c1Digest));

  // A proper C2 answers S1's digest with the full player key.
  Buffer c2 = refPacket(0, 0, 0x99);
  const Buffer s1Digest = digestBytes(s1, refDigestPos(s1, scheme));
  const Buffer tail = refAnswerTail(c2, kPlayerFull, s1Digest);
  std::copy(tail.begin(), tail.end(), c2.begin() + 1504);
  auto last = hs.feed(c2);
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->done);
  EXPECT_TRUE(hs.peerEchoMatched());
}

TEST_P(ServerDigest, C2WithAWrongTailStillCompletesButIsReported) {
  ServerHandshake hs({.random = countingRandom(0)});
  ASSERT_TRUE(hs.feed(withC0(0x03, refSignedC1(GetParam()))).ok());
  auto last = hs.feed(refPacket(0, 0, 0x99));
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->done);
  EXPECT_FALSE(hs.peerEchoMatched());
}

// Regression: FFmpeg verifies and answers S1's digest only when playing; when
// publishing it sends S1 back unchanged as C2. That must count as matched.
TEST_P(ServerDigest, FfmpegPublishEchoOfS1CountsAsMatchedC2) {
  ServerHandshake hs({.random = countingRandom(0)});
  auto step = hs.feed(withC0(0x03, refSignedC1(GetParam())));
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(hs.mode(), HandshakeMode::kDigest);
  const Buffer s1(step->output.begin() + 1, step->output.begin() + 1 + kPacket);
  auto last = hs.feed(s1);
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->done);
  EXPECT_TRUE(hs.peerEchoMatched());
}

INSTANTIATE_TEST_SUITE_P(Schemes, ServerDigest, testing::Values(0, 1), [](const auto& info) {
  return info.param == 0 ? std::string("KeyFirst") : std::string("DigestFirst");
});

TEST(ServerDigest, C1WithABadDigestFallsBackToTheSimpleHandshake) {
  Buffer c1 = refSignedC1(1);
  c1[refDigestPos(c1, 1)] ^= 0x01;  // one flipped digest bit
  ServerHandshake hs({.time = 7, .random = countingRandom(0)});
  auto step = hs.feed(withC0(0x03, c1));
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(hs.mode(), HandshakeMode::kSimple);
  EXPECT_TRUE(hs.digestRejected());
  EXPECT_FALSE(hs.scheme().has_value());
  const Buffer s1(step->output.begin() + 1, step->output.begin() + 1 + kPacket);
  const Buffer s2(step->output.begin() + 1 + kPacket, step->output.end());
  EXPECT_EQ(Buffer(s1.begin() + 4, s1.begin() + 8), Buffer(4, 0));  // simple S1
  // Simple S2: C1 echoed with time2 = 7.
  Buffer expectedS2 = c1;
  expectedS2[4] = 0, expectedS2[5] = 0, expectedS2[6] = 0, expectedS2[7] = 7;
  EXPECT_EQ(s2, expectedS2);
}

TEST(ServerDigest, DigestC1GetsTheSimpleAnswerWhenDigestIsDisabled) {
  ServerHandshake hs({.random = countingRandom(0), .allowDigest = false});
  auto step = hs.feed(withC0(0x03, refSignedC1(0)));
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(hs.mode(), HandshakeMode::kSimple);
  EXPECT_FALSE(hs.digestRejected());
  EXPECT_EQ(Buffer(step->output.begin() + 5, step->output.begin() + 9), Buffer(4, 0));
}

// ---------------------------------------------------------------------------
// Client sending a digest C1 and answering a digest S1

class ClientDigest : public testing::TestWithParam<int> {};

TEST_P(ClientDigest, C1IsSignedWithThePlayerKeyInTheChosenScheme) {
  const int scheme = GetParam();
  ClientHandshake hs({.time = 0x01020304,
                      .random = countingRandom(0),
                      .scheme = static_cast<DigestScheme>(scheme)});
  auto c0c1 = hs.start();
  ASSERT_TRUE(c0c1.ok());
  ASSERT_EQ(c0c1->size(), 1 + kPacket);
  EXPECT_EQ((*c0c1)[0], 0x03);  // C0
  const Buffer c1(c0c1->begin() + 1, c0c1->end());
  EXPECT_EQ(Buffer(c1.begin(), c1.begin() + 4), Buffer({0x01, 0x02, 0x03, 0x04}));  // time
  EXPECT_NE(Buffer(c1.begin() + 4, c1.begin() + 8), Buffer(4, 0));  // version: non-zero
  EXPECT_TRUE(refVerify(c1, scheme, kPlayerText));
}

TEST_P(ClientDigest, AnswersADigestS1InEitherSchemeWithAKeyedC2) {
  ClientHandshake hs({.random = countingRandom(0), .scheme = DigestScheme::kDigestFirst});
  auto c0c1 = hs.start();
  ASSERT_TRUE(c0c1.ok());
  const Buffer c1(c0c1->begin() + 1, c0c1->end());
  const Buffer c1Digest = digestBytes(c1, refDigestPos(c1, 1));

  // The server may sign S1 in a layout other than ours: both must work.
  const int serverScheme = GetParam();
  Buffer s1 = refPacket(0x00000100, 0x03050101, 0x5A);
  refSign(s1, serverScheme, kServerText);
  Buffer s2 = refPacket(0, 0, 0x33);
  const Buffer s2Tail = refAnswerTail(s2, kServerFull, c1Digest);
  std::copy(s2Tail.begin(), s2Tail.end(), s2.begin() + 1504);

  Buffer input = withC0(0x03, s1);
  input.insert(input.end(), s2.begin(), s2.end());
  auto step = hs.feed(input);
  ASSERT_TRUE(step.ok()) << step.error().toString();
  EXPECT_TRUE(step->done);
  EXPECT_EQ(hs.mode(), HandshakeMode::kDigest);
  EXPECT_EQ(static_cast<int>(*hs.scheme()), serverScheme);
  EXPECT_TRUE(hs.peerEchoMatched());
  ASSERT_EQ(step->output.size(), kPacket);
  const Buffer& c2 = step->output;
  const Buffer s1Digest = digestBytes(s1, refDigestPos(s1, serverScheme));
  EXPECT_EQ(Buffer(c2.begin() + 1504, c2.end()), refAnswerTail(c2, kPlayerFull, s1Digest));
}

INSTANTIATE_TEST_SUITE_P(Schemes, ClientDigest, testing::Values(0, 1), [](const auto& info) {
  return info.param == 0 ? std::string("KeyFirst") : std::string("DigestFirst");
});

TEST(ClientDigest, S2EchoingC1CountsAsMatchedInDigestMode) {
  ClientHandshake hs({.random = countingRandom(0)});
  auto c0c1 = hs.start();
  ASSERT_TRUE(c0c1.ok());
  Buffer s1 = refPacket(0x100, 0x03050101, 0x5A);
  refSign(s1, 1, kServerText);
  Buffer input = withC0(0x03, s1);
  input.insert(input.end(), c0c1->begin() + 1, c0c1->end());  // S2 = C1 unchanged
  auto step = hs.feed(input);
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step->done);
  EXPECT_EQ(hs.mode(), HandshakeMode::kDigest);
  EXPECT_TRUE(hs.peerEchoMatched());
}

TEST(ClientDigest, S1WithABadDigestGetsTheSimpleEcho) {
  ClientHandshake hs({.time = 0x99, .random = countingRandom(0)});
  ASSERT_TRUE(hs.start().ok());
  Buffer s1 = refPacket(0x100, 0x03050101, 0x5A);  // version set, never signed
  auto step = hs.feed(withC0(0x03, s1));
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(hs.mode(), HandshakeMode::kSimple);
  EXPECT_TRUE(hs.digestRejected());
  Buffer expectedC2 = s1;
  expectedC2[4] = 0, expectedC2[5] = 0, expectedC2[6] = 0, expectedC2[7] = 0x99;  // time2
  EXPECT_EQ(step->output, expectedC2);
}

}  // namespace
}  // namespace rtmp::protocol
