// EventPump: the ordered, never-dropping channel from engine threads to JS.
//
//   loop threads ──push()──▶ [mutex-guarded vector] ──(one TSFN call per
//   empty→non-empty transition)──▶ JS thread: drain all, onEvents(batch)
//
// Channels from the engine to JS, and what each may carry:
//
//   channel                 bounds                            carries
//   EventPump (this file)   unbounded, ordered, never drops   descriptions only:
//                                                             lifecycle, auth, logs
//   BoundedChannel          fixed capacity in items and       media: segment/part
//   (bounded_channel.h)     bytes; drops the newest, counts   bytes, decoded frames
//
// RULE: the event pump must never carry media bytes (payloads, segments,
// parts, frames). It is unbounded so that no lifecycle event is ever lost;
// that is only safe while every event is small and their rate follows
// sessions, not frames. Anything sized or paced by the media goes through a
// bounded channel that drops and counts when JS falls behind.
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
  // JS thread. Creates the thread-safe function around onEvents; it starts
  // ref'd (keeps the event loop alive, like a listening net.Server).
  static std::shared_ptr<EventPump> create(Napi::Env env, Napi::Function onEvents);

  EventPump(const EventPump&) = delete;
  EventPump& operator=(const EventPump&) = delete;
  ~EventPump() = default;

  // Any thread, never blocks on JS.
  void push(server::EngineEvent&& event);
  // A base::log line as a kLog event, its context in the event header.
  void pushLog(const base::LogLine& line);

  // JS thread: everything not yet delivered, oldest first.
  std::vector<server::EngineEvent> takeAll();

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
  void append(server::EngineEvent&& event);
  static void callJs(napi_env env, napi_value onEvents, void* context, void* data);
  static void finalize(napi_env env, void* finalizeData, void* hint);

  std::mutex mutex_;
  std::vector<server::EngineEvent> pending_;
  bool closed_ = false;
  bool discarded_ = false;
  napi_threadsafe_function tsfn_ = nullptr;
};

}  // namespace rtmp::binding
