// Types shared by the server and client sides of the RTMP handshake
// (Adobe RTMP 1.0 §5.2). The handshake objects are sans-I/O: they take the
// bytes the peer sent and return the bytes to send; time and randomness come
// from the caller, so tests are deterministic.
//
// Wire order (§5.2.1):
//
//   client                                    server
//     C0 (1: version) + C1 (1536)  ───────▶
//                                  ◀───────   S0 (1) + S1 (1536) + S2 (1536)
//     C2 (1536)                    ───────▶
//     chunk stream ...             ───────▶   (the server hands the bytes
//                                              after C2 back untouched)
//
// Plain ("simple") C1/S1 (§5.2.3) and C2/S2 (§5.2.4):
//
//   C1/S1:  | time (4, BE) | zero (4) | random (1528)       |
//   C2/S2:  | peer time (4) | time2 (4) | peer random (1528) |
//
// The "digest" handshake (Flash Player 9+, FMLE, FFmpeg, many encoders) puts a
// non-zero version in bytes 4..7 and an HMAC-SHA256 inside the random part;
// see handshake_digest.h for its layout.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace rtmp::protocol {

inline constexpr uint8_t kRtmpVersion = 3;            // C0/S0, §5.2.2
inline constexpr size_t kHandshakePacketSize = 1536;  // C1/S1/C2/S2
inline constexpr size_t kHandshakeTimeSize = 4;       // bytes 0..3
inline constexpr size_t kHandshakeRandomOffset = 8;   // after time + zero/version/time2
// The most one side ever has to hold of its peer's bytes: C0 + C1 + C2.
inline constexpr size_t kHandshakeMaxInput = 1 + 2 * kHandshakePacketSize;

using HandshakePacket = std::array<uint8_t, kHandshakePacketSize>;

// Which handshake the two sides agreed on.
enum class HandshakeMode : uint8_t {
  kPending,  // not decided yet (C1/S1 not complete)
  kSimple,   // §5.2 echo handshake
  kDigest,   // HMAC-SHA256 ("complex", Flash Player 9) handshake
};

std::string_view handshakeModeName(HandshakeMode mode);

// Where the 32-byte digest sits in a digest C1/S1 (see handshake_digest.h).
enum class DigestScheme : uint8_t {
  kKeyFirst = 0,     // scheme 0: key block at 8, digest block at 772
  kDigestFirst = 1,  // scheme 1: digest block at 8, key block at 772
};

// Fills the span with unpredictable bytes. Injected so tests can pin every
// byte; the default (OpenSSL RAND_bytes) is used when none is given.
using RandomSource = std::function<void(std::span<uint8_t>)>;
RandomSource defaultRandomSource();

// What one feed() call produced.
//
// - `output`: bytes to write to the peer now, in order (may be empty).
// - `consumed`: how many input bytes the handshake used. While not done this
//   is always the whole input (partial packets are buffered inside). Once
//   `done` is true, input[consumed..] is the start of the chunk stream and
//   belongs to the chunk reader, untouched.
// - `done`: the handshake finished during this call.
struct HandshakeStep {
  std::vector<uint8_t> output;
  size_t consumed = 0;
  bool done = false;
};

// Checks a C0/S0 version byte (§5.2.2). Accepts only 3; names the likely
// cause of other values (RTMPE, HTTP or TLS on the RTMP port) in the error.
base::Status checkVersionByte(uint8_t version, std::string_view who);

namespace detail {

// Fills one fixed-size handshake packet from successive input spans.
class PacketAccumulator {
 public:
  // Copies as many bytes as the packet still lacks; returns how many.
  size_t take(std::span<const uint8_t> input);
  bool full() const { return filled_ == data_.size(); }
  void reset() { filled_ = 0; }
  const HandshakePacket& packet() const { return data_; }

 private:
  HandshakePacket data_{};
  size_t filled_ = 0;
};

}  // namespace detail
}  // namespace rtmp::protocol
