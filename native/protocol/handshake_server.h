// Server side of the RTMP handshake (Adobe RTMP 1.0 §5.2), sans-I/O.
//
//   ServerHandshake hs({.time = uptimeMs, .random = rng});
//   auto step = hs.feed(bytesFromSocket);          // any split, even 1 byte
//   if (!step.ok()) close with step.error();
//   write(step->output);                           // S0+S1+S2 once C0+C1 are in
//   if (step->done) chunkReader.feed(bytes.subspan(step->consumed));
//
// Behaviour:
// - C0 is checked as soon as it arrives: 3 is accepted, anything else is
//   kHandshakeVersion (RTMPE's 6/8/9, TLS and HTTP are named in the message).
// - When C1 is complete, S0+S1+S2 are returned together. A C1 with a zero
//   version field gets the simple §5.2 answer; a non-zero one is checked for a
//   Flash Player digest in both layouts and, if one verifies, answered with a
//   digest S1 in the same layout and a digest-keyed S2. If none verifies the
//   server falls back to the simple answer, as deployed servers do, and says
//   so through digestRejected().
// - C2 is read and compared but never required to match: many clients send
//   garbage there. peerEchoMatched() reports the result for logs.
// - At most C0 + C1 + C2 (3073 bytes) of peer input is held. After done, or
//   after an error, every feed() returns kHandshakeState.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "base/error.h"
#include "protocol/handshake.h"
#include "protocol/handshake_digest.h"

namespace rtmp::protocol {

struct ServerHandshakeOptions {
  // The server's timestamp (ms, caller's epoch): written as S1's time and as
  // S2's time2 ("when C1 was read"; both happen in the same round trip).
  uint32_t time = 0;
  // Source of S1/S2 random bytes; empty means defaultRandomSource().
  RandomSource random;
  // Answer digest C1s with a digest S1/S2. When false every client gets the
  // simple handshake (digest clients accept that: S1's version field is zero).
  bool allowDigest = true;
};

class ServerHandshake {
 public:
  explicit ServerHandshake(ServerHandshakeOptions options = {});

  // Consumes handshake bytes; see HandshakeStep for the contract.
  base::Result<HandshakeStep> feed(std::span<const uint8_t> input);

  bool done() const { return state_ == State::kDone; }
  HandshakeMode mode() const { return mode_; }
  // The layout of C1 and S1 when mode() is kDigest.
  std::optional<DigestScheme> scheme() const { return scheme_; }
  // C1's time field and its version field (bytes 4..7, e.g. 0x09007C02 for
  // Flash Player 9.0.124.2; zero from simple clients). Valid once S1 is out.
  uint32_t peerTime() const { return peerTime_; }
  uint32_t peerVersion() const { return peerVersion_; }
  // C1 announced a digest (non-zero version) that verified in neither layout,
  // so the simple handshake was used instead.
  bool digestRejected() const { return digestRejected_; }
  // C2 echoed S1's time and random bytes (§5.2.4) or, in digest mode, carried
  // a valid digest-keyed tail. FFmpeg echoes S1 even in digest mode when it
  // publishes, so both count in digest mode. Valid once done.
  bool peerEchoMatched() const { return peerEchoMatched_; }

  // S1's version field in digest mode, read as 3.5.1.1 (a Flash Media Server
  // generation that spoke this handshake). Any non-zero value marks a digest
  // S1, but FFmpeg checks S1's digest only if the first byte is >= 3.
  static constexpr uint32_t kServerVersion = 0x03050101;

 private:
  enum class State : uint8_t { kC0, kC1, kC2, kDone, kFailed };

  base::Status answerC1(std::vector<uint8_t>& out);
  void checkC2();
  base::Error fail(base::Error error);

  ServerHandshakeOptions options_;
  State state_ = State::kC0;
  HandshakeMode mode_ = HandshakeMode::kPending;
  std::optional<DigestScheme> scheme_;
  uint32_t peerTime_ = 0;
  uint32_t peerVersion_ = 0;
  bool digestRejected_ = false;
  bool peerEchoMatched_ = false;
  detail::PacketAccumulator peer_;  // C1, then C2
  HandshakePacket s1_{};            // kept to check the C2 echo
  HandshakeDigest s1Digest_{};      // digest mode: keys the expected C2 tail
};

}  // namespace rtmp::protocol
