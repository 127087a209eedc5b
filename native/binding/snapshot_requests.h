// SnapshotRequests: the `engine.snapshot()` side of EngineWrap — one still
// image of a live stream (server::SnapshotService), handed to JS once.
//
//   JS: snapshot(key, {format, width, height, quality}, onDone) ─▶ id
//   decoder thread: picture decoded and encoded ─▶ ready() ─▶ one TSFN call
//   JS thread: SnapshotService::finish(id) (the subscription ends: no decoder
//              stays for a snapshot) ─▶ onDone(null, {data: Buffer, format,
//              width, height, pts, keyframe}) or onDone(Error{code})
//   JS: cancelSnapshot(id) (the SDK's timeout, abort, close) ─▶ no onDone
//
// The image is copied once into a Buffer the JS heap owns (Electron refuses
// external buffers; a snapshot is one picture, not a stream). Each request
// has its own thread-safe function, released after its one call or on
// cancel; it keeps the event loop alive like a pending timer unless the
// engine is unref'd.
//
// JS thread only, except ready() (decoder thread).
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "server/frame_service.h"
#include "server/snapshot_service.h"

namespace rtmp::binding {

class SnapshotCall;

class SnapshotRequests {
 public:
  SnapshotRequests() = default;
  ~SnapshotRequests();
  SnapshotRequests(const SnapshotRequests&) = delete;
  SnapshotRequests& operator=(const SnapshotRequests&) = delete;

  // `frames` is the running engine's frame service (null: not running → 0).
  // Throws a JS Error with a code for a request the engine refuses.
  uint64_t request(Napi::Env env, server::FrameService* frames, const std::string& streamKey,
                   const server::SnapshotOptions& options, Napi::Function onDone, bool refed);
  // No onDone after this. False if unknown or already done.
  bool cancel(uint64_t id);
  // Before the frame service goes: every request ends without a JS call.
  void stop();
  size_t pending() const { return calls_.size(); }

  void ref(Napi::Env env);
  void unref(Napi::Env env);

  // JS thread, from a request's TSFN call.
  void complete(Napi::Env env, uint64_t id, Napi::Function onDone);

 private:
  std::unique_ptr<server::SnapshotService> service_;
  server::FrameService* frames_ = nullptr;  // the service_ was made on it
  std::unordered_map<uint64_t, std::shared_ptr<SnapshotCall>> calls_;
};

}  // namespace rtmp::binding
