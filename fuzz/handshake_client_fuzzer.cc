// ClientHandshake fed hostile server bytes, once whole and once cut at
// fuzzer-chosen offsets; both runs must agree and respect the feed() contract.
//
// Input: | flags (1) | stream ... | ...piece lengths (consumed from the end) |
//   flags bit 0: the client sends a digest C1
//   flags bit 1: digest scheme kKeyFirst (else kDigestFirst)
//   flags bit 2: prefix the stream with S0+S1 from a real ServerHandshake that
//                answered this client's C1, so the digest S1 path and the S2
//                check are reached (random bytes never forge an HMAC)
//   flags bit 3: keep the real S2 as well
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "protocol/handshake_client.h"
#include "protocol/handshake_server.h"

using namespace rtmp::protocol;

namespace {

#define FUZZ_CHECK(cond)  \
  do {                    \
    if (!(cond)) abort(); \
  } while (0)

RandomSource countingRandom(uint8_t start) {
  auto next = std::make_shared<uint8_t>(start);
  return [next](std::span<uint8_t> out) {
    for (uint8_t& b : out) b = (*next)++;
  };
}

ClientHandshakeOptions clientOptions(uint8_t flags) {
  return {.time = 9,
          .random = countingRandom(5),
          .digest = (flags & 1) != 0,
          .scheme = (flags & 2) ? DigestScheme::kKeyFirst : DigestScheme::kDigestFirst};
}

struct Outcome {
  std::vector<uint8_t> output;
  std::vector<uint8_t> leftover;
  bool done = false;
  bool failed = false;
};

Outcome run(uint8_t flags, const std::vector<uint8_t>& stream, const std::vector<size_t>& pieces) {
  ClientHandshake hs(clientOptions(flags));
  auto c0c1 = hs.start();
  FUZZ_CHECK(c0c1.ok() && c0c1->size() == 1 + kHandshakePacketSize);
  Outcome o;
  size_t at = 0;
  for (size_t len : pieces) {
    std::span<const uint8_t> piece(stream.data() + at, len);
    at += len;
    if (o.done || o.failed) {
      if (o.done) o.leftover.insert(o.leftover.end(), piece.begin(), piece.end());
      FUZZ_CHECK(!hs.feed(piece).ok());
      continue;
    }
    auto step = hs.feed(piece);
    if (!step.ok()) {
      o.failed = true;
      continue;
    }
    FUZZ_CHECK(step->consumed <= piece.size());
    FUZZ_CHECK(step->done || step->consumed == piece.size());
    FUZZ_CHECK(step->output.empty() || step->output.size() == kHandshakePacketSize);
    o.output.insert(o.output.end(), step->output.begin(), step->output.end());
    if (step->done) {
      o.done = true;
      o.leftover.insert(o.leftover.end(), piece.begin() + step->consumed, piece.end());
    }
  }
  FUZZ_CHECK(o.done == hs.done());
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const uint8_t flags = in.ConsumeIntegral<uint8_t>();

  std::vector<uint8_t> stream;
  std::vector<size_t> pieces;
  if (flags & 4) {
    // A real server's answer to this client's (deterministic) C1.
    ClientHandshake client(clientOptions(flags));
    auto c0c1 = client.start();
    FUZZ_CHECK(c0c1.ok());
    ServerHandshake server({.random = countingRandom(11)});
    auto answer = server.feed(*c0c1);
    FUZZ_CHECK(answer.ok() && answer->output.size() == 1 + 2 * kHandshakePacketSize);
    const size_t keep = (flags & 8) ? answer->output.size() : 1 + kHandshakePacketSize;
    stream.assign(answer->output.begin(), answer->output.begin() + keep);
    pieces.push_back(keep);
  }
  while (in.remaining_bytes() > 0) {
    const size_t len = in.ConsumeIntegralInRange<size_t>(0, 2 * kHandshakePacketSize);
    const std::vector<uint8_t> piece = in.ConsumeBytes<uint8_t>(len);
    stream.insert(stream.end(), piece.begin(), piece.end());
    pieces.push_back(piece.size());
  }

  const Outcome whole = run(flags, stream, {stream.size()});
  const Outcome split = run(flags, stream, pieces);
  FUZZ_CHECK(whole.output == split.output);
  FUZZ_CHECK(whole.done == split.done);
  FUZZ_CHECK(whole.failed == split.failed);
  if (whole.done) FUZZ_CHECK(whole.leftover == split.leftover);
  if (whole.failed) FUZZ_CHECK(stream[0] != kRtmpVersion);
  return 0;
}
