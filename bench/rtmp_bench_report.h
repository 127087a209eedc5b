// What one rtmp-bench run measured, and its JSON rendering (the output
// contract; see docs of the tool in rtmp_bench_args.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtmp_bench_args.h"

namespace rtmp::bench {

struct RunReport {
  bool timedOut = false;
  uint64_t opened = 0, playStart = 0, keyframe = 0, errors = 0, closedEarly = 0;
  std::vector<std::string> errorSamples;

  double windowS = 0;  // measured window length (shorter when timed out)
  bool windowMeasured = false;
  std::vector<double> perPlayerBytes;  // main players' media bytes in the window

  bool published = false;  // in-process publisher
  uint64_t publishBytes = 0, publishMessages = 0;

  std::vector<double> connectToStartMs, playToKeyframeMs;
  uint64_t lateJoiners = 0;
  std::vector<double> latencyMs;

  std::optional<double> serverCpuS;  // utime+stime over the window
  std::optional<double> rssBeforeKiB, rssKiB;
};

std::string renderJson(const BenchOptions& options, RunReport& report);

}  // namespace rtmp::bench
