// BoundedChannel: the media channel from engine threads to JS. Where the
// EventPump (event_pump.h) is ordered, unbounded and never drops — right for
// lifecycle events, wrong for media — this one has a fixed capacity in items
// and bytes and drops (and counts) what does not fit, so a JS consumer that
// falls behind costs dropped items, never memory or a waiting loop thread.
// Segment/part bytes and decoded frames travel here, one channel each.
//
//   loop/decode threads ──push()──▶ base::BoundedQueue (full: drop newest,
//   count) ──(one TSFN call per empty→non-empty transition)──▶ JS thread:
//   takeAll, onItems(toJs(batch), counters)
//
// The queue logic lives in base/bounded_queue.h (no N-API, GoogleTested);
// this class only adds the delivery through one thread-safe function, with
// the same lifetime rules as EventPump: close() ends it after the last queued
// call; discard() (environment teardown) never calls into JS again.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "base/bounded_queue.h"
#include "base/bytes.h"
#include "binding/callback_guard.h"

namespace rtmp::binding {

template <typename Item>
class BoundedChannel {
 public:
  // JS thread: turns one batch (oldest first) into the value given to onItems.
  using ToJs = Napi::Value (*)(Napi::Env env, std::vector<Item>&& batch);

  // JS thread. onItems(batch, { pushed, dropped, droppedBytes }) is called on
  // the JS thread once per wake-up with everything queued by then.
  static std::shared_ptr<BoundedChannel> create(Napi::Env env, Napi::Function onItems,
                                                const char* name, base::BoundedQueueLimits limits,
                                                ToJs toJs) {
    std::shared_ptr<BoundedChannel> channel(new BoundedChannel(limits, toJs));
    // As in EventPump: the TSFN's context holds one reference until finalize.
    auto* context = new std::shared_ptr<BoundedChannel>(channel);
    napi_status status = napi_create_threadsafe_function(
        env, onItems, nullptr, Napi::String::New(env, name),
        0,  // the TSFN queue holds wake-ups only (at most one pending); items are bounded
        1, context, &BoundedChannel::finalize, context, &BoundedChannel::callJs, &channel->tsfn_);
    if (status != napi_ok) {
      delete context;
      throw Napi::Error::New(env);
    }
    return channel;
  }

  BoundedChannel(const BoundedChannel&) = delete;
  BoundedChannel& operator=(const BoundedChannel&) = delete;

  // Any thread, never blocks on JS. False: dropped (full or closed), counted.
  bool push(Item&& item, size_t bytes) {
    base::PushResult result = queue_.tryPush(std::move(item), bytes);
    if (result == base::PushResult::kDropped) return false;
    if (result == base::PushResult::kFirst) {
      std::lock_guard<std::mutex> lock(mutex_);
      // Under the lock so close() cannot release the TSFN between check and call.
      if (tsfn_ != nullptr) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
    }
    return true;
  }

  base::BoundedQueueCounters counters() const { return queue_.counters(); }

  // JS thread: whether the channel keeps the event loop alive (starts ref'd).
  void ref(Napi::Env env) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tsfn_ != nullptr) napi_ref_threadsafe_function(env, tsfn_);
  }
  void unref(Napi::Env env) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tsfn_ != nullptr) napi_unref_threadsafe_function(env, tsfn_);
  }

  // Later pushes are dropped; what is queued is still delivered by the last call.
  void close() {
    queue_.close();
    napi_threadsafe_function tsfn = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      std::swap(tsfn, tsfn_);
    }
    if (tsfn != nullptr) napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  }
  // Environment teardown: nothing more reaches JS.
  void discard() {
    queue_.close();
    std::lock_guard<std::mutex> lock(mutex_);
    discarded_ = true;
  }

 private:
  BoundedChannel(base::BoundedQueueLimits limits, ToJs toJs) : queue_(limits), toJs_(toJs) {}

  static void callJs(napi_env rawEnv, napi_value onItems, void* context, void* /*data*/) {
    if (rawEnv == nullptr || onItems == nullptr) return;  // TSFN torn down
    if (environmentStopping(rawEnv)) return;
    auto& channel = *static_cast<std::shared_ptr<BoundedChannel>*>(context);
    {
      std::lock_guard<std::mutex> lock(channel->mutex_);
      if (channel->discarded_) return;
    }
    std::vector<Item> batch = channel->queue_.takeAll();
    if (batch.empty()) return;
    Napi::Env env(rawEnv);
    try {
      Napi::HandleScope scope(env);
      const base::BoundedQueueCounters c = channel->queue_.counters();
      Napi::Object counters = Napi::Object::New(env);
      counters.Set("pushed", Napi::Number::New(env, static_cast<double>(c.pushed)));
      counters.Set("dropped", Napi::Number::New(env, static_cast<double>(c.dropped)));
      counters.Set("droppedBytes", Napi::Number::New(env, static_cast<double>(c.droppedBytes)));
      Napi::Value items = channel->toJs_(env, std::move(batch));
      Napi::Function(env, onItems).Call({items, counters});
    } catch (const Napi::Error& error) {
      reportCallbackError(rawEnv, error);
    }
  }

  static void finalize(napi_env /*env*/, void* finalizeData, void* /*hint*/) {
    delete static_cast<std::shared_ptr<BoundedChannel>*>(finalizeData);
  }

  base::BoundedQueue<Item> queue_;
  const ToJs toJs_;
  std::mutex mutex_;  // guards tsfn_ and discarded_
  napi_threadsafe_function tsfn_ = nullptr;
  bool discarded_ = false;
};

// The plainest channel: blocks of bytes (segment or part bytes), each given
// to JS as a Buffer in an array. Bytes are copied into the Buffer: Electron
// refuses external array buffers.
struct BytesItem {
  base::Bytes bytes;
};
using BytesChannel = BoundedChannel<BytesItem>;
extern template class BoundedChannel<BytesItem>;

std::shared_ptr<BytesChannel> createBytesChannel(Napi::Env env, Napi::Function onItems,
                                                 const char* name, base::BoundedQueueLimits limits);

}  // namespace rtmp::binding
