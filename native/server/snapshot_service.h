// SnapshotService: one still image (JPEG, PNG or raw RGBA) of a live stream,
// made on demand on the decoder pool, for `server.snapshot()` and dashboard
// thumbnails. A snapshot is a short-lived frame subscription (FrameService):
//
//   request(key, options, ready) ─▶ id      any thread
//     FrameService: decoder running for key? join it : new decoder + DecodeTap,
//                   which starts from the GOP cache's keyframe (decode_tap.h)
//     decoder thread: first picture, converted to RGBA at the asked size
//                     ─▶ encodeImage (image_encoder.h) ─▶ ready()
//   finish(id) ─▶ image | error | nullopt   any thread, not from ready()
//     the subscription ends; the last one of the stream closes its decoder
//     and detaches its tap, so a snapshot leaves nothing running.
//
// What the picture is: with no decoder running, the stream's latest keyframe
// (the GOP cache starts with it; without a cache, the next keyframe); with a
// decoder running for frames() subscribers, the next picture it produces.
// Decoding and encoding both run on a decoder thread: never on an I/O loop,
// never on the host's (JS) thread.
//
// Errors in the result: kUnsupported when no decoder exists for the codec.
// A corrupt picture is not an error here: the decoder resyncs at the next
// keyframe and the snapshot takes that one. Waiting is bounded by the caller,
// which cancels with finish() (there is no clock in this layer).
//
// Lifetime: destroy before the FrameService (the destructor cancels all).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/error.h"
#include "decode/image_encoder.h"
#include "server/frame_service.h"

namespace rtmp::server {

struct SnapshotOptions {
  decode::ImageOptions image;
  uint32_t width = 0;   // 0: from height and aspect, or the source's (VideoOutput rules)
  uint32_t height = 0;  // 0: from width and aspect, or the source's
};

class SnapshotService {
 public:
  // Decoder thread, once per request, when finish(id) has a result. Must not
  // block and must not call back into the service.
  using Ready = std::function<void()>;

  explicit SnapshotService(FrameService& frames) : frames_(frames) {}
  ~SnapshotService();
  SnapshotService(const SnapshotService&) = delete;
  SnapshotService& operator=(const SnapshotService&) = delete;

  // Errors: kInvalidArgument (options, key), kClosed (engine not running).
  base::Result<uint64_t> request(const std::string& streamKey, const SnapshotOptions& options,
                                 Ready ready);
  // Ends the request. The image or the error once ready() was called;
  // nullopt before that (cancelled) or for an unknown id.
  std::optional<base::Result<decode::Image>> finish(uint64_t id);
  // Requests not finished yet.
  size_t pending() const;

 private:
  struct Pending;
  class Sink;

  FrameService& frames_;
  mutable std::mutex mutex_;
  std::map<uint64_t, std::shared_ptr<Pending>> pending_;
};

}  // namespace rtmp::server
