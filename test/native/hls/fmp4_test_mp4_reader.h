// Reads the one video track of a plain (non-fragmented) MP4 that FFmpeg wrote,
// for the real-peer tests of codecs FFmpeg cannot put in FLV (HEVC, AV1):
// the decoder configuration box and the samples as slices of the file, from
// the sample tables (ISO/IEC 14496-12 §8.6-8.7: stts, ctts, stss, stsc,
// stsz, stco/co64). Only what those files use; test input is trusted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/endian.h"
#include "hls/fmp4_test_util.h"
#include "hls/track_config.h"

namespace rtmp::hls::testing {

struct Mp4Track {
  std::string sampleEntry;  // "hvc1", "av01"...
  uint32_t timescale = 0;
  uint32_t width = 0, height = 0;
  base::Bytes decoderConfig;  // payload of the avcC/hvcC/av1C box
  std::vector<Sample> samples;
};

namespace detail {

// Reads big-endian fields from a box payload, after its version/flags when full.
class Fields {
 public:
  explicit Fields(std::span<const uint8_t> payload, size_t skip = 4) : data_(payload), pos_(skip) {}
  uint32_t u32() {
    const uint32_t v = pos_ + 4 <= data_.size() ? base::loadBe32(data_.data() + pos_) : 0;
    pos_ += 4;
    return v;
  }
  uint64_t u64() {
    const uint64_t v = pos_ + 8 <= data_.size() ? base::loadBe64(data_.data() + pos_) : 0;
    pos_ += 8;
    return v;
  }
  uint8_t version() const { return data_.empty() ? 0 : data_[0]; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_;
};

}  // namespace detail

inline std::optional<Mp4Track> readMp4VideoTrack(const base::Bytes& file) {
  const auto span = file.span();
  auto mdhd = find(span, {"moov", "trak", "mdia", "mdhd"});
  auto stsd = find(span, {"moov", "trak", "mdia", "minf", "stbl", "stsd"});
  auto stbl = find(span, {"moov", "trak", "mdia", "minf", "stbl"});
  if (!mdhd || !stsd || !stbl) return std::nullopt;
  Mp4Track track;
  detail::Fields mdhdFields(mdhd->payload);
  if (mdhdFields.version() == 1) {
    mdhdFields.u64();
    mdhdFields.u64();
  } else {
    mdhdFields.u32();
    mdhdFields.u32();
  }
  track.timescale = mdhdFields.u32();

  const auto entries = boxes(stsd->payload.subspan(8));
  if (entries.empty()) return std::nullopt;
  const Box& entry = entries[0];
  track.sampleEntry = entry.type;
  if (entry.payload.size() < 78) return std::nullopt;
  track.width = base::loadBe16(entry.payload.data() + 24);
  track.height = base::loadBe16(entry.payload.data() + 26);
  for (const Box& child : boxes(entry.payload.subspan(78))) {
    if (child.type == "avcC" || child.type == "hvcC" || child.type == "av1C") {
      const size_t at = static_cast<size_t>(child.payload.data() - span.data());
      track.decoderConfig = file.slice(at, child.payload.size());
    }
  }

  auto table = [&](const char* type) -> std::optional<Box> {
    for (const Box& b : boxes(stbl->payload)) {
      if (b.type == type) return b;
    }
    return std::nullopt;
  };
  auto stsz = table("stsz");
  auto stsc = table("stsc");
  auto stts = table("stts");
  auto stco = table("stco");
  auto co64 = table("co64");
  if (!stsz || !stsc || !stts || (!stco && !co64)) return std::nullopt;

  detail::Fields sz(stsz->payload);
  const uint32_t fixedSize = sz.u32();
  const uint32_t count = sz.u32();
  std::vector<uint32_t> sizes(count);
  for (uint32_t& s : sizes) s = fixedSize ? fixedSize : sz.u32();

  std::vector<uint64_t> chunkOffsets;
  {
    detail::Fields co(stco ? stco->payload : co64->payload);
    const uint32_t n = co.u32();
    for (uint32_t i = 0; i < n; ++i) chunkOffsets.push_back(stco ? co.u32() : co.u64());
  }
  // Sample offsets: chunks hold samples_per_chunk samples from their stsc run.
  std::vector<uint64_t> offsets;
  {
    detail::Fields sc(stsc->payload);
    const uint32_t n = sc.u32();
    std::vector<std::pair<uint32_t, uint32_t>> runs;  // first_chunk (1-based), samples per chunk
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t first = sc.u32();
      const uint32_t perChunk = sc.u32();
      sc.u32();  // sample_description_index
      runs.push_back({first, perChunk});
    }
    size_t run = 0;
    for (uint32_t chunk = 1; chunk <= chunkOffsets.size() && offsets.size() < count; ++chunk) {
      while (run + 1 < runs.size() && runs[run + 1].first <= chunk) ++run;
      uint64_t at = chunkOffsets[chunk - 1];
      for (uint32_t i = 0; i < runs[run].second && offsets.size() < count; ++i) {
        offsets.push_back(at);
        at += sizes[offsets.size() - 1];
      }
    }
  }
  if (offsets.size() != count) return std::nullopt;

  std::vector<uint32_t> durations;
  {
    detail::Fields tt(stts->payload);
    const uint32_t n = tt.u32();
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t runLength = tt.u32();
      const uint32_t delta = tt.u32();
      durations.insert(durations.end(), runLength, delta);
    }
  }
  durations.resize(count, durations.empty() ? 0 : durations.back());
  std::vector<int32_t> ctos(count, 0);
  if (auto ctts = table("ctts")) {
    detail::Fields ct(ctts->payload);
    const uint32_t n = ct.u32();
    size_t at = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t runLength = ct.u32();
      const auto offset = static_cast<int32_t>(ct.u32());  // version 1 is signed; 0 small
      for (uint32_t k = 0; k < runLength && at < count; ++k) ctos[at++] = offset;
    }
  }
  std::vector<bool> sync(count, true);  // no stss: every sample is sync
  if (auto stss = table("stss")) {
    std::fill(sync.begin(), sync.end(), false);
    detail::Fields ss(stss->payload);
    const uint32_t n = ss.u32();
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t number = ss.u32();
      if (number >= 1 && number <= count) sync[number - 1] = true;
    }
  }

  uint64_t dts = 0;
  for (uint32_t i = 0; i < count; ++i) {
    track.samples.push_back({.dts = dts,
                             .duration = durations[i],
                             .cto = ctos[i],
                             .sync = sync[i],
                             .data = file.slice(offsets[i], sizes[i])});
    dts += durations[i];
  }
  return track;
}

}  // namespace rtmp::hls::testing
