// Mailbox: the multi-producer, single-consumer queue that carries work onto a
// loop thread. Any thread pushes; only the loop thread drains.
//
// Kept free of libuv: the owner (LoopThread) passes a wake-up function that
// signals its uv_async_t. libuv merges several uv_async_send() calls into one
// callback, so the consumer must always drain the whole queue per wake-up.
//
// Implementation: a mutex-guarded intrusive singly linked list. A push links
// one node (the node is the only allocation); drain() swaps the whole list out
// under the lock and runs it outside the lock, so tasks posted while draining
// (also by the tasks themselves) wait for the next wake-up instead of starving
// the loop's I/O.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

namespace rtmp::net {

// One unit of work. Subclass it for typed messages (no std::function needed),
// or post any callable through makeTask().
class Task {
 public:
  Task() = default;
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  virtual ~Task() = default;
  virtual void run() = 0;

 private:
  friend class Mailbox;
  Task* next_ = nullptr;
};

namespace detail {
template <typename F>
class FunctionTask final : public Task {
 public:
  explicit FunctionTask(F fn) : fn_(std::move(fn)) {}
  void run() override { fn_(); }

 private:
  F fn_;
};
}  // namespace detail

// Wraps a callable (move-only callables are fine) into a Task.
template <typename F>
std::unique_ptr<Task> makeTask(F&& fn) {
  return std::make_unique<detail::FunctionTask<std::decay_t<F>>>(std::forward<F>(fn));
}

class Mailbox {
 public:
  // Called with the mailbox lock held whenever a push makes the queue
  // non-empty (and once by close()). Must be cheap and must not push.
  using WakeFn = void (*)(void* arg);

  // A mailbox starts closed (pushes fail) until open() is called, so nothing
  // can be queued before the owner's wake-up handle exists.
  Mailbox(WakeFn wake, void* arg) : wake_(wake), wakeArg_(arg) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;
  // Destroys queued tasks without running them.
  ~Mailbox();

  // Any thread. Returns false when the mailbox is closed: the task is then
  // destroyed right here, on the caller's thread, without running.
  bool push(std::unique_ptr<Task> task);

  // Consumer thread only. Runs every task queued at the moment of the call, in
  // push order (so each producer's tasks keep their order). Returns how many ran.
  size_t drain();

  // Starts accepting pushes. Has no effect after close().
  void open();

  // Any thread. Later pushes fail; tasks already queued still run on the next
  // drain(). Wakes the consumer once so it notices. Idempotent.
  void close();
  bool closed() const;

 private:
  WakeFn wake_;
  void* wakeArg_;
  mutable std::mutex mutex_;
  Task* head_ = nullptr;
  Task* tail_ = nullptr;
  bool opened_ = false;
  bool closed_ = true;
};

}  // namespace rtmp::net
