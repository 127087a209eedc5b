#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace rtmp::base {

namespace {

void stderrSink(LogLevel level, std::string_view component, std::string_view message, void*) {
  std::fprintf(stderr, "[%d] %.*s: %.*s\n", static_cast<int>(level),
               static_cast<int>(component.size()), component.data(),
               static_cast<int>(message.size()), message.data());
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
  return static_cast<int>(level) >= gMinimum.load();
}

void log(LogLevel level, std::string_view component, std::string_view message) {
  if (!logEnabled(level)) return;
  std::lock_guard<std::mutex> lock(slot().mutex);
  slot().sink(level, component, message, slot().userData);
}

}  // namespace rtmp::base
