// ideal-relay: the least work an RTMP relay can do, as the floor the engine
// is measured against in the fan-out benchmark (bench/fanout/).
//
//   ideal-relay --port P [--host 127.0.0.1] [--merge-ms M] [--no-gop-cache]
//
// One loop thread, one stream: whatever app/name is published, every player
// gets it. Each media message is chunk-encoded once and the same bytes are
// written to every player (see ideal_relay_stream.h for the delivery modes).
// Prints "listening <port>" on stdout once it accepts connections; SIGINT or
// SIGTERM stops it cleanly, with a one-line summary on stderr.
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <string>

#include "base/log.h"
#include "ideal_relay_session.h"
#include "ideal_relay_stream.h"
#include "net/listener.h"
#include "net/loop_pool.h"

namespace {

using namespace rtmp;

struct Args {
  std::string host = "127.0.0.1";
  int port = -1;
  uint32_t mergeMs = 0;
  bool gopCache = true;
};

void usage() {
  std::fprintf(stderr,
               "usage: ideal-relay --port P [--host H] [--merge-ms M] [--no-gop-cache]\n"
               "  --port P        TCP port to listen on (0: any; the real one is printed)\n"
               "  --host H        numeric address to bind (default 127.0.0.1)\n"
               "  --merge-ms M    flush players every M ms with one gathered write (default 0:\n"
               "                  one write per message per player)\n"
               "  --no-gop-cache  players start at the next keyframe instead of the last one\n");
}

bool parseNumber(const char* text, long min, long max, long& out) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
    return false;
  }
  out = value;
  return true;
}

bool parseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    long number = 0;
    if (arg == "--port" && hasValue && parseNumber(argv[++i], 0, 65535, number)) {
      args.port = static_cast<int>(number);
    } else if (arg == "--host" && hasValue) {
      args.host = argv[++i];
    } else if (arg == "--merge-ms" && hasValue && parseNumber(argv[++i], 0, 10000, number)) {
      args.mergeMs = static_cast<uint32_t>(number);
    } else if (arg == "--no-gop-cache") {
      args.gopCache = false;
    } else {
      std::fprintf(stderr, "ideal-relay: bad argument '%s'\n", arg.c_str());
      return false;
    }
  }
  if (args.port < 0) {
    std::fprintf(stderr, "ideal-relay: --port is required\n");
    return false;
  }
  return true;
}

void logToStderr(const base::LogLine& line, void*) {
  std::fprintf(stderr, "ideal-relay %.*s: %.*s\n", static_cast<int>(line.component.size()),
               line.component.data(), static_cast<int>(line.message.size()), line.message.data());
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parseArgs(argc, argv, args)) {
    usage();
    return 2;
  }
  base::setLogSink(&logToStderr, nullptr);
  base::setLogLevel(base::LogLevel::kWarn);

  // libuv does not ignore SIGPIPE: a player that vanishes mid-write must not
  // kill the process. SIGINT/SIGTERM are blocked in every thread (the loop
  // inherits the mask) and taken synchronously by main with sigwait.
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  net::LoopPool pool(net::LoopPoolOptions{.threads = 1, .name = "ideal"});
  if (base::Status started = pool.start(); !started.ok()) {
    std::fprintf(stderr, "ideal-relay: %s\n", started.error().toString().c_str());
    return 1;
  }

  // The stream (and its merge timer) is born on the loop thread.
  std::unique_ptr<bench::IdealStream> stream;
  {
    std::promise<void> created;
    bench::IdealStreamOptions options;
    options.mergeMs = args.mergeMs;
    options.gopCache = args.gopCache;
    pool.at(0).post([&] {
      stream = std::make_unique<bench::IdealStream>(pool.at(0), options);
      created.set_value();
    });
    created.get_future().wait();
  }

  net::ListenOptions listenOptions;
  listenOptions.host = args.host;
  listenOptions.port = static_cast<uint16_t>(args.port);
  auto listener = net::Listener::listen(pool, listenOptions, [&](net::Connection& connection) {
    bench::RelaySession::start(connection, *stream);
  });
  if (!listener.ok()) {
    std::fprintf(stderr, "ideal-relay: %s\n", listener.error().toString().c_str());
    pool.stop();
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>((*listener)->port()));
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stopSignals, &signal);

  (*listener)->close();
  // Closes every connection (each session removes itself in onClose) and the
  // merge timer, then joins the loop; nothing runs on it afterwards.
  pool.stop();
  const bench::IdealStreamStats& stats = stream->stats();
  std::fprintf(stderr,
               "ideal-relay: stopped by signal %d; messages in %llu, encoded bytes %llu, "
               "writes %llu, peak players %zu, closed for queue %llu\n",
               signal, static_cast<unsigned long long>(stats.messagesIn),
               static_cast<unsigned long long>(stats.bytesEncoded),
               static_cast<unsigned long long>(stats.writes), stats.playersPeak,
               static_cast<unsigned long long>(stats.playersClosedForQueue));
  return 0;
}
