// rtmp-bench: RTMP load tool. Opens N players against a stream (optionally
// published by an in-process real-time FLV publisher), measures delivery,
// late-join times, glass-to-glass latency and the server's CPU/RSS, and
// prints one JSON object. See rtmp_bench_args.cc for the command line.
#include <csignal>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "base/log.h"
#include "net/loop_thread.h"
#include "rtmp_bench_args.h"
#include "rtmp_bench_frames.h"
#include "rtmp_bench_players.h"
#include "rtmp_bench_proc.h"
#include "rtmp_bench_publisher.h"
#include "rtmp_bench_report.h"

namespace rtmp::bench {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

void progress(const char* format, auto... args) {
  std::fprintf(stderr, "[rtmp-bench] ");
  std::fprintf(stderr, format, args...);
  std::fputc('\n', stderr);
}

class Runner {
 public:
  Runner(const BenchOptions& options, std::optional<FlvClip> clip)
      : o_(options), clip_(std::move(clip)) {}

  // Returns the process exit code; fills report_.
  int run();
  RunReport& report() { return report_; }

 private:
  // Sleeps until `t` (steady ns) in short slices; false once the hard
  // deadline has passed.
  bool waitUntil(int64_t t);
  bool timedOut() {
    if (nowNs() >= deadline_) report_.timedOut = true;
    return report_.timedOut;
  }
  void launch(size_t index);
  void tick(const char* phase);
  void teardown();
  void collect();

  const BenchOptions& o_;
  std::optional<FlvClip> clip_;
  RunReport report_;
  int64_t deadline_ = 0;
  int64_t lastTick_ = 0;

  PlayerContext context_;
  FrameClock frames_;
  std::vector<std::unique_ptr<net::LoopThread>> loops_;
  std::vector<std::unique_ptr<LoopSamples>> samples_;
  std::unique_ptr<net::LoopThread> publisherLoop_;
  std::unique_ptr<Publisher> publisher_;
  std::vector<std::unique_ptr<Player>> players_;  // main players, then late joiners
};

bool Runner::waitUntil(int64_t t) {
  while (true) {
    if (timedOut()) return false;
    const int64_t now = nowNs();
    if (now >= t) return true;
    const int64_t slice = std::min<int64_t>({t - now, deadline_ - now, 50'000'000});
    std::this_thread::sleep_for(std::chrono::nanoseconds(slice));
  }
}

void Runner::launch(size_t index) {
  Player* p = players_[index].get();
  net::LoopThread& loop = *loops_[index % loops_.size()];
  loop.post([p, &loop] { p->open(loop); });
}

void Runner::tick(const char* phase) {
  const int64_t now = nowNs();
  if (now - lastTick_ < kSecond) return;
  lastTick_ = now;
  size_t launched = 0, started = 0, ended = 0;
  for (size_t i = 0; i < static_cast<size_t>(o_.players); ++i) {
    launched += players_[i]->launched();
    started += players_[i]->started();
    ended += players_[i]->ended();
  }
  progress("%s: players launched %zu, playing %zu, ended %zu; published %llu messages", phase,
           launched, started, ended,
           publisher_ ? static_cast<unsigned long long>(publisher_->messages()) : 0ull);
}

int Runner::run() {
  const int64_t t0 = nowNs();
  deadline_ = t0 + static_cast<int64_t>(o_.effectiveTimeoutS() * kSecond);
  context_.url = o_.target;
  context_.frames = clip_ ? &frames_ : nullptr;

  for (int i = 0; i < o_.threads; ++i) {
    loops_.push_back(std::make_unique<net::LoopThread>("bench", i));
    samples_.push_back(std::make_unique<LoopSamples>());
    if (base::Status s = loops_.back()->start(); !s.ok()) {
      progress("fatal: cannot start I/O loop: %s", s.error().toString().c_str());
      return 1;
    }
  }
  for (int i = 0; i < o_.players + o_.lateJoiners; ++i) {
    const bool late = i >= o_.players;
    players_.push_back(std::make_unique<Player>(context_, *samples_[i % samples_.size()], late));
  }

  // The publisher first, so that players find the stream.
  if (clip_) {
    publisherLoop_ = std::make_unique<net::LoopThread>("publish");
    if (base::Status s = publisherLoop_->start(); !s.ok()) {
      progress("fatal: cannot start publisher loop: %s", s.error().toString().c_str());
      return 1;
    }
    publisher_ = std::make_unique<Publisher>(std::move(*clip_), o_.target, frames_);
    report_.published = true;
    publisher_->start(*publisherLoop_);
    const int64_t publishDeadline = nowNs() + 10 * kSecond;
    while (publisher_->state() == Publisher::State::kConnecting && nowNs() < publishDeadline &&
           waitUntil(nowNs() + 20'000'000)) {
    }
    if (publisher_->state() != Publisher::State::kPublishing) {
      std::string why = publisher_->error();
      if (why.empty()) why = "publisher: no NetStream.Publish.Start within 10 s";
      progress("fatal: %s", why.c_str());
      report_.errorSamples.push_back(why);
      teardown();
      collect();
      return 1;
    }
    progress("publishing %s", o_.url.c_str());
    // Let the first GOP reach the server before players arrive.
    waitUntil(nowNs() + kSecond / 2);
  }
  if (o_.serverPid) report_.rssBeforeKiB = processRssKiB(*o_.serverPid);

  // Ramp: players at the requested rate.
  const int64_t rampStart = nowNs();
  const double interval = kSecond / o_.rampPerSecond;
  for (int i = 0; i < o_.players; ++i) {
    if (!waitUntil(rampStart + static_cast<int64_t>(i * interval))) break;
    launch(i);
    tick("ramp");
  }
  // Every player playing (or ended), bounded.
  const int64_t settleDeadline = nowNs() + 15 * kSecond;
  while (!timedOut() && nowNs() < settleDeadline) {
    bool settled = true;
    for (int i = 0; i < o_.players && settled; ++i) {
      settled = players_[i]->started() || players_[i]->ended();
    }
    if (settled) break;
    waitUntil(nowNs() + 20'000'000);
    tick("starting");
  }
  progress("ramp done in %.1f s; warmup %.1f s", (nowNs() - rampStart) / 1e9, o_.warmupS);
  waitUntil(nowNs() + static_cast<int64_t>(o_.warmupS * kSecond));

  // The measurement window.
  if (!timedOut()) {
    std::vector<uint64_t> startBytes;
    for (int i = 0; i < o_.players; ++i) startBytes.push_back(players_[i]->mediaBytes());
    const uint64_t pubBytes0 = publisher_ ? publisher_->payloadBytes() : 0;
    const uint64_t pubMsgs0 = publisher_ ? publisher_->messages() : 0;
    std::optional<double> cpu0;
    if (o_.serverPid) cpu0 = processCpuSeconds(*o_.serverPid);
    const double self0 = selfCpuSeconds();
    context_.measuring.store(true);
    const int64_t windowStart = nowNs();
    const int64_t windowEnd = windowStart + static_cast<int64_t>(o_.durationS * kSecond);

    // Late joiners at random moments of the first 80% of the window.
    std::mt19937_64 rng(std::random_device{}());
    std::uniform_real_distribution<double> when(0, 0.8 * o_.durationS * kSecond);
    std::vector<int64_t> joins;
    for (int k = 0; k < o_.lateJoiners; ++k) joins.push_back(windowStart + when(rng));
    std::sort(joins.begin(), joins.end());
    for (size_t k = 0; k < joins.size(); ++k) {
      if (!waitUntil(joins[k])) break;
      launch(o_.players + k);
      ++report_.lateJoiners;
      tick("window");
    }
    while (nowNs() < windowEnd && waitUntil(std::min(windowEnd, nowNs() + 200'000'000))) {
      tick("window");
    }

    const int64_t stop = std::min(nowNs(), windowEnd);
    context_.measuring.store(false);
    report_.windowS = (stop - windowStart) / 1e9;
    report_.windowMeasured = true;
    for (int i = 0; i < o_.players; ++i) {
      report_.perPlayerBytes.push_back(players_[i]->mediaBytes() - startBytes[i]);
    }
    if (publisher_) {
      report_.publishBytes = publisher_->payloadBytes() - pubBytes0;
      report_.publishMessages = publisher_->messages() - pubMsgs0;
    }
    if (o_.serverPid) {
      auto cpu1 = processCpuSeconds(*o_.serverPid);
      if (cpu0 && cpu1) report_.serverCpuS = *cpu1 - *cpu0;
      report_.rssKiB = processRssKiB(*o_.serverPid);
    }
    progress("window %.1f s; tool CPU %.1f%% of one core", report_.windowS,
             report_.windowS > 0 ? (selfCpuSeconds() - self0) / report_.windowS * 100 : 0.0);
  }
  teardown();
  collect();
  return 0;
}

void Runner::teardown() {
  for (size_t i = 0; i < players_.size(); ++i) {
    Player* p = players_[i].get();
    loops_[i % loops_.size()]->post([p] { p->closeOnLoop(); });
  }
  if (publisher_) {
    Publisher* pub = publisher_.get();
    publisherLoop_->post([pub] { pub->closeOnLoop(); });
  }
  // Give the close tasks a moment, then stop every loop (which closes
  // whatever is left and joins the threads).
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (auto& loop : loops_) loop->stop();
  if (publisherLoop_) publisherLoop_->stop();
}

// After teardown: the loops are stopped, so everything is readable.
void Runner::collect() {
  for (const auto& p : players_) {
    report_.opened += p->launched();
    report_.playStart += p->started();
    report_.keyframe += p->gotKeyframe();
    report_.errors += p->errored();
    report_.closedEarly += p->closedEarly();
  }
  if (publisher_ && !publisher_->error().empty()) {
    const std::string e = publisher_->error();
    if (std::find(report_.errorSamples.begin(), report_.errorSamples.end(), e) ==
        report_.errorSamples.end()) {
      report_.errorSamples.push_back(e);
    }
  }
  uint64_t misses = 0;
  for (auto& s : samples_) {
    std::lock_guard<std::mutex> lock(s->mutex);
    report_.latencyMs.insert(report_.latencyMs.end(), s->latencyMs.begin(), s->latencyMs.end());
    report_.connectToStartMs.insert(report_.connectToStartMs.end(), s->connectToStartMs.begin(),
                                    s->connectToStartMs.end());
    report_.playToKeyframeMs.insert(report_.playToKeyframeMs.end(), s->playToKeyframeMs.begin(),
                                    s->playToKeyframeMs.end());
    for (const std::string& e : s->errors) {
      if (report_.errorSamples.size() < 5 &&
          std::find(report_.errorSamples.begin(), report_.errorSamples.end(), e) ==
              report_.errorSamples.end()) {
        report_.errorSamples.push_back(e);
      }
    }
    misses += s->latencyMisses;
  }
  if (misses > 0)
    progress("%llu video frames had no matching publisher key", (unsigned long long)misses);
  if (report_.errorSamples.size() > 5) report_.errorSamples.resize(5);
}

}  // namespace
}  // namespace rtmp::bench

int main(int argc, char** argv) {
  using namespace rtmp;
  std::signal(SIGPIPE, SIG_IGN);  // a server closing on us is an error value, not a signal
  auto options = bench::parseArgs(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "rtmp-bench: %s\n%s", options.error().message().c_str(), bench::usage());
    return 2;
  }
  if (options->help) {
    std::fputs(bench::usage(), stdout);
    return 0;
  }
  base::setLogLevel(base::LogLevel::kWarn);
  std::optional<bench::FlvClip> clip;
  if (!options->publishFile.empty()) {
    auto loaded = bench::loadFlvClip(options->publishFile);
    if (!loaded.ok()) {
      std::fprintf(stderr, "rtmp-bench: fatal: %s\n", loaded.error().toString().c_str());
      return 1;
    }
    clip = std::move(*loaded);
  }
  bench::Runner runner(*options, std::move(clip));
  const int code = runner.run();
  std::string json = bench::renderJson(*options, runner.report());
  std::fputs(json.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
  return code;
}
