#include "protocol/handshake_server.h"

#include <cstring>
#include <utility>

#include "base/endian.h"

namespace rtmp::protocol {

using base::Error;
using base::ErrorCode;

ServerHandshake::ServerHandshake(ServerHandshakeOptions options) : options_(std::move(options)) {
  if (!options_.random) options_.random = defaultRandomSource();
}

base::Error ServerHandshake::fail(base::Error error) {
  state_ = State::kFailed;
  return std::move(error).withContext("server handshake");
}

base::Result<HandshakeStep> ServerHandshake::feed(std::span<const uint8_t> input) {
  if (state_ == State::kDone) {
    return Error(ErrorCode::kHandshakeState,
                 "server handshake: fed after completion (bytes after C2 belong to the chunk "
                 "stream)");
  }
  if (state_ == State::kFailed) {
    return Error(ErrorCode::kHandshakeState, "server handshake: fed after a failure");
  }

  HandshakeStep step;
  size_t pos = 0;
  while (pos < input.size() && state_ != State::kDone) {
    switch (state_) {
      case State::kC0: {
        // C0, §5.2.2: one version byte, checked before reading anything more
        // so that HTTP/TLS/RTMPE peers are turned away at once.
        base::Status version = checkVersionByte(input[pos], "client");
        if (!version.ok()) return fail(std::move(version).error());
        ++pos;
        state_ = State::kC1;
        break;
      }
      case State::kC1:
        pos += peer_.take(input.subspan(pos));
        if (peer_.full()) {
          base::Status answered = answerC1(step.output);
          if (!answered.ok()) return fail(std::move(answered).error());
          peer_.reset();
          state_ = State::kC2;
        }
        break;
      case State::kC2:
        pos += peer_.take(input.subspan(pos));
        if (peer_.full()) {
          checkC2();
          state_ = State::kDone;
          step.done = true;
        }
        break;
      case State::kDone:
      case State::kFailed:
        break;  // unreachable: the loop and the checks above exclude them
    }
  }
  step.consumed = pos;
  return step;
}

base::Status ServerHandshake::answerC1(std::vector<uint8_t>& out) {
  const HandshakePacket& c1 = peer_.packet();
  peerTime_ = base::loadBe32(c1.data());
  peerVersion_ = base::loadBe32(c1.data() + kHandshakeTimeSize);

  // A non-zero version field announces the digest handshake; the client signs
  // C1 with the player key and may use either layout.
  mode_ = HandshakeMode::kSimple;
  HandshakeDigest c1Digest{};
  if (peerVersion_ != 0 && options_.allowDigest) {
    if (auto found = findPacketDigest(c1, playerPartialKey(), DigestScheme::kKeyFirst)) {
      mode_ = HandshakeMode::kDigest;
      scheme_ = *found;
      c1Digest = digestAt(c1, *found);
    } else {
      digestRejected_ = true;
    }
  }

  // S1: | time | zero (simple) or server version (digest) | random (1528) |
  // with, in digest mode, the server-key digest placed as in C1's layout.
  base::storeBe32(s1_.data(), options_.time);
  base::storeBe32(s1_.data() + kHandshakeTimeSize,
                  mode_ == HandshakeMode::kDigest ? kServerVersion : 0);
  options_.random(std::span<uint8_t>(s1_).subspan(kHandshakeRandomOffset));
  if (mode_ == HandshakeMode::kDigest) {
    RTMP_TRY(writePacketDigest(s1_, *scheme_, serverPartialKey()));
    s1Digest_ = digestAt(s1_, *scheme_);
  }

  HandshakePacket s2{};
  if (mode_ == HandshakeMode::kDigest) {
    // S2: | random (1504) | HMAC(HMAC(server full key, C1 digest), first 1504) |
    options_.random(std::span<uint8_t>(s2).first(kHandshakeDigestedSize));
    RTMP_TRY(writeAnswerDigest(s2, serverFullKey(), c1Digest));
  } else {
    // S2, §5.2.4: | C1 time | time2 = when C1 was read | C1 random (1528) |
    s2 = c1;
    base::storeBe32(s2.data() + kHandshakeTimeSize, options_.time);
  }

  out.reserve(out.size() + 1 + 2 * kHandshakePacketSize);
  out.push_back(kRtmpVersion);  // S0
  out.insert(out.end(), s1_.begin(), s1_.end());
  out.insert(out.end(), s2.begin(), s2.end());
  return base::okStatus();
}

void ServerHandshake::checkC2() {
  const HandshakePacket& c2 = peer_.packet();
  // §5.2.4: C2 echoes S1's time and random bytes; its time2 is the client's.
  const bool echo =
      std::memcmp(c2.data(), s1_.data(), kHandshakeTimeSize) == 0 &&
      std::memcmp(c2.data() + kHandshakeRandomOffset, s1_.data() + kHandshakeRandomOffset,
                  kHandshakePacketSize - kHandshakeRandomOffset) == 0;
  // A digest client answers with a digest-keyed tail, except that FFmpeg
  // checks and answers S1's digest only when playing: when publishing it
  // echoes S1. Both are what a well-behaved client sends.
  peerEchoMatched_ = echo || (mode_ == HandshakeMode::kDigest &&
                              answerDigestValid(c2, playerFullKey(), s1Digest_));
}

}  // namespace rtmp::protocol
