// LoopThread: one thread running one libuv loop, plus the mailbox that is the
// only way for other threads to get work onto it.
//
// Everything created on a loop (connections, listeners, timers) is attached to
// it as a LoopResource. stop() closes every attached resource, lets libuv run
// their close callbacks (a handle's memory is released only after its close
// callback — the libuv rule), and joins the thread. After stop() returns no
// callback of this loop runs again.
//
// Threading: post(), requestStop(), stop(), isCurrentThread(), running() and
// connectionCount() may be called from any thread; everything marked "loop
// thread" only from the loop's own thread (inside a callback or a posted task).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <type_traits>

#include "base/error.h"
#include "net/mailbox.h"

struct uv_loop_s;  // libuv's loop type; net/ internals use it, nobody else needs uv.h

namespace rtmp::net {

class LoopThread;

// Something that owns libuv handles on one loop and must be closed when that
// loop stops. net/ internal: Connection, Listener and Timer derive from it.
class LoopResource {
 public:
  // Loop thread. Begin closing (uv_close); detach from the loop in the close
  // callback, not here.
  virtual void shutdown(const base::Error& reason) = 0;

 protected:
  LoopResource() = default;
  ~LoopResource() = default;

 private:
  friend class LoopThread;
  LoopResource* prev_ = nullptr;
  LoopResource* next_ = nullptr;
  bool attached_ = false;
};

class LoopThread {
 public:
  // Size of the read buffer shared by every connection of the loop. A read
  // callback hands out a view into it that is valid only during the callback.
  static constexpr size_t kReadBufferSize = 64 * 1024;

  explicit LoopThread(std::string name = "net", size_t index = 0);
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;
  // Stops the loop if it still runs. Must not run on the loop thread itself.
  ~LoopThread();

  // Creates the loop and the thread; returns once the loop is ready to accept
  // posts. A LoopThread runs at most once: start() after stop() fails.
  base::Status start();

  // Any thread, non-blocking: posts are refused from now on; tasks already
  // accepted still run, then every resource is closed with `reason`.
  void requestStop(base::Error reason = base::Error(base::ErrorCode::kClosed, "loop stopping"));
  // requestStop() and wait for the thread to finish. Must not be called from
  // this loop's own thread (a thread cannot join itself): there it only
  // requests the stop.
  void stop(base::Error reason = base::Error(base::ErrorCode::kClosed, "loop stopping"));
  // Waits for the thread after requestStop(). No-op if not started or already joined.
  void join();

  // Any thread. Runs `fn` on the loop thread, in post order per producer.
  // Returns false (and destroys `fn` on the calling thread, unrun) when the
  // loop is not running or is stopping.
  template <typename F,
            typename = std::enable_if_t<!std::is_convertible_v<F, std::unique_ptr<Task>>>>
  bool post(F&& fn) {
    return post(makeTask(std::forward<F>(fn)));
  }
  bool post(std::unique_ptr<Task> task);

  bool isCurrentThread() const;
  // The LoopThread whose thread is calling, or nullptr off loop threads.
  static LoopThread* current();

  // True between a successful start() and the moment a stop is requested.
  bool running() const;
  const std::string& name() const { return name_; }
  size_t index() const { return index_; }

  // Open connections assigned to this loop (including hand-offs in flight);
  // read from any thread, e.g. by a least-connections balancer.
  size_t connectionCount() const { return connections_.load(std::memory_order_relaxed); }

  // Diagnostics for tests: handles (other than libuv-internal ones) that were
  // still open when the loop finished running. 0 means every handle was
  // closed properly. Valid after join().
  size_t handlesLeftAtStop() const { return handlesLeftAtStop_; }
  // Loop thread: handles currently known to the loop (open or closing),
  // the mailbox's own wake-up handle included.
  size_t handleCount() const;
  // Loop thread: nanoseconds the loop has spent waiting for I/O since it
  // started (libuv's UV_METRICS_IDLE_TIME, enabled for every loop).
  uint64_t idleTimeNs() const;

  // ---- net/ internals ------------------------------------------------------
  // Loop thread.
  uv_loop_s* uvLoop();
  // Loop thread: true once shutdown began; no new handle may be opened then.
  bool closing() const { return closing_; }
  void attach(LoopResource* resource);
  void detach(LoopResource* resource);
  // Loop thread: the shared read buffer.
  std::span<uint8_t> readBuffer() { return {readBuffer_.get(), kReadBufferSize}; }
  // Any thread: adjust connectionCount().
  void addConnection() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void removeConnection() { connections_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  struct Uv;  // the uv_loop_t and uv_async_t, defined in the .cc
  enum class State { kIdle, kRunning, kStopping, kStopped };

  void threadMain(std::promise<base::Status>* ready);
  void onWake();
  void beginShutdown();
  static void wakeFromMailbox(void* self);

  const std::string name_;
  const size_t index_;
  std::unique_ptr<Uv> uv_;
  Mailbox mailbox_;
  std::unique_ptr<uint8_t[]> readBuffer_;

  mutable std::mutex stateMutex_;  // guards state_ and stopReason_
  State state_ = State::kIdle;
  base::Error stopReason_{base::ErrorCode::kClosed, "loop stopping"};

  std::thread thread_;
  std::atomic<std::thread::id> threadId_{};
  std::atomic<size_t> connections_{0};
  size_t handlesLeftAtStop_ = 0;

  // Loop thread only.
  bool closing_ = false;
  LoopResource* resources_ = nullptr;
};

}  // namespace rtmp::net
