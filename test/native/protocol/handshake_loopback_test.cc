// ClientHandshake <-> ServerHandshake in memory: each side's output is the
// other's input, whole, one byte at a time, and cut at every offset.
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "protocol/handshake_client.h"
#include "protocol/handshake_server.h"

namespace rtmp::protocol {
namespace {

using Buffer = std::vector<uint8_t>;

RandomSource countingRandom(uint8_t start) {
  auto next = std::make_shared<uint8_t>(start);
  return [next](std::span<uint8_t> out) {
    for (uint8_t& b : out) b = (*next)++;
  };
}

// Bytes that follow the handshake on each direction: the start of a chunk.
const Buffer kClientChunk = {0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2A, 0x14};  // connect
const Buffer kServerChunk = {0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x05};  // win ack

struct Pairing {
  const char* name;
  bool clientDigest;
  DigestScheme clientScheme;
  bool serverDigest;
  HandshakeMode expected;
};

// Keeps gtest from printing the struct's padding bytes.
void PrintTo(const Pairing& p, std::ostream* os) {
  *os << p.name;
}

ClientHandshake makeClient(const Pairing& s) {
  return ClientHandshake({.time = 1000,
                          .random = countingRandom(0x01),
                          .digest = s.clientDigest,
                          .scheme = s.clientScheme});
}
ServerHandshake makeServer(const Pairing& s) {
  return ServerHandshake(
      {.time = 2000, .random = countingRandom(0x81), .allowDigest = s.serverDigest});
}

Buffer concat(Buffer a, const Buffer& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// What a side did with one stream of input fed in pieces.
struct Fed {
  Buffer output;
  Buffer leftover;  // input bytes it handed back after done
  bool done = false;
  bool ok = true;
};

// Feeds `input` cut at the given offsets (ascending). Before done every byte
// must be consumed; after done the rest is collected as leftover.
template <typename Handshake>
Fed feedPieces(Handshake& hs, const Buffer& input, const std::vector<size_t>& cuts) {
  Fed fed;
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t to : ends) {
    std::span<const uint8_t> piece(input.data() + from, to - from);
    if (fed.done) {
      fed.leftover.insert(fed.leftover.end(), piece.begin(), piece.end());
    } else {
      auto step = hs.feed(piece);
      if (!step.ok()) {
        fed.ok = false;
        return fed;
      }
      fed.output.insert(fed.output.end(), step->output.begin(), step->output.end());
      fed.leftover.insert(fed.leftover.end(), piece.begin() + step->consumed, piece.end());
      if (!step->done && step->consumed != piece.size()) fed.ok = false;
      fed.done = step->done;
    }
    from = to;
  }
  return fed;
}

std::vector<size_t> everyByte(size_t size) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < size; ++i) cuts.push_back(i);
  return cuts;
}

// The byte streams of one whole-buffer run.
struct Transcript {
  Buffer toServer;  // C0 + C1 + C2 + kClientChunk
  Buffer toClient;  // S0 + S1 + S2 + kServerChunk
};

Transcript runWhole(const Pairing& s) {
  ClientHandshake client = makeClient(s);
  ServerHandshake server = makeServer(s);
  auto c0c1 = client.start();
  EXPECT_TRUE(c0c1.ok());
  auto s0s1s2 = server.feed(*c0c1);
  EXPECT_TRUE(s0s1s2.ok());
  const Buffer toClient = concat(s0s1s2->output, kServerChunk);
  auto c2 = client.feed(toClient);
  EXPECT_TRUE(c2.ok());
  EXPECT_TRUE(c2->done);
  const Buffer toServer = concat(concat(*c0c1, c2->output), kClientChunk);
  auto last = server.feed(std::span(toServer).subspan(c0c1->size()));
  EXPECT_TRUE(last.ok());
  EXPECT_TRUE(last->done);

  EXPECT_EQ(client.mode(), s.expected);
  EXPECT_EQ(server.mode(), s.expected);
  EXPECT_EQ(client.scheme(), server.scheme());
  EXPECT_TRUE(client.peerEchoMatched());
  EXPECT_TRUE(server.peerEchoMatched());
  EXPECT_FALSE(client.digestRejected());
  EXPECT_FALSE(server.digestRejected());
  EXPECT_EQ(server.peerTime(), 1000u);
  EXPECT_EQ(client.peerTime(), 2000u);
  return {toServer, toClient};
}

class HandshakeLoopback : public testing::TestWithParam<Pairing> {};

TEST_P(HandshakeLoopback, CompletesWithWholeBuffers) {
  runWhole(GetParam());
}

TEST_P(HandshakeLoopback, CompletesOneByteAtATime) {
  const Transcript whole = runWhole(GetParam());
  ClientHandshake client = makeClient(GetParam());
  ServerHandshake server = makeServer(GetParam());
  auto c0c1 = client.start();
  ASSERT_TRUE(c0c1.ok());
  // The same deterministic sources make the same bytes, so the recorded
  // streams can be replayed byte by byte into fresh objects.
  const Fed atServer = feedPieces(server, whole.toServer, everyByte(whole.toServer.size()));
  const Fed atClient = feedPieces(client, whole.toClient, everyByte(whole.toClient.size()));
  ASSERT_TRUE(atServer.ok && atServer.done);
  ASSERT_TRUE(atClient.ok && atClient.done);
  EXPECT_EQ(atServer.leftover, kClientChunk);
  EXPECT_EQ(atClient.leftover, kServerChunk);
  EXPECT_EQ(atServer.output, Buffer(whole.toClient.begin(), whole.toClient.end() - 8));
  EXPECT_EQ(concat(*c0c1, atClient.output),
            Buffer(whole.toServer.begin(), whole.toServer.end() - 8));
  EXPECT_TRUE(server.peerEchoMatched());
  EXPECT_TRUE(client.peerEchoMatched());
}

INSTANTIATE_TEST_SUITE_P(
    Modes, HandshakeLoopback,
    testing::Values(
        Pairing{"DigestKeyFirst", true, DigestScheme::kKeyFirst, true, HandshakeMode::kDigest},
        Pairing{"DigestDigestFirst", true, DigestScheme::kDigestFirst, true,
                HandshakeMode::kDigest},
        Pairing{"SimpleClient", false, DigestScheme::kDigestFirst, true, HandshakeMode::kSimple},
        Pairing{"DigestClientSimpleServer", true, DigestScheme::kDigestFirst, false,
                HandshakeMode::kSimple}),
    [](const auto& info) { return std::string(info.param.name); });

// One run (digest, the common case) with each stream cut in two at every
// possible offset, so every field boundary lands at a piece boundary.
TEST(HandshakeLoopbackSplit, EveryTwoPieceCutOfEitherStreamGivesTheSameResult) {
  const Pairing setup{"Digest", true, DigestScheme::kDigestFirst, true, HandshakeMode::kDigest};
  const Transcript whole = runWhole(setup);
  for (size_t cut = 0; cut <= whole.toServer.size(); ++cut) {
    ServerHandshake server = makeServer(setup);
    const Fed fed = feedPieces(server, whole.toServer, {cut});
    ASSERT_TRUE(fed.ok && fed.done) << "server cut at " << cut;
    ASSERT_EQ(fed.leftover, kClientChunk) << "server cut at " << cut;
    ASSERT_TRUE(server.peerEchoMatched()) << "server cut at " << cut;
  }
  for (size_t cut = 0; cut <= whole.toClient.size(); ++cut) {
    ClientHandshake client = makeClient(setup);
    ASSERT_TRUE(client.start().ok());
    const Fed fed = feedPieces(client, whole.toClient, {cut});
    ASSERT_TRUE(fed.ok && fed.done) << "client cut at " << cut;
    ASSERT_EQ(fed.leftover, kServerChunk) << "client cut at " << cut;
    ASSERT_TRUE(client.peerEchoMatched()) << "client cut at " << cut;
  }
}

}  // namespace
}  // namespace rtmp::protocol
