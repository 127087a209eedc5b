// Per-environment instance data. Each Node environment (main thread, every
// worker thread) that loads the addon gets its own AddonData; nothing is held in
// statics, and the cleanup hook stops whatever the environment left running.
#pragma once

#include <napi.h>

#include <cstdint>
#include <functional>
#include <unordered_map>

namespace rtmp::binding {

class AddonData {
 public:
  static void install(Napi::Env env);
  static AddonData* of(Napi::Env env);

  // Objects that must be stopped when the environment goes away (engines).
  // Returns a token for unregister().
  uint64_t registerCleanup(std::function<void()> stop);
  void unregisterCleanup(uint64_t token);

  Napi::FunctionReference engineConstructor;
  // Private key under which each Engine object keeps its onEvents callback.
  Napi::Reference<Napi::Symbol> onEventsKey;
  // ...and its HLS feed callback (setHlsFeed), for the same reason.
  Napi::Reference<Napi::Symbol> hlsFeedKey;

 private:
  static void onEnvironmentCleanup(void* arg);
  std::unordered_map<uint64_t, std::function<void()>> cleanups_;
  uint64_t nextToken_ = 1;
};

}  // namespace rtmp::binding
