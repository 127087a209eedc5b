// rtmp-bench command line (the contract the harness scripts rely on; see
// usage() in rtmp_bench_args.cc).
#pragma once

#include <optional>
#include <string>

#include "base/error.h"
#include "client/rtmp_url.h"

namespace rtmp::bench {

struct BenchOptions {
  std::string url;
  client::RtmpUrl target;
  int players = 1;
  double rampPerSecond = 250;
  std::string publishFile;  // empty: someone else publishes
  std::optional<double> publishKbps;
  double warmupS = 2;
  double durationS = 10;
  int lateJoiners = 20;
  std::optional<int> serverPid;
  int threads = 1;
  std::optional<double> timeoutS;
  bool help = false;

  // The hard cap: --timeout or ramp time + warmup + duration + 30.
  double effectiveTimeoutS() const;
};

// kInvalidArgument with a one-line reason for anything wrong.
base::Result<BenchOptions> parseArgs(int argc, char** argv);
const char* usage();

}  // namespace rtmp::bench
