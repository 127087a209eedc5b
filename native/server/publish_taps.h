// PublishTaps: taps that live exactly as long as one publish — the HLS/DASH
// segmenter, a recorder, a relay push. The engine keeps one registry of named
// factories; when a publish starts, the publisher's session asks each factory
// (on the publisher's loop) whether it wants this publish, attaches the taps
// it gets on that same loop, and detaches them when that publish ends. A
// republish asks the factories again and gets fresh taps.
//
// Choosing: a factory sees app, name, query and `requested` — the tap names
// the authorize hook's answer asked for (AuthAnswer::taps, copied into
// Session::authTaps_). Without the hook, or when the answer names none,
// `requested` is empty and each factory decides from its own config.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "server/stream_tap.h"

namespace rtmp::server {

struct PublishTapRequest {
  std::string app;
  std::string name;   // the stream name as published (after an auth rename)
  std::string query;  // the publish query string, without '?'
  uint64_t publisherId = 0;
  uint32_t loopIndex = 0;  // the publisher's loop: the tap runs there
  // Tap names the authorize answer asked for; empty when it named none.
  std::vector<std::string> requested;

  bool asked(const std::string& tapName) const {
    for (const auto& r : requested) {
      if (r == tapName) return true;
    }
    return false;
  }
};

// Called on the publisher's loop when a publish starts. Null = not for this publish.
using PublishTapFactory = std::function<std::unique_ptr<StreamTap>(const PublishTapRequest&)>;

class PublishTaps {
 public:
  // Any thread. A publish that already started keeps the taps it got; the
  // next publish sees the change. Adding a name again replaces its factory.
  void add(std::string name, PublishTapFactory factory);
  bool remove(const std::string& name);
  bool empty() const;

  // Publisher's loop: the taps every factory said yes to, in registration order.
  std::vector<std::unique_ptr<StreamTap>> build(const PublishTapRequest& request) const;

 private:
  using Factories = std::vector<std::pair<std::string, PublishTapFactory>>;
  mutable std::mutex mutex_;
  // Copy-on-write: build() copies a pointer under the lock and calls the
  // factories without it, so a factory may add or remove factories.
  std::shared_ptr<const Factories> factories_ = std::make_shared<const Factories>();
};

}  // namespace rtmp::server
