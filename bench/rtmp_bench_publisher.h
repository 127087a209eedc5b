// The real-time FLV publisher of rtmp-bench: reads an FLV file, publishes it
// to the URL paced by its tag timestamps against the monotonic clock, and
// loops with timestamps that keep increasing. Video send times go into the
// FrameClock for the latency measurement.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "client/client_connection.h"
#include "client/rtmp_url.h"
#include "net/loop_thread.h"
#include "net/timer.h"
#include "rtmp_bench_frames.h"

namespace rtmp::bench {

struct PublishTag {
  uint8_t type = 0;
  uint32_t time = 0;  // ms from the first tag
  base::Bytes payload;
  bool firstLoopOnly = false;  // metadata and sequence headers
};

struct FlvClip {
  std::vector<PublishTag> tags;
  uint32_t loopSpanMs = 0;  // duration + one frame: the offset added per loop
};

// Reads and indexes the file. Errors name the file and what was wrong.
base::Result<FlvClip> loadFlvClip(const std::string& path);

class Publisher {
 public:
  enum class State : int { kConnecting, kPublishing, kClosed };

  Publisher(FlvClip clip, client::RtmpUrl url, FrameClock& frames);
  ~Publisher();

  // Any thread: connect and publish on `loop`.
  void start(net::LoopThread& loop);
  // Loop thread (post it): stop sending and close.
  void closeOnLoop();

  State state() const { return state_.load(std::memory_order_acquire); }
  uint64_t payloadBytes() const { return payloadBytes_.load(std::memory_order_relaxed); }
  uint64_t messages() const { return messages_.load(std::memory_order_relaxed); }
  // Set when the publisher ended with an error; read after state() is kClosed.
  std::string error() const;

 private:
  void onLoopStart(net::LoopThread& loop);
  void pump();
  void finish(const base::Error& reason);

  FlvClip clip_;
  client::RtmpUrl url_;
  FrameClock& frames_;
  std::atomic<State> state_{State::kConnecting};
  std::atomic<uint64_t> payloadBytes_{0};
  std::atomic<uint64_t> messages_{0};
  mutable std::mutex errorMutex_;
  std::string error_;

  // Loop thread only.
  std::unique_ptr<client::ClientConnection> connection_;
  std::unique_ptr<net::Timer> timer_;
  int64_t t0Ns_ = 0;
  size_t index_ = 0;
  uint64_t loop_ = 0;
  bool closing_ = false;
};

}  // namespace rtmp::bench
