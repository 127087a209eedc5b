// The players of rtmp-bench. Each lives on one of the tool's loops; the main
// thread reads their counters (atomics) and asks loops to open/close them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/client_connection.h"
#include "client/rtmp_url.h"
#include "net/loop_thread.h"
#include "rtmp_bench_frames.h"

namespace rtmp::bench {

// What the players of one loop measured; guarded by its mutex (the loop
// writes, the main thread reads at the end).
struct LoopSamples {
  std::mutex mutex;
  std::vector<double> latencyMs;         // video frames received in the window
  std::vector<double> connectToStartMs;  // late joiners
  std::vector<double> playToKeyframeMs;  // late joiners
  std::vector<std::string> errors;       // distinct, at most a few
  uint64_t latencyMisses = 0;            // video frames with no matching key
};

// Shared by every player of the run.
struct PlayerContext {
  client::RtmpUrl url;
  const FrameClock* frames = nullptr;  // nullptr: no in-process publisher
  std::atomic<bool> measuring{false};
};

class Player {
 public:
  Player(PlayerContext& context, LoopSamples& samples, bool lateJoiner);
  ~Player();

  // Loop thread.
  void open(net::LoopThread& loop);
  void closeOnLoop();

  bool lateJoiner() const { return lateJoiner_; }
  uint64_t mediaBytes() const { return mediaBytes_.load(std::memory_order_relaxed); }
  bool launched() const { return launched_.load(std::memory_order_acquire); }
  bool started() const { return started_.load(std::memory_order_acquire); }
  bool gotKeyframe() const { return keyframe_.load(std::memory_order_acquire); }
  bool ended() const { return ended_.load(std::memory_order_acquire); }
  bool errored() const { return errored_.load(std::memory_order_acquire); }
  bool closedEarly() const { return closedEarly_.load(std::memory_order_acquire); }

 private:
  void onMedia(uint8_t typeId, const base::Bytes& payload);
  void onClosed(const base::Error& reason);
  void recordError(const std::string& text);

  PlayerContext& context_;
  LoopSamples& samples_;
  const bool lateJoiner_;
  std::atomic<uint64_t> mediaBytes_{0};
  std::atomic<bool> launched_{false};
  std::atomic<bool> started_{false};
  std::atomic<bool> keyframe_{false};
  std::atomic<bool> ended_{false};
  std::atomic<bool> errored_{false};
  std::atomic<bool> closedEarly_{false};

  // Loop thread only.
  std::unique_ptr<client::ClientConnection> connection_;
  int64_t openNs_ = 0;
  int64_t playSentNs_ = 0;
  bool closingByUs_ = false;
};

}  // namespace rtmp::bench
