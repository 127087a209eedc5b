// IngestRateMeter: a publisher's media bitrate over the last few seconds, for
// the per-stream ingest limit. Bytes go into one-second buckets on a ring;
// the rate is their sum over the full window. Pure: the caller passes the
// clock, so it is testable without time passing.
#pragma once

#include <array>
#include <cstdint>

namespace rtmp::server {

class IngestRateMeter {
 public:
  static constexpr uint32_t kWindowSeconds = 5;

  // Media payload bytes received at `nowMs` (monotonic).
  void add(uint64_t bytes, uint64_t nowMs);
  // Average kbit/s over the last kWindowSeconds full seconds, or 0 until the
  // meter has seen that much time (a start-up burst — the first GOP from an
  // encoder's buffer — is not a rate).
  uint64_t kbps(uint64_t nowMs);

 private:
  void advanceTo(uint64_t second);

  // kWindowSeconds complete seconds plus the one filling now.
  std::array<uint64_t, kWindowSeconds + 1> buckets_{};
  uint64_t currentSecond_ = 0;
  uint64_t firstSecond_ = 0;
  bool started_ = false;
};

}  // namespace rtmp::server
