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
                         InstanceMethod<&EngineWrap::answerAuth>("answerAuth"),
                         InstanceMethod<&EngineWrap::stats>("stats"),
                         InstanceMethod<&EngineWrap::sessionCount>("sessionCount"),
                         InstanceMethod<&EngineWrap::ref>("ref"),
                         InstanceMethod<&EngineWrap::unref>("unref"),
                         InstanceMethod<&EngineWrap::setHlsFeed>("setHlsFeed"),
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

  engine_->stop();  // joins the loop threads: no engine event after this
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
  return info.This();
}

Napi::Value EngineWrap::unref(const Napi::CallbackInfo& info) {
  refed_ = false;
  if (pump_) pump_->unref(info.Env());
  if (hls_) hls_->unref(info.Env());
  return info.This();
}

}  // namespace rtmp::binding
