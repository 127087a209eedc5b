// SessionTable: every live session's public facts, readable from any thread
// for stats(), sessions() and kick(). Sessions update the few counters with
// relaxed atomics; the table's mutex guards only membership and strings,
// which change on connect/publish/play, never per message.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/engine_stats.h"
#include "server/executor.h"

namespace rtmp::server {

struct SessionInfo {
  uint64_t id = 0;
  std::string ip;
  uint16_t port = 0;
  uint32_t loop = 0;
  uint64_t connectedAtMs = 0;
  bool tls = false;  // came through the RTMPS listener
  Executor* executor = nullptr;

  std::atomic<uint64_t> bytesIn{0};
  std::atomic<uint64_t> bytesOut{0};
  // Players (Session::reportDrops): frames dropped for being slow, by track.
  std::atomic<uint64_t> droppedVideo{0};
  std::atomic<uint64_t> droppedAudio{0};
  // Publishers: ingest drops, indexed by IngestDropReason.
  std::array<std::atomic<uint64_t>, kIngestDropReasonCount> ingestDrops{};
  // Bytes held in incomplete incoming messages (PartialBytesBudget).
  std::atomic<uint64_t> partialBytes{0};
  // Players: waiting for a publisher (Session::publisherPresence).
  std::atomic<bool> waiting{false};

  uint64_t droppedFrames() const {
    return droppedVideo.load(std::memory_order_relaxed) +
           droppedAudio.load(std::memory_order_relaxed);
  }
  void countIngestDrop(IngestDropReason reason, uint64_t n = 1) {
    ingestDrops[static_cast<size_t>(reason)].fetch_add(n, std::memory_order_relaxed);
  }

  // Guarded by the table's mutex (written through SessionTable::describe).
  SessionRole role = SessionRole::kUnknown;
  bool connected = false;  // an RTMP connect was accepted (takeConnectedPlace)
  std::string app;
  std::string stream;
};

class SessionTable {
 public:
  // `tls`: the session came through the RTMPS listener (fixed for its life).
  std::shared_ptr<SessionInfo> add(uint64_t id, std::string ip, uint16_t port, uint32_t loop,
                                   Executor* executor, uint64_t nowMs, bool tls = false);
  void remove(uint64_t id);
  void describe(SessionInfo& info, SessionRole role, const std::string& app,
                const std::string& stream);
  // describe(), but only while fewer than `max` other sessions hold `role`
  // (0 = no limit) — on any stream, or with `sameStream` on this app/stream.
  // Checked and set under one lock, so sessions on other loops cannot both
  // take the last place. False: nothing changed.
  bool describeWithin(SessionInfo& info, SessionRole role, const std::string& app,
                      const std::string& stream, uint32_t max, bool sameStream = false);
  // Marks the session connected (its RTMP connect accepted) while fewer than
  // `maxTotal` sessions are connected, and fewer than `maxPerIp` from its
  // address (0 = no limit). Only connected sessions count: connections that
  // have not connected yet have their own budget (PendingConnections).
  // Checked and set under one lock, so loops cannot both take the last place.
  enum class ConnectPlace { kTaken, kServerFull, kAddressFull };
  ConnectPlace takeConnectedPlace(SessionInfo& info, uint32_t maxTotal, uint32_t maxPerIp);
  size_t connectedCount() const;
  std::shared_ptr<SessionInfo> find(uint64_t id) const;
  std::vector<SessionSnapshot> snapshot() const;
  // The session holding the most bytes in incomplete messages (0 if none holds any).
  uint64_t largestPartialHolder() const;
  size_t size() const;
  // Sessions open from one address (as added).
  size_t countForIp(const std::string& ip) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, std::shared_ptr<SessionInfo>> sessions_;
  std::unordered_map<std::string, uint32_t> perIp_;
  size_t connected_ = 0;
  std::unordered_map<std::string, uint32_t> connectedPerIp_;
};

}  // namespace rtmp::server
