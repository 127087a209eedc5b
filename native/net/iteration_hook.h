// IterationHook: runs a callback once per loop iteration, right after the loop
// has processed that iteration's I/O and posted tasks (a libuv check handle).
// The engine uses it to gather everything one iteration queued for a socket
// into a single write.
//
// Same lifetime rules as Timer: create, use and destroy on the loop thread;
// destroying it at any moment (even inside its callback) is safe; when the
// loop stops first the hook just reports closed().
#pragma once

#include <functional>

#include "net/loop_thread.h"

namespace rtmp::net {

class IterationHook {
 public:
  using Callback = std::function<void()>;

  explicit IterationHook(LoopThread& loop);
  IterationHook(const IterationHook&) = delete;
  IterationHook& operator=(const IterationHook&) = delete;
  ~IterationHook();  // close()

  // Calls `callback` after every loop iteration until stop(). False when closed.
  bool start(Callback callback);
  void stop();
  void close();

  bool active() const;
  bool closed() const { return state_ == nullptr; }

 private:
  struct State;
  State* state_ = nullptr;  // nullptr once closed
};

}  // namespace rtmp::net
