// Reads the flat config object the SDK builds (lib/native-config.ts) into the
// engine's EngineConfig. The SDK has already defaulted, validated and frozen
// the user's options; here we only assert the contract (every key present,
// right type, in range) and throw a contract error otherwise.
#pragma once

#include <napi.h>

#include "server/engine_config.h"

namespace rtmp::binding {

struct BindingConfig {
  server::EngineConfig engine;
  // Lowest native log level forwarded to this engine's JS logger, in
  // base::LogLevel units (10 trace … 50 error); kLogSilent forwards nothing.
  int logThreshold = 30;
  // frames.buffers 'external': decoded frames in external ArrayBuffers where
  // N-API allows them (binding/frame_subscriptions.h); false: the JS pool.
  bool externalFrameBuffers = false;
};

inline constexpr int kLogSilent = 100;

BindingConfig readBindingConfig(Napi::Env env, const Napi::Value& value);

}  // namespace rtmp::binding
