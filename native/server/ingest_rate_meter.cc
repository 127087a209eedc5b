#include "server/ingest_rate_meter.h"

namespace rtmp::server {

void IngestRateMeter::advanceTo(uint64_t second) {
  if (!started_) {
    started_ = true;
    firstSecond_ = second;
    currentSecond_ = second;
    return;
  }
  if (second <= currentSecond_) return;  // same second (or a clock that did not move)
  // Clear the buckets of the seconds skipped over (no bytes then), at most the whole ring.
  const uint64_t steps = second - currentSecond_;
  for (uint64_t i = 1; i <= steps && i <= buckets_.size(); ++i) {
    buckets_[(currentSecond_ + i) % buckets_.size()] = 0;
  }
  currentSecond_ = second;
}

void IngestRateMeter::add(uint64_t bytes, uint64_t nowMs) {
  advanceTo(nowMs / 1000);
  buckets_[currentSecond_ % buckets_.size()] += bytes;
}

uint64_t IngestRateMeter::kbps(uint64_t nowMs) {
  advanceTo(nowMs / 1000);
  if (currentSecond_ - firstSecond_ < kWindowSeconds) return 0;
  uint64_t bytes = 0;
  for (uint64_t s = currentSecond_ - kWindowSeconds; s < currentSecond_; ++s) {
    bytes += buckets_[s % buckets_.size()];
  }
  return bytes * 8 / kWindowSeconds / 1000;
}

}  // namespace rtmp::server
