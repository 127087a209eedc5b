// Real-peer check of the fMP4 writer: FFmpeg encodes a short H.264 + AAC FLV,
// the test turns its tags into one init segment and fragments per track (the
// way the segmenter will), and FFmpeg must read the result back as the same
// stream: ffprobe sees the codec, size and rate; `ffmpeg -c copy -f framemd5`
// lists the same packets (bytes hash, size, dts, pts) as it does for the FLV.
// Skipped when ffmpeg/ffprobe are not on PATH (CI has them).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "hls/codec_string.h"
#include "hls/fmp4_fragment.h"
#include "hls/fmp4_init.h"
#include "hls/fmp4_test_mp4_reader.h"
#include "hls/track_config.h"
#include "media/aac_config.h"
#include "media/avc_config.h"
#include "media/flv_file_reader.h"
#include "media/h264_sps.h"
#include "media/media_packet.h"

namespace rtmp::hls {
namespace {

namespace fs = std::filesystem;

bool onPath(const char* tool) {
  const std::string command = std::string("command -v ") + tool + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// Runs a shell command with a time limit; true when it exited 0.
bool run(const std::string& command) {
  const std::string limited = "timeout 60 " + command;
  return std::system(limited.c_str()) == 0;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writePieces(std::ofstream& out, const std::vector<base::Bytes>& pieces) {
  for (const base::Bytes& p : pieces) {
    out.write(reinterpret_cast<const char*>(p.data()), static_cast<std::streamsize>(p.size()));
  }
}

// One track as the FLV carried it: the sequence header and the coded frames.
struct FlvTrack {
  std::optional<TrackConfig> config;
  std::vector<Sample> samples;
  std::vector<uint32_t> dtsMs;  // FLV timestamps, to derive durations
};

// The sample conversion the segmenter does, reduced to one file: times from
// milliseconds to the track timescale (exact for 90 kHz and 48 kHz), the
// duration of a sample = the next sample's dts minus its own.
struct FlvTracks {
  FlvTrack video, audio;
};

FlvTracks readFlv(const fs::path& path) {
  FlvTracks tracks;
  const std::string file = readText(path);
  auto reader = media::FlvFileReader::open(base::Bytes::copyOf(std::string_view(file)));
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return tracks;
  for (;;) {
    auto tag = reader->next();
    EXPECT_TRUE(tag.ok()) << tag.error().toString();
    if (!tag.ok() || !tag->has_value()) break;
    const media::FlvFileTag& t = **tag;
    if (t.type != media::kMessageTypeAudio && t.type != media::kMessageTypeVideo) continue;
    auto packet = media::makeMediaPacket(t.type, t.timestamp, t.body);
    EXPECT_TRUE(packet.ok()) << packet.error().toString();
    if (!packet.ok()) continue;
    const bool isVideo = packet->kind == media::MediaKind::kVideo;
    FlvTrack& track = isVideo ? tracks.video : tracks.audio;
    if (packet->sequenceHeader) {
      TrackConfig config;
      config.kind = isVideo ? TrackConfig::Kind::kVideo : TrackConfig::Kind::kAudio;
      config.codec = packet->codec;
      config.decoderConfig = packet->codecData();
      if (isVideo) {
        config.timescale = 90000;
        auto avc = media::parseAvcConfig(config.decoderConfig.span());
        EXPECT_TRUE(avc.ok() && !avc->sps.empty());
        if (!avc.ok() || avc->sps.empty()) continue;
        auto sps = media::parseH264Sps(avc->sps[0]);
        EXPECT_TRUE(sps.ok());
        if (!sps.ok()) continue;
        config.width = sps->width;
        config.height = sps->height;
      } else {
        auto asc = media::parseAacConfig(config.decoderConfig.span());
        EXPECT_TRUE(asc.ok());
        if (!asc.ok()) continue;
        config.sampleRate = asc->outputSampleRate();
        config.channels = asc->channels;
        config.timescale = config.sampleRate;
      }
      config.codecString = codecString(config);
      track.config = config;
      continue;
    }
    // FFmpeg's FLV muxer ends H.264 with an end-of-sequence tag (AVCPacketType
    // 2, no NAL units): not a sample.
    if (!packet->isMedia || packet->endOfSequence || !track.config) continue;
    const uint64_t perMs = track.config->timescale / 1000;  // 90 or 48
    track.samples.push_back({.dts = packet->dts * perMs,
                             .duration = 0,
                             .cto = static_cast<int32_t>(packet->cts * static_cast<int64_t>(perMs)),
                             .sync = !isVideo || packet->keyframe,
                             .data = packet->codecData()});
    track.dtsMs.push_back(packet->dts);
  }
  for (FlvTrack* track : {&tracks.video, &tracks.audio}) {
    auto& s = track->samples;
    for (size_t i = 0; i + 1 < s.size(); ++i) s[i].duration = uint32_t(s[i + 1].dts - s[i].dts);
    if (s.size() >= 2) s.back().duration = s[s.size() - 2].duration;
  }
  return tracks;
}

// init + fragments of `perFragment` samples each, numbered from 1.
void writeFmp4(const fs::path& path, const TrackConfig& config, const std::vector<Sample>& samples,
               size_t perFragment) {
  std::ofstream out(path, std::ios::binary);
  const base::Bytes init = writeInitSegment(config);
  out.write(reinterpret_cast<const char*>(init.data()), static_cast<std::streamsize>(init.size()));
  uint32_t sequence = 1;
  for (size_t at = 0; at < samples.size(); at += perFragment) {
    const size_t end = std::min(samples.size(), at + perFragment);
    const std::vector<Sample> part(samples.begin() + static_cast<ptrdiff_t>(at),
                                   samples.begin() + static_cast<ptrdiff_t>(end));
    writePieces(out, writeFragment(sequence++, config, part));
  }
}

// One framemd5 line: "stream, dts, pts, duration, size, hash", with the
// stream's time base from the "#tb" header.
struct FramePacket {
  int64_t dts = 0, pts = 0;
  int64_t tbNum = 1, tbDen = 1;
  size_t size = 0;
  std::string hash;
};

std::vector<FramePacket> parseFramemd5(const std::string& text) {
  std::vector<FramePacket> out;
  int64_t num = 1, den = 1;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("#tb", 0) == 0) {
      std::sscanf(line.c_str(), "#tb %*d: %ld/%ld", &num, &den);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    FramePacket p;
    char hash[64] = {0};
    int stream = 0;
    long long duration = 0;
    if (std::sscanf(line.c_str(), "%d, %ld, %ld, %lld, %zu, %63s", &stream, &p.dts, &p.pts,
                    &duration, &p.size, hash) == 6) {
      p.tbNum = num;
      p.tbDen = den;
      p.hash = hash;
      out.push_back(p);
    }
  }
  return out;
}

// a (in a's time base) == b (in b's) as exact rationals.
bool sameTime(int64_t a, const FramePacket& ta, int64_t b, const FramePacket& tb) {
  return a * ta.tbNum * tb.tbDen == b * tb.tbNum * ta.tbDen;
}

// FFmpeg writes a plain MP4 with `encoder`; its one video track is rewritten
// as our init segment + fragments of 7 samples and must read back the same.
struct VideoCase {
  const char* encoderName;  // as `ffmpeg -encoders` lists it
  const char* encoder;      // ffmpeg arguments after the input
  media::Codec codec;
  const char* entry;        // sample entry type, also ffprobe's codec_tag_string
  const char* codecName;    // ffprobe's codec_name
  const char* codecString;  // what codecString() must give for this encoder's record
};

class Fmp4FfmpegTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!onPath("ffmpeg") || !onPath("ffprobe") || !onPath("timeout")) {
      GTEST_SKIP() << "ffmpeg/ffprobe not on PATH: the real-peer fMP4 check is skipped";
    }
    std::string pattern = (fs::temp_directory_path() / "rtmp-fmp4-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    // RTMP_KEEP_TEST_FILES=1 keeps the files for a look with ffprobe by hand.
    if (!dir_.empty() && !std::getenv("RTMP_KEEP_TEST_FILES")) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  std::string path(const char* name) const { return (dir_ / name).string(); }

  // framemd5 of one stream of `input`, timestamps kept as stored (-copyts).
  std::vector<FramePacket> framemd5(const std::string& input, const char* map) {
    const std::string out = input + "." + (map[2] == 'v' ? "v" : "a") + ".framemd5";
    EXPECT_TRUE(run("ffmpeg -nostdin -v error -copyts -i '" + input + "' -map " + map +
                    " -c copy -f framemd5 -y '" + out + "'"));
    return parseFramemd5(readText(out));
  }

  std::string probe(const std::string& input) {
    const std::string out = input + ".probe";
    EXPECT_TRUE(run("ffprobe -v error -show_streams -of default=noprint_wrappers=1 '" + input +
                    "' > '" + out + "'"));
    return readText(out);
  }

  void checkVideoThroughMp4(const VideoCase& c);

  fs::path dir_;
};

void expectSamePackets(const std::vector<FramePacket>& ours, const std::vector<FramePacket>& ref,
                       const char* what) {
  ASSERT_EQ(ours.size(), ref.size()) << what;
  for (size_t i = 0; i < ours.size(); ++i) {
    SCOPED_TRACE(std::string(what) + " packet " + std::to_string(i));
    EXPECT_EQ(ours[i].hash, ref[i].hash);
    EXPECT_EQ(ours[i].size, ref[i].size);
    EXPECT_TRUE(sameTime(ours[i].dts, ours[i], ref[i].dts, ref[i]))
        << ours[i].dts << " vs " << ref[i].dts;
    EXPECT_TRUE(sameTime(ours[i].pts, ours[i], ref[i].pts, ref[i]))
        << ours[i].pts << " vs " << ref[i].pts;
  }
}

TEST_F(Fmp4FfmpegTest, H264AndAacFromFlvReadBackAsTheSamePackets) {
  // 2 s of 320x240 H.264 High 3.1 with B-frames (so composition offsets are
  // not all zero) and a 1 s GOP, plus 48 kHz stereo AAC-LC.
  const std::string flv = path("in.flv");
  ASSERT_TRUE(
      run("ffmpeg -nostdin -v error -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i "
          "sine=frequency=440:sample_rate=48000 -t 2 -pix_fmt yuv420p -c:v libx264 "
          "-profile:v high -level 3.1 -bf 2 -g 25 -c:a aac -ac 2 -b:a 64k -y '" +
          flv + "'"));
  const FlvTracks tracks = readFlv(flv);
  ASSERT_TRUE(tracks.video.config && tracks.audio.config);
  ASSERT_GE(tracks.video.samples.size(), 45u);
  ASSERT_GE(tracks.audio.samples.size(), 80u);
  EXPECT_EQ(tracks.video.config->codecString, "avc1.64001f");
  EXPECT_EQ(tracks.audio.config->codecString, "mp4a.40.2");
  bool someCto = false;
  for (const Sample& s : tracks.video.samples) someCto |= s.cto != 0;
  EXPECT_TRUE(someCto) << "the encoder made no B-frames: the cto path is not exercised";

  // Fragments of 8 video samples (so most start mid-GOP) and 10 audio frames.
  const std::string video = path("video.mp4");
  const std::string audio = path("audio.mp4");
  writeFmp4(video, *tracks.video.config, tracks.video.samples, 8);
  writeFmp4(audio, *tracks.audio.config, tracks.audio.samples, 10);

  const std::string videoProbe = probe(video);
  EXPECT_NE(videoProbe.find("codec_name=h264"), std::string::npos) << videoProbe;
  EXPECT_NE(videoProbe.find("width=320"), std::string::npos) << videoProbe;
  EXPECT_NE(videoProbe.find("height=240"), std::string::npos) << videoProbe;
  EXPECT_NE(videoProbe.find("codec_tag_string=avc1"), std::string::npos) << videoProbe;
  EXPECT_NE(videoProbe.find("profile=High"), std::string::npos) << videoProbe;
  const std::string audioProbe = probe(audio);
  EXPECT_NE(audioProbe.find("codec_name=aac"), std::string::npos) << audioProbe;
  EXPECT_NE(audioProbe.find("sample_rate=48000"), std::string::npos) << audioProbe;
  EXPECT_NE(audioProbe.find("channels=2"), std::string::npos) << audioProbe;
  EXPECT_NE(audioProbe.find("profile=LC"), std::string::npos) << audioProbe;

  const auto videoOurs = framemd5(video, "0:v");
  const auto videoRef = framemd5(flv, "0:v");
  EXPECT_EQ(videoOurs.size(), tracks.video.samples.size());
  expectSamePackets(videoOurs, videoRef, "video");
  const auto audioOurs = framemd5(audio, "0:a");
  const auto audioRef = framemd5(flv, "0:a");
  EXPECT_EQ(audioOurs.size(), tracks.audio.samples.size());
  expectSamePackets(audioOurs, audioRef, "audio");

  // The same video with the decode timeline moved later by the largest
  // composition offset, so most offsets are negative (pts = dts + cto
  // unchanged): trun version 1's signed offsets must reach FFmpeg as such.
  // FFmpeg's mov demuxer keeps pts >= dts by adding its dts_shift (the most
  // negative offset it has seen, here already in the first fragment) to every
  // pts, so pts are compared from the first one on.
  int32_t maxCto = 0;
  for (const Sample& s : tracks.video.samples) maxCto = std::max(maxCto, s.cto);
  std::vector<Sample> shifted = tracks.video.samples;
  for (Sample& s : shifted) {
    s.dts += static_cast<uint64_t>(maxCto);
    s.cto -= maxCto;
  }
  const std::string negative = path("negative.mp4");
  writeFmp4(negative, *tracks.video.config, shifted, 8);
  const auto negativeOurs = framemd5(negative, "0:v");
  ASSERT_EQ(negativeOurs.size(), videoRef.size());
  ASSERT_FALSE(negativeOurs.empty());
  for (size_t i = 0; i < negativeOurs.size(); ++i) {
    SCOPED_TRACE("negative offsets, packet " + std::to_string(i));
    const FramePacket& ours = negativeOurs[i];
    const FramePacket& ref = videoRef[i];
    EXPECT_EQ(ours.hash, ref.hash);
    EXPECT_TRUE(sameTime(ours.dts - maxCto, ours, ref.dts, ref)) << ours.dts << " vs " << ref.dts;
    EXPECT_TRUE(sameTime(ours.pts - negativeOurs[0].pts, ours, ref.pts - videoRef[0].pts, ref))
        << ours.pts << " vs " << ref.pts;
  }
}

// The same packets when each side's times are taken from its own first dts:
// FFmpeg applies the reference MP4's edit list (which shifts every time by
// the first composition offset) and our fMP4 has none.
void expectSameRelativePackets(const std::vector<FramePacket>& ours,
                               const std::vector<FramePacket>& ref, const char* what) {
  ASSERT_EQ(ours.size(), ref.size()) << what;
  ASSERT_FALSE(ours.empty()) << what;
  for (size_t i = 0; i < ours.size(); ++i) {
    SCOPED_TRACE(std::string(what) + " packet " + std::to_string(i));
    EXPECT_EQ(ours[i].hash, ref[i].hash);
    EXPECT_EQ(ours[i].size, ref[i].size);
    EXPECT_TRUE(sameTime(ours[i].dts - ours[0].dts, ours[i], ref[i].dts - ref[0].dts, ref[i]));
    EXPECT_TRUE(sameTime(ours[i].pts - ours[0].dts, ours[i], ref[i].pts - ref[0].dts, ref[i]));
  }
}

void Fmp4FfmpegTest::checkVideoThroughMp4(const VideoCase& c) {
  if (!run(std::string("ffmpeg -hide_banner -encoders 2>/dev/null | grep -q ' ") + c.encoderName +
           " '")) {
    GTEST_SKIP() << "this ffmpeg has no " << c.encoderName << " encoder";
  }
  const std::string dir = dir_.string();
  const std::string ref = dir + "/ref.mp4";
  ASSERT_TRUE(
      run("ffmpeg -nostdin -v error -f lavfi -i testsrc=size=320x240:rate=25 -t 1 "
          "-pix_fmt yuv420p " +
          std::string(c.encoder) + " -y '" + ref + "'"));
  const std::string bytes = readText(ref);
  const base::Bytes file = base::Bytes::copyOf(std::string_view(bytes));
  auto mp4 = testing::readMp4VideoTrack(file);
  ASSERT_TRUE(mp4.has_value());
  ASSERT_EQ(mp4->sampleEntry, c.entry);
  ASSERT_FALSE(mp4->decoderConfig.empty());
  ASSERT_GE(mp4->samples.size(), 20u);

  TrackConfig config;
  config.kind = TrackConfig::Kind::kVideo;
  config.codec = c.codec;
  config.timescale = mp4->timescale;
  config.decoderConfig = mp4->decoderConfig;
  config.width = mp4->width;
  config.height = mp4->height;
  EXPECT_EQ(codecString(config), c.codecString);

  const std::string ours = dir + "/ours.mp4";
  writeFmp4(ours, config, mp4->samples, 7);
  const std::string probed = probe(ours);
  EXPECT_NE(probed.find(std::string("codec_name=") + c.codecName), std::string::npos) << probed;
  EXPECT_NE(probed.find(std::string("codec_tag_string=") + c.entry), std::string::npos) << probed;
  EXPECT_NE(probed.find("width=320"), std::string::npos) << probed;
  EXPECT_NE(probed.find("height=240"), std::string::npos) << probed;
  expectSameRelativePackets(framemd5(ours, "0:v"), framemd5(ref, "0:v"), c.entry);
}

TEST_F(Fmp4FfmpegTest, HevcFromAnFfmpegMp4ReadsBackTheSame) {
  // FFmpeg cannot write HEVC in FLV, so the record and samples come from its MP4.
  // x265 at 320x240: Main (1), compatibility 0x60000000 → "6", Main tier level
  // 60 (2.0), constraint bytes 90 00.. (progressive, frame only).
  checkVideoThroughMp4({"libx265",
                        "-c:v libx265 -x265-params log-level=error:bframes=2:keyint=25 "
                        "-tag:v hvc1",
                        media::Codec::kHevc, "hvc1", "hevc", "hvc1.1.6.L60.90"});
}

TEST_F(Fmp4FfmpegTest, Av1FromAnFfmpegMp4ReadsBackTheSame) {
  // libaom at 320x240: Main (0), seq_level_idx 0 (2.0), Main tier, 8-bit.
  checkVideoThroughMp4({"libaom-av1", "-c:v libaom-av1 -cpu-used 8 -usage realtime -g 25",
                        media::Codec::kAv1, "av01", "av1", "av01.0.00M.08"});
}

}  // namespace
}  // namespace rtmp::hls
