#include "binding/addon_data.h"

#include <vector>

namespace rtmp::binding {

void AddonData::install(Napi::Env env) {
  auto* data = new AddonData();
  data->onEventsKey = Napi::Persistent(Napi::Symbol::New(env, "rtmp-engine.onEvents"));
  data->hlsFeedKey = Napi::Persistent(Napi::Symbol::New(env, "rtmp-engine.hlsFeed"));
  env.SetInstanceData<AddonData>(data);  // deleted by Node after cleanup hooks ran
  napi_add_env_cleanup_hook(env, &AddonData::onEnvironmentCleanup, data);
}

AddonData* AddonData::of(Napi::Env env) {
  return env.GetInstanceData<AddonData>();
}

uint64_t AddonData::registerCleanup(std::function<void()> stop) {
  uint64_t token = nextToken_++;
  cleanups_.emplace(token, std::move(stop));
  return token;
}

void AddonData::unregisterCleanup(uint64_t token) {
  cleanups_.erase(token);
}

void AddonData::onEnvironmentCleanup(void* arg) {
  auto* data = static_cast<AddonData*>(arg);
  // Stop engines still running when the environment exits (worker exit or
  // terminate, end of the main event loop; process.exit() on the main thread
  // skips cleanup hooks, see exit_guard.h). Node runs every cleanup hook before
  // it closes handles, so a thread-safe function whose own hook already ran is
  // closing but still allocated while we join the loop threads that may post
  // to it. Copy first: a stop unregisters itself.
  std::vector<std::function<void()>> stops;
  for (auto& [token, stop] : data->cleanups_) stops.push_back(stop);
  data->cleanups_.clear();
  for (auto& stop : stops) stop();
}

}  // namespace rtmp::binding
