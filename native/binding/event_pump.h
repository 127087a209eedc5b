// EventPump: the ordered, never-dropping channel from engine threads to JS.
//
//   loop threads ──push()──▶ [mutex-guarded vector] ──(one TSFN call per
//   empty→non-empty transition)──▶ JS thread: drain all, onEvents(batch)
//
// A loop thread only appends under a short lock and, when the vector was
// empty, posts one non-blocking thread-safe-function call; it never waits on
// JS. The JS side takes the whole vector per call, so a burst of N events costs
// one wake-up and one JS call. Invariant: while the vector is non-empty, one
// call is queued that has not yet taken it.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "server/engine_events.h"

namespace rtmp::binding {

class EventPump {
 public:
  struct Item {
    server::EngineEvent event;
    std::string component;  // kLog lines from base::log: the component that logged
  };

  // JS thread. Creates the thread-safe function around onEvents; it starts
  // ref'd (keeps the event loop alive, like a listening net.Server).
  static std::shared_ptr<EventPump> create(Napi::Env env, Napi::Function onEvents);

  EventPump(const EventPump&) = delete;
  EventPump& operator=(const EventPump&) = delete;
  ~EventPump() = default;

  // Any thread, never blocks on JS.
  void push(server::EngineEvent&& event);
  void pushLog(base::LogLevel level, std::string_view component, std::string_view message);

  // JS thread: everything not yet delivered, oldest first.
  std::vector<Item> takeAll();

  // JS thread: whether the thread-safe function keeps the event loop alive.
  void ref(Napi::Env env);
  void unref(Napi::Env env);

  // Ends the channel: later pushes are ignored and the thread-safe function is
  // released (it finalizes once its queue is empty). Events still pending are
  // delivered by the last queued call unless discard() was called.
  void close();
  // Environment teardown: never call into JS again; pending events are dropped
  // because there is no JS left to receive them.
  void discard();

 private:
  EventPump() = default;
  void append(Item&& item);
  static void callJs(napi_env env, napi_value onEvents, void* context, void* data);
  static void finalize(napi_env env, void* finalizeData, void* hint);

  std::mutex mutex_;
  std::vector<Item> pending_;
  bool closed_ = false;
  bool discarded_ = false;
  napi_threadsafe_function tsfn_ = nullptr;
};

}  // namespace rtmp::binding
