#include "server/publish_taps.h"

#include <algorithm>

namespace rtmp::server {

void PublishTaps::add(std::string name, PublishTapFactory factory) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = std::make_shared<Factories>(*factories_);
  auto it = std::find_if(next->begin(), next->end(),
                         [&](const auto& entry) { return entry.first == name; });
  if (it != next->end()) {
    it->second = std::move(factory);
  } else {
    next->emplace_back(std::move(name), std::move(factory));
  }
  factories_ = std::move(next);
}

bool PublishTaps::remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = std::make_shared<Factories>(*factories_);
  const size_t before = next->size();
  std::erase_if(*next, [&](const auto& entry) { return entry.first == name; });
  if (next->size() == before) return false;
  factories_ = std::move(next);
  return true;
}

bool PublishTaps::empty() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return factories_->empty();
}

std::vector<std::unique_ptr<StreamTap>> PublishTaps::build(const PublishTapRequest& request) const {
  std::shared_ptr<const Factories> factories;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    factories = factories_;
  }
  std::vector<std::unique_ptr<StreamTap>> taps;
  for (const auto& [name, factory] : *factories) {
    if (auto tap = factory(request)) taps.push_back(std::move(tap));
  }
  return taps;
}

}  // namespace rtmp::server
