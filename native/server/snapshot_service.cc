#include "server/snapshot_service.h"

#include <utility>
#include <vector>

#include "decode/heap_frame_allocator.h"

namespace rtmp::server {

// One request's state, shared by the service and the decoder thread's sink.
// `mutex` is held by request() across the subscribe call, so the sink (which
// may run before subscribe returns) always sees the subscription id.
struct SnapshotService::Pending {
  std::mutex mutex;
  uint64_t id = 0;
  decode::ImageOptions image;
  Ready ready;
  std::optional<base::Result<decode::Image>> result;
  bool finished = false;
};

class SnapshotService::Sink : public decode::FrameSink {
 public:
  Sink(FrameService& frames, std::shared_ptr<Pending> pending)
      : frames_(frames), pending_(std::move(pending)) {}

  void framesReady() override {
    Ready ready;
    {
      std::lock_guard<std::mutex> lock(pending_->mutex);
      if (pending_->finished || pending_->result) return;
      // The queue holds one picture (maxVideoFrames 1, video only).
      std::vector<decode::DeliveredFrame> frames = frames_.take(pending_->id);
      if (frames.empty()) return;
      pending_->result = decode::encodeImage(*frames.front().frame, pending_->image);
      ready = pending_->ready;
    }
    if (ready) ready();
  }

  void decodeError(const base::Error& error) override {
    // Only a missing decoder is final; after a corrupt picture the decoder
    // resyncs at the next keyframe and that one is taken.
    if (error.code() != base::ErrorCode::kUnsupported) return;
    Ready ready;
    {
      std::lock_guard<std::mutex> lock(pending_->mutex);
      if (pending_->finished || pending_->result) return;
      pending_->result = error;
      ready = pending_->ready;
    }
    if (ready) ready();
  }

 private:
  FrameService& frames_;
  const std::shared_ptr<Pending> pending_;
};

SnapshotService::~SnapshotService() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, pending] : pending_) ids.push_back(id);
  }
  for (uint64_t id : ids) finish(id);
}

base::Result<uint64_t> SnapshotService::request(const std::string& streamKey,
                                                const SnapshotOptions& options, Ready ready) {
  if (options.image.quality < 1 || options.image.quality > 100) {
    return base::Error(base::ErrorCode::kInvalidArgument, "quality must be 1-100");
  }
  decode::SubscriptionOptions sub;
  sub.video = true;
  sub.audio = false;
  sub.videoOutput.format = decode::PixelFormat::kRgba;
  sub.videoOutput.width = options.width;
  sub.videoOutput.height = options.height;
  sub.maxVideoFrames = 1;

  auto pending = std::make_shared<Pending>();
  pending->image = options.image;
  pending->ready = std::move(ready);
  std::lock_guard<std::mutex> hold(pending->mutex);
  base::Result<uint64_t> id =
      frames_.subscribe(streamKey, sub, std::make_shared<decode::HeapFrameAllocator>(),
                        std::make_shared<Sink>(frames_, pending));
  if (!id.ok()) return std::move(id).error();
  pending->id = *id;
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.emplace(*id, std::move(pending));
  return *id;
}

std::optional<base::Result<decode::Image>> SnapshotService::finish(uint64_t id) {
  std::shared_ptr<Pending> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return std::nullopt;
    pending = std::move(it->second);
    pending_.erase(it);
  }
  std::optional<base::Result<decode::Image>> result;
  {
    std::lock_guard<std::mutex> lock(pending->mutex);
    pending->finished = true;
    result = std::exchange(pending->result, std::nullopt);
  }
  // Outside the request's lock: unsubscribe waits for a sink call in progress.
  frames_.unsubscribe(id);
  return result;
}

size_t SnapshotService::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_.size();
}

}  // namespace rtmp::server
