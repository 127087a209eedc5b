#include "rtmp_bench_args.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <string_view>

namespace rtmp::bench {

namespace {

base::Error bad(std::string text) {
  return base::Error(base::ErrorCode::kInvalidArgument, std::move(text));
}

base::Result<double> number(std::string_view flag, std::string_view text, double lo, double hi) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return bad(std::string(flag) + ": not a number: \"" + std::string(text) + "\"");
  }
  if (v < lo || v > hi) {
    return bad(std::string(flag) + ": " + std::string(text) + " outside " + std::to_string(lo) +
               ".." + std::to_string(hi));
  }
  return v;
}

base::Result<int> integer(std::string_view flag, std::string_view text, int lo, int hi) {
  RTMP_ASSIGN(double v, number(flag, text, lo, hi));
  if (v != std::floor(v)) return bad(std::string(flag) + ": not an integer");
  return static_cast<int>(v);
}

}  // namespace

double BenchOptions::effectiveTimeoutS() const {
  if (timeoutS) return *timeoutS;
  return players / rampPerSecond + warmupS + durationS + 30;
}

const char* usage() {
  return "usage: rtmp-bench --url rtmp://HOST:PORT/APP/STREAM [options]\n"
         "  --players N          concurrent players (default 1, max 5000)\n"
         "  --ramp RATE          new player connections per second (default 250)\n"
         "  --publish FILE.flv   publish this FLV in real time, looping\n"
         "  --publish-kbps K     without --publish: nominal publish rate for \"behind\"\n"
         "  --warmup S           seconds after the last Play.Start before measuring (default 2)\n"
         "  --duration S         measurement window in seconds (default 10)\n"
         "  --late-joiners K     players joining at random moments in the window (default 20)\n"
         "  --server-pid PID     sample the server's CPU and RSS from /proc\n"
         "  --threads T          I/O loops for the players (default 1)\n"
         "  --timeout S          hard cap for the run (default ramp+warmup+duration+30)\n"
         "Progress goes to stderr; one JSON object to stdout. Exit 0 when the run\n"
         "completed, 2 on bad arguments, 1 on a fatal setup failure.\n";
}

base::Result<BenchOptions> parseArgs(int argc, char** argv) {
  BenchOptions o;
  bool haveUrl = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return o;
    }
    std::string_view value;
    bool inlineValue = false;
    if (size_t eq = arg.find('='); arg.substr(0, 2) == "--" && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inlineValue = true;
    }
    static constexpr std::string_view kFlags[] = {
        "--url",      "--players",      "--ramp",       "--publish", "--publish-kbps", "--warmup",
        "--duration", "--late-joiners", "--server-pid", "--threads", "--timeout"};
    if (std::find(std::begin(kFlags), std::end(kFlags), arg) == std::end(kFlags)) {
      return bad("unknown option " + std::string(arg));
    }
    auto takeValue = [&]() -> base::Result<std::string_view> {
      if (inlineValue) return value;
      if (i + 1 >= argc) return bad(std::string(arg) + " needs a value");
      return std::string_view(argv[++i]);
    };
    RTMP_ASSIGN(std::string_view v, takeValue());
    if (arg == "--url") {
      o.url = std::string(v);
      RTMP_ASSIGN(o.target, client::parseRtmpUrl(v));
      if (o.target.stream.empty())
        return bad("--url: no stream name (rtmp://HOST:PORT/APP/STREAM)");
      haveUrl = true;
    } else if (arg == "--players") {
      RTMP_ASSIGN(o.players, integer(arg, v, 0, 5000));
    } else if (arg == "--ramp") {
      RTMP_ASSIGN(o.rampPerSecond, number(arg, v, 0.1, 100000));
    } else if (arg == "--publish") {
      if (v.empty()) return bad("--publish: empty file name");
      o.publishFile = std::string(v);
    } else if (arg == "--publish-kbps") {
      RTMP_ASSIGN(o.publishKbps, number(arg, v, 0, 10'000'000));
    } else if (arg == "--warmup") {
      RTMP_ASSIGN(o.warmupS, number(arg, v, 0, 3600));
    } else if (arg == "--duration") {
      RTMP_ASSIGN(o.durationS, number(arg, v, 0.1, 86400));
    } else if (arg == "--late-joiners") {
      RTMP_ASSIGN(o.lateJoiners, integer(arg, v, 0, 5000));
    } else if (arg == "--server-pid") {
      RTMP_ASSIGN(o.serverPid, integer(arg, v, 1, 1 << 30));
    } else if (arg == "--threads") {
      RTMP_ASSIGN(o.threads, integer(arg, v, 1, 64));
    } else if (arg == "--timeout") {
      RTMP_ASSIGN(o.timeoutS, number(arg, v, 0.1, 86400));
    } else {
      return bad("unknown option " + std::string(arg));
    }
  }
  if (!haveUrl) return bad("--url is required");
  if (!o.publishFile.empty() && o.publishKbps) {
    return bad("--publish-kbps applies only without --publish");
  }
  return o;
}

}  // namespace rtmp::bench
