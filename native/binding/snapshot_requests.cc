#include "binding/snapshot_requests.h"

#include <mutex>
#include <utility>

#include "binding/callback_guard.h"
#include "binding/error_mapping.h"

namespace rtmp::binding {

// One request's thread-safe function: ready() posts its one call; close()
// releases it, after which ready() does nothing.
class SnapshotCall {
 public:
  static std::shared_ptr<SnapshotCall> create(Napi::Env env, Napi::Function onDone) {
    std::shared_ptr<SnapshotCall> call(new SnapshotCall());
    auto* context = new std::shared_ptr<SnapshotCall>(call);
    napi_status status = napi_create_threadsafe_function(
        env, onDone, nullptr, Napi::String::New(env, "rtmp-engine snapshot"), 0, 1, context,
        &SnapshotCall::finalize, context, &SnapshotCall::callJs, &call->tsfn_);
    if (status != napi_ok) {
      delete context;
      throw Napi::Error::New(env);
    }
    return call;
  }

  // Decoder thread: never waits beyond the short lock.
  void ready() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tsfn_ != nullptr) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
  }

  // JS thread.
  void attach(SnapshotRequests* owner, uint64_t id) {
    owner_ = owner;
    id_ = id;
  }
  void ref(Napi::Env env) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tsfn_ != nullptr) napi_ref_threadsafe_function(env, tsfn_);
  }
  void unref(Napi::Env env) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tsfn_ != nullptr) napi_unref_threadsafe_function(env, tsfn_);
  }
  void close() {
    owner_ = nullptr;
    napi_threadsafe_function tsfn = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      std::swap(tsfn, tsfn_);
    }
    if (tsfn != nullptr) napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  }

 private:
  SnapshotCall() = default;

  static void callJs(napi_env rawEnv, napi_value onDone, void* context, void* /*data*/) {
    if (rawEnv == nullptr || onDone == nullptr) return;  // torn down
    if (environmentStopping(rawEnv)) return;
    SnapshotCall& call = **static_cast<std::shared_ptr<SnapshotCall>*>(context);
    if (call.owner_ == nullptr) return;  // cancelled after the call was queued
    Napi::Env env(rawEnv);
    try {
      Napi::HandleScope scope(env);
      call.owner_->complete(env, call.id_, Napi::Function(env, onDone));
    } catch (const Napi::Error& error) {
      reportCallbackError(rawEnv, error);
    }
  }

  static void finalize(napi_env /*env*/, void* finalizeData, void* /*hint*/) {
    delete static_cast<std::shared_ptr<SnapshotCall>*>(finalizeData);
  }

  std::mutex mutex_;  // guards tsfn_
  napi_threadsafe_function tsfn_ = nullptr;
  // JS thread only.
  SnapshotRequests* owner_ = nullptr;
  uint64_t id_ = 0;
};

SnapshotRequests::~SnapshotRequests() {
  stop();
}

uint64_t SnapshotRequests::request(Napi::Env env, server::FrameService* frames,
                                   const std::string& streamKey,
                                   const server::SnapshotOptions& options, Napi::Function onDone,
                                   bool refed) {
  if (frames == nullptr) return 0;
  if (!service_ || frames_ != frames) {
    stop();
    service_ = std::make_unique<server::SnapshotService>(*frames);
    frames_ = frames;
  }
  std::shared_ptr<SnapshotCall> call = SnapshotCall::create(env, onDone);
  base::Result<uint64_t> id = service_->request(streamKey, options, [call] { call->ready(); });
  if (!id.ok()) {
    call->close();
    if (id.error().code() == base::ErrorCode::kClosed) return 0;
    throw toJsError(env, id.error());
  }
  call->attach(this, *id);
  if (!refed) call->unref(env);
  calls_.emplace(*id, std::move(call));
  return *id;
}

bool SnapshotRequests::cancel(uint64_t id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return false;
  std::shared_ptr<SnapshotCall> call = std::move(it->second);
  calls_.erase(it);
  call->close();
  if (service_) (void)service_->finish(id);  // ends the subscription; the result is dropped
  return true;
}

void SnapshotRequests::stop() {
  for (auto& [id, call] : calls_) call->close();
  calls_.clear();
  service_.reset();  // finishes whatever is left (unsubscribes)
  frames_ = nullptr;
}

void SnapshotRequests::ref(Napi::Env env) {
  for (auto& [id, call] : calls_) call->ref(env);
}

void SnapshotRequests::unref(Napi::Env env) {
  for (auto& [id, call] : calls_) call->unref(env);
}

void SnapshotRequests::complete(Napi::Env env, uint64_t id, Napi::Function onDone) {
  auto it = calls_.find(id);
  if (it == calls_.end() || !service_) return;
  std::shared_ptr<SnapshotCall> call = std::move(it->second);
  calls_.erase(it);
  call->close();
  // The subscription ends here, before JS hears of the image: once the
  // promise settles, no decoder runs for this snapshot.
  std::optional<base::Result<decode::Image>> result = service_->finish(id);
  if (!result) return;  // cannot happen: ready() ran; nothing to report
  if (!result->ok()) {
    onDone.Call({toJsError(env, result->error()).Value()});
    return;
  }
  const decode::Image& image = result->value();
  Napi::Object o = Napi::Object::New(env);
  o.Set("data", Napi::Buffer<uint8_t>::Copy(env, image.data.data(), image.data.size()));
  o.Set("format", std::string(decode::imageFormatName(image.format)));
  o.Set("width", Napi::Number::New(env, image.width));
  o.Set("height", Napi::Number::New(env, image.height));
  o.Set("pts", Napi::Number::New(env, static_cast<double>(image.pts)));
  o.Set("keyframe", Napi::Boolean::New(env, image.keyframe));
  onDone.Call({env.Null(), o});
}

}  // namespace rtmp::binding
