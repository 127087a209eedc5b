// PendingConnections: the engine-wide budget of connections that have not
// been admitted as sessions yet — accepted, but no RTMP connect accepted. They
// cost a socket and a little memory each and prove nothing, so they get their
// own budget (a total and a per-address one) apart from maxConnections, which
// counts connected sessions only. Empty sockets can then never lock real
// clients out: over the budget, the *oldest* pending connection (of that
// address, for the per-address budget) makes room for the newcomer, so a flood
// of idle sockets only churns itself, and a client that completes its connect
// in time is never the one closed.
//
// Thread-safe: connections are accepted on every loop. admit() only does the
// bookkeeping; the caller closes each evicted connection on its own loop.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/executor.h"

namespace rtmp::server {

struct PendingBudget {
  uint32_t maxTotal = 0;  // 0 = no limit
  uint32_t maxPerIp = 0;  // 0 = no limit
};

class PendingConnections {
 public:
  explicit PendingConnections(PendingBudget budget) : budget_(budget) {}

  // A pending connection evicted to make room, and the loop it lives on.
  struct Evicted {
    uint64_t sessionId = 0;
    std::string ip;
    Executor* executor = nullptr;
    bool perIp = false;  // evicted by the per-address budget (else the total)
  };

  // A connection was accepted. Counts it, and returns the pending connections
  // that must close to keep within the budget, oldest first (they no longer
  // count). Nothing is tracked when the budget has no limit.
  std::vector<Evicted> admit(uint64_t sessionId, const std::string& ip, Executor* executor);
  // The connection's connect was accepted, or it closed. Idempotent.
  void leave(uint64_t sessionId);

  const PendingBudget& budget() const { return budget_; }
  size_t size() const;
  size_t countForIp(const std::string& ip) const;

 private:
  struct Entry {
    uint64_t sessionId;
    std::string ip;
    Executor* executor;
  };
  using Order = std::list<Entry>;                   // oldest first
  Order::iterator eraseLocked(Order::iterator it);  // returns the next entry
  uint32_t countLocked(const std::string& ip) const;

  const PendingBudget budget_;
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<uint64_t, Order::iterator> byId_;
  std::unordered_map<std::string, uint32_t> perIp_;
};

}  // namespace rtmp::server
