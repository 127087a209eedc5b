// Helpers for the fMP4 writer tests: hex vectors with comments, and a small
// box walker (ISO/IEC 14496-12 §4.2) to find a box by its path.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/endian.h"
#include "hls/track_config.h"
#include "media/codec_id.h"

namespace rtmp::hls::testing {

using ByteVec = std::vector<uint8_t>;

// "00 0a|ff" → {0x00, 0x0a, 0xff}; spaces and '|' are ignored.
inline ByteVec hex(std::string_view text) {
  ByteVec out;
  int high = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      continue;
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

// The bytes of a four-character code, for readable vectors.
inline ByteVec fourcc(std::string_view type) {
  return ByteVec(type.begin(), type.end());
}

inline ByteVec cat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline ByteVec toVector(const base::Bytes& b) {
  return ByteVec(b.data(), b.data() + b.size());
}

inline ByteVec toVector(std::span<const uint8_t> s) {
  return ByteVec(s.begin(), s.end());
}

inline base::Bytes toBytes(const ByteVec& v) {
  return base::Bytes::copyOf(std::span<const uint8_t>(v));
}

inline TrackConfig track(TrackConfig::Kind kind, media::Codec codec, uint32_t timescale,
                         const ByteVec& decoderConfig) {
  TrackConfig t;
  t.kind = kind;
  t.codec = codec;
  t.timescale = timescale;
  t.decoderConfig = toBytes(decoderConfig);
  return t;
}

struct Box {
  std::string type;
  std::span<const uint8_t> whole;    // header and payload
  std::span<const uint8_t> payload;  // after size and type
};

// The boxes laid end to end in `data`; stops at the first malformed size.
inline std::vector<Box> boxes(std::span<const uint8_t> data) {
  std::vector<Box> out;
  size_t pos = 0;
  while (data.size() - pos >= 8) {
    const uint32_t size = base::loadBe32(data.data() + pos);
    if (size < 8 || size > data.size() - pos) break;
    out.push_back({std::string(reinterpret_cast<const char*>(data.data() + pos + 4), 4),
                   data.subspan(pos, size), data.subspan(pos + 8, size - 8)});
    pos += size;
  }
  return out;
}

// The first box at `path` ("moov/trak/mdia"), each step a child of the last
// one's payload after skipping `skip` bytes of fields when the step names a
// box that has fields before its children (full boxes, sample entries).
inline std::optional<Box> find(std::span<const uint8_t> data,
                               std::initializer_list<std::string_view> path) {
  std::optional<Box> found;
  std::span<const uint8_t> scope = data;
  for (std::string_view step : path) {
    found.reset();
    for (const Box& b : boxes(scope)) {
      if (b.type == step) {
        found = b;
        break;
      }
    }
    if (!found) return std::nullopt;
    size_t skip = 0;
    if (step == "stsd" || step == "dref") skip = 8;  // version/flags + entry_count
    if (step == "avc1" || step == "hvc1" || step == "av01") skip = 78;  // VisualSampleEntry
    if (step == "mp4a") skip = 28;                                      // AudioSampleEntry
    scope = found->payload.subspan(std::min(skip, found->payload.size()));
  }
  return found;
}

}  // namespace rtmp::hls::testing
