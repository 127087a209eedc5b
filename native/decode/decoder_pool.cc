#include "decode/decoder_pool.h"

#ifdef __linux__
#include <pthread.h>
#endif

#include <algorithm>
#include <string>

#include "decode/ffmpeg_log.h"

namespace rtmp::decode {

void PoolCore::schedule(std::shared_ptr<StreamDecoder> stream) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(stream));
  }
  ready_.notify_one();
}

void PoolCore::start(uint32_t threads) {
  for (uint32_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this, i] {
#ifdef __linux__
      // Named so an operator (top -H, /proc/<pid>/task) can tell them apart.
      std::string name = "rtmp-decode-" + std::to_string(i);
      name.resize(std::min<size_t>(name.size(), 15));  // kernel limit
      pthread_setname_np(pthread_self(), name.c_str());
#endif
      run();
    });
  }
}

void PoolCore::stop() {
  std::deque<std::shared_ptr<StreamDecoder>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    dropped.swap(queue_);
  }
  // Streams still on the ready list are released here, outside the lock.
}

bool PoolCore::stopped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

void PoolCore::run() {
  for (;;) {
    std::shared_ptr<StreamDecoder> stream;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      stream = std::move(queue_.front());
      queue_.pop_front();
    }
    stream->runBatch();
  }
}

DecoderPool::DecoderPool(PoolConfig config) : config_(config), core_(std::make_shared<PoolCore>()) {
  routeFfmpegLogs();  // e.g. a hardware device that does not open says why at error level
  if (config_.hwaccel.type != "none") hw_ = std::make_shared<HwDevice>(config_.hwaccel);
  threads_ = config.threads != 0 ? config.threads : std::thread::hardware_concurrency();
  if (threads_ == 0) threads_ = 1;
  core_->start(threads_);
}

DecoderPool::~DecoderPool() {
  stop();
}

std::shared_ptr<StreamDecoder> DecoderPool::createStream(std::string name) {
  return std::make_shared<StreamDecoder>(core_, std::move(name), config_.input,
                                         config_.threadsPerDecoder, hw_);
}

void DecoderPool::stop() {
  core_->stop();
}

}  // namespace rtmp::decode
