// Engine structs → plain JS objects, in the shapes types/native.d.ts promises.
// 64-bit counters become JS numbers (exact up to 2^53: years of traffic).
#pragma once

#include <napi.h>

#include <vector>

#include "server/engine_events.h"
#include "server/engine_stats.h"

namespace rtmp::binding {

// Each event as its kind's shape: the header fields plus that kind's own.
Napi::Array toJsEvents(Napi::Env env, const std::vector<server::EngineEvent>& events);
Napi::Object toJsStats(Napi::Env env, const server::EngineStats& stats);

}  // namespace rtmp::binding
