#include "rtmp_bench_publisher.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

#include "media/flv_file_reader.h"
#include "media/flv_tag.h"

namespace rtmp::bench {

namespace {

constexpr uint8_t kAudio = 8;
constexpr uint8_t kVideo = 9;
constexpr uint8_t kScript = 18;
// A server that stops reading must not make us buffer without bound.
constexpr size_t kMaxQueuedBytes = 64u << 20;

// AMF0 string "@setDataFrame": what a publisher puts before onMetaData.
constexpr uint8_t kSetDataFrame[] = {0x02, 0x00, 0x0D, '@', 's', 'e', 't', 'D',
                                     'a',  't',  'a',  'F', 'r', 'a', 'm', 'e'};

base::Bytes withSetDataFrame(const base::Bytes& body) {
  std::span<const uint8_t> prefix(kSetDataFrame);
  if (body.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), body.data())) {
    return body;
  }
  base::BytesBuilder b(prefix.size() + body.size());
  b.append(prefix);
  b.append(body.span());
  return b.freeze();
}

bool isSequenceHeader(uint8_t type, const base::Bytes& body) {
  if (type == kVideo) {
    auto info = media::parseVideoTag(body.span());
    return info.ok() && info->sequenceHeader;
  }
  if (type == kAudio) {
    auto info = media::parseAudioTag(body.span());
    return info.ok() && info->sequenceHeader;
  }
  return false;
}

}  // namespace

base::Result<FlvClip> loadFlvClip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Error(base::ErrorCode::kIo, path + ": cannot open");
  std::vector<uint8_t> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto reader = media::FlvFileReader::open(base::Bytes::copyOf(raw));
  if (!reader.ok()) return std::move(reader).error().withContext(path);

  FlvClip clip;
  std::vector<uint32_t> videoTimes;
  bool haveFirst = false;
  uint32_t first = 0;
  uint32_t last = 0;
  while (true) {
    auto next = reader->next();
    if (!next.ok()) return std::move(next).error().withContext(path);
    if (!next->has_value()) break;
    media::FlvFileTag& tag = **next;
    if (tag.type != kAudio && tag.type != kVideo && tag.type != kScript) continue;
    if (!haveFirst) {
      first = tag.timestamp;
      haveFirst = true;
    }
    PublishTag out;
    out.type = tag.type;
    out.time = tag.timestamp >= first ? tag.timestamp - first : 0;
    out.payload = tag.type == kScript ? withSetDataFrame(tag.body) : tag.body;
    out.firstLoopOnly = tag.type == kScript || isSequenceHeader(tag.type, tag.body);
    if (tag.type == kVideo && !out.firstLoopOnly) videoTimes.push_back(out.time);
    last = std::max(last, out.time);
    clip.tags.push_back(std::move(out));
  }
  if (videoTimes.size() < 2 && clip.tags.size() < 2) {
    return base::Error(base::ErrorCode::kMedia, path + ": no media tags to publish");
  }
  // Keep the tags in time order (a file may interleave audio slightly ahead).
  std::stable_sort(clip.tags.begin(), clip.tags.end(),
                   [](const PublishTag& a, const PublishTag& b) { return a.time < b.time; });
  // One frame: the median gap between video frames (33 ms when unknown).
  uint32_t frame = 33;
  if (videoTimes.size() >= 2) {
    std::vector<uint32_t> gaps;
    for (size_t i = 1; i < videoTimes.size(); ++i) {
      if (videoTimes[i] > videoTimes[i - 1]) gaps.push_back(videoTimes[i] - videoTimes[i - 1]);
    }
    if (!gaps.empty()) {
      std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
      frame = gaps[gaps.size() / 2];
    }
  }
  clip.loopSpanMs = last + frame;
  return clip;
}

Publisher::Publisher(FlvClip clip, client::RtmpUrl url, FrameClock& frames)
    : clip_(std::move(clip)), url_(std::move(url)), frames_(frames) {}

Publisher::~Publisher() = default;

std::string Publisher::error() const {
  std::lock_guard<std::mutex> lock(errorMutex_);
  return error_;
}

void Publisher::start(net::LoopThread& loop) {
  loop.post([this, &loop] { onLoopStart(loop); });
}

void Publisher::onLoopStart(net::LoopThread& loop) {
  timer_ = std::make_unique<net::Timer>(loop);
  client::ClientSessionConfig config;
  config.mode = client::ClientMode::kPublish;
  config.app = url_.app;
  config.tcUrl = url_.tcUrl;
  config.streamName = url_.stream;
  client::ClientConnection::Events events;
  events.onStarted = [this] {
    state_.store(State::kPublishing, std::memory_order_release);
    t0Ns_ = nowNs();
    pump();
  };
  events.onClosed = [this](const base::Error& reason) { finish(reason); };
  auto opened = client::ClientConnection::open(loop, url_.host, url_.port, std::move(config),
                                               std::move(events));
  if (!opened.ok()) {
    finish(opened.error());
    return;
  }
  connection_ = std::move(*opened);
}

// Sends every tag that is due, then sleeps until the next one.
void Publisher::pump() {
  if (closing_ || !connection_ || !connection_->isOpen()) return;
  const int64_t now = nowNs();
  while (true) {
    const PublishTag& tag = clip_.tags[index_];
    const uint64_t timeMs = tag.time + loop_ * clip_.loopSpanMs;
    const int64_t due = t0Ns_ + static_cast<int64_t>(timeMs) * 1'000'000;
    if (due > now) {
      const int64_t waitMs = (due - now + 999'999) / 1'000'000;
      timer_->start(std::chrono::milliseconds(waitMs), [this] { pump(); });
      return;
    }
    if (loop_ == 0 || !tag.firstLoopOnly) {
      if (tag.type == kVideo) frames_.record(frameKeyOf(tag.payload.span()), nowNs());
      base::Status sent =
          connection_->sendMedia(tag.type, static_cast<uint32_t>(timeMs), tag.payload);
      if (!sent.ok()) {
        connection_->close(sent.error());
        return;
      }
      payloadBytes_.fetch_add(tag.payload.size(), std::memory_order_relaxed);
      messages_.fetch_add(1, std::memory_order_relaxed);
      if (connection_->queuedBytes() > kMaxQueuedBytes) {
        connection_->close(base::Error(base::ErrorCode::kLimitExceeded,
                                       "publisher: server stopped reading (64 MiB queued)"));
        return;
      }
    }
    if (++index_ == clip_.tags.size()) {
      index_ = 0;
      ++loop_;
    }
  }
}

void Publisher::finish(const base::Error& reason) {
  if (!closing_) {
    std::lock_guard<std::mutex> lock(errorMutex_);
    error_ = "publisher: " + reason.toString();
  }
  closing_ = true;
  if (timer_) timer_->stop();
  state_.store(State::kClosed, std::memory_order_release);
}

void Publisher::closeOnLoop() {
  closing_ = true;
  if (timer_) timer_->close();
  connection_.reset();  // closes the socket; no events after this
  state_.store(State::kClosed, std::memory_order_release);
}

}  // namespace rtmp::bench
