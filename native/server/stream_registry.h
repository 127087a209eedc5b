// StreamRegistry: live streams by "app/name", shared by every loop. Touched on
// publish/play/leave only, never per message. Each session that uses a stream
// (publisher or player) holds it; a stream with no holders and no publisher is
// forgotten, so a name can never be reached through a dangling entry.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/stream.h"

namespace rtmp::server {

class StreamRegistry {
 public:
  explicit StreamRegistry(StreamOptions options) : options_(options) {}

  // Finds (or, with create, makes) the stream and takes a hold on it.
  // Returns null if it does not exist and create is false, or if it exists but
  // nobody publishes and requirePublishing is set.
  std::shared_ptr<Stream> acquire(const std::string& app, const std::string& name, bool create,
                                  bool requirePublishing = false);
  // Drops a hold taken by acquire(); forgets the stream when nothing holds it.
  void release(const std::shared_ptr<Stream>& stream);

  size_t size() const;
  std::vector<StreamSnapshot> snapshot() const;

  static std::string keyOf(const std::string& app, const std::string& name) {
    return app + "/" + name;
  }

 private:
  struct Entry {
    std::shared_ptr<Stream> stream;
    uint32_t holds = 0;
  };
  const StreamOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> streams_;
};

}  // namespace rtmp::server
