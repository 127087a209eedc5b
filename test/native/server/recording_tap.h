// RecordingTap: a StreamTap that writes down every call, for Stream and
// LocalFanout tests. An optional hook runs inside onMedia so a test can
// detach or attach taps from within a delivery.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/stream_tap.h"

namespace rtmp::server::testing {

class RecordingTap : public StreamTap {
 public:
  void onStart(const JoinSnapshot& snapshot) override {
    started = true;
    snapshotAtStart = snapshot;
    calls.push_back("start");
  }
  void onMedia(const SharedMediaRef& media) override {
    received.push_back(media);
    calls.push_back("media:" + std::to_string(media->seq));
    if (onMediaHook) onMediaHook(media);
  }
  void onPublisherGone() override { calls.push_back("gone"); }
  void onPublisherBack() override { calls.push_back("back"); }
  void onDetached() override {
    detached = true;
    calls.push_back("detached");
  }

  // Counted as an RTMP player (lazy chunk encoding follows players). Set
  // before attaching and leave it while attached.
  bool rtmpPlayer() const override { return player; }

  std::vector<uint64_t> seqs() const {
    std::vector<uint64_t> out;
    for (const auto& m : received) out.push_back(m->seq);
    return out;
  }

  bool player = false;
  bool started = false;
  bool detached = false;
  JoinSnapshot snapshotAtStart;
  std::vector<SharedMediaRef> received;
  std::vector<std::string> calls;
  std::function<void(const SharedMediaRef&)> onMediaHook;
};

}  // namespace rtmp::server::testing
