// Snapshots of live state, readable from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/engine_events.h"

namespace rtmp::server {

enum class SessionRole : uint8_t { kUnknown, kPublisher, kPlayer };

struct SessionSnapshot {
  uint64_t id = 0;
  std::string ip;
  uint16_t port = 0;
  SessionRole role = SessionRole::kUnknown;
  std::string app;
  std::string stream;
  uint64_t connectedAtMs = 0;  // unix ms
  uint64_t bytesIn = 0;
  uint64_t bytesOut = 0;
  uint64_t droppedFrames =
      0;              // players: frames dropped for being slow (video; audio past the byte cap)
  uint32_t loop = 0;  // I/O loop index the session lives on
};

struct StreamSnapshot {
  std::string app;
  std::string stream;
  uint64_t publisherId = 0;
  uint64_t startedAtMs = 0;
  uint32_t players = 0;
  CodecSummary codec;
  uint64_t bytesIn = 0;
  uint64_t videoFrames = 0;
  uint64_t audioFrames = 0;
  uint32_t gopCacheFrames = 0;
  uint32_t gopCacheBytes = 0;
};

struct EngineStats {
  std::vector<SessionSnapshot> sessions;
  std::vector<StreamSnapshot> streams;
  uint64_t acceptedTotal = 0;
  uint32_t ioThreads = 0;
};

}  // namespace rtmp::server
