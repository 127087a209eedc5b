#include "net/iteration_hook.h"

#include <uv.h>

#include <utility>

namespace rtmp::net {

// Owns the uv_check_t; freed in the handle's close callback, which may come
// after the IterationHook object is gone.
struct IterationHook::State final : LoopResource {
  uv_check_t handle;
  LoopThread* loop = nullptr;
  IterationHook* owner = nullptr;  // nullptr after close
  Callback callback;

  void shutdown(const base::Error&) override { close(); }

  void close() {
    if (owner != nullptr) {
      owner->state_ = nullptr;
      owner = nullptr;
    }
    auto* h = reinterpret_cast<uv_handle_t*>(&handle);
    if (!uv_is_closing(h)) uv_close(h, &State::onClosed);
  }

  static void onClosed(uv_handle_t* h) {
    auto* self = static_cast<State*>(h->data);
    self->loop->detach(self);
    delete self;
  }

  static void onCheck(uv_check_t* c) {
    auto* self = static_cast<State*>(c->data);
    if (self->owner == nullptr || !self->callback) return;
    // A copy keeps the function alive even if the callback replaces or closes it.
    Callback running = self->callback;
    running();
  }
};

IterationHook::IterationHook(LoopThread& loop) {
  if (loop.closing()) return;
  auto* state = new State();
  if (uv_check_init(loop.uvLoop(), &state->handle) != 0) {
    delete state;
    return;
  }
  state->handle.data = state;
  state->loop = &loop;
  state->owner = this;
  loop.attach(state);
  state_ = state;
}

IterationHook::~IterationHook() {
  close();
}

bool IterationHook::start(Callback callback) {
  if (state_ == nullptr) return false;
  state_->callback = std::move(callback);
  return uv_check_start(&state_->handle, &State::onCheck) == 0;
}

void IterationHook::stop() {
  if (state_ != nullptr) uv_check_stop(&state_->handle);
}

void IterationHook::close() {
  if (state_ != nullptr) state_->close();
}

bool IterationHook::active() const {
  return state_ != nullptr && uv_is_active(reinterpret_cast<const uv_handle_t*>(&state_->handle));
}

}  // namespace rtmp::net
