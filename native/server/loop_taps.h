// LoopTaps: the taps on one loop that are not sessions — the ones host code
// (the JS frames subscription, a recorder started from the admin API) attaches
// on demand through Engine::attachTap. Each entry holds its stream in the
// registry the way a waiting player does, so a tap may be attached before the
// stream is published and stays attached across unpublish/republish.
//
// Loop thread only. The engine routes attach/detach here by posting to the
// loop; see docs/architecture.md ("Taps").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "server/executor.h"
#include "server/stream.h"
#include "server/stream_registry.h"
#include "server/stream_tap.h"

namespace rtmp::server {

// Where a tap built by a TapFactory will live.
struct TapPlace {
  uint64_t id = 0;  // the handle Engine::attachTap returned
  std::string app;
  std::string name;
  uint32_t loopIndex = 0;
};

// Builds the tap on its loop, just before it is attached. Returning null
// declines: nothing is attached and the id is forgotten.
using TapFactory = std::function<std::unique_ptr<StreamTap>(const TapPlace&)>;

class LoopTaps {
 public:
  LoopTaps(Executor& loop, LoopFanouts& fanouts, StreamRegistry& registry)
      : loop_(loop), fanouts_(fanouts), registry_(registry) {}
  ~LoopTaps() { detachAll(); }
  LoopTaps(const LoopTaps&) = delete;
  LoopTaps& operator=(const LoopTaps&) = delete;

  // Builds the tap and attaches it (onStart runs before this returns).
  // Returns false if the factory declined or the id is already in use.
  bool attach(uint64_t id, const std::string& app, const std::string& name,
              const TapFactory& factory);
  // Detaches (onDetached), destroys the tap and drops its hold on the stream.
  // Returns false if no tap has this id here.
  bool detach(uint64_t id);
  // Engine stop: detach every tap, in no particular order.
  void detachAll();

  size_t size() const { return taps_.size(); }

 private:
  struct Entry {
    std::shared_ptr<Stream> stream;
    std::unique_ptr<StreamTap> tap;
  };
  Executor& loop_;
  LoopFanouts& fanouts_;
  StreamRegistry& registry_;
  std::unordered_map<uint64_t, Entry> taps_;
};

}  // namespace rtmp::server
