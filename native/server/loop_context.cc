#include "server/loop_context.h"

#include <chrono>

#include "base/clock.h"
#include "server/engine_connection.h"

namespace rtmp::server {

LoopContext::~LoopContext() = default;

void LoopContext::add(EngineConnection* connection) { connections_[connection->sessionId()] = connection; }

void LoopContext::remove(EngineConnection* connection) { connections_.erase(connection->sessionId()); }

EngineConnection* LoopContext::find(uint64_t sessionId) const {
  auto it = connections_.find(sessionId);
  return it == connections_.end() ? nullptr : it->second;
}

void LoopContext::startHousekeeping(uint64_t periodMs) {
  housekeeping_ = std::make_unique<net::Timer>(loop_);
  housekeeping_->start(std::chrono::milliseconds(periodMs), [this] { housekeep(); },
                       std::chrono::milliseconds(periodMs));
}

void LoopContext::housekeep() {
  const uint64_t now = base::monotonicMs();
  forEach([now](EngineConnection& c) { c.checkTimers(now); });
}

}  // namespace rtmp::server
