#include "server/loop_context.h"

#include <algorithm>
#include <chrono>

#include "base/clock.h"
#include "server/engine_connection.h"

namespace rtmp::server {

LoopContext::~LoopContext() = default;

void LoopContext::add(EngineConnection* connection) {
  connections_[connection->sessionId()] = connection;
}

void LoopContext::remove(EngineConnection* connection) {
  connections_.erase(connection->sessionId());
}

EngineConnection* LoopContext::find(uint64_t sessionId) const {
  auto it = connections_.find(sessionId);
  return it == connections_.end() ? nullptr : it->second;
}

void LoopContext::startHousekeeping(uint64_t periodMs) {
  health_.begin(base::monotonicMs(), loop_.idleTimeNs(), periodMs);
  housekeeping_ = std::make_unique<net::Timer>(loop_);
  housekeeping_->start(
      std::chrono::milliseconds(periodMs), [this] { housekeep(); },
      std::chrono::milliseconds(periodMs));
}

void LoopContext::startWriteBatching(uint32_t mergeMs) {
  if (mergeMs == 0) {
    iterationFlush_ = std::make_unique<net::IterationHook>(loop_);
    iterationFlush_->start([this] { flushHeldMedia(); });
    return;
  }
  mergeFlush_ = std::make_unique<net::Timer>(loop_);
  mergeFlush_->start(
      std::chrono::milliseconds(mergeMs), [this] { flushHeldMedia(); },
      std::chrono::milliseconds(mergeMs));
}

void LoopContext::cancelFlush(EngineConnection* connection) {
  std::erase(toFlush_, connection);
  std::replace(flushing_.begin(), flushing_.end(), connection,
               static_cast<EngineConnection*>(nullptr));
}

void LoopContext::flushHeldMedia() {
  if (toFlush_.empty()) return;
  // Swap first: a flush may make a connection hold media again (it then
  // registers for the next round, not this one).
  flushing_.swap(toFlush_);
  EngineConnection::flushBatch(flushing_);
  flushing_.clear();
}

void LoopContext::housekeep() {
  const uint64_t now = base::monotonicMs();
  health_.sample(now, loop_.idleTimeNs());
  forEach([now](EngineConnection& c) { c.checkTimers(now); });
}

}  // namespace rtmp::server
