// Internal to net/ (includes uv.h): the state behind an object that owns one
// libuv handle (Timer, IterationHook).
//
// libuv releases nothing before a handle's close callback, so the handle
// cannot live in the object a user may destroy at any moment (even inside its
// own callback). It lives in this state instead, which outlives its owner and
// deletes itself in the close callback. The owner holds a pointer to the
// state; close() clears that pointer at once (the owner then reports closed),
// and the loop closes the state when it stops first.
#pragma once

#include <uv.h>

#include "net/loop_thread.h"

namespace rtmp::net::detail {

// Derived: the concrete state (CRTP, so the close callback deletes the right
// type). Handle: uv_timer_t, uv_check_t, ...
template <typename Derived, typename Handle>
struct OwnedHandle : LoopResource {
  Handle handle;
  LoopThread* loop = nullptr;
  Derived** ownerSlot = nullptr;  // the owner's pointer to this state; null once closed

  // Loop thread. Initializes the handle with `init` (uv_timer_init, ...),
  // attaches to the loop and points `*slot` at the new state. Leaves `*slot`
  // null when the loop is stopping or init fails.
  template <typename Init>
  static void open(LoopThread& loop, Derived** slot, Init init) {
    *slot = nullptr;
    if (loop.closing()) return;  // born closed: the loop is shutting down
    auto* state = new Derived();
    if (init(loop.uvLoop(), &state->handle) != 0) {
      delete state;
      return;
    }
    state->handle.data = state;
    state->loop = &loop;
    state->ownerSlot = slot;
    loop.attach(state);
    *slot = state;
  }

  bool owned() const { return ownerSlot != nullptr; }

  void shutdown(const base::Error&) override { close(); }

  // Detaches from the owner now; frees itself in the close callback. The
  // callback the derived state holds is released there, never here: close()
  // may be running inside that very callback.
  void close() {
    if (ownerSlot != nullptr) {
      *ownerSlot = nullptr;
      ownerSlot = nullptr;
    }
    auto* h = reinterpret_cast<uv_handle_t*>(&handle);
    if (!uv_is_closing(h)) uv_close(h, &OwnedHandle::onClosed);
  }

  static void onClosed(uv_handle_t* h) {
    auto* self = static_cast<Derived*>(h->data);
    self->loop->detach(self);
    delete self;
  }
};

}  // namespace rtmp::net::detail
