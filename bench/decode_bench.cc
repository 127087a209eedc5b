// decode-bench: first figures for the decoder pool (issue 12), not a test.
//   decode-bench FILE.flv
// Prints, for the FLV's H.264 video: decode frames/s on one thread (Decoder
// alone), the cost of one yuv420p -> rgba conversion at the source size
// (SWS_BILINEAR, and with SWS_ACCURATE_RND for comparison) and of the
// yuv420p copy, and the pool end to end (1 worker, decode + rgba into a
// consumer thread that takes every frame), then the same with 3 subscribers
// asking for the same rgba output, each with its own allocator (as the
// binding's per-subscription JS pools are): process CPU per decoded frame.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "decode/decoder.h"
#include "decode/decoder_pool.h"
#include "decode/video_converter.h"
#include "media/flv_file_reader.h"

extern "C" {
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

namespace {

using namespace rtmp;
using Clock = std::chrono::steady_clock;

class HeapAllocator : public decode::FrameAllocator {
 public:
  std::optional<decode::FrameBuffer> acquire(size_t bytes) override {
    return decode::FrameBuffer{new uint8_t[bytes], bytes, 0};
  }
  void release(const decode::FrameBuffer& b) override { delete[] b.data; }
};

// Recycles its buffers, as the binding's JS pool does: steady state has no
// allocation and no page faults (a fresh 8 MB heap buffer per frame, freed on
// another thread, costs more in page faults than the conversion itself).
class RecyclingAllocator : public decode::FrameAllocator {
 public:
  ~RecyclingAllocator() override {
    for (auto& b : free_) delete[] b.data;
  }
  std::optional<decode::FrameBuffer> acquire(size_t bytes) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < free_.size(); ++i) {
      if (free_[i].size >= bytes) {
        const decode::FrameBuffer b = free_[i];
        free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
        return b;
      }
    }
    return decode::FrameBuffer{new uint8_t[bytes], bytes, 0};
  }
  void release(const decode::FrameBuffer& b) override {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(b);
  }

 private:
  std::mutex mutex_;
  std::vector<decode::FrameBuffer> free_;
};

// CPU time of the calling thread: on a shared, loaded machine this is the
// figure to trust (wall time includes waiting for a core).
double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<media::MediaPacketPtr> readPackets(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), {});
  std::vector<media::MediaPacketPtr> out;
  auto reader = media::FlvFileReader::open(base::Bytes::copyOf(std::string_view(file)));
  if (!reader.ok()) return out;
  for (;;) {
    auto tag = reader->next();
    if (!tag.ok() || !tag->has_value()) break;
    const auto& t = **tag;
    if (t.type != media::kMessageTypeAudio && t.type != media::kMessageTypeVideo) continue;
    auto p = media::makeMediaPacket(t.type, t.timestamp, t.body);
    if (p.ok()) out.push_back(std::make_shared<const media::MediaPacket>(*p));
  }
  return out;
}

double processCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

struct PoolRun {
  double wallMs = 0;
  double cpuMs = 0;  // whole process: the worker, the consumer, this thread
  uint64_t delivered = 0;
  uint64_t dropped = 0;
};

// One worker decodes the clip into `subscribers` rgba subscriptions, each with
// its own (recycling) allocator; one consumer thread takes (and touches)
// every frame.
PoolRun runPool(const std::vector<media::MediaPacketPtr>& packets, uint64_t frames, int subscribers,
                uint32_t width) {
  decode::PoolConfig config;
  config.threads = 1;
  config.input.maxPackets = 100000;
  config.input.maxBytes = size_t{1} << 31;
  decode::DecoderPool pool(config);
  auto stream = pool.createStream("bench");
  decode::SubscriptionOptions options;
  options.audio = false;
  options.videoOutput.format = decode::PixelFormat::kRgba;
  options.videoOutput.width = width;
  options.maxVideoFrames = 4;
  std::vector<std::shared_ptr<decode::Subscription>> subs;
  for (int i = 0; i < subscribers; ++i) {
    subs.push_back(std::make_shared<decode::Subscription>(
        i + 1, options, std::make_shared<RecyclingAllocator>(), nullptr));
    stream->addSubscription(subs.back());
  }
  std::atomic<bool> stop{false};
  uint64_t touched = 0;
  std::thread consumer([&] {
    while (!stop.load()) {
      for (auto& sub : subs) {
        for (auto& d : sub->take()) touched += d.frame->plane(0)[0];  // touch every frame
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  PoolRun run;
  const auto start = Clock::now();
  const double cpu = processCpuMs();
  for (const auto& p : packets) stream->pushSnapshot(p);
  stream->publisherGone();
  while (stream->stats().videoFrames < frames)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  run.wallMs = msSince(start);
  stop = true;
  consumer.join();
  run.cpuMs = processCpuMs() - cpu;
  for (auto& sub : subs) {
    run.delivered += sub->stats().videoDelivered;
    run.dropped += sub->stats().videoDropped;
  }
  if (touched == 0xFFFFFFFFFFFFFFFF) run.delivered = 0;  // keeps the touches
  return run;
}

double convertMs(const AVFrame& frame, int flags, decode::PixelFormat format, int rounds) {
  decode::VideoConverter converter(decode::VideoOutput{format, 0, 0}, flags);
  auto allocator = std::make_shared<HeapAllocator>();
  (void)converter.convert(frame, allocator);  // warm up (context, buffers)
  const double cpu = threadCpuMs();
  for (int i = 0; i < rounds; ++i) (void)converter.convert(frame, allocator);
  return (threadCpuMs() - cpu) / rounds;
}

// What a subscriber with another allocator pays for a shared rgba frame.
double copyMs(const AVFrame& frame, int rounds) {
  decode::VideoConverter converter(decode::VideoOutput{decode::PixelFormat::kRgba, 0, 0});
  auto allocator = std::make_shared<HeapAllocator>();
  auto converted = converter.convert(frame, allocator);
  if (!converted.ok()) return -1;
  (void)decode::copyFrame(**converted, allocator);  // warm up
  const double cpu = threadCpuMs();
  for (int i = 0; i < rounds; ++i) (void)decode::copyFrame(**converted, allocator);
  return (threadCpuMs() - cpu) / rounds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: decode-bench FILE.flv\n");
    return 2;
  }
  const auto packets = readPackets(argv[1]);
  decode::DecoderParams params;
  std::vector<media::MediaPacketPtr> video;
  for (const auto& p : packets) {
    if (p->kind != media::MediaKind::kVideo || !p->isMedia || p->endOfSequence) continue;
    if (p->sequenceHeader) {
      params.codec = p->codec;
      const auto record = p->codecData();
      params.config.assign(record.data(), record.data() + record.size());
    } else {
      video.push_back(p);
    }
  }
  auto decoder = decode::Decoder::open(params);
  if (!decoder.ok()) {
    std::fprintf(stderr, "%s\n", decoder.error().toString().c_str());
    return 1;
  }
  // 1. Decode alone, one thread.
  AVFrame* sample = nullptr;
  uint64_t frames = 0;
  auto start = Clock::now();
  const double cpu = threadCpuMs();
  for (const auto& p : video) {
    const auto data = p->codecData();
    (void)(*decoder)->send(data.span(), p->pts(), p->dts, p->keyframe);
    while (const AVFrame* f = (*decoder)->receive()) {
      ++frames;
      if (sample == nullptr) sample = av_frame_clone(f);
    }
  }
  (*decoder)->drain();
  while ((*decoder)->receive() != nullptr) ++frames;
  const double decodeMs = msSince(start);
  const double decodeCpuMs = threadCpuMs() - cpu;
  if (sample == nullptr) return 1;
  std::printf(
      "%dx%d: decode %llu frames: %.0f fps per thread of CPU (%.2f ms CPU/frame); "
      "wall %.0f fps\n",
      sample->width, sample->height, static_cast<unsigned long long>(frames),
      frames * 1000.0 / decodeCpuMs, decodeCpuMs / frames, frames * 1000.0 / decodeMs);

  // 2. Conversions of one picture.
  const int rounds = 100;
  std::printf("  yuv420p -> rgba  SWS_BILINEAR: %.2f ms CPU/frame\n",
              convertMs(*sample, SWS_BILINEAR, decode::PixelFormat::kRgba, rounds));
  std::printf(
      "  yuv420p -> rgba  SWS_BILINEAR|SWS_ACCURATE_RND: %.2f ms CPU/frame\n",
      convertMs(*sample, SWS_BILINEAR | SWS_ACCURATE_RND, decode::PixelFormat::kRgba, rounds / 4));
  std::printf("  yuv420p copy (same format): %.2f ms CPU/frame\n",
              convertMs(*sample, SWS_BILINEAR, decode::PixelFormat::kYuv420p, rounds));
  std::printf("  rgba frame copied for another allocator (copyFrame): %.2f ms CPU/frame\n",
              copyMs(*sample, rounds));
  av_frame_free(&sample);

  // 3. The pool end to end: 1 worker, rgba, a consumer taking every frame;
  // then 3 subscribers of the same output, each with its own allocator.
  for (uint32_t width : {0u, 640u}) {
    for (int subscribers : {1, 3}) {
      const PoolRun run = runPool(packets, frames, subscribers, width);
      std::printf(
          "  pool, 1 worker, decode + rgba%s to %d subscriber(s): wall %.0f fps, process CPU "
          "%.2f ms/frame, delivered %llu, dropped %llu (consumer polls every 0.2 ms)\n",
          width != 0 ? " 640 wide" : "", subscribers, frames * 1000.0 / run.wallMs,
          run.cpuMs / frames, static_cast<unsigned long long>(run.delivered),
          static_cast<unsigned long long>(run.dropped));
    }
  }
  return 0;
}
