// Connections and requests turned away (or closed) by a configured limit,
// counted per limit for the host's metrics. Counted on the loop threads (or
// the accept path) with relaxed atomics; read from any thread as a snapshot.
// The counts only ever grow while the engine lives.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtmp::server {

// Which limit did it. The names are part of the stats contract (JS keys,
// docs/operations.md): add limits, never rename.
enum class LimitKind : uint8_t {
  kConnections,          // maxConnections: connect refused
  kConnectionsPerIp,     // maxConnectionsPerIp: connect refused
  kPublishers,           // maxPublishers: publish refused
  kPlayersPerStream,     // maxPlayersPerStream: play refused
  kPendingConnections,   // maxPendingConnections: oldest unconnected connection closed
  kPendingPerIp,         // maxPendingPerIp: the same, per address
  kIngestRate,           // maxIngestKbps with dropOverIngestLimit: publisher closed
  kPartialMessageBytes,  // maxPartialMessageBytes: largest holder closed
  kPendingOutputBytes,   // maxPendingOutputBytes: a peer not reading its replies closed
  kAuthBan,              // auth failures ban (authFailLimit): refused at accept
};
inline constexpr size_t kLimitKindCount = 10;

inline std::string_view limitKindName(LimitKind kind) {
  switch (kind) {
    case LimitKind::kConnections:
      return "connections";
    case LimitKind::kConnectionsPerIp:
      return "connectionsPerIp";
    case LimitKind::kPublishers:
      return "publishers";
    case LimitKind::kPlayersPerStream:
      return "playersPerStream";
    case LimitKind::kPendingConnections:
      return "pendingConnections";
    case LimitKind::kPendingPerIp:
      return "pendingPerIp";
    case LimitKind::kIngestRate:
      return "ingestRate";
    case LimitKind::kPartialMessageBytes:
      return "partialMessageBytes";
    case LimitKind::kPendingOutputBytes:
      return "pendingOutputBytes";
    case LimitKind::kAuthBan:
      return "authBan";
  }
  return "unknown";
}

// A plain copy, one count per LimitKind (EngineStats carries it).
using LimitRefusalCounts = std::array<uint64_t, kLimitKindCount>;

class LimitRefusals {
 public:
  void count(LimitKind kind) {
    counts_[static_cast<size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t of(LimitKind kind) const {
    return counts_[static_cast<size_t>(kind)].load(std::memory_order_relaxed);
  }
  LimitRefusalCounts snapshot() const {
    LimitRefusalCounts out{};
    for (size_t i = 0; i < kLimitKindCount; ++i) {
      out[i] = counts_[i].load(std::memory_order_relaxed);
    }
    return out;
  }

 private:
  std::array<std::atomic<uint64_t>, kLimitKindCount> counts_{};
};

}  // namespace rtmp::server
