// Where work runs: each I/O loop is an Executor. The engine adapts net's loop
// threads to it; unit tests use a manual executor that runs posted work when
// told, so stream logic is tested without threads or sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "net/mailbox.h"

namespace rtmp::server {

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs fn on this executor's thread, in post order per posting thread.
  // Returns false if the executor is stopped (fn is dropped).
  virtual bool post(std::function<void()> fn) = 0;
  // The same for a typed task: no std::function around it, so posting costs
  // one allocation (the task) instead of two. For per-message posts.
  virtual bool postTask(std::unique_ptr<net::Task> task) = 0;
  virtual uint32_t index() const = 0;
  virtual bool isCurrent() const = 0;
};

}  // namespace rtmp::server
