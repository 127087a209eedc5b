#include "binding/frame_subscriptions.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "base/error.h"
#include "base/log.h"
#include "binding/callback_guard.h"
#include "binding/error_mapping.h"
#include "decode/frame.h"
#include "decode/frame_allocator.h"
#include "decode/frame_pool.h"
#include "decode/owned_frame_pool.h"

namespace rtmp::binding {

namespace {

// Frames JS may hold (taken, not yet released) on top of the engine queue's
// bound before the pool is full: one being worked on, one waiting in an
// iterator, one late release.
constexpr size_t kJsHeldFrames = 3;
// AAC frames last 21-23 ms: audio buffers for maxAudioMs in 20 ms steps.
constexpr uint32_t kAudioFrameMs = 20;

Napi::Number num(Napi::Env env, double value) {
  return Napi::Number::New(env, value);
}

decode::FramePool::Caps poolCaps(const decode::SubscriptionOptions& o) {
  decode::FramePool::Caps caps;
  if (o.video) caps.video = o.maxVideoFrames + kJsHeldFrames;
  if (o.audio) caps.audio = o.maxAudioMs / kAudioFrameMs + 1 + kJsHeldFrames;
  return caps;
}

// Test-only: set, the environment is taken to refuse external ArrayBuffers
// as Electron's does, so the fallback to the pool can be tested in Node.
constexpr const char* kRefuseExternalEnv = "RTMP_ENGINE_TEST_REFUSE_EXTERNAL_BUFFERS";

// An external ArrayBuffer's finalizer (JS thread, or environment teardown):
// the frame goes, and with it the buffer's lease.
void finalizeExternal(napi_env /*env*/, void* /*data*/, void* hint) {
  delete static_cast<decode::FramePtr*>(hint);
}

}  // namespace

// The subscription's FrameSink and its thread-safe function. A wake-up is
// posted only when none is pending, so the TSFN queue never holds more than
// one call and the decoder thread never waits.
class FrameWake : public decode::FrameSink {
 public:
  static std::shared_ptr<FrameWake> create(Napi::Env env, Napi::Function onItems) {
    std::shared_ptr<FrameWake> wake(new FrameWake());
    auto* context = new std::shared_ptr<FrameWake>(wake);
    napi_status status = napi_create_threadsafe_function(
        env, onItems, nullptr, Napi::String::New(env, "rtmp-engine frames"), 0, 1, context,
        &FrameWake::finalize, context, &FrameWake::callJs, &wake->tsfn_);
    if (status != napi_ok) {
      delete context;
      throw Napi::Error::New(env);
    }
    return wake;
  }

  void framesReady() override { post(); }

  void decodeError(const base::Error& error) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      errors_.push_back(error);
    }
    post();
  }

  std::vector<base::Error> takeErrors() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(errors_, {});
  }

  // JS thread.
  void attach(FrameSubscriptions* owner, uint64_t id) {
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
  // JS thread: no delivery after this (a wake-up already queued finds no owner).
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
  FrameWake() = default;

  void post() {
    if (pending_.exchange(true)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (tsfn_ != nullptr) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
  }

  static void callJs(napi_env rawEnv, napi_value onItems, void* context, void* /*data*/) {
    if (rawEnv == nullptr || onItems == nullptr) return;  // torn down
    if (environmentStopping(rawEnv)) return;
    FrameWake& wake = **static_cast<std::shared_ptr<FrameWake>*>(context);
    // Cleared before taking: a frame queued from here on posts a new call.
    wake.pending_.store(false);
    if (wake.owner_ == nullptr) return;
    Napi::Env env(rawEnv);
    try {
      Napi::HandleScope scope(env);
      wake.owner_->deliver(env, wake.id_, Napi::Function(env, onItems));
    } catch (const Napi::Error& error) {
      reportCallbackError(rawEnv, error);
    }
  }

  static void finalize(napi_env /*env*/, void* finalizeData, void* /*hint*/) {
    delete static_cast<std::shared_ptr<FrameWake>*>(finalizeData);
  }

  std::atomic<bool> pending_{false};
  std::mutex mutex_;  // guards tsfn_ and errors_
  napi_threadsafe_function tsfn_ = nullptr;
  std::vector<base::Error> errors_;
  // JS thread only.
  FrameSubscriptions* owner_ = nullptr;
  uint64_t id_ = 0;
};

FrameSubscriptions::~FrameSubscriptions() {
  stop(/*teardown=*/true);
}

void FrameSubscriptions::start(server::Engine& engine, decode::PoolConfig config,
                               bool externalBuffers) {
  engine_ = &engine;
  poolConfig_ = config;
  externalBuffers_ = externalBuffers;
}

bool FrameSubscriptions::externalAllowed(Napi::Env env) {
  if (external_ == External::kUnknown) {
    // A one-byte probe: what N-API answers for it, it answers for frames.
    static uint8_t probe = 0;
    napi_value value = nullptr;
    const char* refuse = std::getenv(kRefuseExternalEnv);
    const napi_status status =
        refuse != nullptr && *refuse != '\0' && std::strcmp(refuse, "0") != 0
            ? napi_no_external_buffers_allowed
            : napi_create_external_arraybuffer(env, &probe, 1, nullptr, nullptr, &value);
    external_ = status == napi_ok ? External::kAllowed : External::kRefused;
    if (external_ == External::kRefused) {
      base::log(base::LogLevel::kWarn, "frames", [&] {
        return std::string("frames.buffers 'external': this runtime refuses external ") +
               "ArrayBuffers (" +
               (status == napi_no_external_buffers_allowed
                    ? "napi_no_external_buffers_allowed"
                    : "N-API status " + std::to_string(status)) +
               "); frames use the pool of JS buffers";
      });
    }
  }
  return external_ == External::kAllowed;
}

server::FrameService* FrameSubscriptions::service() {
  if (engine_ == nullptr) return nullptr;
  if (!service_) {
    pool_ = std::make_unique<decode::DecoderPool>(poolConfig_);
    service_ = std::make_unique<server::FrameService>(*pool_, server::engineTapHost(*engine_));
  }
  return service_.get();
}

void FrameSubscriptions::stop(bool teardown) {
  if (engine_ == nullptr) return;
  engine_ = nullptr;
  // The service first (it detaches its taps from the running engine), then
  // the workers: once they are joined nothing writes into a buffer again, so
  // every reference may go.
  service_.reset();
  if (pool_) pool_->stop();
  pool_.reset();
  for (auto& [id, entry] : subs_) {
    entry.wake->close();
    if (entry.refs) {
      entry.refs->pool->retire();
      entry.refs->refs.clear();
    } else {
      entry.owned->retire();  // frames JS holds keep their buffers until finalized
    }
  }
  for (auto& refs : retired_) refs->refs.clear();
  subs_.clear();
  retired_.clear();
  held_.clear();
  (void)teardown;  // the wakes' owner is cleared: no JS call either way
}

uint64_t FrameSubscriptions::subscribe(Napi::Env env, const std::string& streamKey,
                                       const decode::SubscriptionOptions& options,
                                       Napi::Function onItems, bool refed) {
  server::FrameService* frames = service();
  if (frames == nullptr) return 0;
  std::shared_ptr<FrameWake> wake = FrameWake::create(env, onItems);
  Entry entry{streamKey, wake, nullptr, nullptr};
  std::shared_ptr<decode::FrameAllocator> allocator;
  if (externalBuffers_ && externalAllowed(env)) {
    const decode::FramePool::Caps caps = poolCaps(options);
    entry.owned = std::make_shared<decode::OwnedFramePool>(
        decode::OwnedFramePool::Caps{caps.video, caps.audio});
    allocator = entry.owned;
  } else {
    entry.refs = std::make_shared<PoolRefs>();
    entry.refs->pool = std::make_shared<FramePool>(poolCaps(options));
    allocator = entry.refs->pool;
  }
  base::Result<uint64_t> id = frames->subscribe(streamKey, options, allocator, wake);
  if (!id.ok()) {
    wake->close();
    if (id.error().code() == base::ErrorCode::kClosed) return 0;
    throw toJsError(env, id.error());
  }
  wake->attach(this, *id);
  if (!refed) wake->unref(env);
  subs_.emplace(*id, std::move(entry));
  return *id;
}

bool FrameSubscriptions::unsubscribe(uint64_t id) {
  auto it = subs_.find(id);
  if (it == subs_.end()) return false;
  Entry entry = std::move(it->second);
  subs_.erase(it);
  if (service_) service_->unsubscribe(id);  // no sink call after this
  entry.wake->close();
  if (entry.owned) {
    entry.owned->retire();  // buffers still busy are freed as they come back
    return true;
  }
  entry.refs->pool->retire();
  sweep(*entry.refs);
  // Buffers the engine or JS still hold keep their references until released.
  if (!entry.refs->pool->drained()) retired_.push_back(std::move(entry.refs));
  return true;
}

bool FrameSubscriptions::release(uint64_t token) {
  auto it = held_.find(token);
  if (it == held_.end()) return false;
  Held held = std::move(it->second);
  held_.erase(it);
  if (!held.external.IsEmpty()) {
    // Detached, the ArrayBuffer has no bytes for any view of it, and V8 lets
    // its memory go: the finalizer (soon, on this thread) frees the buffer.
    // A buffer that is already garbage is finalized by the GC.
    Napi::ArrayBuffer buffer = held.external.Value();
    if (!buffer.IsEmpty() && !buffer.IsDetached()) buffer.Detach();
    return true;
  }
  if (held.frame) {
    held.frame.reset();  // the last reference: its lease frees the slot
  } else if (held.refs) {
    held.refs->pool->freeSlot(held.slot);
  }  // else: an owned frame JS got as a copy, which holds nothing here
  if (!retired_.empty()) sweepRetired();
  return true;
}

void FrameSubscriptions::sweep(PoolRefs& refs) {
  for (uint32_t slot : refs.pool->takeUnusable()) {
    if (slot < refs.refs.size()) refs.refs[slot].Reset();
  }
}

void FrameSubscriptions::sweepRetired() {
  for (auto& refs : retired_) sweep(*refs);
  retired_.erase(std::remove_if(retired_.begin(), retired_.end(),
                                [](const auto& refs) { return refs->pool->drained(); }),
                 retired_.end());
}

void FrameSubscriptions::deliver(Napi::Env env, uint64_t id, Napi::Function onItems) {
  auto it = subs_.find(id);
  if (it == subs_.end() || !service_) return;
  // Copies of what delivery needs (onItems may unsubscribe), not of the stream name.
  const Entry entry{{}, it->second.wake, it->second.refs, it->second.owned};
  std::shared_ptr<FrameWake> wake = entry.wake;
  if (entry.refs) sweep(*entry.refs);
  if (!retired_.empty()) sweepRetired();
  std::vector<base::Error> errors = wake->takeErrors();
  std::vector<decode::DeliveredFrame> frames = service_->take(id);
  if (errors.empty() && frames.empty()) return;
  Napi::Array items = Napi::Array::New(env, errors.size() + frames.size());
  uint32_t i = 0;
  for (const base::Error& error : errors) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", "error");
    o.Set("code", std::string(base::errorCodeName(error.code())));
    o.Set("message", error.message());
    items.Set(i++, o);
  }
  for (const decode::DeliveredFrame& d : frames) items.Set(i++, frameToJs(env, id, entry, d));
  onItems.Call({items});
}

Napi::ArrayBuffer FrameSubscriptions::externalBuffer(Napi::Env env, const decode::FramePtr& frame) {
  auto* hint = new decode::FramePtr(frame);
  napi_value value = nullptr;
  const napi_status status = napi_create_external_arraybuffer(
      env, frame->buffer.data(), std::max<size_t>(frame->byteLength, 1), &finalizeExternal, hint,
      &value);
  if (status != napi_ok) {
    delete hint;
    return Napi::ArrayBuffer();
  }
  return Napi::ArrayBuffer(env, value);
}

Napi::Value FrameSubscriptions::frameToJs(Napi::Env env, uint64_t id, const Entry& entry,
                                          const decode::DeliveredFrame& d) {
  const decode::Frame& f = *d.frame;
  Held held;
  held.sub = id;
  held.refs = entry.refs;
  Napi::ArrayBuffer buffer;
  const decode::FrameBuffer& fb = f.buffer.buffer();
  if (entry.owned) {
    buffer = externalBuffer(env, d.frame);
    if (buffer.IsEmpty()) {
      // Refused after the probe said yes: this one frame is copied.
      buffer = Napi::ArrayBuffer::New(env, std::max<size_t>(f.byteLength, 1));
      std::memcpy(buffer.Data(), fb.data, f.byteLength);
    } else {
      held.external = Napi::Weak(buffer);
    }
  } else if (FramePool::isHeap(fb)) {
    PoolRefs& refs = *entry.refs;
    // No pool buffer fitted yet: the one extra copy, into a new JS buffer that
    // joins the pool (busy until JS releases this frame).
    buffer = Napi::ArrayBuffer::New(env, std::max<size_t>(fb.size, 1));
    std::memcpy(buffer.Data(), fb.data, f.byteLength);
    held.slot = refs.pool->adopt(f.kind, static_cast<uint8_t*>(buffer.Data()), buffer.ByteLength());
    if (refs.refs.size() <= held.slot) refs.refs.resize(held.slot + 1);
    refs.refs[held.slot] = Napi::Persistent(buffer);
  } else {
    held.slot = static_cast<uint32_t>(fb.id);
    buffer = entry.refs->refs.at(held.slot).Value();
    held.frame = d.frame;
  }

  Napi::Object o = Napi::Object::New(env);
  const bool video = f.kind == decode::FrameKind::kVideo;
  o.Set("kind", video ? "video" : "audio");
  o.Set("pts", num(env, static_cast<double>(f.pts)));
  o.Set("dts", num(env, static_cast<double>(f.dts)));
  o.Set("keyframe", Napi::Boolean::New(env, f.keyframe));
  if (video) {
    o.Set("width", num(env, f.width));
    o.Set("height", num(env, f.height));
    o.Set("format", std::string(decode::pixelFormatName(f.pixelFormat)));
  } else {
    o.Set("sampleRate", num(env, f.sampleRate));
    o.Set("channels", num(env, f.channels));
    o.Set("samples", num(env, f.samples));
    o.Set("format", std::string(decode::sampleFormatName(f.sampleFormat)));
  }
  Napi::Array planes = Napi::Array::New(env, f.planeCount);
  for (uint32_t p = 0; p < f.planeCount; ++p) {
    const decode::FramePlane& plane = f.planes[p];
    const size_t length = video ? size_t{plane.stride} * plane.rows : plane.stride;
    Napi::Object po = Napi::Object::New(env);
    po.Set("data", Napi::Uint8Array::New(env, length, buffer, plane.offset));
    po.Set("stride", num(env, plane.stride));
    planes.Set(p, po);
  }
  o.Set("planes", planes);
  o.Set("byteLength", num(env, static_cast<double>(f.byteLength)));
  o.Set("droppedBefore", num(env, static_cast<double>(d.droppedBefore)));
  o.Set("discontinuity", Napi::Boolean::New(env, d.discontinuity));
  const uint64_t token = nextToken_++;
  o.Set("token", num(env, static_cast<double>(token)));
  held_.emplace(token, std::move(held));
  return o;
}

Napi::Array FrameSubscriptions::stats(Napi::Env env) const {
  Napi::Array out = Napi::Array::New(env, subs_.size());
  uint32_t i = 0;
  for (const auto& [id, entry] : subs_) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", num(env, static_cast<double>(id)));
    o.Set("stream", entry.stream);
    decode::SubscriptionStats s;
    if (service_) s = service_->stats(id).value_or(decode::SubscriptionStats{});
    o.Set("videoDelivered", num(env, static_cast<double>(s.videoDelivered)));
    o.Set("audioDelivered", num(env, static_cast<double>(s.audioDelivered)));
    o.Set("videoDropped", num(env, static_cast<double>(s.videoDropped)));
    o.Set("audioDropped", num(env, static_cast<double>(s.audioDropped)));
    o.Set("videoSkipped", num(env, static_cast<double>(s.videoSkipped)));
    o.Set("decodeErrors", num(env, static_cast<double>(s.decodeErrors)));
    o.Set("queued", num(env, static_cast<double>(s.queued)));
    o.Set("buffers", entry.owned ? "external" : "pool");
    if (entry.owned) {
      o.Set("poolBuffers", num(env, static_cast<double>(entry.owned->buffers())));
      o.Set("poolBytes", num(env, static_cast<double>(entry.owned->bytes())));
      o.Set("poolBusy", num(env, static_cast<double>(entry.owned->busy())));
    } else {
      o.Set("poolBuffers", num(env, static_cast<double>(entry.refs->pool->buffers())));
      o.Set("poolBytes", num(env, static_cast<double>(entry.refs->pool->bytes())));
      o.Set("poolBusy", num(env, static_cast<double>(entry.refs->pool->busy())));
    }
    size_t held = 0;
    for (const auto& [token, h] : held_) held += h.sub == id ? 1 : 0;
    o.Set("held", num(env, static_cast<double>(held)));
    out.Set(i++, o);
  }
  return out;
}

size_t FrameSubscriptions::decoderCount() const {
  return service_ ? service_->decoderCount() : 0;
}

void FrameSubscriptions::ref(Napi::Env env) {
  for (auto& [id, entry] : subs_) entry.wake->ref(env);
}

void FrameSubscriptions::unref(Napi::Env env) {
  for (auto& [id, entry] : subs_) entry.wake->unref(env);
}

}  // namespace rtmp::binding
