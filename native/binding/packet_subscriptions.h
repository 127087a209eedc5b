// PacketSubscriptions: the `engine.subscribePackets()` side of EngineWrap.
// Each subscription is a server::PacketTap (attached with Engine::attachTap on
// any loop) feeding a BoundedChannel to its JS callback.
//
//   PacketTap (loop) ──pushPacket──▶ CreditSink: refuses past maxItems/maxBytes
//                                    not yet *consumed* by JS
//                    ──▶ BoundedChannel<PacketItem> ──TSFN──▶ onItems(batch)
//   JS consumer takes packets ──releasePackets(id, n, bytes)──▶ credits back
//
// Why credits and not the channel's own bound: the channel drains into JS on
// every wake-up, whatever the consumer does with the packets; a `for await`
// loop that is slow would let them pile up in JS. Counting a packet until the
// consumer releases it bounds the memory end to end (engine queue + JS queue)
// and makes the tap, which knows the drop rules (skip video to a keyframe),
// the one place that drops. Payloads stay shared references until the JS
// thread copies them into a Buffer (Electron refuses external buffers).
//
// JS thread only, except what the tap calls on the sink.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "server/engine.h"
#include "server/packet_tap.h"

namespace rtmp::binding {

class CreditSink;

struct PacketSubscriptionOptions {
  server::PacketTapOptions tap;
  size_t maxItems = 256;
  size_t maxBytes = 16 * 1024 * 1024;
};

class PacketSubscriptions {
 public:
  PacketSubscriptions() = default;
  ~PacketSubscriptions();
  PacketSubscriptions(const PacketSubscriptions&) = delete;
  PacketSubscriptions& operator=(const PacketSubscriptions&) = delete;

  // Returns the subscription id, or 0 if the engine refused the tap (not running).
  uint64_t subscribe(Napi::Env env, server::Engine& engine, const std::string& streamKey,
                     const PacketSubscriptionOptions& options, Napi::Function onItems, bool refed);
  // Detaches the tap and closes the channel. False if the id is unknown.
  bool unsubscribe(server::Engine* engine, uint64_t id);
  // The consumer took `items` packets holding `bytes` codec bytes.
  bool release(uint64_t id, double items, double bytes);
  // [{ id, stream, queued, queuedBytes, delivered, dropped }]
  Napi::Array stats(Napi::Env env) const;
  size_t size() const { return subs_.size(); }

  void ref(Napi::Env env);
  void unref(Napi::Env env);
  // Engine stopped: every channel closes (teardown: discarded, no JS call).
  void closeAll(bool discard);

 private:
  struct Entry {
    std::string stream;
    std::shared_ptr<CreditSink> sink;
  };
  std::unordered_map<uint64_t, Entry> subs_;
};

}  // namespace rtmp::binding
