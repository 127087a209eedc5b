#include "protocol/handshake_digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <cstring>

namespace rtmp::protocol {
namespace {

// "Genuine Adobe Flash Player 001" followed by the 32 constant bytes shared
// with the server key.
constexpr uint8_t kPlayerKey[] = {
    'G',  'e',  'n',  'u',  'i',  'n',  'e',  ' ',  'A',  'd',  'o',  'b',  'e',  ' ',  'F',  'l',
    'a',  's',  'h',  ' ',  'P',  'l',  'a',  'y',  'e',  'r',  ' ',  '0',  '0',  '1',  0xF0, 0xEE,
    0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC,
    0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
};
constexpr size_t kPlayerTextSize = 30;

// "Genuine Adobe Flash Media Server 001" followed by the same 32 bytes.
constexpr uint8_t kServerKey[] = {
    'G',  'e',  'n',  'u',  'i',  'n',  'e',  ' ',  'A',  'd',  'o',  'b',  'e',  ' ',
    'F',  'l',  'a',  's',  'h',  ' ',  'M',  'e',  'd',  'i',  'a',  ' ',  'S',  'e',
    'r',  'v',  'e',  'r',  ' ',  '0',  '0',  '1',  0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68,
    0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D,
    0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
};
constexpr size_t kServerTextSize = 36;

static_assert(sizeof(kPlayerKey) == kPlayerTextSize + 32);
static_assert(sizeof(kServerKey) == kServerTextSize + 32);

// Block starts (see the layout in the header) and the offset modulus: the
// digest must fit in a 764-byte block after the 4 offset bytes.
constexpr size_t kFirstBlock = 8;
constexpr size_t kSecondBlock = 8 + 764;
constexpr size_t kOffsetModulus = 764 - 4 - kHandshakeDigestSize;  // 728

// The packet with the digest cut out: the HMAC input for C1/S1.
void withoutDigest(const HandshakePacket& packet, size_t pos,
                   std::array<uint8_t, kHandshakeDigestedSize>& out) {
  std::memcpy(out.data(), packet.data(), pos);
  std::memcpy(out.data() + pos, packet.data() + pos + kHandshakeDigestSize,
              kHandshakePacketSize - pos - kHandshakeDigestSize);
}

}  // namespace

std::span<const uint8_t> playerPartialKey() {
  return {kPlayerKey, kPlayerTextSize};
}
std::span<const uint8_t> playerFullKey() {
  return {kPlayerKey, sizeof(kPlayerKey)};
}
std::span<const uint8_t> serverPartialKey() {
  return {kServerKey, kServerTextSize};
}
std::span<const uint8_t> serverFullKey() {
  return {kServerKey, sizeof(kServerKey)};
}

base::Result<HandshakeDigest> hmacSha256(std::span<const uint8_t> key,
                                         std::span<const uint8_t> data) {
  HandshakeDigest out{};
  unsigned int length = 0;
  // HMAC() fails only when OpenSSL cannot allocate or fetch SHA-256.
  if (key.size() > INT_MAX ||
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
           out.data(), &length) == nullptr ||
      length != out.size()) {
    return base::Error(base::ErrorCode::kInternal, "handshake: HMAC-SHA256 failed");
  }
  return out;
}

size_t digestPosition(const HandshakePacket& packet, DigestScheme scheme) {
  const size_t block = scheme == DigestScheme::kDigestFirst ? kFirstBlock : kSecondBlock;
  const size_t sum =
      size_t{packet[block]} + packet[block + 1] + packet[block + 2] + packet[block + 3];
  return block + 4 + sum % kOffsetModulus;
}

HandshakeDigest digestAt(const HandshakePacket& packet, DigestScheme scheme) {
  HandshakeDigest out{};
  std::memcpy(out.data(), packet.data() + digestPosition(packet, scheme), out.size());
  return out;
}

base::Result<HandshakeDigest> computePacketDigest(const HandshakePacket& packet,
                                                  DigestScheme scheme,
                                                  std::span<const uint8_t> key) {
  std::array<uint8_t, kHandshakeDigestedSize> data;
  withoutDigest(packet, digestPosition(packet, scheme), data);
  return hmacSha256(key, data);
}

base::Status writePacketDigest(HandshakePacket& packet, DigestScheme scheme,
                               std::span<const uint8_t> key) {
  RTMP_ASSIGN(const HandshakeDigest digest, computePacketDigest(packet, scheme, key));
  std::memcpy(packet.data() + digestPosition(packet, scheme), digest.data(), digest.size());
  return base::okStatus();
}

std::optional<DigestScheme> findPacketDigest(const HandshakePacket& packet,
                                             std::span<const uint8_t> key, DigestScheme first) {
  const DigestScheme second =
      first == DigestScheme::kKeyFirst ? DigestScheme::kDigestFirst : DigestScheme::kKeyFirst;
  for (const DigestScheme scheme : {first, second}) {
    auto expected = computePacketDigest(packet, scheme, key);
    if (!expected.ok()) return std::nullopt;
    const uint8_t* actual = packet.data() + digestPosition(packet, scheme);
    if (CRYPTO_memcmp(expected->data(), actual, kHandshakeDigestSize) == 0) return scheme;
  }
  return std::nullopt;
}

namespace {

base::Result<HandshakeDigest> answerDigest(const HandshakePacket& packet,
                                           std::span<const uint8_t> fullKey,
                                           const HandshakeDigest& answered) {
  RTMP_ASSIGN(const HandshakeDigest key, hmacSha256(fullKey, answered));
  return hmacSha256(key, std::span<const uint8_t>(packet.data(), kHandshakeDigestedSize));
}

}  // namespace

base::Status writeAnswerDigest(HandshakePacket& packet, std::span<const uint8_t> fullKey,
                               const HandshakeDigest& answered) {
  RTMP_ASSIGN(const HandshakeDigest digest, answerDigest(packet, fullKey, answered));
  std::memcpy(packet.data() + kHandshakeDigestedSize, digest.data(), digest.size());
  return base::okStatus();
}

bool answerDigestValid(const HandshakePacket& packet, std::span<const uint8_t> fullKey,
                       const HandshakeDigest& answered) {
  auto expected = answerDigest(packet, fullKey, answered);
  return expected.ok() && CRYPTO_memcmp(expected->data(), packet.data() + kHandshakeDigestedSize,
                                        kHandshakeDigestSize) == 0;
}

}  // namespace rtmp::protocol
