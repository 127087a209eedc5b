// PartialBytesBudget: one engine-wide bound on the bytes all connections hold
// in incomplete RTMP messages. Each ChunkReader caps its own reassembly
// buffers (32 MiB), but a thousand connections may each sit just under that
// cap: this bound is what keeps their sum finite. Sessions on any loop report
// what they hold after each read; when the sum passes the limit, the session
// that holds the most is closed (Session::trackPartialBytes), so one hoarder
// cannot push out the many that hold a little.
#pragma once

#include <atomic>
#include <cstdint>

namespace rtmp::server {

class PartialBytesBudget {
 public:
  // limit 0 = no engine-wide bound (the per-connection caps still apply).
  explicit PartialBytesBudget(uint64_t limit) : limit_(limit) {}

  // A session that held `before` bytes now holds `now`. Any thread. Returns
  // true when the engine-wide sum is over the limit after the change.
  bool update(uint64_t before, uint64_t now) {
    const uint64_t total =
        now >= before ? total_.fetch_add(now - before, std::memory_order_relaxed) + (now - before)
                      : total_.fetch_sub(before - now, std::memory_order_relaxed) - (before - now);
    return limit_ != 0 && total > limit_;
  }
  uint64_t total() const { return total_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> total_{0};
};

}  // namespace rtmp::server
