#include "binding/log_router.h"

#include <algorithm>
#include <utility>

#include "binding/config_reader.h"

namespace rtmp::binding {

LogRouter& LogRouter::instance() {
  static LogRouter* router = new LogRouter();  // leaked: see header
  return *router;
}

void LogRouter::add(std::shared_ptr<EventPump> pump, int threshold) {
  std::lock_guard<std::mutex> install(installMutex_);
  size_t count;
  int minimum = kLogSilent;
  {
    std::lock_guard<std::mutex> lock(routesMutex_);
    routes_.push_back(Route{std::move(pump), threshold});
    count = routes_.size();
    for (const Route& r : routes_) minimum = std::min(minimum, r.threshold);
  }
  apply(count, minimum);
}

void LogRouter::remove(const EventPump* pump) {
  std::lock_guard<std::mutex> install(installMutex_);
  size_t count;
  int minimum = kLogSilent;
  std::shared_ptr<EventPump> removed;  // released outside the lock
  {
    std::lock_guard<std::mutex> lock(routesMutex_);
    auto it = std::find_if(routes_.begin(), routes_.end(),
                           [pump](const Route& r) { return r.pump.get() == pump; });
    if (it == routes_.end()) return;
    removed = std::move(it->pump);
    routes_.erase(it);
    count = routes_.size();
    for (const Route& r : routes_) minimum = std::min(minimum, r.threshold);
  }
  apply(count, minimum);
}

void LogRouter::apply(size_t routeCount, int minThreshold) {
  if (routeCount == 0) {
    base::setLogSink(nullptr, nullptr);  // back to stderr
    base::setLogLevel(base::LogLevel::kInfo);
    return;
  }
  // Every engine silent: keep errors only, so little is formatted for nothing.
  int level = std::clamp(minThreshold, static_cast<int>(base::LogLevel::kTrace),
                         static_cast<int>(base::LogLevel::kError));
  base::setLogLevel(static_cast<base::LogLevel>(level));
  base::setLogSink(&LogRouter::sink, this);
}

void LogRouter::sink(const base::LogLine& line, void* self) {
  auto* router = static_cast<LogRouter*>(self);
  std::lock_guard<std::mutex> lock(router->routesMutex_);
  for (const Route& r : router->routes_) {
    if (static_cast<int>(line.level) >= r.threshold) {
      r.pump->pushLog(line);
      return;
    }
  }
}

}  // namespace rtmp::binding
