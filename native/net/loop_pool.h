// LoopPool: N LoopThreads (default: one per core) and the policy that picks
// the loop a new connection lives on for its whole life.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "net/loop_thread.h"

namespace rtmp::net {

enum class Balance {
  kRoundRobin,        // strict rotation
  kLeastConnections,  // fewest open connections; ties broken in rotation
};

struct LoopPoolOptions {
  size_t threads = 0;  // 0: std::thread::hardware_concurrency() (at least 1)
  Balance balance = Balance::kLeastConnections;
  std::string name = "net";  // thread names: "<name>-<index>"
};

class LoopPool {
 public:
  explicit LoopPool(LoopPoolOptions options = {});
  LoopPool(const LoopPool&) = delete;
  LoopPool& operator=(const LoopPool&) = delete;
  ~LoopPool();  // stop()

  // Starts every loop; on failure the ones already started are stopped again.
  base::Status start();
  // Any non-loop thread. Asks every loop to stop at once (each closes its
  // listeners, connections and timers with `reason`), then joins them all.
  // After it returns no callback of any loop runs again.
  void stop(base::Error reason = base::Error(base::ErrorCode::kClosed, "server stopping"));

  size_t size() const { return loops_.size(); }
  LoopThread& at(size_t index) { return *loops_[index]; }
  // Any thread: the loop for a new connection, by the pool's Balance policy.
  LoopThread& pick();
  void forEach(const std::function<void(LoopThread&)>& fn);

  // Sum of LoopThread::handlesLeftAtStop() (tests: 0 after a clean stop).
  size_t handlesLeftAtStop() const;
  // True when called on one of this pool's loop threads.
  bool isLoopThread() const;

 private:
  Balance balance_;
  std::vector<std::unique_ptr<LoopThread>> loops_;
  std::atomic<size_t> next_{0};
};

}  // namespace rtmp::net
