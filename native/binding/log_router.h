// LogRouter: forwards native log lines (base::log, process-wide) to JS.
//
// The engine has one log sink per process, but every Node environment
// (main thread, each worker) has its own JS logger. Routing rule: a line goes
// to the FIRST live engine, in start order, whose threshold accepts its level
// — exactly once, never duplicated per engine. A line logged while no engine
// is live goes to the default stderr sink.
//
// Threading: the sink runs on any thread with base/log.cc's slot mutex held.
// Lock order is   slot mutex → routes mutex → pump mutex;  add()/remove()
// never hold the routes mutex while calling base::setLogSink (which takes the
// slot mutex), so the two paths cannot deadlock.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "binding/event_pump.h"

namespace rtmp::binding {

class LogRouter {
 public:
  // Process-wide, never destroyed: engine threads may log during exit().
  static LogRouter& instance();

  // threshold in base::LogLevel units; kLogSilent (config_reader.h) = none.
  void add(std::shared_ptr<EventPump> pump, int threshold);
  // After remove() returns, the sink will not touch that pump again.
  void remove(const EventPump* pump);

 private:
  struct Route {
    std::shared_ptr<EventPump> pump;
    int threshold;
  };

  LogRouter() = default;
  static void sink(const base::LogLine& line, void* self);
  // Installs/uninstalls the sink and sets the engine's minimum level to the
  // lowest threshold asked for. Called with installMutex_ held only.
  void apply(size_t routeCount, int minThreshold);

  std::mutex installMutex_;  // serialises add()/remove() end to end
  std::mutex routesMutex_;   // guards routes_ against concurrent sink calls
  std::vector<Route> routes_;
};

}  // namespace rtmp::binding
