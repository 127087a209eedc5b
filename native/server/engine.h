// Engine: the whole server behind one object. Owns the loop pool, the listener,
// the stream registry and the session table. Thread-safe public methods; all
// protocol work happens on loop threads; events leave through the EventSink.
#pragma once

#include <cstdint>
#include <memory>

#include "base/error.h"
#include "server/engine_config.h"
#include "server/engine_events.h"
#include "server/engine_stats.h"

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

  EngineStats stats() const;
  uint32_t sessionCount() const;

 private:
  std::unique_ptr<EngineImpl> impl_;
};

}  // namespace rtmp::server
