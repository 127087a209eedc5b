#include "binding/packet_subscriptions.h"

#include <algorithm>
#include <atomic>
#include <utility>
#include <vector>

#include "binding/bounded_channel.h"

namespace rtmp::binding {

namespace {

// State items bypass the credits; this many may wait in the channel beyond
// the packets (one per publish change: plenty).
constexpr size_t kStateHeadroom = 64;

Napi::Number num(Napi::Env env, double value) {
  return Napi::Number::New(env, value);
}

Napi::Value packetToJs(Napi::Env env, server::PacketItem& item) {
  Napi::Object o = Napi::Object::New(env);
  if (item.type == server::PacketItem::Type::kState) {
    o.Set("kind", "state");
    o.Set("publishing", Napi::Boolean::New(env, item.publishing));
    return o;
  }
  const media::MediaPacket& p = item.media->packet;
  const server::PacketTrack& track = *item.track;
  const bool video = p.kind == media::MediaKind::kVideo;
  o.Set("kind", video ? "video" : "audio");
  o.Set("codec", track.codecString);
  o.Set("timestamp", num(env, p.dts));
  o.Set("dts", num(env, p.dts));
  o.Set("pts", num(env, static_cast<double>(p.dts) + p.cts));
  o.Set("keyframe", Napi::Boolean::New(env, video ? p.keyframe : true));
  // The one copy: Electron refuses external array buffers.
  const auto data = p.payload.span().subspan(p.payloadOffset, p.payloadLength);
  o.Set("data", Napi::Buffer<uint8_t>::Copy(env, data.data(), data.size()));
  if (item.withDescription && !track.description.empty()) {
    const auto d = track.description.span();
    o.Set("description", Napi::Buffer<uint8_t>::Copy(env, d.data(), d.size()));
  }
  if (video) {
    if (track.width != 0) o.Set("width", num(env, track.width));
    if (track.height != 0) o.Set("height", num(env, track.height));
  } else {
    if (track.sampleRate != 0) o.Set("sampleRate", num(env, track.sampleRate));
    if (track.channels != 0) o.Set("channels", num(env, track.channels));
  }
  o.Set("droppedBefore", num(env, static_cast<double>(item.droppedBefore)));
  o.Set("discontinuity", Napi::Boolean::New(env, item.discontinuity));
  return o;
}

Napi::Value batchToJs(Napi::Env env, std::vector<server::PacketItem>&& batch) {
  Napi::Array out = Napi::Array::New(env, batch.size());
  for (uint32_t i = 0; i < batch.size(); ++i) out.Set(i, packetToJs(env, batch[i]));
  return out;
}

}  // namespace

using PacketChannel = BoundedChannel<server::PacketItem>;

// The tap's sink: credits (packets not yet released by the JS consumer) on top
// of the channel. Only the tap's loop pushes; JS releases.
class CreditSink : public server::PacketSink {
 public:
  CreditSink(std::shared_ptr<PacketChannel> channel, size_t maxItems, size_t maxBytes)
      : channel_(std::move(channel)), maxItems_(maxItems), maxBytes_(maxBytes) {}

  bool pushPacket(server::PacketItem&& item) override {
    const size_t bytes = item.bytes();
    if (items_.load() >= maxItems_ || bytes > maxBytes_ - std::min(maxBytes_, bytes_.load())) {
      return false;
    }
    items_ += 1;
    bytes_ += bytes;
    if (!channel_->push(std::move(item), bytes)) {  // closed
      items_ -= 1;
      bytes_ -= bytes;
      return false;
    }
    delivered_ += 1;
    return true;
  }

  void onDropped() override { dropped_ += 1; }

  void pushState(bool publishing) override {
    server::PacketItem item;
    item.type = server::PacketItem::Type::kState;
    item.publishing = publishing;
    channel_->push(std::move(item), 0);
  }

  void release(size_t items, size_t bytes) {
    // Clamped: a confused caller must not wrap the counters.
    size_t cur = items_.load();
    while (!items_.compare_exchange_weak(cur, cur - std::min(cur, items))) {
    }
    cur = bytes_.load();
    while (!bytes_.compare_exchange_weak(cur, cur - std::min(cur, bytes))) {
    }
  }

  PacketChannel& channel() { return *channel_; }
  size_t items() const { return items_.load(); }
  size_t bytes() const { return bytes_.load(); }
  uint64_t delivered() const { return delivered_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

 private:
  std::shared_ptr<PacketChannel> channel_;
  const size_t maxItems_;
  const size_t maxBytes_;
  std::atomic<size_t> items_{0};
  std::atomic<size_t> bytes_{0};
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> dropped_{0};  // refused or skipped by the tap
};

PacketSubscriptions::~PacketSubscriptions() {
  closeAll(/*discard=*/false);
}

uint64_t PacketSubscriptions::subscribe(Napi::Env env, server::Engine& engine,
                                        const std::string& streamKey,
                                        const PacketSubscriptionOptions& options,
                                        Napi::Function onItems, bool refed) {
  base::BoundedQueueLimits limits;
  limits.maxItems = options.maxItems + kStateHeadroom;
  limits.maxBytes = options.maxBytes;
  auto channel = PacketChannel::create(env, onItems, "rtmp-engine packets", limits, &batchToJs);
  if (!refed) channel->unref(env);
  auto sink = std::make_shared<CreditSink>(channel, options.maxItems, options.maxBytes);
  const server::PacketTapOptions tapOptions = options.tap;
  const uint64_t id = engine.attachTap(
      streamKey, server::Engine::kAnyLoop,
      [sink, tapOptions](const server::TapPlace&) -> std::unique_ptr<server::StreamTap> {
        return std::make_unique<server::PacketTap>(tapOptions, sink);
      });
  if (id == 0) {
    channel->close();
    return 0;
  }
  subs_.emplace(id, Entry{streamKey, std::move(sink)});
  return id;
}

bool PacketSubscriptions::unsubscribe(server::Engine* engine, uint64_t id) {
  auto it = subs_.find(id);
  if (it == subs_.end()) return false;
  if (engine != nullptr) engine->detachTap(id);
  it->second.sink->channel().close();
  subs_.erase(it);
  return true;
}

bool PacketSubscriptions::release(uint64_t id, double items, double bytes) {
  auto it = subs_.find(id);
  if (it == subs_.end()) return false;
  auto count = [](double v) { return v > 0 ? static_cast<size_t>(v) : size_t{0}; };
  it->second.sink->release(count(items), count(bytes));
  return true;
}

Napi::Array PacketSubscriptions::stats(Napi::Env env) const {
  Napi::Array out = Napi::Array::New(env, subs_.size());
  uint32_t i = 0;
  for (const auto& [id, entry] : subs_) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", num(env, static_cast<double>(id)));
    o.Set("stream", entry.stream);
    o.Set("queued", num(env, static_cast<double>(entry.sink->items())));
    o.Set("queuedBytes", num(env, static_cast<double>(entry.sink->bytes())));
    o.Set("delivered", num(env, static_cast<double>(entry.sink->delivered())));
    o.Set("dropped", num(env, static_cast<double>(entry.sink->dropped())));
    out.Set(i++, o);
  }
  return out;
}

void PacketSubscriptions::ref(Napi::Env env) {
  for (auto& [id, entry] : subs_) entry.sink->channel().ref(env);
}

void PacketSubscriptions::unref(Napi::Env env) {
  for (auto& [id, entry] : subs_) entry.sink->channel().unref(env);
}

void PacketSubscriptions::closeAll(bool discard) {
  for (auto& [id, entry] : subs_) {
    if (discard) entry.sink->channel().discard();  // no JS call any more
    entry.sink->channel().close();
  }
  subs_.clear();
}

}  // namespace rtmp::binding
