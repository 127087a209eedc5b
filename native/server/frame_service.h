// FrameService: decoded frames of live streams for host code (the binding's
// `server.frames()`), with no Engine or Node types in its API. One
// StreamDecoder and one DecodeTap per stream however many subscribers; the
// tap is attached when the first subscriber arrives and detached, and the
// decoder closed, when the last one leaves.
//
//   subscribe(key, options, allocator, sink) ─▶ id   (any thread)
//      sink->framesReady()   decoder thread, queue empty → non-empty: call take(id)
//      sink->decodeError(e)  decoder thread, once per error episode
//   take(id, max) ─▶ frames   (any thread; each frame holds its buffer until dropped)
//   unsubscribe(id)           (any thread; no sink call starts after it returns)
//
// Lifetime: destroy the FrameService before the Engine it attaches to and
// before the DecoderPool (the destructor unsubscribes everything). Frames
// already taken may outlive all three; their buffers go back to their
// allocator when the last reference goes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "decode/decoder_pool.h"
#include "decode/subscription.h"
#include "server/loop_taps.h"

namespace rtmp::server {

class Engine;

// How the service reaches the engine: attach returns the tap id (0 = refused:
// engine not running, bad key), detach takes it back.
struct TapHost {
  std::function<uint64_t(const std::string& streamKey, TapFactory factory)> attach;
  std::function<bool(uint64_t tapId)> detach;
};

// Engine::attachTap on any loop (round robin) / Engine::detachTap.
TapHost engineTapHost(Engine& engine);

class FrameService {
 public:
  FrameService(decode::DecoderPool& pool, TapHost host) : pool_(pool), host_(std::move(host)) {}
  ~FrameService();
  FrameService(const FrameService&) = delete;
  FrameService& operator=(const FrameService&) = delete;

  // streamKey is "app/name". Errors: kInvalidArgument (options, key),
  // kClosed (the engine refused the tap: not running).
  base::Result<uint64_t> subscribe(const std::string& streamKey,
                                   const decode::SubscriptionOptions& options,
                                   std::shared_ptr<decode::FrameAllocator> allocator,
                                   std::shared_ptr<decode::FrameSink> sink);
  // False for an unknown id.
  bool unsubscribe(uint64_t id);

  // Queued frames of a subscription, oldest first (empty for an unknown id).
  std::vector<decode::DeliveredFrame> take(uint64_t id, size_t max = SIZE_MAX);
  std::optional<decode::SubscriptionStats> stats(uint64_t id) const;
  std::optional<decode::StreamDecoderStats> streamStats(const std::string& streamKey) const;
  // Streams being decoded now (one decoder and one tap each).
  size_t decoderCount() const;

 private:
  struct StreamEntry {
    std::shared_ptr<decode::StreamDecoder> decoder;
    uint64_t tapId = 0;
    size_t subscribers = 0;
  };
  struct SubEntry {
    std::string streamKey;
    std::shared_ptr<decode::Subscription> subscription;
  };

  decode::DecoderPool& pool_;
  const TapHost host_;
  mutable std::mutex mutex_;
  std::map<std::string, StreamEntry> streams_;
  std::map<uint64_t, SubEntry> subscriptions_;
  uint64_t nextId_ = 1;
};

}  // namespace rtmp::server
