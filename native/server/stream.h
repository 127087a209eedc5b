// Stream: one live stream name (app/name) — its publisher's latest metadata,
// sequence headers and GOP cache, and the loops that have taps on it.
//
// Threads: ingest/beginPublish/endPublish run on the publisher's loop; attach/
// detach run on the tap's loop. A small mutex guards the shared state; it is
// taken once per message on the publisher's loop and never while calling a tap.
// Each message is posted once per destination loop, never once per player.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "server/engine_config.h"
#include "server/engine_stats.h"
#include "server/executor.h"
#include "server/gop_cache.h"
#include "server/local_fanout.h"
#include "server/stream_ingest.h"
#include "server/stream_options.h"

namespace rtmp::server {

class Stream;

// Per-loop map from stream to that loop's fan-out. Owned by the loop's context.
using LoopFanouts = std::unordered_map<const Stream*, std::shared_ptr<LocalFanout>>;

class Stream {
 public:
  Stream(std::string app, std::string name, StreamOptions options);

  const std::string& app() const { return app_; }
  const std::string& name() const { return name_; }

  // --- publisher side (publisher's loop) ---
  // Returns false if another publisher holds the stream (NetStream.Publish.BadName).
  bool beginPublish(uint64_t publisherId, uint64_t nowMs);
  // One audio/video/data message from the publisher, timestamps as received.
  IngestResult ingest(uint8_t typeId, uint32_t timestamp, const base::Bytes& payload);
  void endPublish(uint64_t publisherId);
  // A message the publisher's session refused before ingest (oversized
  // metadata), counted in this publish's ingestDrops.
  void countIngestDrop(IngestDropReason reason);
  bool publishing() const;
  CodecSummary codec() const;

  // --- tap side (the tap's loop) ---
  // Attaches tap and calls tap->onStart(snapshot) before returning.
  void attach(Executor& loop, LoopFanouts& fanouts, StreamTap* tap);
  // Detaches tap and calls tap->onDetached(). Returns false if it was not attached.
  bool detach(LoopFanouts& fanouts, StreamTap* tap);

  // Every attached tap, players or not.
  uint32_t tapCount() const;
  StreamSnapshot snapshot() const;

 private:
  struct Destination {
    Executor* loop;
    std::shared_ptr<LocalFanout> fanout;
  };
  using Destinations = std::shared_ptr<const std::vector<Destination>>;

  template <typename Fn>
  void fanOut(const Destinations& dests, Fn&& deliver);
  // The per-message path: a typed task per destination loop.
  void fanOutMedia(const Destinations& dests, const SharedMediaRef& media);

  const std::string app_;
  const std::string name_;
  const StreamOptions options_;

  mutable std::mutex mutex_;
  // Guarded by mutex_:
  StreamIngest ingest_;
  GopCache gop_;
  Destinations destinations_;
  uint64_t seq_ = 0;
  uint64_t publisherId_ = 0;  // 0 = none
  uint64_t startedAtMs_ = 0;
  uint32_t taps_ = 0;
  uint32_t players_ = 0;  // taps that are RTMP players
};

}  // namespace rtmp::server
