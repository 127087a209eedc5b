// The HMAC-SHA256 ("digest", "complex", Flash Player 9) handshake.
//
// Not in the published Adobe RTMP 1.0 text; it is what Flash Player 9+,
// Flash Media Server, FMLE, FFmpeg and many hardware encoders speak, and what
// nginx-rtmp, SRS and librtmp implement. A C1/S1 carrying it has a non-zero
// version in bytes 4..7 and splits the remaining 1528 bytes into two 764-byte
// blocks, in one of two orders:
//
//   0        4         8                      772                     1536
//   | time   | version |  block at 8 (764)     |  block at 772 (764)   |
//
//   scheme 0 (kKeyFirst):    key block at 8, digest block at 772
//   scheme 1 (kDigestFirst): digest block at 8, key block at 772
//
//   digest block: | o0 o1 o2 o3 | filler (off) | DIGEST (32) | filler (728 - off) |
//                   off = (o0 + o1 + o2 + o3) % 728
//   key block:    | filler | key (128) | filler | o0 o1 o2 o3 |   (random here;
//                   only RTMPE gives the key meaning, and we do not speak RTMPE)
//
// So the digest starts at 12 + off (scheme 1) or 776 + off (scheme 0), and is
// HMAC-SHA256(key = text part of the sender's key, data = the 1536-byte packet
// without those 32 digest bytes, i.e. 1504 bytes).
//
// The answer packet (S2 for a client's C1, C2 for a server's S1) is 1504
// random bytes followed by a 32-byte digest:
//
//   | random (1504) | HMAC-SHA256(key = HMAC-SHA256(full own key, peer digest),
//                                 data = the first 1504 bytes) |
//
// Keys: the client's is "Genuine Adobe Flash Player 001" (30 bytes), the
// server's "Genuine Adobe Flash Media Server 001" (36 bytes); the "full" keys
// append the same 32 constant bytes to each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/error.h"
#include "protocol/handshake.h"

namespace rtmp::protocol {

inline constexpr size_t kHandshakeDigestSize = 32;
// The packet bytes an answer digest covers: everything before the digest.
inline constexpr size_t kHandshakeDigestedSize = kHandshakePacketSize - kHandshakeDigestSize;

using HandshakeDigest = std::array<uint8_t, kHandshakeDigestSize>;

// The well-known keys. "Partial" keys sign C1/S1; "full" keys derive the key
// that signs the answer packet.
std::span<const uint8_t> playerPartialKey();  // 30 bytes, signs C1
std::span<const uint8_t> playerFullKey();     // 62 bytes, derives C2's key
std::span<const uint8_t> serverPartialKey();  // 36 bytes, signs S1
std::span<const uint8_t> serverFullKey();     // 68 bytes, derives S2's key

base::Result<HandshakeDigest> hmacSha256(std::span<const uint8_t> key,
                                         std::span<const uint8_t> data);

// Byte position of the 32-byte digest in a C1/S1 laid out in `scheme`,
// computed from the packet's own offset bytes. Always <= 1504.
size_t digestPosition(const HandshakePacket& packet, DigestScheme scheme);

// The 32 bytes currently at the digest position.
HandshakeDigest digestAt(const HandshakePacket& packet, DigestScheme scheme);

// HMAC of the packet with the 32 digest bytes left out.
base::Result<HandshakeDigest> computePacketDigest(const HandshakePacket& packet,
                                                  DigestScheme scheme,
                                                  std::span<const uint8_t> key);

// Computes and stores the digest in place (everything else must already be
// filled: the offset bytes decide where it goes).
base::Status writePacketDigest(HandshakePacket& packet, DigestScheme scheme,
                               std::span<const uint8_t> key);

// The scheme under which the packet carries a valid digest, trying `first`
// and then the other; nullopt if neither verifies (or HMAC is unavailable).
std::optional<DigestScheme> findPacketDigest(const HandshakePacket& packet,
                                             std::span<const uint8_t> key,
                                             DigestScheme first = DigestScheme::kKeyFirst);

// The answer packet's tail: stores HMAC(HMAC(fullKey, answered), packet[0..1504))
// at packet[1504..1536). `fullKey` is the answering side's full key (server for
// S2, player for C2); `answered` is the digest found in the C1/S1 answered.
base::Status writeAnswerDigest(HandshakePacket& packet, std::span<const uint8_t> fullKey,
                               const HandshakeDigest& answered);

// True if packet[1504..1536) is the answer digest for `answered` under fullKey.
bool answerDigestValid(const HandshakePacket& packet, std::span<const uint8_t> fullKey,
                       const HandshakeDigest& answered);

}  // namespace rtmp::protocol
