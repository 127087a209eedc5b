#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace rtmp::base {

namespace {

void stderrSink(const LogLine& line, void*) {
  const LogContext& c = line.context;
  std::string where;
  if (c.sessionId != 0) where += "session " + std::to_string(c.sessionId) + " ";
  if (!c.ip.empty()) where.append("(").append(c.ip).append(":" + std::to_string(c.port) + ") ");
  if (!c.app.empty()) {
    where.append(c.app);
    if (!c.stream.empty()) where.append("/").append(c.stream);
    where += " ";
  }
  std::fprintf(stderr, "[%d] %.*s: %s%.*s\n", static_cast<int>(line.level),
               static_cast<int>(line.component.size()), line.component.data(), where.c_str(),
               static_cast<int>(line.message.size()), line.message.data());
}

struct SinkSlot {
  std::mutex mutex;  // guards swapping the sink against concurrent calls
  LogSink sink = stderrSink;
  void* userData = nullptr;
};

SinkSlot& slot() {
  static SinkSlot s;
  return s;
}

std::atomic<int> gMinimum{static_cast<int>(LogLevel::kInfo)};

}  // namespace

void setLogSink(LogSink sink, void* userData) {
  std::lock_guard<std::mutex> lock(slot().mutex);
  slot().sink = sink ? sink : stderrSink;
  slot().userData = sink ? userData : nullptr;
}

void setLogLevel(LogLevel minimum) {
  gMinimum.store(static_cast<int>(minimum));
}

bool logEnabled(LogLevel level) {
  return static_cast<int>(level) >= gMinimum.load(std::memory_order_relaxed);
}

void log(LogLevel level, std::string_view component, std::string_view message) {
  log(level, component, LogContext{}, message);
}

void log(LogLevel level, std::string_view component, const LogContext& context,
         std::string_view message) {
  if (!logEnabled(level)) return;
  const LogLine line{level, component, message, context};
  std::lock_guard<std::mutex> lock(slot().mutex);
  slot().sink(line, slot().userData);
}

}  // namespace rtmp::base
