#include "net/iteration_hook.h"

#include <uv.h>

#include <utility>

#include "net/owned_handle.h"

namespace rtmp::net {

// Owns the uv_check_t; outlives the hook until the handle's close callback
// (detail::OwnedHandle).
struct IterationHook::State final : detail::OwnedHandle<IterationHook::State, uv_check_t> {
  Callback callback;

  static void onCheck(uv_check_t* c) {
    auto* self = static_cast<State*>(c->data);
    if (!self->owned() || !self->callback) return;
    // A copy keeps the function alive even if the callback replaces or closes it.
    Callback running = self->callback;
    running();
  }
};

IterationHook::IterationHook(LoopThread& loop) {
  State::open(loop, &state_, &uv_check_init);
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
