// Real peer: FFmpeg reads what TsSegmentWriter writes.
//
// Debian's ffmpeg encodes a 2 s H.264 + AAC FLV (x264 with B-frames, GOP 30 at
// 30 fps); the test reads it with FlvFileReader/makeMediaPacket, turns the
// packets into Samples (as the segmenter will), writes two segments cut at the
// keyframe at 1 s, and checks:
//   - ffprobe sees one H.264 320x240 stream and one AAC 44100 Hz stereo stream;
//   - video bytes: the packets ffmpeg demuxes from the TS equal the source's
//     packets in Annex B (h264_mp4toannexb), after removing AUD/SPS/PPS from both
//     with filter_units (we add AUDs and repeat parameter sets on purpose;
//     ffmpeg's filter places them elsewhere). Same count, same MD5 per packet,
//     same PTS/DTS;
//   - audio bytes: the TS's ADTS frames with the header stripped
//     (aac_adtstoasc) equal the FLV's raw AAC frames, timestamps within 1 ms;
//   - decoding: every decoded frame of the TS equals the source's (framemd5
//     of the pictures), and the second segment alone decodes to the source's
//     frames from 1 s on, so each segment carries what a player joining there
//     needs (PAT/PMT, SPS/PPS before the keyframe).
// Skipped when ffmpeg or ffprobe is not on PATH.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "hls/ts_segment_writer.h"
#include "media/aac_config.h"
#include "media/flv_file_reader.h"
#include "media/media_packet.h"

namespace rtmp::hls {
namespace {

namespace fs = std::filesystem;

bool onPath(const char* tool) {
  const std::string command = std::string("command -v ") + tool + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// Runs a shell command (bounded by timeout(1)); returns stdout, status in *status.
std::string run(const std::string& command, int* status) {
  const std::string bounded = "timeout 120 " + command + " 2>/dev/null";
  std::string out;
  FILE* pipe = popen(bounded.c_str(), "r");
  if (!pipe) {
    *status = -1;
    return out;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  *status = pclose(pipe);
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ts_peer_XXXXXX").string();
    if (mkdtemp(pattern.data())) path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

base::Bytes readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> data((std::istreambuf_iterator<char>(in)), {});
  return base::Bytes::copyOf(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

void writeFile(const fs::path& path, const std::vector<base::Bytes>& parts) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& b : parts) out.write(reinterpret_cast<const char*>(b.data()), b.size());
}

// What the segmenter will do, kept small: packets of an FLV → TrackConfigs and
// Samples (video at 90 kHz, audio at its sample rate), with the millisecond
// times they came with.
struct FlvTracks {
  TrackConfig video{};
  TrackConfig audio{};
  std::vector<Sample> videoSamples, audioSamples;
  std::vector<uint32_t> videoMs, audioMs;
};

bool loadFlv(const base::Bytes& file, FlvTracks& out) {
  auto reader = media::FlvFileReader::open(file);
  if (!reader.ok()) return false;
  for (;;) {
    auto tag = reader->next();
    if (!tag.ok()) return false;
    if (!tag->has_value()) break;
    const media::FlvFileTag& t = **tag;
    if (t.type != media::kMessageTypeAudio && t.type != media::kMessageTypeVideo) continue;
    auto packet = media::makeMediaPacket(t.type, t.timestamp, t.body);
    if (!packet.ok()) return false;
    const media::MediaPacket& p = *packet;
    const bool video = p.kind == media::MediaKind::kVideo;
    TrackConfig& track = video ? out.video : out.audio;
    if (p.sequenceHeader) {
      track.kind = video ? TrackConfig::Kind::kVideo : TrackConfig::Kind::kAudio;
      track.codec = p.codec;
      track.decoderConfig = p.codecData();
      track.timescale = 90000;
      if (!video) {
        auto asc = media::parseAacConfig(track.decoderConfig.span());
        if (!asc.ok()) return false;
        track.timescale = track.sampleRate = asc->outputSampleRate();
        track.channels = asc->channels;
      }
      continue;
    }
    // The AVC end-of-sequence tag (AVCPacketType 2) carries no picture.
    if (!p.isMedia || p.endOfSequence || track.timescale == 0) continue;
    const uint64_t scale = track.timescale;
    Sample s{};
    s.dts = (uint64_t{p.dts} * scale + 500) / 1000;
    s.cto = static_cast<int32_t>((int64_t{p.cts} * static_cast<int64_t>(scale)) / 1000);
    s.sync = video ? p.keyframe : true;
    s.data = p.codecData();
    auto& samples = video ? out.videoSamples : out.audioSamples;
    if (!samples.empty())
      samples.back().duration = static_cast<uint32_t>(s.dts - samples.back().dts);
    samples.push_back(std::move(s));
    (video ? out.videoMs : out.audioMs).push_back(p.dts);
  }
  return !out.videoSamples.empty() && !out.audioSamples.empty();
}

// The MD5 of every packet (or decoded frame) in a framemd5 listing, in order.
// Lines are "stream, dts, pts, duration, size, hash[, side data...]".
std::vector<std::string> parseFrameMd5(const std::string& text, size_t from = 0) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    char hash[33] = {0};
    if (std::sscanf(line.c_str(), "%*d, %*d, %*d, %*d, %*d, %32[0-9a-f]", hash) == 1) {
      out.push_back(hash);
    }
  }
  if (from > out.size()) from = out.size();
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(from));
  return out;
}

// Raw demuxer timestamps (the stream's own time base, no shift by the CLI) from
// ffprobe's "pts,dts" CSV lines.
struct Times {
  int64_t pts = 0, dts = 0;
};

std::vector<Times> parseTimes(const std::string& text) {
  std::vector<Times> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    long long pts = 0, dts = 0;
    if (std::sscanf(line.c_str(), "%lld,%lld", &pts, &dts) == 2) out.push_back({pts, dts});
  }
  return out;
}

class TsWithFfmpeg : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!onPath("ffmpeg") || !onPath("ffprobe")) GTEST_SKIP() << "ffmpeg/ffprobe not on PATH";
    ASSERT_FALSE(dir_.path.empty());
    src_ = dir_.path / "src.flv";
    int status = 0;
    run("ffmpeg -nostdin -v error -f lavfi -i testsrc=size=320x240:rate=30 -f lavfi -i sine "
        "-t 2 -pix_fmt yuv420p -c:v libx264 -g 30 -c:a aac -f flv " +
            src_.string(),
        &status);
    ASSERT_EQ(status, 0) << "ffmpeg could not make the source FLV";
    ASSERT_TRUE(loadFlv(readFile(src_), flv_));
  }

  std::string ffmpeg(const std::string& args) {
    int status = 0;
    std::string out = run("ffmpeg -nostdin -v error " + args, &status);
    EXPECT_EQ(status, 0) << args;
    return out;
  }

  TempDir dir_;
  fs::path src_;
  FlvTracks flv_;
};

TEST_F(TsWithFfmpeg, TwoSegmentsCarryTheSourceBytes) {
  // Cut at the first keyframe at or after 1 s; each track's samples before it
  // go into segment 0.
  size_t videoCut = 0;
  while (videoCut < flv_.videoSamples.size() &&
         !(flv_.videoSamples[videoCut].sync && flv_.videoMs[videoCut] >= 1000)) {
    ++videoCut;
  }
  ASSERT_LT(videoCut, flv_.videoSamples.size()) << "no keyframe after 1 s";
  const uint32_t cutMs = flv_.videoMs[videoCut];
  size_t audioCut = 0;
  while (audioCut < flv_.audioMs.size() && flv_.audioMs[audioCut] < cutMs) ++audioCut;

  const auto& v = flv_.videoSamples;
  const auto& a = flv_.audioSamples;
  TsSegmentWriter writer({flv_.video, flv_.audio});
  ASSERT_TRUE(writer.skippedTracks().empty());
  const base::Bytes seg0 =
      writer.writeSegment({{v.begin(), v.begin() + videoCut}, {a.begin(), a.begin() + audioCut}});
  const base::Bytes seg1 =
      writer.writeSegment({{v.begin() + videoCut, v.end()}, {a.begin() + audioCut, a.end()}});
  EXPECT_EQ(writer.counters().droppedSamples, 0u);
  EXPECT_EQ(writer.counters().samples, v.size() + a.size());
  const fs::path all = dir_.path / "all.ts", second = dir_.path / "seg1.ts";
  writeFile(all, {seg0, seg1});
  writeFile(second, {seg1});

  // What ffprobe sees.
  int status = 0;
  const std::string streams = run("ffprobe -v error -show_streams " + all.string(), &status);
  ASSERT_EQ(status, 0);
  EXPECT_NE(streams.find("codec_name=h264"), std::string::npos) << streams;
  EXPECT_NE(streams.find("width=320"), std::string::npos);
  EXPECT_NE(streams.find("height=240"), std::string::npos);
  EXPECT_NE(streams.find("codec_name=aac"), std::string::npos);
  EXPECT_NE(streams.find("sample_rate=44100"), std::string::npos);
  EXPECT_NE(streams.find("channels=1"), std::string::npos);  // lavfi sine is mono

  // Video packets, byte for byte (without the units we add or move).
  const std::string strip = "filter_units=remove_types=7|8|9";
  const auto srcVideo =
      parseFrameMd5(ffmpeg("-i " + src_.string() + " -map 0:v -c copy -bsf:v 'h264_mp4toannexb," +
                           strip + "' -f framemd5 -"));
  const auto tsVideo = parseFrameMd5(
      ffmpeg("-i " + all.string() + " -map 0:v -c copy -bsf:v '" + strip + "' -f framemd5 -"));
  ASSERT_EQ(srcVideo.size(), v.size());
  EXPECT_EQ(tsVideo, srcVideo);

  // Audio frames, byte for byte once the ADTS header is taken off again.
  const auto srcAudio =
      parseFrameMd5(ffmpeg("-i " + src_.string() + " -map 0:a -c copy -f framemd5 -"));
  const auto tsAudio = parseFrameMd5(
      ffmpeg("-i " + all.string() + " -map 0:a -c copy -bsf:a aac_adtstoasc -f framemd5 -"));
  ASSERT_EQ(srcAudio.size(), a.size());
  EXPECT_EQ(tsAudio, srcAudio);

  // Timestamps as the demuxers read them: FLV in ms, TS in 90 kHz. Video is
  // exact; audio went ms → 44.1 kHz → 90 kHz, so within one ms.
  auto times = [&](const fs::path& file, const char* stream) {
    int rc = 0;
    auto out = parseTimes(run("ffprobe -v error -select_streams " + std::string(stream) +
                                  " -show_entries packet=pts,dts -of csv=p=0 " + file.string(),
                              &rc));
    EXPECT_EQ(rc, 0);
    return out;
  };
  const auto srcVideoTimes = times(src_, "v"), tsVideoTimes = times(all, "v");
  ASSERT_EQ(tsVideoTimes.size(), srcVideoTimes.size());
  for (size_t i = 0; i < srcVideoTimes.size(); ++i) {
    EXPECT_EQ(tsVideoTimes[i].pts, srcVideoTimes[i].pts * 90) << "video packet " << i;
    EXPECT_EQ(tsVideoTimes[i].dts, srcVideoTimes[i].dts * 90) << "video packet " << i;
  }
  const auto srcAudioTimes = times(src_, "a"), tsAudioTimes = times(all, "a");
  ASSERT_EQ(tsAudioTimes.size(), srcAudioTimes.size());
  for (size_t i = 0; i < srcAudioTimes.size(); ++i) {
    EXPECT_NEAR(double(tsAudioTimes[i].pts), double(srcAudioTimes[i].pts * 90), 90.0)
        << "audio packet " << i;
  }

  // Decoded pictures: the whole TS, and the second segment on its own.
  const auto srcPictures = parseFrameMd5(ffmpeg("-i " + src_.string() + " -map 0:v -f framemd5 -"));
  const auto tsPictures = parseFrameMd5(ffmpeg("-i " + all.string() + " -map 0:v -f framemd5 -"));
  ASSERT_EQ(srcPictures.size(), v.size());
  EXPECT_EQ(tsPictures, srcPictures);
  const auto secondPictures =
      parseFrameMd5(ffmpeg("-i " + second.string() + " -map 0:v -f framemd5 -"));
  const auto srcFromCut =
      parseFrameMd5(ffmpeg("-i " + src_.string() + " -map 0:v -f framemd5 -"), videoCut);
  EXPECT_EQ(secondPictures, srcFromCut);
}

}  // namespace
}  // namespace rtmp::hls
