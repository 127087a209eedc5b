#include "protocol/handshake_client.h"

#include <cstring>
#include <utility>

#include "base/endian.h"

namespace rtmp::protocol {

using base::Error;
using base::ErrorCode;

ClientHandshake::ClientHandshake(ClientHandshakeOptions options) : options_(std::move(options)) {
  if (!options_.random) options_.random = defaultRandomSource();
}

base::Error ClientHandshake::fail(base::Error error) {
  state_ = State::kFailed;
  return std::move(error).withContext("client handshake");
}

base::Result<std::vector<uint8_t>> ClientHandshake::start() {
  if (state_ != State::kStart) {
    return Error(ErrorCode::kHandshakeState, "client handshake: start() called twice");
  }
  // C1: | time | zero (simple) or client version (digest) | random (1528) |
  // with, in digest mode, the player-key digest placed per options_.scheme.
  base::storeBe32(c1_.data(), options_.time);
  base::storeBe32(c1_.data() + kHandshakeTimeSize, options_.digest ? kClientVersion : 0);
  options_.random(std::span<uint8_t>(c1_).subspan(kHandshakeRandomOffset));
  if (options_.digest) {
    base::Status signed_ = writePacketDigest(c1_, options_.scheme, playerPartialKey());
    if (!signed_.ok()) return fail(std::move(signed_).error());
    c1Digest_ = digestAt(c1_, options_.scheme);
  }

  std::vector<uint8_t> out;
  out.reserve(1 + kHandshakePacketSize);
  out.push_back(kRtmpVersion);  // C0
  out.insert(out.end(), c1_.begin(), c1_.end());
  state_ = State::kS0;
  return out;
}

base::Result<HandshakeStep> ClientHandshake::feed(std::span<const uint8_t> input) {
  switch (state_) {
    case State::kStart:
      return Error(ErrorCode::kHandshakeState, "client handshake: fed before start()");
    case State::kDone:
      return Error(ErrorCode::kHandshakeState,
                   "client handshake: fed after completion (bytes after S2 belong to the chunk "
                   "stream)");
    case State::kFailed:
      return Error(ErrorCode::kHandshakeState, "client handshake: fed after a failure");
    default:
      break;
  }

  HandshakeStep step;
  size_t pos = 0;
  while (pos < input.size() && state_ != State::kDone) {
    switch (state_) {
      case State::kS0: {
        base::Status version = checkVersionByte(input[pos], "server");
        if (!version.ok()) return fail(std::move(version).error());
        ++pos;
        state_ = State::kS1;
        break;
      }
      case State::kS1:
        pos += peer_.take(input.subspan(pos));
        if (peer_.full()) {
          base::Status answered = answerS1(step.output);
          if (!answered.ok()) return fail(std::move(answered).error());
          peer_.reset();
          state_ = State::kS2;
        }
        break;
      case State::kS2:
        pos += peer_.take(input.subspan(pos));
        if (peer_.full()) {
          checkS2();
          state_ = State::kDone;
          step.done = true;
        }
        break;
      case State::kStart:
      case State::kDone:
      case State::kFailed:
        break;  // unreachable: excluded by the checks above and the loop
    }
  }
  step.consumed = pos;
  return step;
}

base::Status ClientHandshake::answerS1(std::vector<uint8_t>& out) {
  const HandshakePacket& s1 = peer_.packet();
  peerTime_ = base::loadBe32(s1.data());
  peerVersion_ = base::loadBe32(s1.data() + kHandshakeTimeSize);

  // Only a digest C1 earns a digest S1; the server signs S1 with its own key,
  // normally in our layout, but some servers always use one layout: try both.
  mode_ = HandshakeMode::kSimple;
  HandshakeDigest s1Digest{};
  if (options_.digest && peerVersion_ != 0) {
    if (auto found = findPacketDigest(s1, serverPartialKey(), options_.scheme)) {
      mode_ = HandshakeMode::kDigest;
      scheme_ = *found;
      s1Digest = digestAt(s1, *found);
    } else {
      digestRejected_ = true;
    }
  }

  HandshakePacket c2{};
  if (mode_ == HandshakeMode::kDigest) {
    // C2: | random (1504) | HMAC(HMAC(player full key, S1 digest), first 1504) |
    options_.random(std::span<uint8_t>(c2).first(kHandshakeDigestedSize));
    RTMP_TRY(writeAnswerDigest(c2, playerFullKey(), s1Digest));
  } else {
    // C2, §5.2.4: | S1 time | time2 = when S1 was read | S1 random (1528) |
    c2 = s1;
    base::storeBe32(c2.data() + kHandshakeTimeSize, options_.time);
  }
  out.insert(out.end(), c2.begin(), c2.end());
  return base::okStatus();
}

void ClientHandshake::checkS2() {
  const HandshakePacket& s2 = peer_.packet();
  // §5.2.4: S2 echoes C1's time and random bytes; its time2 is the server's.
  const bool echo =
      std::memcmp(s2.data(), c1_.data(), kHandshakeTimeSize) == 0 &&
      std::memcmp(s2.data() + kHandshakeRandomOffset, c1_.data() + kHandshakeRandomOffset,
                  kHandshakePacketSize - kHandshakeRandomOffset) == 0;
  peerEchoMatched_ = echo || (mode_ == HandshakeMode::kDigest &&
                              answerDigestValid(s2, serverFullKey(), c1Digest_));
}

}  // namespace rtmp::protocol
