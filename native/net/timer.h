// Timer: a one-shot or repeating timer on one loop (handshake timeout, idle
// timeout, ping). Create, use and destroy it on that loop's thread.
//
// The uv_timer_t lives in a separately allocated state that frees itself in
// its close callback, so destroying the Timer at any moment (even from inside
// its own callback) is safe. When the loop stops first, the loop closes the
// timer; the Timer object then just reports closed() and start() fails.
#pragma once

#include <chrono>
#include <functional>

#include "net/loop_thread.h"

namespace rtmp::net {

class Timer {
 public:
  using Callback = std::function<void()>;

  // Loop thread. On a loop that is stopping the timer starts out closed.
  explicit Timer(LoopThread& loop);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();  // close()

  // Fires `callback` after `delay`, then every `repeat` if it is non-zero.
  // Replaces any earlier schedule and callback (also from inside the
  // callback). Returns false when the timer is closed.
  bool start(std::chrono::milliseconds delay, Callback callback,
             std::chrono::milliseconds repeat = std::chrono::milliseconds(0));
  // Re-arms with the last delay, repeat and callback, counting from now
  // (an idle timer pushed back on every read). False when closed or never started.
  bool restart();
  // Disarms; start()/restart() may arm it again.
  void stop();
  // Disarms for good. Idempotent.
  void close();

  bool active() const;
  bool closed() const { return state_ == nullptr; }

 private:
  struct State;
  State* state_ = nullptr;  // nullptr once closed
};

}  // namespace rtmp::net
