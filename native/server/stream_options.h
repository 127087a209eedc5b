// StreamOptions: what every Stream of an engine is built with. EngineConfig
// embeds it (EngineConfig::streams) and the StreamRegistry hands it to each new
// Stream as is, so there is no second mapping from the engine's configuration.
#pragma once

#include <cstdint>

#include "server/gop_cache.h"
#include "server/timestamp_mode.h"

namespace rtmp::server {

struct StreamOptions {
  bool gopCache = true;  // keep the current GOP for late joiners
  GopCacheLimits gopLimits;
  TimestampMode timestampMode = TimestampMode::kRebase;
  // Our Set Chunk Size: sessions announce it and streams encode chunks at it.
  uint32_t outChunkSize = 4096;
};

}  // namespace rtmp::server
