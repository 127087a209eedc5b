#include "server/stream_registry.h"

namespace rtmp::server {

std::shared_ptr<Stream> StreamRegistry::acquire(const std::string& app, const std::string& name,
                                                bool create, bool requirePublishing) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string key = keyOf(app, name);
  auto it = streams_.find(key);
  if (it == streams_.end()) {
    if (!create) return nullptr;
    it = streams_.emplace(key, Entry{std::make_shared<Stream>(app, name, options_), 0}).first;
  } else if (requirePublishing && !it->second.stream->publishing()) {
    return nullptr;
  }
  ++it->second.holds;
  return it->second.stream;
}

void StreamRegistry::release(const std::shared_ptr<Stream>& stream) {
  if (!stream) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = streams_.find(keyOf(stream->app(), stream->name()));
  if (it == streams_.end() || it->second.stream != stream) return;
  if (it->second.holds > 0) --it->second.holds;
  if (it->second.holds == 0 && !stream->publishing()) streams_.erase(it);
}

size_t StreamRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return streams_.size();
}

std::vector<StreamSnapshot> StreamRegistry::snapshot() const {
  std::vector<std::shared_ptr<Stream>> streams;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, entry] : streams_) streams.push_back(entry.stream);
  }
  std::vector<StreamSnapshot> out;
  for (const auto& s : streams) {
    // Streams that only have waiting players are not "live"; list publishing ones.
    if (s->publishing()) out.push_back(s->snapshot());
  }
  return out;
}

}  // namespace rtmp::server
