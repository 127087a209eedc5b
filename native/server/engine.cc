#include "server/engine.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "base/clock.h"
#include "base/log.h"
#include "net/listener.h"
#include "net/loop_pool.h"
#include "server/banned_answer_budget.h"
#include "server/engine_connection.h"
#include "server/loop_context.h"
#include "server/pending_connections.h"
#include "server/session_table.h"
#include "server/stream_registry.h"
#include "tls/tls_context.h"

namespace rtmp::server {

class EngineImpl {
 public:
  EngineImpl(EngineConfig config, EventSink sink)
      : config_(std::move(config)),
        registry_(config_.streams),
        authFailures_(config_.authFailures),
        pending_(PendingBudget{config_.maxPendingConnections, config_.maxPendingPerIp}),
        env_{config_,         registry_,          table_,
             std::move(sink), &base::monotonicMs, &base::wallClockMs,
             &ipRules_,       &authFailures_} {
    env_.publishTaps = &publishTaps_;
    env_.partialBytes = &partialBytes_;
    env_.closeSession = [this](uint64_t sessionId, LimitKind limit, const base::Error& reason) {
      onSession(sessionId,
                [limit, reason](Session& session) { session.closeOverLimit(limit, reason); });
    };
    env_.pending = &pending_;
    env_.refusals = &refusals_;
    env_.doorCounts = &doorCounts_;
  }

  ~EngineImpl() { stop(); }

  base::Status start() {
    std::lock_guard<std::mutex> lock(lifecycle_);
    if (started_) return base::Error(base::ErrorCode::kInvalidArgument, "engine already started");
    // Before any session exists: sessions read the rules without a lock.
    auto rules = IpRules::build(config_.ipRules, config_.ipDefaultAllow);
    if (!rules.ok()) return std::move(rules).error().context("ipRules");
    ipRules_ = std::move(rules).value();
    RTMP_TRY(AuthFailureLimiter::validateExempt(config_.authFailures.exemptCidrs));
    if (config_.rtmps) {
      auto context = loadTlsContext();
      if (!context.ok()) return std::move(context).error();
      setTlsContext(std::move(context).value());
    }
    net::LoopPoolOptions poolOptions;
    poolOptions.threads = config_.ioThreads;
    poolOptions.name = "rtmp-io";
    pool_ = std::make_unique<net::LoopPool>(poolOptions);
    RTMP_TRY(pool_->start());
    for (size_t i = 0; i < pool_->size(); ++i) {
      contexts_.push_back(std::make_unique<LoopContext>(pool_->at(i), registry_));
    }
    for (auto& context : contexts_) {
      LoopContext* c = context.get();
      c->post([c, mergeMs = config_.mergeWritesMs] {
        c->startHousekeeping(1'000);
        c->startWriteBatching(mergeMs);
      });
    }
    net::ListenOptions listenOptions;
    listenOptions.host = config_.host;
    listenOptions.port = config_.port;
    auto listener = net::Listener::listen(
        *pool_, listenOptions, [this](net::Connection& connection) { onAccepted(connection); },
        [this](const net::SocketAddress& peer) { return acceptPeer(peer); });
    auto undo = [this] {
      listener_.reset();
      pool_->stop();
      contexts_.clear();
      pool_.reset();
    };
    if (!listener.ok()) {
      undo();
      return std::move(listener).error();
    }
    listener_ = std::move(listener).value();
    if (config_.rtmps) {
      net::ListenOptions tlsOptions;
      tlsOptions.host = config_.rtmpsHost;
      tlsOptions.port = config_.rtmpsPort;
      auto tlsListener = net::Listener::listen(
          *pool_, tlsOptions,
          [this](net::Connection& connection) { onAccepted(connection, tlsContext()); },
          [this](const net::SocketAddress& peer) { return acceptPeer(peer); });
      if (!tlsListener.ok()) {
        undo();
        return std::move(tlsListener).error().context("rtmps");
      }
      tlsListener_ = std::move(tlsListener).value();
    }
    {
      std::lock_guard<std::mutex> taps(tapsMutex_);  // attachTap may post from now on
      for (auto& context : contexts_) tapContexts_.push_back(context.get());
    }
    started_ = true;
    base::log(base::LogLevel::kInfo, "engine",
              "listening on " + config_.host + ":" + std::to_string(listener_->port()) +
                  (tlsListener_ ? " (RTMPS on " + config_.rtmpsHost + ":" +
                                      std::to_string(tlsListener_->port()) + ")"
                                : std::string()) +
                  " with " + std::to_string(pool_->size()) + " I/O threads");
    return base::okStatus();
  }

  uint16_t boundTlsPort() const {
    std::lock_guard<std::mutex> lock(lifecycle_);
    return tlsListener_ ? tlsListener_->port() : 0;
  }

  // Reads the certificate and key again; new RTMPS sessions use them, live
  // ones keep the context they started with.
  base::Status reloadTls() {
    if (!config_.rtmps)
      return base::Error(base::ErrorCode::kInvalidArgument, "RTMPS is not enabled");
    auto context = loadTlsContext();
    if (!context.ok()) return std::move(context).error();
    setTlsContext(std::move(context).value());
    base::log(base::LogLevel::kInfo, "engine",
              "TLS certificate reloaded from " + config_.tlsCertFile);
    return base::okStatus();
  }

  uint16_t boundPort() const {
    std::lock_guard<std::mutex> lock(lifecycle_);
    return listener_ ? listener_->port() : 0;
  }

  void beginShutdown() {
    std::lock_guard<std::mutex> lock(lifecycle_);
    if (!started_) return;
    if (listener_) listener_->close();
    if (tlsListener_) tlsListener_->close();
    for (auto& context : contexts_) {
      LoopContext* c = context.get();
      c->post([c] { c->forEach([](EngineConnection& conn) { conn.session().beginShutdown(); }); });
    }
  }

  void stop() {
    std::lock_guard<std::mutex> lock(lifecycle_);
    if (!started_) return;
    started_ = false;
    if (listener_) listener_->close();
    if (tlsListener_) tlsListener_->close();
    // Host-attached taps leave first (each hears onDetached on its loop): no
    // attach can be posted after closeTaps(), and these posts run before the
    // loops shut down.
    closeTaps();
    for (auto& context : contexts_) {
      LoopContext* c = context.get();
      c->post([c] { c->taps().detachAll(); });
    }
    // Closing every connection runs each session's onClosed on its loop (they
    // leave their streams and report), then the threads are joined.
    pool_->stop(base::Error(base::ErrorCode::kClosed, "server stopped"));
    listener_.reset();
    tlsListener_.reset();
    contexts_.clear();
    pool_.reset();
  }

  bool answerAuth(uint64_t sessionId, uint64_t requestId, AuthAnswer answer) {
    return onSession(sessionId, [requestId, answer = std::move(answer)](Session& session) {
      session.onAuthAnswer(requestId, answer);
    });
  }

  bool kick(uint64_t sessionId, const std::string& reason) {
    return onSession(sessionId, [reason](Session& session) {
      session.terminate(base::Error(base::ErrorCode::kClosed, reason));
    });
  }

  std::vector<AuthBan> bans() {
    return authFailures_.bans(static_cast<int64_t>(base::monotonicMs()));
  }

  bool unban(const std::string& text) {
    auto ip = IpAddress::parse(text);
    if (!ip.ok()) return false;
    if (!authFailures_.unban(*ip, static_cast<int64_t>(base::monotonicMs()))) return false;
    const std::string address = ip->toString();
    base::log(base::LogLevel::kInfo, "engine", base::LogContext{.ip = address},
              "ban on " + address + " lifted by the host");
    return true;
  }

  EngineStats stats() const {
    EngineStats s;
    s.sessions = table_.snapshot();
    s.streams = registry_.snapshot();
    s.acceptedTotal = accepted_.load(std::memory_order_relaxed);
    s.limitRefusals = refusals_.snapshot();
    s.handshakeFailures = doorCounts_.handshakeFailures();
    s.ipRefusals = doorCounts_.ipRefusals();
    // A banned address is refused at accept, counted once as the authBan limit;
    // the IP view lists the same refusals under the ban rule.
    s.ipRefusals[static_cast<size_t>(IpRefusal::kBan)][static_cast<size_t>(IpAction::kConnect)] =
        refusals_.of(LimitKind::kAuthBan);
    std::lock_guard<std::mutex> lock(lifecycle_);
    s.ioThreads = pool_ ? static_cast<uint32_t>(pool_->size()) : 0;
    for (const auto& context : contexts_) s.loops.push_back(context->health());
    return s;
  }

  uint32_t sessionCount() const { return static_cast<uint32_t>(table_.size()); }

  // attachTap/detachTap take only tapsMutex_, never lifecycle_: a tap may
  // call them from its own loop, even while stop() holds lifecycle_ and joins
  // that loop. They post while holding tapsMutex_, so once closeTaps() has run
  // nothing more reaches a loop and every LoopContext posted to is still alive.
  uint64_t attachTap(const std::string& app, const std::string& name, int loopIndex,
                     TapFactory factory) {
    if (!factory) return 0;
    std::lock_guard<std::mutex> taps(tapsMutex_);
    const size_t loops = tapContexts_.size();
    if (loops == 0) return 0;  // not running
    size_t index = 0;
    if (loopIndex == Engine::kAnyLoop) {
      index = nextTapLoop_++ % loops;
    } else if (loopIndex >= 0 && static_cast<size_t>(loopIndex) < loops) {
      index = static_cast<size_t>(loopIndex);
    } else {
      return 0;
    }
    LoopContext* context = tapContexts_[index];
    const uint64_t id = nextTapId_++;
    const bool posted = context->post([this, context, id, app, name, factory = std::move(factory)] {
      if (context->taps().attach(id, app, name, factory)) return;
      std::lock_guard<std::mutex> declined(tapsMutex_);  // forget the id
      tapLoops_.erase(id);
    });
    if (!posted) return 0;
    tapLoops_[id] = context;
    return id;
  }

  bool detachTap(uint64_t tapId) {
    std::lock_guard<std::mutex> taps(tapsMutex_);
    auto it = tapLoops_.find(tapId);
    if (it == tapLoops_.end()) return false;
    LoopContext* context = it->second;
    tapLoops_.erase(it);
    return context->post([context, tapId] { context->taps().detach(tapId); });
  }

  void addPublishTap(std::string name, PublishTapFactory factory) {
    publishTaps_.add(std::move(name), std::move(factory));
  }
  bool removePublishTap(const std::string& name) { return publishTaps_.remove(name); }

 private:
  // Runs fn on the session's own loop if the session still exists there by
  // then. Returns false if there is no such session (or its loop stopped).
  template <typename Fn>
  bool onSession(uint64_t sessionId, Fn&& fn) {
    std::shared_ptr<SessionInfo> info = table_.find(sessionId);
    if (!info) return false;
    // The table only ever stores the engine's own loop contexts as executors.
    auto* context = static_cast<LoopContext*>(info->executor);
    return context->post([context, sessionId, fn = std::forward<Fn>(fn)]() mutable {
      if (EngineConnection* c = context->find(sessionId)) fn(c->session());
    });
  }

  // After this no attachTap/detachTap posts to a loop.
  void closeTaps() {
    std::lock_guard<std::mutex> taps(tapsMutex_);
    tapContexts_.clear();
    tapLoops_.clear();
  }

  // Accept loop: an address banned for failed authorizations. A few a second
  // are let in to be told why at connect (Session::refuseByBan); the rest are
  // closed here, before any session exists (server/banned_answer_budget.h).
  bool acceptPeer(const net::SocketAddress& peer) {
    auto ip = IpAddress::parse(peer.ip);
    if (!ip.ok()) return true;
    const auto nowMs = static_cast<int64_t>(base::monotonicMs());
    const int64_t remaining = authFailures_.banRemainingMs(*ip, nowMs);
    if (remaining <= 0 || bannedAnswers_.admit(nowMs)) return true;
    refusals_.count(LimitKind::kAuthBan);
    uint64_t unlogged = 0;
    if (!bannedAnswers_.closedAtAccept(nowMs, &unlogged)) return false;
    base::log(base::LogLevel::kWarn, "engine", base::LogContext{.ip = peer.ip, .port = peer.port},
              "refused " + peer.ip + " at accept: banned after failed authorizations (" +
                  std::to_string((remaining + 999) / 1000) + " s left)" +
                  (unlogged > 0 ? "; " + std::to_string(unlogged) +
                                      " more banned connections refused since the last line"
                                : std::string()));
    return false;
  }

  base::Result<std::shared_ptr<tls::TlsContext>> loadTlsContext() const {
    tls::TlsServerOptions options;
    options.certFile = config_.tlsCertFile;
    options.keyFile = config_.tlsKeyFile;
    options.minVersion = tls::TlsVersion::kTls12;
    options.cipherList = config_.tlsCiphers;
    options.cipherSuites = config_.tlsCipherSuites;
    auto context = tls::TlsContext::createServer(options);
    if (!context.ok()) return std::move(context).error().context("rtmps");
    return context;
  }
  void setTlsContext(std::shared_ptr<const tls::TlsContext> context) {
    std::lock_guard<std::mutex> lock(tlsMutex_);
    tlsContext_ = std::move(context);
  }
  std::shared_ptr<const tls::TlsContext> tlsContext() const {
    std::lock_guard<std::mutex> lock(tlsMutex_);
    return tlsContext_;
  }

  void onAccepted(net::Connection& connection,
                  std::shared_ptr<const tls::TlsContext> tls = nullptr) {
    // On the connection's own loop.
    LoopContext* context = contexts_[connection.loop().index()].get();
    uint64_t id = nextSessionId_.fetch_add(1, std::memory_order_relaxed);
    accepted_.fetch_add(1, std::memory_order_relaxed);
    const std::string ip = connection.peer().ip;
    if (!EngineConnection::adopt(connection, *context, env_, id, std::move(tls))) return;
    // Counted once the session is in the table and on its loop, so an
    // eviction posted by another loop finds it.
    for (const PendingConnections::Evicted& evicted : pending_.admit(id, ip, context)) {
      closeEvicted(evicted);
    }
  }

  // Over the pending budget: the oldest pending connection goes, on its loop.
  void closeEvicted(const PendingConnections::Evicted& evicted) {
    const PendingBudget& budget = pending_.budget();
    const std::string why =
        evicted.perIp
            ? "oldest of " + std::to_string(budget.maxPerIp) + " connections from " + evicted.ip +
                  " without an RTMP connect, closed to make room for a new one"
            : "oldest of " + std::to_string(budget.maxTotal) +
                  " connections without an RTMP connect, closed to make room for a "
                  "new one";
    // The budget only ever holds the engine's own loop contexts as executors.
    auto* context = static_cast<LoopContext*>(evicted.executor);
    const LimitKind limit =
        evicted.perIp ? LimitKind::kPendingPerIp : LimitKind::kPendingConnections;
    context->post([context, sessionId = evicted.sessionId, why, limit] {
      if (EngineConnection* c = context->find(sessionId)) c->session().closeIfPending(why, limit);
    });
  }

  EngineConfig config_;
  StreamRegistry registry_;
  SessionTable table_;
  IpRules ipRules_;
  AuthFailureLimiter authFailures_;
  // Banned peers at accept (acceptPeer). Touched only by the accept path:
  // both listeners accept on loop 0 (net::ListenOptions::acceptLoop).
  BannedAnswerBudget bannedAnswers_;
  PublishTaps publishTaps_;
  PartialBytesBudget partialBytes_{config_.maxPartialMessageBytes};
  PendingConnections pending_;  // accepted, not connected yet (engine-wide)
  DoorCounters doorCounts_;     // failed handshakes, IP-rule refusals, for stats
  LimitRefusals refusals_;      // refusals by a configured limit, for stats
  SessionEnvironment env_;

  mutable std::mutex lifecycle_;
  bool started_ = false;
  std::unique_ptr<net::LoopPool> pool_;
  std::vector<std::unique_ptr<LoopContext>> contexts_;
  std::unique_ptr<net::Listener> listener_;
  std::unique_ptr<net::Listener> tlsListener_;
  mutable std::mutex tlsMutex_;  // guards tlsContext_ (reloadTls from any thread)
  std::shared_ptr<const tls::TlsContext> tlsContext_;
  // Host-attached taps, all guarded by tapsMutex_: the loops open for them
  // (empty when not running) and which loop holds each id.
  std::mutex tapsMutex_;
  std::vector<LoopContext*> tapContexts_;
  std::unordered_map<uint64_t, LoopContext*> tapLoops_;
  uint64_t nextTapId_ = 1;
  size_t nextTapLoop_ = 0;
  std::atomic<uint64_t> nextSessionId_{1};
  std::atomic<uint64_t> accepted_{0};
};

Engine::Engine(EngineConfig config, EventSink sink)
    : impl_(std::make_unique<EngineImpl>(std::move(config), std::move(sink))) {}
Engine::~Engine() = default;
base::Status Engine::start() {
  return impl_->start();
}
uint16_t Engine::boundPort() const {
  return impl_->boundPort();
}
uint16_t Engine::boundTlsPort() const {
  return impl_->boundTlsPort();
}
base::Status Engine::reloadTls() {
  return impl_->reloadTls();
}
void Engine::beginShutdown() {
  impl_->beginShutdown();
}
void Engine::stop() {
  impl_->stop();
}
bool Engine::answerAuth(uint64_t sessionId, uint64_t requestId, AuthAnswer answer) {
  return impl_->answerAuth(sessionId, requestId, std::move(answer));
}

bool Engine::kick(uint64_t sessionId, const std::string& reason) {
  return impl_->kick(sessionId, reason);
}
std::vector<AuthBan> Engine::bans() {
  return impl_->bans();
}
bool Engine::unban(const std::string& ip) {
  return impl_->unban(ip);
}
uint64_t Engine::attachTap(const std::string& app, const std::string& name, int loopIndex,
                           TapFactory factory) {
  return impl_->attachTap(app, name, loopIndex, std::move(factory));
}
uint64_t Engine::attachTap(const std::string& streamKey, int loopIndex, TapFactory factory) {
  // The app is one path segment; the stream name may itself contain '/'.
  const size_t slash = streamKey.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == streamKey.size()) return 0;
  return impl_->attachTap(streamKey.substr(0, slash), streamKey.substr(slash + 1), loopIndex,
                          std::move(factory));
}
bool Engine::detachTap(uint64_t tapId) {
  return impl_->detachTap(tapId);
}
void Engine::addPublishTap(std::string name, PublishTapFactory factory) {
  impl_->addPublishTap(std::move(name), std::move(factory));
}
bool Engine::removePublishTap(const std::string& name) {
  return impl_->removePublishTap(name);
}
EngineStats Engine::stats() const {
  return impl_->stats();
}
uint32_t Engine::sessionCount() const {
  return impl_->sessionCount();
}

}  // namespace rtmp::server
