#include "binding/bounded_channel.h"

namespace rtmp::binding {

namespace {

Napi::Value bytesToJs(Napi::Env env, std::vector<BytesItem>&& batch) {
  Napi::Array out = Napi::Array::New(env, batch.size());
  for (uint32_t i = 0; i < batch.size(); ++i) {
    const base::Bytes& b = batch[i].bytes;
    out.Set(i, Napi::Buffer<uint8_t>::Copy(env, b.data(), b.size()));
  }
  return out;
}

}  // namespace

template class BoundedChannel<BytesItem>;

std::shared_ptr<BytesChannel> createBytesChannel(Napi::Env env, Napi::Function onItems,
                                                 const char* name,
                                                 base::BoundedQueueLimits limits) {
  return BytesChannel::create(env, onItems, name, limits, &bytesToJs);
}

}  // namespace rtmp::binding
