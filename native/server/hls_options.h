// The engine's part of the `hls` options (lib/options/hls.ts): which publishes
// get the segmenter tap (server/hls_tap.h) and how it cuts. The store's window
// options (windowSegments, maxStreamBytes, endAfter, folder) stay in TypeScript.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rtmp::server {

enum class HlsFormat : uint8_t { kFmp4, kTs };

struct HlsOptions {
  bool enabled = true;
  std::vector<std::string> apps;  // empty = every app
  HlsFormat format = HlsFormat::kFmp4;
  uint32_t segmentDurationMs = 2'000;  // target; segments start at keyframes
  uint32_t partDurationMs = 200;       // LL-HLS part target; 0 = no parts
  // A segment is cut at this size even without a keyframe (counted), so a
  // publisher that never sends one cannot grow memory.
  uint32_t maxSegmentBytes = 32u << 20;
};

}  // namespace rtmp::server
