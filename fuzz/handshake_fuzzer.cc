// ServerHandshake fed hostile bytes, once whole and once cut at
// fuzzer-chosen offsets; both runs must agree exactly (same answer, same
// error point, same leftover) and respect the feed() contract.
//
// Input: | flags (1) | stream ... | ...piece lengths (consumed from the end) |
//   flags bit 0: allowDigest
//   flags bit 1: prefix the stream with C0+C1 from a real ClientHandshake
//                (digest, scheme from bit 2), so that the digest-mode S1/S2
//                and C2 check are reached; random bytes never forge an HMAC.
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

struct Outcome {
  std::vector<uint8_t> output;
  std::vector<uint8_t> leftover;
  bool done = false;
  bool failed = false;
  size_t fedUntilStop = 0;  // input offset where the run stopped (error or done)
};

Outcome run(bool allowDigest, const std::vector<uint8_t>& stream,
            const std::vector<size_t>& pieces) {
  ServerHandshake hs({.time = 42, .random = countingRandom(7), .allowDigest = allowDigest});
  Outcome o;
  size_t at = 0;
  for (size_t len : pieces) {
    std::span<const uint8_t> piece(stream.data() + at, len);
    at += len;
    if (o.done || o.failed) {
      if (o.done) o.leftover.insert(o.leftover.end(), piece.begin(), piece.end());
      // Feeding on must keep failing cleanly.
      auto again = hs.feed(piece);
      FUZZ_CHECK(!again.ok());
      continue;
    }
    auto step = hs.feed(piece);
    if (!step.ok()) {
      o.failed = true;
      o.fedUntilStop = at - len;  // the piece holding the bad byte
      continue;
    }
    FUZZ_CHECK(step->consumed <= piece.size());
    FUZZ_CHECK(step->done || step->consumed == piece.size());
    FUZZ_CHECK(step->output.empty() || step->output.size() == 1 + 2 * kHandshakePacketSize);
    o.output.insert(o.output.end(), step->output.begin(), step->output.end());
    if (step->done) {
      o.done = true;
      o.fedUntilStop = at - len + step->consumed;
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
  const bool allowDigest = flags & 1;

  std::vector<uint8_t> stream;
  if (flags & 2) {
    ClientHandshake client(
        {.random = countingRandom(3),
         .scheme = (flags & 4) ? DigestScheme::kKeyFirst : DigestScheme::kDigestFirst});
    auto c0c1 = client.start();
    FUZZ_CHECK(c0c1.ok());
    stream = *c0c1;
  }
  // Cut the fuzzer's bytes into pieces whose lengths come from the input's end.
  std::vector<size_t> pieces;
  if (!stream.empty()) pieces.push_back(stream.size());
  while (in.remaining_bytes() > 0) {
    const size_t len = in.ConsumeIntegralInRange<size_t>(0, 2 * kHandshakePacketSize);
    const std::vector<uint8_t> piece = in.ConsumeBytes<uint8_t>(len);
    stream.insert(stream.end(), piece.begin(), piece.end());
    pieces.push_back(piece.size());
  }

  const Outcome whole = run(allowDigest, stream, {stream.size()});
  const Outcome split = run(allowDigest, stream, pieces);
  FUZZ_CHECK(whole.output == split.output);
  FUZZ_CHECK(whole.done == split.done);
  FUZZ_CHECK(whole.failed == split.failed);
  if (whole.done) {
    FUZZ_CHECK(whole.leftover == split.leftover);
    FUZZ_CHECK(whole.fedUntilStop == 1 + 2 * kHandshakePacketSize);
    FUZZ_CHECK(split.fedUntilStop == whole.fedUntilStop);
  }
  if (whole.failed) FUZZ_CHECK(stream[0] != kRtmpVersion);  // only C0 can be refused
  return 0;
}
