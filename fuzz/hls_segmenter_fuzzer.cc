// Fuzzes the HLS Segmenter from the FLV side: the first byte picks the
// configuration (format, parts, tiny caps), the rest is a run of FLV tags
// (header, body, PreviousTagSize) as an RTMP publisher's messages would carry
// them. Whatever the tags say, the records must keep the order and numbering
// the playlists rely on: an init first, parts numbered from 0 and contiguous
// within their segment, a segment after its parts with their count, no
// sample without a trun entry, and the same input must give the same records.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "base/endian.h"
#include "hls/segmenter.h"
#include "media/flv_tag_reader.h"
#include "media/media_packet.h"

namespace {

using namespace rtmp;

std::vector<hls::SegmenterRecord> run(const hls::SegmenterConfig& config,
                                      std::span<const uint8_t> tags, const base::Bytes& storage) {
  hls::Segmenter segmenter(config);
  std::vector<hls::SegmenterRecord> records;
  media::FlvTagReaderOptions options;
  options.trailerOptionalAtEnd = true;
  options.maxDataSize = 1 << 20;
  media::FlvTagReader reader(tags, options);
  for (int i = 0; i < 20'000; ++i) {
    auto tag = reader.next();
    if (!tag.ok() || !tag->has_value()) break;
    const media::FlvTagView& t = **tag;
    auto packet =
        media::makeMediaPacket(t.type, t.timestamp, storage.slice(t.bodyOffset, t.bodySize));
    if (!packet.ok()) continue;
    segmenter.push(*packet, 1'700'000'000'000ull + t.timestamp, records);
  }
  segmenter.finish(records);
  return records;
}

void check(const std::vector<hls::SegmenterRecord>& records, bool parts) {
  bool init = false;
  uint32_t segment = 0;
  uint32_t part = 0;
  int64_t partEnd = 0;
  for (const auto& r : records) {
    if (const auto* i = std::get_if<hls::InitRecord>(&r)) {
      if (i->tracks.empty() || i->tracks.size() > 2) __builtin_trap();
      if (part != 0) __builtin_trap();  // a new init never splits a segment
      init = true;
    } else if (const auto* p = std::get_if<hls::PartRecord>(&r)) {
      if (!init || !parts || p->segment != segment || p->part != part) __builtin_trap();
      if (part > 0 && p->startMs != partEnd) __builtin_trap();
      partEnd = p->startMs + p->durationMs;
      ++part;
      for (const auto* track : {&p->video, &p->audio}) {
        const auto& pieces = *track;
        if (pieces.empty()) continue;
        // trun sample_count: moof(8) mfhd(16) traf(8) tfhd(16) tfdt(20) trun header(12)
        if (pieces[0].size() < 84) __builtin_trap();
        if (base::loadBe32(pieces[0].data() + 80) != pieces.size() - 1) __builtin_trap();
      }
    } else if (const auto* s = std::get_if<hls::SegmentRecord>(&r)) {
      if (!init || s->segment != segment || s->parts != part) __builtin_trap();
      if (parts && s->startMs + s->durationMs != partEnd) __builtin_trap();
      ++segment;
      part = 0;
    }
  }
  if (part != 0) __builtin_trap();  // finish() closes the last segment
}

bool same(const std::vector<hls::SegmenterRecord>& a, const std::vector<hls::SegmenterRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].index() != b[i].index()) return false;
    if (const auto* s = std::get_if<hls::SegmentRecord>(&a[i])) {
      const auto& t = std::get<hls::SegmentRecord>(b[i]);
      if (s->startMs != t.startMs || s->durationMs != t.durationMs || !(s->ts == t.ts)) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  hls::SegmenterConfig config;
  config.format = (mode & 0x01) ? hls::SegmentFormat::kTs : hls::SegmentFormat::kFmp4;
  config.partDurationMs = (mode & 0x02) ? 0 : 50 + (mode >> 4) * 20;
  config.segmentDurationMs = (mode & 0x04) ? 300 : 2'000;
  config.maxSegmentBytes = (mode & 0x08) ? 4'096 : 1u << 20;
  const base::Bytes storage = base::Bytes::copyOf(std::span<const uint8_t>(data + 1, size - 1));
  const auto records = run(config, storage.span(), storage);
  check(records, config.format == hls::SegmentFormat::kFmp4 && config.partDurationMs != 0);
  if (!same(records, run(config, storage.span(), storage))) __builtin_trap();
  return 0;
}
