// Client side of the RTMP handshake (Adobe RTMP 1.0 §5.2), sans-I/O.
//
//   ClientHandshake hs({.time = 0, .digest = true});
//   write(*hs.start());                            // C0 + C1
//   auto step = hs.feed(bytesFromSocket);          // any split, even 1 byte
//   if (!step.ok()) close with step.error();
//   write(step->output);                           // C2, as soon as S1 is in
//   if (step->done) chunkReader.feed(bytes.subspan(step->consumed));
//
// Behaviour:
// - start() returns C0 + C1: simple (zero version field) or, by default, a
//   Flash Player style digest C1 in the chosen layout, which servers that
//   demand the digest handshake require and all others accept.
// - S0 must be 3 (kHandshakeVersion otherwise).
// - C2 is produced as soon as S1 is complete (§5.2.1 allows it before S2).
//   If we sent a digest C1 and S1 carries a valid server digest (either
//   layout), C2 is the digest-keyed answer; otherwise it echoes S1 (§5.2.4).
// - The handshake is done once S2 is read; input after S2 is the server's
//   chunk stream, handed back through `consumed`. S2 is checked but never
//   required to match; peerEchoMatched() reports it.
// - At most S0 + S1 + S2 (3073 bytes) of peer input is held. feed() before
//   start(), after done, or after an error returns kHandshakeState.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/error.h"
#include "protocol/handshake.h"
#include "protocol/handshake_digest.h"

namespace rtmp::protocol {

struct ClientHandshakeOptions {
  // The client's timestamp (ms, caller's epoch): C1's time and, in a simple
  // C2, time2 ("when S1 was read").
  uint32_t time = 0;
  // Source of C1/C2 random bytes; empty means defaultRandomSource().
  RandomSource random;
  // Send a digest C1 (Flash Player 9 handshake) instead of a simple one.
  bool digest = true;
  // Layout of the digest C1. Both are accepted by nginx-rtmp, SRS and Adobe
  // servers; kDigestFirst is what FFmpeg sends for plain RTMP.
  DigestScheme scheme = DigestScheme::kDigestFirst;
};

class ClientHandshake {
 public:
  explicit ClientHandshake(ClientHandshakeOptions options = {});

  // C0 + C1 to send first. Once only; a second call is kHandshakeState.
  base::Result<std::vector<uint8_t>> start();

  // Consumes S0/S1/S2 bytes; see HandshakeStep for the contract.
  base::Result<HandshakeStep> feed(std::span<const uint8_t> input);

  bool done() const { return state_ == State::kDone; }
  // kDigest only when we sent a digest C1 and S1's digest verified.
  HandshakeMode mode() const { return mode_; }
  // The layout the server used for S1, when mode() is kDigest.
  std::optional<DigestScheme> scheme() const { return scheme_; }
  // S1's time and version field (zero from simple servers). Valid once C2 is out.
  uint32_t peerTime() const { return peerTime_; }
  uint32_t peerVersion() const { return peerVersion_; }
  // We sent a digest C1, S1 announced a digest (non-zero version), but it
  // verified in neither layout; C2 fell back to the simple echo.
  bool digestRejected() const { return digestRejected_; }
  // S2 echoed C1's time and random bytes (§5.2.4) or, in digest mode, carried
  // a valid digest-keyed tail. Valid once done.
  bool peerEchoMatched() const { return peerEchoMatched_; }

  // C1's version field in digest mode: reads as Flash Player 10.0.32.18.
  static constexpr uint32_t kClientVersion = 0x0A002012;

 private:
  enum class State : uint8_t { kStart, kS0, kS1, kS2, kDone, kFailed };

  base::Status answerS1(std::vector<uint8_t>& out);
  void checkS2();
  base::Error fail(base::Error error);

  ClientHandshakeOptions options_;
  State state_ = State::kStart;
  HandshakeMode mode_ = HandshakeMode::kPending;
  std::optional<DigestScheme> scheme_;
  uint32_t peerTime_ = 0;
  uint32_t peerVersion_ = 0;
  bool digestRejected_ = false;
  bool peerEchoMatched_ = false;
  detail::PacketAccumulator peer_;  // S1, then S2
  HandshakePacket c1_{};            // kept to check the S2 echo
  HandshakeDigest c1Digest_{};      // digest C1: keys the expected S2 tail
};

}  // namespace rtmp::protocol
