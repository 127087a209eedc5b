// EngineWrap: the JS `Engine` class, a thin shell around server::Engine.
//
//   new Engine(flatConfig, onEvents)   config already validated by lib/
//   start()            bind + start loop threads; throws Error{code} on failure
//   boundPort()        port actually bound (0 when not running)
//   boundTlsPort()     RTMPS port bound (0 when RTMPS is off or not running)
//   reloadTls()        re-reads the RTMPS certificate and key; throws with a code on error
//   beginShutdown()    graceful step 1 (stop accepting, end streams)
//   stop()             join loop threads (quick, synchronous); returns the
//                      events not yet delivered, so none is lost or late
//   kick(id, reason)   → boolean
//   bans()             → [{ip, remainingMs, reason}] (failed-authorization bans now)
//   unban(ip)          → boolean (false: not banned, not running or not an address)
//   answerAuth(id, requestId, allow, name, reason) → boolean (false: session gone)
//   stats()            → plain objects; sessionCount() → number
//   ref() / unref()    whether a running engine keeps the event loop alive
//   setHlsFeed(onItems) before start(): segment publishes for HLS (the `hls`
//                      config decides which) and hand the records to
//                      onItems(items, counters) through a bounded channel
//                      (binding/hls_feed.h); without it no publish is segmented
//   subscribePackets(streamKey, {video, audio, maxItems, maxBytes}, onItems) → id
//                      (0: not running); unsubscribePackets(id), releasePackets(id,
//                      items, bytes), packetSubscriptions(): packet_subscriptions.h
//   subscribeFrames(streamKey, options, onItems) → id (0: not running; throws
//                      Error{code} for options the engine refuses);
//                      unsubscribeFrames(id), releaseFrame(token),
//                      frameSubscriptions(), frameDecoderCount():
//                      frame_subscriptions.h (decoded frames in JS-allocated buffers)
//   snapshot(streamKey, {format, width, height, quality}, onDone) → id (0: not
//                      running; throws Error{code} for a refused request); onDone
//                      once: (Error{code}) or (null, image); cancelSnapshot(id):
//                      snapshot_requests.h (one still image, decoded on demand)
//
// Lifecycle: idle → running → stopped (a failed start returns to idle). While
// running the wrapper holds a strong reference to its own JS object and its
// thread-safe function is ref'd, like a listening net.Server. The environment
// cleanup hook (worker exit/terminate) and the process exit guard stop it if
// JS never did.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "binding/config_reader.h"
#include "binding/event_pump.h"
#include "binding/frame_subscriptions.h"
#include "binding/hls_feed.h"
#include "binding/packet_subscriptions.h"
#include "binding/snapshot_requests.h"
#include "server/engine.h"

namespace rtmp::binding {

class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function define(Napi::Env env);

  explicit EngineWrap(const Napi::CallbackInfo& info);
  ~EngineWrap() override;

 private:
  enum class State { kIdle, kRunning, kStopped };
  enum class Reason {
    kStop,         // JS called stop(): hand back what is still queued
    kFailedStart,  // start() failed: queued lines go out with the last TSFN call
    kTeardown,     // environment exiting: no JS may run any more
  };

  Napi::Value start(const Napi::CallbackInfo& info);
  Napi::Value boundPort(const Napi::CallbackInfo& info);
  Napi::Value boundTlsPort(const Napi::CallbackInfo& info);
  Napi::Value reloadTls(const Napi::CallbackInfo& info);
  Napi::Value beginShutdown(const Napi::CallbackInfo& info);
  Napi::Value stop(const Napi::CallbackInfo& info);
  Napi::Value kick(const Napi::CallbackInfo& info);
  Napi::Value bans(const Napi::CallbackInfo& info);
  Napi::Value unban(const Napi::CallbackInfo& info);
  Napi::Value answerAuth(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value sessionCount(const Napi::CallbackInfo& info);
  Napi::Value ref(const Napi::CallbackInfo& info);
  Napi::Value unref(const Napi::CallbackInfo& info);
  Napi::Value setHlsFeed(const Napi::CallbackInfo& info);
  Napi::Value subscribePackets(const Napi::CallbackInfo& info);
  Napi::Value unsubscribePackets(const Napi::CallbackInfo& info);
  Napi::Value releasePackets(const Napi::CallbackInfo& info);
  Napi::Value packetSubscriptions(const Napi::CallbackInfo& info);
  Napi::Value subscribeFrames(const Napi::CallbackInfo& info);
  Napi::Value unsubscribeFrames(const Napi::CallbackInfo& info);
  Napi::Value releaseFrame(const Napi::CallbackInfo& info);
  Napi::Value frameSubscriptions(const Napi::CallbackInfo& info);
  Napi::Value frameDecoderCount(const Napi::CallbackInfo& info);
  Napi::Value snapshot(const Napi::CallbackInfo& info);
  Napi::Value cancelSnapshot(const Napi::CallbackInfo& info);

  // Stops the engine and unhooks it from everything process- or
  // environment-wide. For kStop, returns the events not yet delivered to JS.
  std::vector<server::EngineEvent> shutdown(Reason reason);

  State state_ = State::kIdle;
  BindingConfig config_;
  std::unique_ptr<server::Engine> engine_;
  std::shared_ptr<EventPump> pump_;
  std::shared_ptr<HlsChannel> hls_;  // while running with a feed
  PacketSubscriptions packets_;
  // Declared after engine_: destroyed first (its service detaches from the engine).
  FrameSubscriptions frames_;
  // After frames_: destroyed before it (its requests are frame subscriptions).
  SnapshotRequests snapshots_;
  uint64_t cleanupToken_ = 0;
  bool refed_ = true;
};

}  // namespace rtmp::binding
