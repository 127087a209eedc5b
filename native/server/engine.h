// Engine: the whole server behind one object. Owns the loop pool, the listener,
// the stream registry and the session table. Thread-safe public methods; all
// protocol work happens on loop threads; events leave through the EventSink.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "server/engine_config.h"
#include "server/engine_events.h"
#include "server/engine_stats.h"
#include "server/loop_taps.h"
#include "server/publish_taps.h"

namespace rtmp::server {

class EngineImpl;

class Engine {
 public:
  Engine(EngineConfig config, EventSink sink);
  ~Engine();  // stops if still running
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts the I/O threads and binds the listener. Errors: kAddressInUse, kIo, kInvalidArgument.
  base::Status start();
  // The port actually bound (useful with port 0).
  uint16_t boundPort() const;
  // The RTMPS listener's port (0 when RTMPS is off or not started).
  uint16_t boundTlsPort() const;
  // RTMPS: reads the certificate and key files again. New sessions use them;
  // live sessions are not touched. On error the old certificate stays.
  base::Status reloadTls();

  // Graceful stop, step 1: stop accepting and tell every publisher and player
  // the stream is ending (NetStream.Unpublish.Success / Play.UnpublishNotify +
  // Stream EOF), then close those sessions once their output has drained.
  void beginShutdown();
  // Final stop: close every remaining session, stop and join the threads.
  // Safe to call twice; no event is emitted after it returns.
  void stop();

  // Ends one session with the given reason. Returns false if no such session.
  bool kick(uint64_t sessionId, const std::string& reason);
  // The host's answer to a kAuthorize event (any thread). Returns false if the
  // session is gone; an answer to a request no longer pending is ignored.
  bool answerAuth(uint64_t sessionId, uint64_t requestId, AuthAnswer answer);

  // Addresses banned for failed authorizations (auth.maxFailures), running
  // now; any thread. unban(ip) lifts one (any spelling IpAddress::parse
  // takes); false when that address was not banned or does not parse.
  std::vector<AuthBan> bans();
  bool unban(const std::string& ip);

  // --- Taps that are not sessions (docs/architecture.md, "Taps") ---
  static constexpr int kAnyLoop = -1;
  // Attaches a tap to app/name, published yet or not, on loop `loopIndex`
  // (kAnyLoop: the engine picks, round robin). Any thread: the call posts to
  // that loop, where `factory` builds the tap and it is attached. The tap stays
  // attached across unpublish/republish until detachTap or stop().
  // Returns the tap's id, or 0 if the engine is not running or there is no
  // such loop.
  uint64_t attachTap(const std::string& app, const std::string& name, int loopIndex,
                     TapFactory factory);
  // The same with a stream key "app/name".
  uint64_t attachTap(const std::string& streamKey, int loopIndex, TapFactory factory);
  // Any thread. Posts the detach; onDetached runs on the tap's loop, then the
  // tap is destroyed there. Returns false if the id is unknown (detached
  // already, declined by its factory) or the engine is not running.
  bool detachTap(uint64_t tapId);

  // Publish-scoped taps: `factory` is asked on every publish start, on the
  // publisher's loop, and its tap lives until that publish ends. Any thread,
  // before or after start(); a publish already running is not affected.
  void addPublishTap(std::string name, PublishTapFactory factory);
  bool removePublishTap(const std::string& name);

  EngineStats stats() const;
  uint32_t sessionCount() const;

 private:
  std::unique_ptr<EngineImpl> impl_;
};

}  // namespace rtmp::server
