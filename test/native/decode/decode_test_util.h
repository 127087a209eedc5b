// Helpers for the decoder pool tests: a heap FrameAllocator that counts what
// it lends, ffmpeg-made FLV samples turned into MediaPackets, MD5 of plane
// rows (the same bytes `ffmpeg -f framemd5` hashes for rawvideo), and a
// time-boxed wait.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "decode/decoder_pool.h"
#include "decode/frame.h"
#include "decode/subscription.h"
#include "media/flv_file_reader.h"
#include "media/media_packet.h"

extern "C" {
#include <libavutil/md5.h>
#include <libavutil/mem.h>
}

namespace rtmp::decode::testing {

namespace fs = std::filesystem;

// Lends heap buffers; counts live ones and the most ever live at once.
// `limit` > 0 refuses past that many live buffers (a JS pool running dry).
class HeapAllocator : public FrameAllocator {
 public:
  explicit HeapAllocator(size_t limit = 0) : limit_(limit) {}
  std::optional<FrameBuffer> acquire(size_t bytes) override {
    if (limit_ != 0 && live_.load() >= limit_) return std::nullopt;
    const size_t now = ++live_;
    size_t seen = maxLive_.load();
    while (now > seen && !maxLive_.compare_exchange_weak(seen, now)) {
    }
    ++acquired_;
    return FrameBuffer{new uint8_t[bytes], bytes, acquired_.load()};
  }
  void release(const FrameBuffer& buffer) override {
    delete[] buffer.data;
    --live_;
  }
  size_t live() const { return live_.load(); }
  size_t maxLive() const { return maxLive_.load(); }
  size_t acquired() const { return acquired_.load(); }

 private:
  size_t limit_;
  std::atomic<size_t> live_{0};
  std::atomic<size_t> maxLive_{0};
  std::atomic<size_t> acquired_{0};
};

// Counts wake-ups and errors (decoder thread) for the test thread.
class CountingSink : public FrameSink {
 public:
  void framesReady() override { ++ready; }
  void decodeError(const base::Error& error) override {
    std::lock_guard<std::mutex> lock(mutex);
    errors.push_back(std::string(base::errorCodeName(error.code())));
  }
  std::vector<std::string> errorCodes() {
    std::lock_guard<std::mutex> lock(mutex);
    return errors;
  }
  std::atomic<uint64_t> ready{0};
  std::mutex mutex;
  std::vector<std::string> errors;
};

inline PoolConfig poolOf(uint32_t threads) {
  PoolConfig config;
  config.threads = threads;
  return config;
}

inline bool onPath(const char* tool) {
  const std::string command = std::string("command -v ") + tool + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// Runs a shell command with a time limit; its stdout, or nullopt on failure.
inline std::optional<std::string> capture(const std::string& command) {
  FILE* pipe = popen(("timeout 120 " + command).c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char chunk[4096];
  size_t n = 0;
  while ((n = fread(chunk, 1, sizeof(chunk), pipe)) > 0) out.append(chunk, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "rtmp-decode-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// ffmpeg encodes `seconds` of testsrc2 (H.264, GOP `gop`, B-frames) and a
// sine (AAC) into an FLV. False if ffmpeg failed.
inline bool makeFlv(const fs::path& out, const std::string& size, int seconds, int gop,
                    int fps = 25) {
  std::ostringstream cmd;
  cmd << "ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc2=size=" << size << ":rate=" << fps
      << " -f lavfi -i sine=frequency=440:sample_rate=44100 -t " << seconds
      << " -c:v libx264 -preset veryfast -pix_fmt yuv420p -g " << gop << " -keyint_min " << gop
      << " -sc_threshold 0 -bf 2 -c:a aac -b:a 64k -ac 2 -f flv " << out.string()
      << " >/dev/null 2>&1";
  return capture(cmd.str()).has_value();
}

// The FLV a test suite encodes once (320x240 at 25 fps, a keyframe every
// second): make() in SetUpTestSuite, remove() in TearDownTestSuite; empty()
// when ffmpeg with libx264 is not there.
class SuiteFlv {
 public:
  void make(int seconds) {
    if (!onPath("ffmpeg")) return;
    dir_ = std::make_unique<TempDir>();
    path_ = dir_->path() / "in.flv";
    if (!makeFlv(path_, "320x240", seconds, 25)) path_.clear();
  }
  void remove() {
    dir_.reset();
    path_.clear();
  }
  bool empty() const { return path_.empty(); }
  const fs::path& path() const { return path_; }

 private:
  std::unique_ptr<TempDir> dir_;
  fs::path path_;
};

// A coded picture: video media that is neither a sequence header nor an end of sequence.
inline bool isPicture(const media::MediaPacket& p) {
  return p.kind == media::MediaKind::kVideo && p.isMedia && !p.sequenceHeader && !p.endOfSequence;
}

inline std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every audio/video tag of an FLV as a MediaPacket (script data left out).
inline std::vector<media::MediaPacketPtr> readPackets(const fs::path& path) {
  std::vector<media::MediaPacketPtr> out;
  auto reader = media::FlvFileReader::open(base::Bytes::copyOf(std::string_view(readFile(path))));
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return out;
  for (;;) {
    auto tag = reader->next();
    EXPECT_TRUE(tag.ok());
    if (!tag.ok() || !tag->has_value()) break;
    const media::FlvFileTag& t = **tag;
    if (t.type != media::kMessageTypeAudio && t.type != media::kMessageTypeVideo) continue;
    auto packet = media::makeMediaPacket(t.type, t.timestamp, t.body);
    EXPECT_TRUE(packet.ok());
    if (packet.ok()) out.push_back(std::make_shared<const media::MediaPacket>(*packet));
  }
  return out;
}

inline std::string hex(const uint8_t* digest, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kDigits[digest[i] >> 4]);
    s.push_back(kDigits[digest[i] & 15]);
  }
  return s;
}

// MD5 of the visible bytes of every plane, row by row (what rawvideo packs).
inline std::string visibleMd5(const Frame& f, const std::vector<uint32_t>& rowBytes) {
  AVMD5* md5 = av_md5_alloc();
  av_md5_init(md5);
  for (uint32_t p = 0; p < f.planeCount; ++p) {
    for (uint32_t r = 0; r < f.planes[p].rows; ++r) {
      av_md5_update(md5, f.plane(p) + size_t{f.planes[p].stride} * r, rowBytes[p]);
    }
  }
  uint8_t digest[16];
  av_md5_final(md5, digest);
  av_free(md5);
  return hex(digest, 16);
}

// Polls `done` every few ms for up to 30 s.
inline bool waitUntil(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace rtmp::decode::testing
