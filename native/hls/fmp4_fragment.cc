#include "hls/fmp4_fragment.h"

#include <cstddef>

#include "hls/box_writer.h"

namespace rtmp::hls {

namespace {

constexpr uint32_t kTrackId = 1;

// tfhd flags (§8.8.7.1).
constexpr uint32_t kTfhdDefaultBaseIsMoof = 0x020000;
// trun flags (§8.8.8.1).
constexpr uint32_t kTrunDataOffset = 0x000001;
constexpr uint32_t kTrunSampleDuration = 0x000100;
constexpr uint32_t kTrunSampleSize = 0x000200;
constexpr uint32_t kTrunSampleFlags = 0x000400;
constexpr uint32_t kTrunSampleCto = 0x000800;

constexpr size_t kMdatHeaderSize = 8;
constexpr size_t kMdatLargeHeaderSize = 16;  // size 1, type, u64 largesize (§4.2)
constexpr size_t kTrunSampleSize16 = 16;     // four u32 fields per sample

}  // namespace

std::vector<base::Bytes> writeFragment(uint32_t sequenceNumber, const TrackConfig& track,
                                       const std::vector<Sample>& samples) {
  std::vector<base::Bytes> pieces;
  if (samples.empty()) return pieces;

  uint64_t payload = 0;
  for (const Sample& s : samples) payload += s.data.size();

  // moof (8) + mfhd (16) + traf (8) + tfhd (16) + tfdt (20) + trun (20 + 16 per
  // sample), then the mdat header.
  BoxWriter w(128 + kTrunSampleSize16 * samples.size());
  w.open("moof");
  w.openFull("mfhd", 0, 0);  // §8.8.5
  w.u32(sequenceNumber);
  w.close();
  w.open("traf");
  w.openFull("tfhd", 0, kTfhdDefaultBaseIsMoof);  // §8.8.7
  w.u32(kTrackId);
  w.close();
  w.openFull("tfdt", 1, 0);  // §8.8.12
  w.u64(samples.front().dts);
  w.close();
  w.openFull("trun", 1,
             kTrunDataOffset | kTrunSampleDuration | kTrunSampleSize | kTrunSampleFlags |
                 kTrunSampleCto);  // §8.8.8; version 1: signed composition offsets
  w.u32(static_cast<uint32_t>(samples.size()));
  const size_t dataOffsetAt = w.size();
  w.i32(0);  // data_offset, patched below once the moof size is known
  for (const Sample& s : samples) {
    w.u32(s.duration);
    w.u32(static_cast<uint32_t>(s.data.size()));
    w.u32(track.kind == TrackConfig::Kind::kAudio || s.sync ? kSyncSampleFlags
                                                            : kNonSyncSampleFlags);
    w.i32(s.cto);
  }
  w.close();  // trun
  w.close();  // traf
  w.close();  // moof

  // The first sample starts right after the mdat header; with
  // default-base-is-moof, data_offset counts from the first byte of the moof.
  const bool large = payload + kMdatHeaderSize > UINT32_MAX;
  const size_t mdatHeader = large ? kMdatLargeHeaderSize : kMdatHeaderSize;
  w.patchU32(dataOffsetAt, static_cast<uint32_t>(w.size() + mdatHeader));
  if (large) {
    w.u32(1);  // size 1: the real size follows as largesize
    w.fourcc("mdat");
    w.u64(payload + kMdatLargeHeaderSize);
  } else {
    w.u32(static_cast<uint32_t>(payload + kMdatHeaderSize));
    w.fourcc("mdat");
  }

  pieces.reserve(1 + samples.size());
  pieces.push_back(w.finish());
  for (const Sample& s : samples) pieces.push_back(s.data);
  return pieces;
}

}  // namespace rtmp::hls
