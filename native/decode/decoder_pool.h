// DecoderPool: the decode threads (DESIGN.md: "decode workers", never the I/O
// loops). Each stream's work is a serial queue (StreamDecoder, a strand): at
// most one worker runs a given stream at a time, so a stream's decoder state
// needs no lock, and a worker takes one batch of a stream then lets the next
// ready stream have its turn.
//
//   tap on a loop ──push (bounded, never waits)──▶ StreamDecoder queue
//                                                      │ ready list (FIFO)
//                          worker 1..N ◀───────────────┘
//                            decode → convert per output format → Subscription queues
//
// stop() (or the destructor) joins the workers; queued work is discarded and
// no stream runs again. Streams and subscriptions may outlive the pool (a tap
// on a loop may still push: it is ignored).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "decode/hw_device.h"
#include "decode/stream_decoder.h"

namespace rtmp::decode {

struct PoolConfig {
  uint32_t threads = 0;  // 0: one per core (at least 1)
  InputLimits input;
  int threadsPerDecoder = 1;  // libavcodec slice threads per decoder
  HwAccelConfig hwaccel;      // default "none": software only
};

// Shared by the pool and its streams (streams may outlive the pool object).
class PoolCore {
 public:
  // Puts a stream on the ready list (no-op once stopped).
  void schedule(std::shared_ptr<StreamDecoder> stream);
  void start(uint32_t threads);
  void stop();
  bool stopped() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::shared_ptr<StreamDecoder>> queue_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

class DecoderPool {
 public:
  explicit DecoderPool(PoolConfig config = {});
  ~DecoderPool();
  DecoderPool(const DecoderPool&) = delete;
  DecoderPool& operator=(const DecoderPool&) = delete;

  // A new stream decoder (one per stream). `name` is for logs and errors.
  std::shared_ptr<StreamDecoder> createStream(std::string name);
  // Joins the workers. Safe to call twice.
  void stop();

  uint32_t threads() const { return threads_; }
  // The pool's hardware device (one for every stream); null for "none".
  const std::shared_ptr<HwDevice>& hwDevice() const { return hw_; }

 private:
  PoolConfig config_;
  uint32_t threads_ = 0;
  std::shared_ptr<PoolCore> core_;
  std::shared_ptr<HwDevice> hw_;
};

}  // namespace rtmp::decode
