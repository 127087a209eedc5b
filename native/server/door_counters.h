// Clients turned away at the door, counted for the host's metrics: sessions
// whose RTMP (or TLS) handshake failed, by reason and listener, and sessions
// refused by an IP rule, by the kind of rule and the door (connect, publish,
// play). Counted on the loop threads with relaxed atomics, only on the
// failure path (never per message); read from any thread as a snapshot. The
// counts only ever grow while the engine lives.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/ip_rules.h"

namespace rtmp::server {

// Why a handshake failed. The names are part of the stats contract (JS keys,
// the `reason` label in docs/operations.md): add reasons, never rename.
enum class HandshakeFailure : uint8_t {
  kVersion,  // C0 asked for an RTMP version we do not speak (ERR_RTMP_HANDSHAKE_VERSION)
  kDigest,   // a digest handshake whose digest did not verify (ERR_RTMP_HANDSHAKE_DIGEST)
  kState,    // handshake bytes out of order (ERR_RTMP_HANDSHAKE_STATE)
  kTls,      // RTMPS: TLS failed before the RTMP handshake completed (ERR_RTMP_TLS)
  kTimeout,  // not completed within handshakeTimeoutMs (a peer that sends nothing, or too little)
};
inline constexpr size_t kHandshakeFailureCount = 5;

inline std::string_view handshakeFailureName(HandshakeFailure reason) {
  switch (reason) {
    case HandshakeFailure::kVersion:
      return "version";
    case HandshakeFailure::kDigest:
      return "digest";
    case HandshakeFailure::kState:
      return "state";
    case HandshakeFailure::kTls:
      return "tls";
    case HandshakeFailure::kTimeout:
      return "timeout";
  }
  return "unknown";
}

// Which kind of IP rule refused. Names as above (the `rule` label).
enum class IpRefusal : uint8_t {
  kDenyRule,    // a deny rule matched (ipRules, "allow": false)
  kNotAllowed,  // no rule matched and the default denies (an allow list)
  kBan,         // banned after failed authorizations (refused at accept; counted
                // there as the authBan limit, reported under `connect`)
};
inline constexpr size_t kIpRefusalCount = 3;
// The doors an IP rule guards, in IpAction order (connect, publish, play).
inline constexpr size_t kIpActionCount = 3;

inline std::string_view ipRefusalName(IpRefusal rule) {
  switch (rule) {
    case IpRefusal::kDenyRule:
      return "deny";
    case IpRefusal::kNotAllowed:
      return "notAllowed";
    case IpRefusal::kBan:
      return "ban";
  }
  return "unknown";
}

// Plain copies (EngineStats carries them): [listener: 0 RTMP, 1 RTMPS][reason]
// and [rule][door].
using HandshakeFailureCounts = std::array<std::array<uint64_t, kHandshakeFailureCount>, 2>;
using IpRefusalCounts = std::array<std::array<uint64_t, kIpActionCount>, kIpRefusalCount>;

class DoorCounters {
 public:
  void countHandshakeFailure(bool tls, HandshakeFailure reason) {
    handshake_[tls ? 1 : 0][static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }
  void countIpRefusal(IpRefusal rule, IpAction action) {
    ip_[static_cast<size_t>(rule)][static_cast<size_t>(action)].fetch_add(
        1, std::memory_order_relaxed);
  }
  HandshakeFailureCounts handshakeFailures() const {
    HandshakeFailureCounts out{};
    for (size_t l = 0; l < 2; ++l) {
      for (size_t r = 0; r < kHandshakeFailureCount; ++r) {
        out[l][r] = handshake_[l][r].load(std::memory_order_relaxed);
      }
    }
    return out;
  }
  IpRefusalCounts ipRefusals() const {
    IpRefusalCounts out{};
    for (size_t r = 0; r < kIpRefusalCount; ++r) {
      for (size_t a = 0; a < kIpActionCount; ++a) {
        out[r][a] = ip_[r][a].load(std::memory_order_relaxed);
      }
    }
    return out;
  }

 private:
  std::array<std::array<std::atomic<uint64_t>, kHandshakeFailureCount>, 2> handshake_{};
  std::array<std::array<std::atomic<uint64_t>, kIpActionCount>, kIpRefusalCount> ip_{};
};

}  // namespace rtmp::server
