#include "binding/engine_wrap.h"

#include <cmath>
#include <string>
#include <utility>

#include "binding/addon_data.h"
#include "binding/error_mapping.h"
#include "binding/exit_guard.h"
#include "binding/js_convert.h"
#include "binding/log_router.h"

namespace rtmp::binding {

namespace {

// Session ids are engine-assigned counters; as JS numbers they are exact below 2^53.
constexpr double kMaxSafeInteger = 9007199254740991.0;

}  // namespace

Napi::Function EngineWrap::define(Napi::Env env) {
  return DefineClass(env, "Engine",
                     {
                         InstanceMethod<&EngineWrap::start>("start"),
                         InstanceMethod<&EngineWrap::boundPort>("boundPort"),
                         InstanceMethod<&EngineWrap::boundTlsPort>("boundTlsPort"),
                         InstanceMethod<&EngineWrap::reloadTls>("reloadTls"),
                         InstanceMethod<&EngineWrap::beginShutdown>("beginShutdown"),
                         InstanceMethod<&EngineWrap::stop>("stop"),
                         InstanceMethod<&EngineWrap::kick>("kick"),
                         InstanceMethod<&EngineWrap::bans>("bans"),
                         InstanceMethod<&EngineWrap::unban>("unban"),
                         InstanceMethod<&EngineWrap::answerAuth>("answerAuth"),
                         InstanceMethod<&EngineWrap::stats>("stats"),
                         InstanceMethod<&EngineWrap::sessionCount>("sessionCount"),
                         InstanceMethod<&EngineWrap::ref>("ref"),
                         InstanceMethod<&EngineWrap::unref>("unref"),
                         InstanceMethod<&EngineWrap::setHlsFeed>("setHlsFeed"),
                         InstanceMethod<&EngineWrap::subscribePackets>("subscribePackets"),
                         InstanceMethod<&EngineWrap::unsubscribePackets>("unsubscribePackets"),
                         InstanceMethod<&EngineWrap::releasePackets>("releasePackets"),
                         InstanceMethod<&EngineWrap::packetSubscriptions>("packetSubscriptions"),
                         InstanceMethod<&EngineWrap::subscribeFrames>("subscribeFrames"),
                         InstanceMethod<&EngineWrap::unsubscribeFrames>("unsubscribeFrames"),
                         InstanceMethod<&EngineWrap::releaseFrame>("releaseFrame"),
                         InstanceMethod<&EngineWrap::frameSubscriptions>("frameSubscriptions"),
                         InstanceMethod<&EngineWrap::frameDecoderCount>("frameDecoderCount"),
                         InstanceMethod<&EngineWrap::snapshot>("snapshot"),
                         InstanceMethod<&EngineWrap::cancelSnapshot>("cancelSnapshot"),
                     });
}

EngineWrap::EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info) {
  Napi::Env env = info.Env();
  if (!info.IsConstructCall()) throwContractError(env, "Engine must be called with new");
  config_ = readBindingConfig(env, info[0]);
  if (!info[1].IsFunction())
    throwContractError(env, "Engine(config, onEvents): onEvents must be a function");
  // Kept on the JS object under a private symbol rather than in a persistent
  // reference: a strong native reference would form an uncollectable cycle
  // (onEvents closes over the server that owns this object) for engines that
  // were never started.
  info.This().As<Napi::Object>().Set(AddonData::of(env)->onEventsKey.Value(), info[1]);
}

EngineWrap::~EngineWrap() {
  // Normally stopped already: a running engine holds a strong reference to
  // itself. Reached running only when the environment is finalizing objects.
  if (state_ == State::kRunning) shutdown(Reason::kTeardown);
}

Napi::Value EngineWrap::start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state_ == State::kRunning) {
    throw toJsError(env, base::Error(base::ErrorCode::kInvalidArgument, "engine already started"));
  }
  if (state_ == State::kStopped) {
    throw toJsError(env, base::Error(base::ErrorCode::kInvalidArgument,
                                     "engine was stopped; create a new one"));
  }
  Napi::Value onEvents = Value().Get(AddonData::of(env)->onEventsKey.Value());
  if (!onEvents.IsFunction()) throwContractError(env, "onEvents went missing");

  // Channel and log route first: start() itself may log or emit events.
  pump_ = EventPump::create(env, onEvents.As<Napi::Function>());
  try {
    if (!refed_) pump_->unref(env);
    std::shared_ptr<EventPump> pump = pump_;
    engine_ = std::make_unique<server::Engine>(
        config_.engine, [pump](server::EngineEvent&& event) { pump->push(std::move(event)); });
    Napi::Value hlsFeed = Value().Get(AddonData::of(env)->hlsFeedKey.Value());
    if (hlsFeed.IsFunction()) {
      hls_ = createHlsChannel(env, hlsFeed.As<Napi::Function>());
      if (!refed_) hls_->unref(env);
      // Registered whenever a feed is set: the authorize answer may turn HLS
      // on for a publish that the config leaves off.
      engine_->addPublishTap(server::kHlsTapName,
                             server::makeHlsTapFactory(config_.engine.hls, hlsSinkInto(hls_)));
    }
  } catch (...) {
    pump_->close();  // a ref'd thread-safe function left behind would pin the process
    pump_.reset();
    if (hls_) hls_->close();
    hls_.reset();
    throw;
  }
  LogRouter::instance().add(pump_, config_.logThreshold);
  exit_guard::add(engine_.get());
  cleanupToken_ = AddonData::of(env)->registerCleanup([this] { shutdown(Reason::kTeardown); });
  Ref();  // a running engine must not be collected
  state_ = State::kRunning;

  base::Status status = engine_->start();
  if (status.ok()) {
    decode::PoolConfig pool;
    pool.threads = config_.engine.decoderThreads;
    pool.hwaccel = decode::HwAccelConfig{config_.engine.hwaccel, config_.engine.hwaccelDevice};
    frames_.start(*engine_, pool, config_.externalFrameBuffers);
  }
  if (!status.ok()) {
    // Undo everything; what start() logged is still delivered through the
    // pump's last queued call. A later start() may retry (e.g. another port).
    shutdown(Reason::kFailedStart);
    state_ = State::kIdle;
    throw toJsError(env, status.error());
  }
  return env.Undefined();
}

std::vector<server::EngineEvent> EngineWrap::shutdown(Reason reason) {
  std::vector<server::EngineEvent> rest;
  if (state_ != State::kRunning) return rest;
  state_ = State::kStopped;
  if (reason == Reason::kTeardown) {
    pump_->discard();
    if (hls_) hls_->discard();
  }

  // Decoded frames first: snapshots end (no JS call), the service detaches
  // its taps from the running engine, then the decoder pool is joined.
  snapshots_.stop();
  frames_.stop(reason == Reason::kTeardown);
  engine_->stop();  // joins the loop threads: no engine event after this
  packets_.closeAll(reason == Reason::kTeardown);
  exit_guard::remove(engine_.get());
  LogRouter::instance().remove(pump_.get());  // no log line after this
  engine_.reset();

  if (reason == Reason::kStop) rest = pump_->takeAll();
  // During teardown the cleanup hook has already dropped every registration
  // (this is a no-op then), and Node finalizes the object reference itself.
  if (AddonData* data = AddonData::of(Env())) data->unregisterCleanup(cleanupToken_);
  cleanupToken_ = 0;
  if (reason != Reason::kTeardown) Unref();
  pump_->close();
  pump_.reset();
  // After stop(): every publish tap has ended, its last records (end items) queued.
  if (hls_) hls_->close();
  hls_.reset();
  return rest;
}

Napi::Value EngineWrap::stop(const Napi::CallbackInfo& info) {
  return toJsEvents(info.Env(), shutdown(Reason::kStop));
}

Napi::Value EngineWrap::boundPort(const Napi::CallbackInfo& info) {
  uint16_t port = state_ == State::kRunning ? engine_->boundPort() : 0;
  return Napi::Number::New(info.Env(), port);
}

Napi::Value EngineWrap::boundTlsPort(const Napi::CallbackInfo& info) {
  uint16_t port = state_ == State::kRunning ? engine_->boundTlsPort() : 0;
  return Napi::Number::New(info.Env(), port);
}

Napi::Value EngineWrap::reloadTls(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state_ != State::kRunning) {
    throw toJsError(env,
                    base::Error(base::ErrorCode::kClosed, "reloadTls: the engine is not running"));
  }
  base::Status status = engine_->reloadTls();
  if (!status.ok()) throw toJsError(env, status.error());
  return env.Undefined();
}

Napi::Value EngineWrap::beginShutdown(const Napi::CallbackInfo& info) {
  if (state_ == State::kRunning) engine_->beginShutdown();
  return info.Env().Undefined();
}

Napi::Value EngineWrap::kick(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber())
    throwContractError(env, "kick(sessionId, reason): sessionId must be a number");
  if (!info[1].IsString())
    throwContractError(env, "kick(sessionId, reason): reason must be a string");
  double id = info[0].As<Napi::Number>().DoubleValue();
  if (!(id >= 0 && id <= kMaxSafeInteger) || std::floor(id) != id) {
    return Napi::Boolean::New(env, false);  // cannot name any session
  }
  bool found = state_ == State::kRunning &&
               engine_->kick(static_cast<uint64_t>(id), info[1].As<Napi::String>().Utf8Value());
  return Napi::Boolean::New(env, found);
}

Napi::Value EngineWrap::bans(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<server::AuthBan> list;
  if (state_ == State::kRunning) list = engine_->bans();
  Napi::Array out = Napi::Array::New(env, list.size());
  for (uint32_t i = 0; i < list.size(); ++i) {
    Napi::Object ban = Napi::Object::New(env);
    ban.Set("ip", list[i].ip.toString());
    ban.Set("remainingMs", Napi::Number::New(env, static_cast<double>(list[i].remainingMs)));
    ban.Set("reason", list[i].reason);
    out.Set(i, ban);
  }
  return out;
}

Napi::Value EngineWrap::unban(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throwContractError(env, "unban(ip): ip must be a string");
  bool lifted = state_ == State::kRunning && engine_->unban(info[0].As<Napi::String>().Utf8Value());
  return Napi::Boolean::New(env, lifted);
}

Napi::Value EngineWrap::answerAuth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage = "answerAuth(sessionId, requestId, allow, name, reason[, taps])";
  if (!info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsBoolean() || !info[3].IsString() ||
      !info[4].IsString() || !(info[5].IsUndefined() || info[5].IsArray())) {
    throwContractError(env, std::string(usage) +
                                ": expects (number, number, boolean, string, string[, string[]])");
  }
  double id = info[0].As<Napi::Number>().DoubleValue();
  double requestId = info[1].As<Napi::Number>().DoubleValue();
  auto validId = [](double v) { return v >= 0 && v <= kMaxSafeInteger && std::floor(v) == v; };
  if (!validId(id) || !validId(requestId)) return Napi::Boolean::New(env, false);
  server::AuthAnswer answer;
  answer.allow = info[2].As<Napi::Boolean>().Value();
  answer.name = info[3].As<Napi::String>().Utf8Value();
  answer.reason = info[4].As<Napi::String>().Utf8Value();
  if (info[5].IsArray()) {
    Napi::Array taps = info[5].As<Napi::Array>();
    for (uint32_t i = 0; i < taps.Length(); ++i) {
      Napi::Value tap = taps.Get(i);
      if (!tap.IsString()) throwContractError(env, std::string(usage) + ": taps must be strings");
      answer.taps.push_back(tap.As<Napi::String>().Utf8Value());
    }
  }
  bool found = state_ == State::kRunning &&
               engine_->answerAuth(static_cast<uint64_t>(id), static_cast<uint64_t>(requestId),
                                   std::move(answer));
  return Napi::Boolean::New(env, found);
}

Napi::Value EngineWrap::stats(const Napi::CallbackInfo& info) {
  server::EngineStats snapshot;
  if (state_ == State::kRunning) snapshot = engine_->stats();
  return toJsStats(info.Env(), snapshot);
}

Napi::Value EngineWrap::sessionCount(const Napi::CallbackInfo& info) {
  uint32_t count = state_ == State::kRunning ? engine_->sessionCount() : 0;
  return Napi::Number::New(info.Env(), count);
}

Napi::Value EngineWrap::setHlsFeed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) throwContractError(env, "setHlsFeed(onItems): expects a function");
  if (state_ != State::kIdle) {
    throw toJsError(env, base::Error(base::ErrorCode::kInvalidArgument,
                                     "setHlsFeed must be called before start()"));
  }
  // Kept on the JS object like onEvents (no native strong reference, no cycle).
  info.This().As<Napi::Object>().Set(AddonData::of(env)->hlsFeedKey.Value(), info[0]);
  return env.Undefined();
}

Napi::Value EngineWrap::ref(const Napi::CallbackInfo& info) {
  refed_ = true;
  if (pump_) pump_->ref(info.Env());
  if (hls_) hls_->ref(info.Env());
  packets_.ref(info.Env());
  frames_.ref(info.Env());
  snapshots_.ref(info.Env());
  return info.This();
}

Napi::Value EngineWrap::unref(const Napi::CallbackInfo& info) {
  refed_ = false;
  if (pump_) pump_->unref(info.Env());
  if (hls_) hls_->unref(info.Env());
  packets_.unref(info.Env());
  frames_.unref(info.Env());
  snapshots_.unref(info.Env());
  return info.This();
}

// ---- packets (binding/packet_subscriptions.h) ----

Napi::Value EngineWrap::subscribePackets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage = "subscribePackets(streamKey, options, onItems)";
  if (!info[0].IsString() || !info[1].IsObject() || !info[2].IsFunction()) {
    throwContractError(env, std::string(usage) + ": expects (string, object, function)");
  }
  Napi::Object o = info[1].As<Napi::Object>();
  PacketSubscriptionOptions options;
  options.tap.video = o.Get("video").ToBoolean().Value();
  options.tap.audio = o.Get("audio").ToBoolean().Value();
  auto count = [&](const char* key) {
    Napi::Value v = o.Get(key);
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0;
    if (!(d >= 1 && d <= kMaxSafeInteger)) {
      throwContractError(env, std::string(usage) + ": " + key + " must be a number >= 1");
    }
    return static_cast<size_t>(d);
  };
  options.maxItems = count("maxItems");
  options.maxBytes = count("maxBytes");
  if (state_ != State::kRunning) return Napi::Number::New(env, 0);
  const uint64_t id = packets_.subscribe(env, *engine_, info[0].As<Napi::String>().Utf8Value(),
                                         options, info[2].As<Napi::Function>(), refed_);
  return Napi::Number::New(env, static_cast<double>(id));
}

Napi::Value EngineWrap::unsubscribePackets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throwContractError(env, "unsubscribePackets(id): id must be a number");
  const double id = info[0].As<Napi::Number>().DoubleValue();
  if (!(id >= 1 && id <= kMaxSafeInteger)) return Napi::Boolean::New(env, false);
  server::Engine* engine = state_ == State::kRunning ? engine_.get() : nullptr;
  return Napi::Boolean::New(env, packets_.unsubscribe(engine, static_cast<uint64_t>(id)));
}

Napi::Value EngineWrap::releasePackets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber()) {
    throwContractError(env, "releasePackets(id, items, bytes): expects three numbers");
  }
  const double id = info[0].As<Napi::Number>().DoubleValue();
  if (!(id >= 1 && id <= kMaxSafeInteger)) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(
      env, packets_.release(static_cast<uint64_t>(id), info[1].As<Napi::Number>().DoubleValue(),
                            info[2].As<Napi::Number>().DoubleValue()));
}

Napi::Value EngineWrap::packetSubscriptions(const Napi::CallbackInfo& info) {
  return packets_.stats(info.Env());
}

// ---- decoded frames (binding/frame_subscriptions.h) ----

namespace {

// A number option the SDK must have checked: outside [min, max] is a contract error.
double numberOption(Napi::Env env, const Napi::Object& o, const std::string& usage, const char* key,
                    double min, double max) {
  Napi::Value v = o.Get(key);
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= min && d <= max)) {
    throwContractError(env, usage + ": " + key + " must be a number in [" + std::to_string(min) +
                                ", " + std::to_string(max) + "]");
  }
  return d;
}

decode::PixelFormat pixelFormatFrom(Napi::Env env, const std::string& name) {
  using decode::PixelFormat;
  for (PixelFormat f : {PixelFormat::kYuv420p, PixelFormat::kNv12, PixelFormat::kRgba,
                        PixelFormat::kBgra, PixelFormat::kRgb24, PixelFormat::kGray}) {
    if (decode::pixelFormatName(f) == name) return f;
  }
  throwContractError(env, "subscribeFrames: unknown pixel format " + name);
}

decode::SampleFormat sampleFormatFrom(Napi::Env env, const std::string& name) {
  using decode::SampleFormat;
  for (SampleFormat f : {SampleFormat::kS16, SampleFormat::kF32, SampleFormat::kS16Planar,
                         SampleFormat::kF32Planar}) {
    if (decode::sampleFormatName(f) == name) return f;
  }
  throwContractError(env, "subscribeFrames: unknown sample format " + name);
}

}  // namespace

Napi::Value EngineWrap::subscribeFrames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string usage = "subscribeFrames(streamKey, options, onItems)";
  if (!info[0].IsString() || !info[1].IsObject() || !info[2].IsFunction()) {
    throwContractError(env, usage + ": expects (string, object, function)");
  }
  Napi::Object o = info[1].As<Napi::Object>();
  auto number = [&](const char* key, double min, double max) {
    return numberOption(env, o, usage, key, min, max);
  };
  auto text = [&](const char* key) {
    Napi::Value v = o.Get(key);
    if (!v.IsString()) throwContractError(env, usage + ": " + key + " must be a string");
    return v.As<Napi::String>().Utf8Value();
  };
  decode::SubscriptionOptions options;
  options.video = o.Get("video").ToBoolean().Value();
  options.audio = o.Get("audio").ToBoolean().Value();
  options.videoOutput.format = pixelFormatFrom(env, text("pixelFormat"));
  options.videoOutput.width = static_cast<uint32_t>(number("width", 0, 1e9));
  options.videoOutput.height = static_cast<uint32_t>(number("height", 0, 1e9));
  options.maxFps = number("maxFps", 0, 1e9);
  options.audioOutput.format = sampleFormatFrom(env, text("sampleFormat"));
  options.audioOutput.sampleRate = static_cast<uint32_t>(number("sampleRate", 0, 1e9));
  options.audioOutput.channels = static_cast<uint32_t>(number("channels", 0, 1e9));
  options.maxVideoFrames = static_cast<uint32_t>(number("maxVideoFrames", 1, 1e6));
  options.maxAudioMs = static_cast<uint32_t>(number("maxAudioMs", 1, 1e7));
  if (state_ != State::kRunning) return Napi::Number::New(env, 0);
  const uint64_t id = frames_.subscribe(env, info[0].As<Napi::String>().Utf8Value(), options,
                                        info[2].As<Napi::Function>(), refed_);
  return Napi::Number::New(env, static_cast<double>(id));
}

Napi::Value EngineWrap::unsubscribeFrames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throwContractError(env, "unsubscribeFrames(id): id must be a number");
  const double id = info[0].As<Napi::Number>().DoubleValue();
  if (!(id >= 1 && id <= kMaxSafeInteger)) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, frames_.unsubscribe(static_cast<uint64_t>(id)));
}

Napi::Value EngineWrap::releaseFrame(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throwContractError(env, "releaseFrame(token): token must be a number");
  const double token = info[0].As<Napi::Number>().DoubleValue();
  if (!(token >= 1 && token <= kMaxSafeInteger)) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, frames_.release(static_cast<uint64_t>(token)));
}

Napi::Value EngineWrap::frameSubscriptions(const Napi::CallbackInfo& info) {
  return frames_.stats(info.Env());
}

Napi::Value EngineWrap::frameDecoderCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(frames_.decoderCount()));
}

// ---- snapshots (binding/snapshot_requests.h) ----

Napi::Value EngineWrap::snapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string usage = "snapshot(streamKey, options, onDone)";
  if (!info[0].IsString() || !info[1].IsObject() || !info[2].IsFunction()) {
    throwContractError(env, usage + ": expects (string, object, function)");
  }
  Napi::Object o = info[1].As<Napi::Object>();
  auto number = [&](const char* key, double min, double max) {
    return numberOption(env, o, usage, key, min, max);
  };
  Napi::Value format = o.Get("format");
  const std::string name = format.IsString() ? format.As<Napi::String>().Utf8Value() : "";
  server::SnapshotOptions options;
  bool known = false;
  for (decode::ImageFormat f :
       {decode::ImageFormat::kJpeg, decode::ImageFormat::kPng, decode::ImageFormat::kRgba}) {
    if (decode::imageFormatName(f) == name) {
      options.image.format = f;
      known = true;
    }
  }
  if (!known) throwContractError(env, usage + ": unknown image format " + name);
  options.width = static_cast<uint32_t>(number("width", 0, decode::kMaxFrameSide));
  options.height = static_cast<uint32_t>(number("height", 0, decode::kMaxFrameSide));
  options.image.quality = static_cast<int>(number("quality", 1, 100));
  if (state_ != State::kRunning) return Napi::Number::New(env, 0);
  const uint64_t id =
      snapshots_.request(env, frames_.service(), info[0].As<Napi::String>().Utf8Value(), options,
                         info[2].As<Napi::Function>(), refed_);
  return Napi::Number::New(env, static_cast<double>(id));
}

Napi::Value EngineWrap::cancelSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throwContractError(env, "cancelSnapshot(id): id must be a number");
  const double id = info[0].As<Napi::Number>().DoubleValue();
  if (!(id >= 1 && id <= kMaxSafeInteger)) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, snapshots_.cancel(static_cast<uint64_t>(id)));
}

}  // namespace rtmp::binding
