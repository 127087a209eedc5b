#include "binding/event_pump.h"

#include <utility>

#include "binding/callback_guard.h"
#include "binding/js_convert.h"

namespace rtmp::binding {

std::shared_ptr<EventPump> EventPump::create(Napi::Env env, Napi::Function onEvents) {
  std::shared_ptr<EventPump> pump(new EventPump());
  // The TSFN's context owns one reference to the pump, dropped in finalize():
  // a call still queued after close() can safely look at an empty vector.
  auto* context = new std::shared_ptr<EventPump>(pump);
  napi_status status = napi_create_threadsafe_function(
      env, onEvents, nullptr, Napi::String::New(env, "rtmp-engine:events"),
      0,  // unbounded queue: holds at most a couple of wake-ups, never blocks
      1,  // one owner (the pump), released in close()
      context, &EventPump::finalize, context, &EventPump::callJs, &pump->tsfn_);
  if (status != napi_ok) {
    delete context;
    throw Napi::Error::New(env);
  }
  return pump;
}

void EventPump::push(server::EngineEvent&& event) {
  append(std::move(event));
}

void EventPump::pushLog(const base::LogLine& line) {
  server::EngineEvent event;
  event.header.sessionId = line.context.sessionId;
  event.header.app.assign(line.context.app);
  event.header.stream.assign(line.context.stream);
  event.header.ip.assign(line.context.ip);
  event.header.port = line.context.port;
  event.payload = server::LogEvent{static_cast<int>(line.level), std::string(line.component),
                                   std::string(line.message)};
  append(std::move(event));
}

void EventPump::append(server::EngineEvent&& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Closed only after the engine has joined its threads and the log route is
  // gone, so nothing legitimate arrives here afterwards.
  if (closed_) return;
  bool wasEmpty = pending_.empty();
  pending_.push_back(std::move(event));
  // Non-blocking on an unbounded queue: returns at once. Calling under the lock
  // keeps close() from releasing the TSFN between the check and the call. If it
  // fails (environment tearing down) the events stay pending and are dropped
  // with the environment.
  if (wasEmpty) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
}

std::vector<server::EngineEvent> EventPump::takeAll() {
  std::vector<server::EngineEvent> out;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!discarded_) out.swap(pending_);
  return out;
}

void EventPump::ref(Napi::Env env) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (tsfn_ != nullptr) napi_ref_threadsafe_function(env, tsfn_);
}

void EventPump::unref(Napi::Env env) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (tsfn_ != nullptr) napi_unref_threadsafe_function(env, tsfn_);
}

void EventPump::close() {
  napi_threadsafe_function tsfn = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    closed_ = true;
    std::swap(tsfn, tsfn_);
  }
  // Left ref'd on purpose: the queued call (if any) runs on the next loop turn,
  // then the TSFN closes itself and the loop may exit.
  if (tsfn != nullptr) napi_release_threadsafe_function(tsfn, napi_tsfn_release);
}

void EventPump::discard() {
  std::lock_guard<std::mutex> lock(mutex_);
  discarded_ = true;
  pending_.clear();
}

void EventPump::callJs(napi_env rawEnv, napi_value onEvents, void* context, void* /*data*/) {
  // Null env/function: the TSFN is being torn down with calls still queued.
  if (rawEnv == nullptr || onEvents == nullptr) return;
  if (environmentStopping(rawEnv)) return;
  auto& pump = *static_cast<std::shared_ptr<EventPump>*>(context);
  std::vector<server::EngineEvent> batch = pump->takeAll();
  if (batch.empty()) return;
  Napi::Env env(rawEnv);
  try {
    Napi::HandleScope scope(env);
    Napi::Array events = toJsEvents(env, batch);
    Napi::Function(env, onEvents).Call({events});
  } catch (const Napi::Error& error) {
    // The SDK's handler catches listener errors itself; reaching here means a
    // bug in it. Report it as an uncaught exception rather than letting Node
    // swallow it with a warning (DEP0168 behaviour for TSFN callbacks).
    reportCallbackError(rawEnv, error);
  }
}

void EventPump::finalize(napi_env /*env*/, void* finalizeData, void* /*hint*/) {
  delete static_cast<std::shared_ptr<EventPump>*>(finalizeData);
}

}  // namespace rtmp::binding
