#include "net/timer.h"

#include <uv.h>

#include <cstdint>
#include <utility>

#include "net/owned_handle.h"

namespace rtmp::net {

// Owns the uv_timer_t; outlives the Timer until the handle's close callback
// (detail::OwnedHandle).
struct Timer::State final : detail::OwnedHandle<Timer::State, uv_timer_t> {
  Callback callback;
  uint64_t delayMs = 0;
  uint64_t repeatMs = 0;
  uint64_t generation = 0;  // bumped by start(): tells a callback it was replaced
  bool started = false;

  static void onFire(uv_timer_t* t) {
    auto* self = static_cast<State*>(t->data);
    if (!self->owned() || !self->callback) {
      return;
    }
    // Move the callback out while it runs so that start() from inside it can
    // install a new one without destroying the running function object.
    const uint64_t generation = self->generation;
    Callback running = std::move(self->callback);
    self->callback = nullptr;
    running();
    // `self` is still alive here: it is freed only in onClosed, which runs in
    // a later loop phase even if the callback closed the timer.
    if (self->owned() && self->generation == generation) {
      self->callback = std::move(running);
    }
  }
};

Timer::Timer(LoopThread& loop) {
  State::open(loop, &state_, &uv_timer_init);
}

Timer::~Timer() {
  close();
}

bool Timer::start(std::chrono::milliseconds delay, Callback callback,
                  std::chrono::milliseconds repeat) {
  if (state_ == nullptr) {
    return false;
  }
  state_->callback = std::move(callback);
  state_->delayMs = delay.count() > 0 ? static_cast<uint64_t>(delay.count()) : 0;
  state_->repeatMs = repeat.count() > 0 ? static_cast<uint64_t>(repeat.count()) : 0;
  state_->generation++;
  state_->started = true;
  return uv_timer_start(&state_->handle, &State::onFire, state_->delayMs, state_->repeatMs) == 0;
}

bool Timer::restart() {
  if (state_ == nullptr || !state_->started) {
    return false;
  }
  return uv_timer_start(&state_->handle, &State::onFire, state_->delayMs, state_->repeatMs) == 0;
}

void Timer::stop() {
  if (state_ != nullptr) {
    uv_timer_stop(&state_->handle);
  }
}

void Timer::close() {
  if (state_ != nullptr) {
    state_->close();  // clears state_
  }
}

bool Timer::active() const {
  return state_ != nullptr && uv_is_active(reinterpret_cast<const uv_handle_t*>(&state_->handle));
}

}  // namespace rtmp::net
