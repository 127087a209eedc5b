#include "hls/ts_access_unit.h"

#include "hls/ts_pes.h"
#include "hls/ts_psi.h"
#include "media/avc_config.h"
#include "media/hevc_config.h"
#include "media/nal_units.h"

namespace rtmp::hls {

using base::Error;
using base::ErrorCode;
using base::Result;

namespace {

using Piece = std::span<const uint8_t>;

constexpr uint8_t kStartCode[] = {0x00, 0x00, 0x00, 0x01};
// H.264 AUD: nal_unit_type 9, primary_pic_type 7 (any slice type), stop bit.
constexpr uint8_t kH264Aud[] = {0x00, 0x00, 0x00, 0x01, 0x09, 0xF0};
// HEVC AUD: nal_unit_type 35, layer 0, temporal id + 1 = 1; pic_type 2 (I, P
// or B slices), stop bit.
constexpr uint8_t kHevcAud[] = {0x00, 0x00, 0x00, 0x01, 0x46, 0x01, 0x50};

Result<TsTrack> makeVideoTrack(TsTrack t) {
  if (t.codec == media::Codec::kH264) {
    RTMP_ASSIGN(auto avc, media::parseAvcConfig(t.config.span()));
    t.nalLengthSize = avc.nalLengthSize;
    for (Piece sps : avc.sps) t.parameterSets.push_back(sps);
    for (Piece ext : avc.spsExt) t.parameterSets.push_back(ext);
    for (Piece pps : avc.pps) t.parameterSets.push_back(pps);
    t.streamType = kTsStreamTypeH264;
  } else if (t.codec == media::Codec::kHevc) {
    RTMP_ASSIGN(auto hevc, media::parseHevcConfig(t.config.span()));
    t.nalLengthSize = hevc.nalLengthSize;
    // VPS, SPS, PPS in that order, whatever order the record lists its arrays in.
    for (uint8_t type : {media::kHevcNalVps, media::kHevcNalSps, media::kHevcNalPps}) {
      for (const media::HevcNalArray& array : hevc.arrays) {
        if (array.nalType != type) continue;
        for (Piece nal : array.units) t.parameterSets.push_back(nal);
      }
    }
    t.streamType = kTsStreamTypeHevc;
  } else {
    return Error(ErrorCode::kUnsupported, std::string("ts: video codec not carried in MPEG-TS: ") +
                                              std::string(media::codecName(t.codec)));
  }
  t.streamId = kPesStreamIdVideo;
  return t;
}

Result<TsTrack> makeAudioTrack(TsTrack t) {
  if (t.codec != media::Codec::kAac) {
    return Error(ErrorCode::kUnsupported, std::string("ts: audio codec not carried in MPEG-TS: ") +
                                              std::string(media::codecName(t.codec)));
  }
  RTMP_ASSIGN(auto aac, media::parseAacConfig(t.config.span()));
  // Refuse now what ADTS cannot say, rather than dropping every frame later.
  auto probe = media::makeAdtsHeader(aac, 0);
  if (!probe.ok()) return std::move(probe).error().withContext("ts");
  t.aac = aac;
  t.streamId = kPesStreamIdAudio;
  t.streamType = kTsStreamTypeAacAdts;
  return t;
}

Result<size_t> appendVideo(const TsTrack& track, const Sample& sample, std::vector<Piece>& pieces) {
  const bool hevc = track.codec == media::Codec::kHevc;
  const size_t mark = pieces.size();
  size_t size = 0;
  auto add = [&](Piece piece) {
    pieces.push_back(piece);
    size += piece.size();
  };
  add(hevc ? Piece(kHevcAud) : Piece(kH264Aud));
  if (sample.sync) {
    for (Piece nal : track.parameterSets) {
      add(kStartCode);
      add(nal);
    }
  }
  auto status = media::forEachNalUnit(sample.data.span(), track.nalLengthSize, [&](Piece nal) {
    const bool aud = hevc ? media::hevcNalType(nal[0]) == media::kHevcNalAud
                          : media::h264NalType(nal[0]) == media::kH264NalAud;
    if (!aud) {
      add(kStartCode);
      add(nal);
    }
    return true;
  });
  if (!status.ok()) {
    pieces.resize(mark);
    return std::move(status).error().withContext("ts: access unit");
  }
  return size;
}

}  // namespace

Result<TsTrack> makeTsTrack(const TrackConfig& config, uint16_t pid) {
  if (config.timescale == 0) return Error(ErrorCode::kUnsupported, "ts: track timescale 0");
  TsTrack t;
  t.kind = config.kind;
  t.codec = config.codec;
  t.timescale = config.timescale;
  t.pid = pid;
  t.config = config.decoderConfig;
  return config.kind == TrackConfig::Kind::kVideo ? makeVideoTrack(std::move(t))
                                                  : makeAudioTrack(std::move(t));
}

Result<size_t> appendAccessUnit(const TsTrack& track, const Sample& sample,
                                std::vector<Piece>& pieces, media::AdtsHeader& adts) {
  if (track.kind == TrackConfig::Kind::kVideo) return appendVideo(track, sample, pieces);
  RTMP_ASSIGN(auto header, media::makeAdtsHeader(track.aac, sample.data.size()));
  adts = header;
  pieces.push_back(adts);
  pieces.push_back(sample.data.span());
  return adts.size() + sample.data.size();
}

}  // namespace rtmp::hls
