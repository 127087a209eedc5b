// How publisher timestamps reach players (docs/configuration.md,
// streams.timestampMode). Its own header so the stream, ingest and player code
// can name it without the whole engine configuration.
#pragma once

#include <cstdint>

namespace rtmp::server {

enum class TimestampMode : uint8_t {
  kOff = 0,        // pass through untouched
  kMonotonic = 1,  // per-track correction at ingest: no backwards jumps/stalls
  kRebase = 2,     // monotonic, and every player starts near zero (default)
};

}  // namespace rtmp::server
