// The health of one I/O loop, measured by its own housekeeping timer (which
// fires every `periodMs`), so measuring adds no handle and no wake-up:
//
//   lag          how late the timer fired: a loop stuck in a long callback
//                (or starved of CPU) fires it late by that much;
//   idle time    libuv's time spent waiting for I/O (UV_METRICS_IDLE_TIME),
//                a running total: rate() of it is the idle share;
//   utilisation  1 - idle share over the last period (0 = idle, 1 = busy).
//
// sample() runs on the loop thread; snapshot() from any thread (relaxed
// atomics: each field is consistent on its own, which is all a gauge needs).
#pragma once

#include <atomic>
#include <cstdint>

namespace rtmp::server {

struct LoopHealthSnapshot {
  uint32_t index = 0;
  uint64_t lagMs = 0;      // at the last sample
  uint64_t maxLagMs = 0;   // largest since start
  uint64_t idleNs = 0;     // total since the loop started
  double utilisation = 0;  // over the last period, 0..1
  uint64_t samples = 0;    // periods measured (0: no figure yet)
};

class LoopHealth {
 public:
  // Loop thread: the timer was armed at `nowMs` (monotonic) to fire every
  // `periodMs`; the loop has been idle `idleNs` so far.
  void begin(uint64_t nowMs, uint64_t idleNs, uint64_t periodMs) {
    periodMs_ = periodMs;
    lastTickMs_ = nowMs;
    lastIdleNs_ = idleNs;
    idleNs_.store(idleNs, std::memory_order_relaxed);
  }

  // Loop thread: the timer fired at `nowMs`; libuv reports `idleNs` in total.
  void sample(uint64_t nowMs, uint64_t idleNs) {
    const uint64_t elapsedMs = nowMs > lastTickMs_ ? nowMs - lastTickMs_ : 0;
    const uint64_t lag = elapsedMs > periodMs_ ? elapsedMs - periodMs_ : 0;
    const uint64_t idleDelta = idleNs > lastIdleNs_ ? idleNs - lastIdleNs_ : 0;
    double busy = 0;
    if (elapsedMs > 0) {
      busy = 1.0 - static_cast<double>(idleDelta) / (static_cast<double>(elapsedMs) * 1e6);
      busy = busy < 0 ? 0 : (busy > 1 ? 1 : busy);
    }
    lastTickMs_ = nowMs;
    lastIdleNs_ = idleNs;
    lagMs_.store(lag, std::memory_order_relaxed);
    if (lag > maxLagMs_.load(std::memory_order_relaxed)) {
      maxLagMs_.store(lag, std::memory_order_relaxed);
    }
    idleNs_.store(idleNs, std::memory_order_relaxed);
    busyPpm_.store(static_cast<uint64_t>(busy * 1e6 + 0.5), std::memory_order_relaxed);
    samples_.fetch_add(1, std::memory_order_relaxed);
  }

  LoopHealthSnapshot snapshot(uint32_t index) const {
    LoopHealthSnapshot s;
    s.index = index;
    s.lagMs = lagMs_.load(std::memory_order_relaxed);
    s.maxLagMs = maxLagMs_.load(std::memory_order_relaxed);
    s.idleNs = idleNs_.load(std::memory_order_relaxed);
    s.utilisation = static_cast<double>(busyPpm_.load(std::memory_order_relaxed)) / 1e6;
    s.samples = samples_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  // Loop thread only.
  uint64_t periodMs_ = 0;
  uint64_t lastTickMs_ = 0;
  uint64_t lastIdleNs_ = 0;
  // Written on the loop thread, read anywhere.
  std::atomic<uint64_t> lagMs_{0};
  std::atomic<uint64_t> maxLagMs_{0};
  std::atomic<uint64_t> idleNs_{0};
  std::atomic<uint64_t> busyPpm_{0};
  std::atomic<uint64_t> samples_{0};
};

}  // namespace rtmp::server
