#include "server/pending_connections.h"

#include <iterator>

namespace rtmp::server {

std::vector<PendingConnections::Evicted> PendingConnections::admit(uint64_t sessionId,
                                                                   const std::string& ip,
                                                                   Executor* executor) {
  std::vector<Evicted> evicted;
  if (budget_.maxTotal == 0 && budget_.maxPerIp == 0) return evicted;
  std::lock_guard<std::mutex> lock(mutex_);
  if (budget_.maxPerIp != 0) {
    // The address's oldest first. The scan runs only when the address is full
    // and is bounded by the total budget in practice (a few hundred entries).
    for (auto it = order_.begin(); it != order_.end() && countLocked(ip) >= budget_.maxPerIp;) {
      if (it->ip != ip) {
        ++it;
        continue;
      }
      evicted.push_back(Evicted{it->sessionId, it->ip, it->executor, /*perIp=*/true});
      it = eraseLocked(it);
    }
  }
  while (budget_.maxTotal != 0 && order_.size() >= budget_.maxTotal && !order_.empty()) {
    const Entry& oldest = order_.front();
    evicted.push_back(Evicted{oldest.sessionId, oldest.ip, oldest.executor, /*perIp=*/false});
    eraseLocked(order_.begin());
  }
  order_.push_back(Entry{sessionId, ip, executor});
  byId_[sessionId] = std::prev(order_.end());
  ++perIp_[ip];
  return evicted;
}

void PendingConnections::leave(uint64_t sessionId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = byId_.find(sessionId);
  if (it == byId_.end()) return;
  eraseLocked(it->second);
}

PendingConnections::Order::iterator PendingConnections::eraseLocked(Order::iterator it) {
  auto ip = perIp_.find(it->ip);
  if (ip != perIp_.end() && --ip->second == 0) perIp_.erase(ip);
  byId_.erase(it->sessionId);
  return order_.erase(it);
}

uint32_t PendingConnections::countLocked(const std::string& ip) const {
  auto it = perIp_.find(ip);
  return it == perIp_.end() ? 0 : it->second;
}

size_t PendingConnections::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return order_.size();
}

size_t PendingConnections::countForIp(const std::string& ip) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return countLocked(ip);
}

}  // namespace rtmp::server
