// FrameSubscriptions: the `engine.subscribeFrames()` side of EngineWrap —
// decoded frames (server::FrameService on a decode::DecoderPool) delivered
// into buffers that JS allocated.
//
//   decoder thread: FramePool::acquire ─▶ a free JS buffer (best fit)
//                   │ none fits and the pool is below its cap: a heap buffer
//                   │ (copied once on the JS thread, and the copy joins the pool)
//                   │ at the cap with nothing free: no buffer → the frame drops
//                   ▼
//   Subscription queue ─framesReady()─▶ one TSFN call at a time (a flag:
//                   never blocks, never queues more than one wake-up)
//   JS thread: FrameService::take(id) ─▶ frame objects whose planes are
//              Uint8Array views of pool buffers ─▶ onItems(items)
//   JS: releaseFrame(token) (frame.release()/close(), or a FinalizationRegistry
//       in lib/ when the frame is garbage) ─▶ the buffer is free again
//
// Why JS buffers: Electron (21+) refuses external ArrayBuffers, and a fresh
// Buffer per frame costs milliseconds at 1080p (issue 12). The pool's
// ArrayBuffers are made on the JS thread and kept alive by references held
// here; the decoder threads write into their memory only while the engine
// holds the buffer (FrameBufferLease), so a reference is deleted only once the
// buffer can never be handed out again (the pool is retired and the buffer is
// free, or the decoder pool has been joined).
//
// The bound: a pool (decode/frame_pool.h) holds, per kind, at most the frames
// the queue may hold plus the ones JS may keep; video and audio buffers are
// apart, so one kind never takes, or starves, the other. A consumer that
// keeps frames without releasing them makes the engine drop, never grow.
//
// External buffers (frames option `buffers: 'external'`, opt-in; measured no
// faster than the pool, docs/PERF.md): the decoder writes into an
// OwnedFramePool buffer (decode/owned_frame_pool.h, the same bounds) and JS
// gets it as an external ArrayBuffer whose finalizer lets the frame go, so the
// buffer is written again only once V8 has dropped it. release() detaches the
// ArrayBuffer (every view of it becomes empty) so the finalizer runs soon
// instead of at the next GC. Where N-API answers
// napi_no_external_buffers_allowed (Electron 21+) subscriptions use the pool,
// with one warning per server.
//
// JS thread only, except what the FrameService calls on the sink and the
// allocator.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "decode/decoder_pool.h"
#include "decode/subscription.h"
#include "server/frame_service.h"

namespace rtmp::server {
class Engine;
}

namespace rtmp::decode {
class FramePool;
class OwnedFramePool;
}  // namespace rtmp::decode

namespace rtmp::binding {

using decode::FramePool;
class FrameWake;

class FrameSubscriptions {
 public:
  FrameSubscriptions() = default;
  ~FrameSubscriptions();
  FrameSubscriptions(const FrameSubscriptions&) = delete;
  FrameSubscriptions& operator=(const FrameSubscriptions&) = delete;

  // Engine running: subscriptions are possible. The decoder pool's threads
  // start with the first subscription, so a server that never decodes never
  // has them.
  // externalBuffers: deliver into external ArrayBuffers where N-API allows.
  void start(server::Engine& engine, decode::PoolConfig config = {}, bool externalBuffers = false);
  // Before the engine stops: every subscription ends, the decoder pool is
  // joined and every buffer reference is let go (frames JS holds stay
  // readable: their memory is JS's). teardown: no JS call any more.
  void stop(bool teardown);
  bool running() const { return engine_ != nullptr; }

  // Throws a JS Error with a code for options the engine refuses; returns 0
  // when not running.
  uint64_t subscribe(Napi::Env env, const std::string& streamKey,
                     const decode::SubscriptionOptions& options, Napi::Function onItems,
                     bool refed);
  bool unsubscribe(uint64_t id);
  // The consumer is done with the frame `token`: its buffer goes back (an
  // external one once its detached ArrayBuffer is finalized).
  bool release(uint64_t token);
  // [{ id, stream, videoDelivered, ..., buffers, poolBuffers, poolBytes, poolBusy, held }]
  Napi::Array stats(Napi::Env env) const;
  size_t decoderCount() const;

  void ref(Napi::Env env);
  void unref(Napi::Env env);

  // JS thread, from a wake-up: hands the subscription's queued frames to onItems.
  void deliver(Napi::Env env, uint64_t id, Napi::Function onItems);

  // Creates the pool and the service on first use (engine running; else null).
  // Snapshots (snapshot_requests.h) share them.
  server::FrameService* service();

 private:
  // A pool's JS side: the references that keep its buffers alive.
  struct PoolRefs {
    std::shared_ptr<FramePool> pool;
    std::vector<Napi::Reference<Napi::ArrayBuffer>> refs;  // by slot index
  };
  // One of refs (the pool of JS buffers) and owned (external buffers) is set.
  struct Entry {
    std::string stream;
    std::shared_ptr<FrameWake> wake;
    std::shared_ptr<PoolRefs> refs;
    std::shared_ptr<decode::OwnedFramePool> owned;
  };
  // A frame JS holds: the engine frame (its lease keeps the slot busy), or
  // for a copied heap frame, just the slot; or for an external frame, a weak
  // reference to its ArrayBuffer (the finalizer holds the frame); or nothing,
  // for an owned frame copied because N-API refused the external buffer.
  struct Held {
    uint64_t sub = 0;
    std::shared_ptr<PoolRefs> refs;
    decode::FramePtr frame;
    uint32_t slot = 0;
    Napi::Reference<Napi::ArrayBuffer> external;
  };

  Napi::Value frameToJs(Napi::Env env, uint64_t id, const Entry& entry,
                        const decode::DeliveredFrame& d);
  // The frame's memory as an external ArrayBuffer (empty if N-API refuses).
  static Napi::ArrayBuffer externalBuffer(Napi::Env env, const decode::FramePtr& frame);
  // Whether this environment takes external ArrayBuffers (asked once).
  bool externalAllowed(Napi::Env env);
  // Deletes the references of buffers that can never be handed out again.
  void sweep(PoolRefs& refs);
  void sweepRetired();

  server::Engine* engine_ = nullptr;  // set while the engine runs
  decode::PoolConfig poolConfig_;
  bool externalBuffers_ = false;
  enum class External : uint8_t { kUnknown, kAllowed, kRefused } external_ = External::kUnknown;
  std::unique_ptr<decode::DecoderPool> pool_;
  std::unique_ptr<server::FrameService> service_;
  std::unordered_map<uint64_t, Entry> subs_;
  std::unordered_map<uint64_t, Held> held_;
  std::vector<std::shared_ptr<PoolRefs>> retired_;  // unsubscribed, buffers still busy
  uint64_t nextToken_ = 1;
};

}  // namespace rtmp::binding
