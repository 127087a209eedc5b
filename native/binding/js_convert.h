// Engine structs → plain JS objects, in the shapes types/native.d.ts promises.
// 64-bit counters become JS numbers (exact up to 2^53: years of traffic).
#pragma once

#include <napi.h>

#include <vector>

#include "binding/event_pump.h"
#include "server/engine_stats.h"

namespace rtmp::binding {

Napi::Array toJsEvents(Napi::Env env, const std::vector<EventPump::Item>& items);
Napi::Object toJsStats(Napi::Env env, const server::EngineStats& stats);

}  // namespace rtmp::binding
