#include "server/frame_service.h"

#include "server/decode_tap.h"
#include "server/engine.h"

namespace rtmp::server {

TapHost engineTapHost(Engine& engine) {
  return TapHost{
      [&engine](const std::string& key, TapFactory factory) {
        return engine.attachTap(key, Engine::kAnyLoop, std::move(factory));
      },
      [&engine](uint64_t tapId) { return engine.detachTap(tapId); },
  };
}

FrameService::~FrameService() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, entry] : subscriptions_) ids.push_back(id);
  }
  for (uint64_t id : ids) unsubscribe(id);
}

base::Result<uint64_t> FrameService::subscribe(const std::string& streamKey,
                                               const decode::SubscriptionOptions& options,
                                               std::shared_ptr<decode::FrameAllocator> allocator,
                                               std::shared_ptr<decode::FrameSink> sink) {
  RTMP_TRY(decode::validate(options));
  const size_t slash = streamKey.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == streamKey.size()) {
    return base::Error(base::ErrorCode::kInvalidArgument, "stream key must be app/name");
  }
  if (!allocator) return base::Error(base::ErrorCode::kInvalidArgument, "no frame allocator");

  std::lock_guard<std::mutex> lock(mutex_);
  const uint64_t id = nextId_++;
  auto subscription =
      std::make_shared<decode::Subscription>(id, options, std::move(allocator), std::move(sink));
  auto it = streams_.find(streamKey);
  if (it == streams_.end()) {
    StreamEntry entry;
    entry.decoder = pool_.createStream(streamKey);
    // The subscription goes in before the tap is attached: the tap's loop
    // pushes the join snapshot as soon as it has the tap, and a decoder with
    // no subscriber yet would skip the cached keyframe and wait for the next.
    entry.decoder->addSubscription(subscription);
    std::shared_ptr<decode::StreamDecoder> decoder = entry.decoder;
    entry.tapId = host_.attach(
        streamKey, [decoder](const TapPlace&) { return std::make_unique<DecodeTap>(decoder); });
    if (entry.tapId == 0) {
      entry.decoder->close();
      return base::Error(base::ErrorCode::kClosed, "engine is not running");
    }
    it = streams_.emplace(streamKey, std::move(entry)).first;
  } else {
    it->second.decoder->addSubscription(subscription);
  }
  ++it->second.subscribers;
  subscriptions_.emplace(id, SubEntry{streamKey, std::move(subscription)});
  return id;
}

bool FrameService::unsubscribe(uint64_t id) {
  std::shared_ptr<decode::Subscription> subscription;
  std::shared_ptr<decode::StreamDecoder> closing;
  uint64_t tapId = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto sub = subscriptions_.find(id);
    if (sub == subscriptions_.end()) return false;
    subscription = std::move(sub->second.subscription);
    auto stream = streams_.find(sub->second.streamKey);
    subscriptions_.erase(sub);
    if (stream != streams_.end()) {
      stream->second.decoder->removeSubscription(id);
      if (--stream->second.subscribers == 0) {
        closing = std::move(stream->second.decoder);
        tapId = stream->second.tapId;
        streams_.erase(stream);
      }
    }
  }
  subscription->close();
  if (closing) {
    host_.detach(tapId);  // false once the engine has stopped: nothing to do
    closing->close();
  }
  return true;
}

std::vector<decode::DeliveredFrame> FrameService::take(uint64_t id, size_t max) {
  std::shared_ptr<decode::Subscription> subscription;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = subscriptions_.find(id);
    if (it == subscriptions_.end()) return {};
    subscription = it->second.subscription;
  }
  return subscription->take(max);
}

std::optional<decode::SubscriptionStats> FrameService::stats(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return std::nullopt;
  return it->second.subscription->stats();
}

std::optional<decode::StreamDecoderStats> FrameService::streamStats(
    const std::string& streamKey) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = streams_.find(streamKey);
  if (it == streams_.end()) return std::nullopt;
  return it->second.decoder->stats();
}

size_t FrameService::decoderCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return streams_.size();
}

}  // namespace rtmp::server
