// LoopContext: the engine's per-loop state. Adapts a net::LoopThread to the
// server's Executor, owns that loop's stream fan-outs, its connections and the
// taps host code attached here (Engine::attachTap), and
// runs a once-a-second housekeeping timer for the sessions' deadlines.
// Everything here is touched only on its own loop thread (except post()).
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "net/iteration_hook.h"
#include "net/loop_thread.h"
#include "net/timer.h"
#include "server/executor.h"
#include "server/loop_health.h"
#include "server/loop_services.h"
#include "server/loop_taps.h"
#include "server/stream.h"
#include "server/stream_registry.h"

namespace rtmp::server {

class EngineConnection;

class LoopContext : public Executor, public LoopServices {
 public:
  LoopContext(net::LoopThread& loop, StreamRegistry& registry)
      : loop_(loop), taps_(*this, fanouts_, registry) {}
  ~LoopContext() override;

  bool post(std::function<void()> fn) override { return loop_.post(std::move(fn)); }
  bool postTask(std::unique_ptr<net::Task> task) override { return loop_.post(std::move(task)); }
  uint32_t index() const override { return static_cast<uint32_t>(loop_.index()); }
  bool isCurrent() const override { return loop_.isCurrentThread(); }

  net::LoopThread& loop() { return loop_; }
  // LoopServices.
  Executor& executor() override { return *this; }
  LoopFanouts& fanouts() override { return fanouts_; }
  // Non-session taps on this loop (loop thread).
  LoopTaps& taps() { return taps_; }

  // Loop thread.
  void add(EngineConnection* connection);
  void remove(EngineConnection* connection);
  EngineConnection* find(uint64_t sessionId) const;
  template <typename Fn>
  void forEach(Fn&& fn) {
    // Copy: fn may close connections, which removes them.
    std::vector<EngineConnection*> all;
    all.reserve(connections_.size());
    for (auto& [id, c] : connections_) all.push_back(c);
    for (auto* c : all) fn(*c);
  }
  // Starts the housekeeping timer (loop thread); it also measures the loop's health.
  void startHousekeeping(uint64_t periodMs);
  // Any thread: lag and utilisation measured by the housekeeping timer.
  LoopHealthSnapshot health() const { return health_.snapshot(index()); }

  // Write batching (loop thread). A connection holding media registers once;
  // with mergeMs == 0 every registered connection is flushed when the loop
  // iteration ends (one gathered write per player per iteration), otherwise
  // every mergeMs milliseconds.
  void startWriteBatching(uint32_t mergeMs);
  void scheduleFlush(EngineConnection* connection) { toFlush_.push_back(connection); }
  void cancelFlush(EngineConnection* connection);

 private:
  void housekeep();
  void flushHeldMedia();
  net::LoopThread& loop_;
  LoopFanouts fanouts_;
  LoopTaps taps_;  // after fanouts_: destroyed first
  std::unordered_map<uint64_t, EngineConnection*> connections_;
  std::unique_ptr<net::Timer> housekeeping_;
  LoopHealth health_;
  std::vector<EngineConnection*> toFlush_;
  std::vector<EngineConnection*> flushing_;  // reused by flushHeldMedia
  std::unique_ptr<net::IterationHook> iterationFlush_;
  std::unique_ptr<net::Timer> mergeFlush_;
};

}  // namespace rtmp::server
