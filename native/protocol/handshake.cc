#include "protocol/handshake.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <random>
#include <string>

namespace rtmp::protocol {

std::string_view handshakeModeName(HandshakeMode mode) {
  switch (mode) {
    case HandshakeMode::kPending:
      return "pending";
    case HandshakeMode::kSimple:
      return "simple";
    case HandshakeMode::kDigest:
      return "digest";
  }
  return "unknown";
}

RandomSource defaultRandomSource() {
  return [](std::span<uint8_t> out) {
    // Handshake random bytes need to be unpredictable enough that a peer
    // cannot pass off a canned echo; they protect nothing secret. If the
    // OpenSSL generator is unavailable, std::random_device is good enough.
    size_t done = 0;
    while (done < out.size()) {
      const size_t n = std::min<size_t>(out.size() - done, INT_MAX);
      if (RAND_bytes(out.data() + done, static_cast<int>(n)) != 1) break;
      done += n;
    }
    if (done == out.size()) return;
    std::random_device device;
    for (; done < out.size(); ++done) out[done] = static_cast<uint8_t>(device());
  };
}

base::Status checkVersionByte(uint8_t version, std::string_view who) {
  using base::Error;
  using base::ErrorCode;
  if (version == kRtmpVersion) return base::okStatus();
  const std::string prefix = std::string(who) + " version byte " + std::to_string(version);
  // RTMPE (Adobe's encrypted RTMP): 6 = plain RTMPE, 8 = XTEA, 9 = Blowfish.
  if (version == 6 || version == 8 || version == 9) {
    return Error(ErrorCode::kHandshakeVersion,
                 prefix + ": encrypted RTMP (RTMPE) is not supported; use RTMPS (RTMP over TLS)");
  }
  // 0x16 is a TLS handshake record: an RTMPS client on a plain RTMP port.
  if (version == 0x16) {
    return Error(ErrorCode::kHandshakeVersion,
                 prefix + ": looks like a TLS ClientHello (RTMPS client on a plain RTMP port?)");
  }
  // 'G'ET, 'P'OST/PUT, 'H'EAD, 'O'PTIONS, 'D'ELETE: an HTTP client.
  if (version == 'G' || version == 'P' || version == 'H' || version == 'O' || version == 'D') {
    return Error(ErrorCode::kHandshakeVersion, prefix + ": looks like an HTTP request, not RTMP");
  }
  return Error(ErrorCode::kHandshakeVersion, prefix + ": only RTMP version 3 is supported");
}

namespace detail {

size_t PacketAccumulator::take(std::span<const uint8_t> input) {
  const size_t n = std::min(input.size(), data_.size() - filled_);
  if (n > 0) std::memcpy(data_.data() + filled_, input.data(), n);
  filled_ += n;
  return n;
}

}  // namespace detail
}  // namespace rtmp::protocol
