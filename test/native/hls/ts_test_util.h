// Helpers for the MPEG-TS writer tests: tracks and samples from byte vectors,
// and a small walker over 188-byte packets that reassembles PES packets per PID.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "hls/track_config.h"
#include "hls/ts_packetizer.h"
#include "media/codec_id.h"

namespace rtmp::hls::tstest {

using ByteVec = std::vector<uint8_t>;

inline base::Bytes toBytes(const ByteVec& v) {
  return base::Bytes::copyOf(std::span<const uint8_t>(v));
}

inline ByteVec toVector(const base::Bytes& b) {
  return ByteVec(b.data(), b.data() + b.size());
}

inline ByteVec join(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A length-prefixed (4-byte) access unit of the given NAL units.
inline ByteVec avcc(std::initializer_list<ByteVec> nals) {
  ByteVec out;
  for (const auto& nal : nals) {
    const uint32_t n = static_cast<uint32_t>(nal.size());
    out.insert(out.end(), {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)});
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

inline TrackConfig makeTrack(TrackConfig::Kind kind, media::Codec codec, uint32_t timescale,
                             const ByteVec& decoderConfig) {
  TrackConfig t{};
  t.kind = kind;
  t.codec = codec;
  t.timescale = timescale;
  t.decoderConfig = toBytes(decoderConfig);
  return t;
}

inline Sample makeSample(uint64_t dts, int32_t cto, bool sync, const ByteVec& data,
                         uint32_t duration = 0) {
  return Sample{dts, duration, cto, sync, toBytes(data)};
}

// One transport packet, decoded.
struct Packet {
  uint16_t pid = 0;
  bool unitStart = false;
  uint8_t cc = 0;
  bool hasPayload = false;
  bool randomAccess = false;
  bool hasPcr = false;
  uint64_t pcr = 0;  // base, 90 kHz
  ByteVec payload;
};

inline std::vector<Packet> parsePackets(const ByteVec& ts) {
  std::vector<Packet> out;
  for (size_t at = 0; at + kTsPacketSize <= ts.size(); at += kTsPacketSize) {
    const uint8_t* p = ts.data() + at;
    Packet k;
    k.pid = static_cast<uint16_t>(((p[1] & 0x1F) << 8) | p[2]);
    k.unitStart = p[1] & 0x40;
    k.cc = p[3] & 0x0F;
    k.hasPayload = p[3] & 0x10;
    size_t start = kTsHeaderSize;
    if (p[3] & 0x20) {
      const uint8_t length = p[4];
      if (length > 0) {
        k.randomAccess = p[5] & 0x40;
        k.hasPcr = p[5] & 0x10;
        if (k.hasPcr) {
          k.pcr = (uint64_t{p[6]} << 25) | (uint64_t{p[7]} << 17) | (uint64_t{p[8]} << 9) |
                  (uint64_t{p[9]} << 1) | (p[10] >> 7);
        }
      }
      start += 1 + length;
    }
    k.payload.assign(p + start, p + kTsPacketSize);
    out.push_back(std::move(k));
  }
  return out;
}

// A reassembled PES packet with its decoded header.
struct Pes {
  uint16_t pid = 0;
  uint8_t streamId = 0;
  uint64_t pts = 0;
  bool hasDts = false;
  uint64_t dts = 0;
  bool randomAccess = false;
  bool hasPcr = false;
  uint64_t pcr = 0;
  ByteVec data;  // the elementary-stream bytes after the header
};

inline uint64_t readTimestamp(const uint8_t* p) {
  const uint64_t b[5] = {p[0], p[1], p[2], p[3], p[4]};
  return (((b[0] >> 1) & 0x07) << 30) | (b[1] << 22) | ((b[2] >> 1) << 15) | (b[3] << 7) |
         (b[4] >> 1);
}

// The PES packets of the given PIDs, in stream order.
inline std::vector<Pes> collectPes(const std::vector<Packet>& packets) {
  std::vector<Pes> out;
  std::map<uint16_t, size_t> open;  // pid → index in out
  std::map<uint16_t, ByteVec> raw;
  auto finish = [&](uint16_t pid) {
    auto it = open.find(pid);
    if (it == open.end()) return;
    Pes& pes = out[it->second];
    const ByteVec& r = raw[pid];
    pes.streamId = r[3];
    const uint8_t flags = r[7];
    pes.pts = readTimestamp(&r[9]);
    pes.hasDts = (flags & 0xC0) == 0xC0;
    pes.dts = pes.hasDts ? readTimestamp(&r[14]) : pes.pts;
    pes.data.assign(r.begin() + 9 + r[8], r.end());
    open.erase(it);
    raw.erase(pid);
  };
  for (const Packet& k : packets) {
    if (k.pid == 0 || k.pid == 0x1000) continue;
    if (k.unitStart) {
      finish(k.pid);
      open[k.pid] = out.size();
      Pes pes;
      pes.pid = k.pid;
      pes.randomAccess = k.randomAccess;
      pes.hasPcr = k.hasPcr;
      pes.pcr = k.pcr;
      out.push_back(pes);
    }
    auto& r = raw[k.pid];
    r.insert(r.end(), k.payload.begin(), k.payload.end());
  }
  std::vector<uint16_t> pids;
  for (const auto& [pid, index] : open) pids.push_back(pid);
  for (uint16_t pid : pids) finish(pid);
  return out;
}

}  // namespace rtmp::hls::tstest
