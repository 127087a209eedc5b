#include "server/loop_taps.h"

#include <vector>

namespace rtmp::server {

bool LoopTaps::attach(uint64_t id, const std::string& app, const std::string& name,
                      const TapFactory& factory) {
  if (taps_.count(id) != 0) return false;
  std::unique_ptr<StreamTap> tap = factory(TapPlace{id, app, name, loop_.index()});
  if (!tap) return false;
  // Created if nobody publishes yet, exactly like a player waiting for a publisher.
  std::shared_ptr<Stream> stream = registry_.acquire(app, name, /*create=*/true);
  StreamTap* raw = tap.get();
  // Stored before attach: onStart may already ask to be detached (a re-entrant
  // detach(id) must find the entry).
  taps_.emplace(id, Entry{stream, std::move(tap)});
  stream->attach(loop_, fanouts_, raw);
  return true;
}

bool LoopTaps::detach(uint64_t id) {
  auto it = taps_.find(id);
  if (it == taps_.end()) return false;
  // Move out first: onDetached may call back into this object.
  Entry entry = std::move(it->second);
  taps_.erase(it);
  entry.stream->detach(fanouts_, entry.tap.get());
  registry_.release(entry.stream);
  return true;
}

void LoopTaps::detachAll() {
  std::vector<uint64_t> ids;
  ids.reserve(taps_.size());
  for (const auto& [id, entry] : taps_) ids.push_back(id);
  for (uint64_t id : ids) detach(id);
}

}  // namespace rtmp::server
