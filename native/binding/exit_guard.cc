#include "binding/exit_guard.h"

#include <cstdlib>
#include <mutex>
#include <vector>

#include "server/engine.h"

namespace rtmp::binding::exit_guard {

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<server::Engine*> engines;
};

// Leaked on purpose: must outlive every static destructor that exit() runs.
Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

void stopAllAtExit() {
  std::vector<server::Engine*> engines;
  {
    std::lock_guard<std::mutex> lock(registry().mutex);
    engines.swap(registry().engines);
  }
  for (server::Engine* engine : engines) engine->stop();
}

}  // namespace

void add(server::Engine* engine) {
  static std::once_flag once;
  // Registered on first use, after Node's own statics exist, so it runs before
  // their destructors (atexit handlers and destructors run in reverse order).
  std::call_once(once, [] { std::atexit(&stopAllAtExit); });
  std::lock_guard<std::mutex> lock(registry().mutex);
  registry().engines.push_back(engine);
}

void remove(server::Engine* engine) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  auto& list = registry().engines;
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (*it == engine) {
      list.erase(it);
      return;
    }
  }
}

}  // namespace rtmp::binding::exit_guard
