#include "hls/ts_segment_writer.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "hls/ts_pes.h"
#include "hls/ts_psi.h"

namespace rtmp::hls {

namespace {

using Piece = std::span<const uint8_t>;

constexpr uint32_t kTsClock = 90000;

// t in timescale units → 90 kHz ticks, rounded to the nearest, without overflow
// for any realistic t (whole seconds and the remainder are scaled apart).
uint64_t toTsClock(uint64_t t, uint32_t timescale) {
  if (timescale == kTsClock) return t;
  const uint64_t seconds = t / timescale;
  const uint64_t rest = t % timescale;
  return seconds * kTsClock + (rest * kTsClock + timescale / 2) / timescale;
}

int64_t offsetToTsClock(int32_t offset, uint32_t timescale) {
  const uint64_t magnitude = toTsClock(offset < 0 ? uint64_t(-int64_t{offset}) : offset, timescale);
  return offset < 0 ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
}

// One access unit ready to be packetized. Lives in a vector reserved up front,
// so the pieces may point at header/adts.
struct Unit {
  size_t carried = 0;  // index into carried_
  uint64_t dts = 0;    // 90 kHz
  uint64_t pts = 0;
  bool key = false;
  size_t firstPiece = 0;  // pieces[firstPiece] is the PES header
  size_t pieceCount = 0;
  size_t pesSize = 0;
  PesHeader header;
  media::AdtsHeader adts{};
};

}  // namespace

TsSegmentWriter::TsSegmentWriter(std::vector<TrackConfig> tracks) {
  bool haveVideo = false, haveAudio = false;
  // Video first, whatever order the list has, so the PMT and the PCR choice are stable.
  for (const auto kind : {TrackConfig::Kind::kVideo, TrackConfig::Kind::kAudio}) {
    for (size_t i = 0; i < tracks.size(); ++i) {
      if (tracks[i].kind != kind) continue;
      const bool video = kind == TrackConfig::Kind::kVideo;
      bool& have = video ? haveVideo : haveAudio;
      const std::string name = "track " + std::to_string(i) + ": ";
      if (have) {
        skipped_.push_back(name + "ts: one track of each kind per program");
        continue;
      }
      auto track = makeTsTrack(tracks[i], video ? kTsVideoPid : kTsAudioPid);
      if (!track.ok()) {
        skipped_.push_back(name + track.error().message());
        continue;
      }
      have = true;
      carried_.push_back({i, std::move(track).value()});
    }
  }
  std::vector<TsElementaryStream> streams;
  for (const Carried& c : carried_) streams.push_back({c.track.streamType, c.track.pid});
  pcrPid_ = carried_.empty() ? kTsNullPid : carried_.front().track.pid;
  pat_ = makePatSection();
  pmt_ = makePmtSection(pcrPid_, streams);
}

bool TsSegmentWriter::carries(size_t trackIndex) const {
  return std::any_of(carried_.begin(), carried_.end(),
                     [&](const Carried& c) { return c.index == trackIndex; });
}

base::Bytes TsSegmentWriter::writeSegment(const std::vector<std::vector<Sample>>& samplesPerTrack) {
  static const std::vector<Sample> kNone;
  std::vector<const std::vector<Sample>*> lists;
  size_t total = 0;
  for (const Carried& c : carried_) {
    const auto* list = c.index < samplesPerTrack.size() ? &samplesPerTrack[c.index] : &kNone;
    lists.push_back(list);
    total += list->size();
  }

  // Pass 1: merge the tracks by DTS (ties: video first) and lay out every
  // access unit as pieces; count the packets.
  std::vector<Unit> units;
  units.reserve(total);
  std::vector<Piece> pieces;
  pieces.reserve(total * 4);
  std::vector<size_t> next(carried_.size(), 0);
  size_t packets = 2;  // PAT, PMT
  const bool audioOnly =
      !carried_.empty() && carried_.front().track.kind == TrackConfig::Kind::kAudio;
  for (;;) {
    size_t pick = carried_.size();
    uint64_t pickDts = std::numeric_limits<uint64_t>::max();
    for (size_t c = 0; c < carried_.size(); ++c) {
      if (next[c] >= lists[c]->size()) continue;
      const uint64_t dts = toTsClock((*lists[c])[next[c]].dts, carried_[c].track.timescale);
      if (pick == carried_.size() || dts < pickDts) {
        pick = c;
        pickDts = dts;
      }
    }
    if (pick == carried_.size()) break;
    const TsTrack& track = carried_[pick].track;
    const Sample& sample = (*lists[pick])[next[pick]++];

    Unit& u = units.emplace_back();
    u.carried = pick;
    u.dts = pickDts;
    u.pts = pickDts + static_cast<uint64_t>(offsetToTsClock(sample.cto, track.timescale));
    u.key = track.kind == TrackConfig::Kind::kVideo ? sample.sync : audioOnly;
    u.firstPiece = pieces.size();
    pieces.emplace_back();  // the PES header, once the size is known
    auto size = appendAccessUnit(track, sample, pieces, u.adts);
    if (!size.ok()) {
      pieces.pop_back();
      units.pop_back();
      ++counters_.droppedSamples;
      continue;
    }
    u.header = makePesHeader(track.streamId, u.pts, u.dts, *size);
    pieces[u.firstPiece] = Piece(u.header.bytes.data(), u.header.size);
    u.pieceCount = pieces.size() - u.firstPiece;
    u.pesSize = u.header.size + *size;
    const TsPesStart start{u.key, track.pid == pcrPid_ ? std::optional(u.dts) : std::nullopt};
    packets += tsPacketCountForPes(u.pesSize, start);
  }

  // Pass 2: one buffer of exactly the right size; PSI, then the PES packets.
  base::BytesBuilder out(packets * kTsPacketSize);
  writeTsSection(kTsPatPid, pat_, continuity_, out);
  writeTsSection(kTsPmtPid, pmt_, continuity_, out);
  for (const Unit& u : units) {
    const TsTrack& track = carried_[u.carried].track;
    const TsPesStart start{u.key, track.pid == pcrPid_ ? std::optional(u.dts) : std::nullopt};
    writeTsPes(track.pid, start, std::span(pieces).subspan(u.firstPiece, u.pieceCount), continuity_,
               out);
  }
  assert(out.size() == packets * kTsPacketSize);  // sized exactly: freeze() does not copy
  counters_.segments++;
  counters_.samples += units.size();
  return out.freeze();
}

}  // namespace rtmp::hls
