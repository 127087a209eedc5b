// Logging sink. The engine logs through one process-wide function pointer so
// the binding can forward lines to JS (pino) and tests can capture them.
// Default sink writes one line per call to stderr.
//
// A line may carry a LogContext (the session it is about: id, stream, peer),
// which reaches the JS logger as fields rather than as text. Messages that
// cost something to build are passed as a callable, called only when the
// level is enabled:
//
//   base::log(LogLevel::kDebug, "session", logContext(),
//             [&] { return "command '" + name + "'"; });
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace rtmp::base {

enum class LogLevel { kTrace = 10, kDebug = 20, kInfo = 30, kWarn = 40, kError = 50 };

// What a line is about; every field optional (0 / empty = not known). Views:
// valid for the duration of the log call only.
struct LogContext {
  uint64_t sessionId = 0;
  std::string_view app{};
  std::string_view stream{};  // stream name without query
  std::string_view ip{};      // remote address
  uint16_t port = 0;          // remote port
};

// One line as the sink sees it; views valid during the sink call only.
struct LogLine {
  LogLevel level;
  std::string_view component;  // "session", "net", ...
  std::string_view message;    // one line, no trailing newline
  const LogContext& context;
};

using LogSink = void (*)(const LogLine& line, void* userData);

void setLogSink(LogSink sink, void* userData);
void setLogLevel(LogLevel minimum);
bool logEnabled(LogLevel level);

// component: "session", "net", ...; message: one line, no trailing newline.
void log(LogLevel level, std::string_view component, std::string_view message);
void log(LogLevel level, std::string_view component, const LogContext& context,
         std::string_view message);

// Lazy forms: makeMessage() (returning a string) runs only when `level` is on.
template <typename MakeMessage>
requires std::invocable<MakeMessage&>
void log(LogLevel level, std::string_view component, const LogContext& context,
         MakeMessage&& makeMessage) {
  if (!logEnabled(level)) return;
  const std::string message = makeMessage();
  log(level, component, context, std::string_view(message));
}

template <typename MakeMessage>
requires std::invocable<MakeMessage&>
void log(LogLevel level, std::string_view component, MakeMessage&& makeMessage) {
  log(level, component, LogContext{}, std::forward<MakeMessage>(makeMessage));
}

}  // namespace rtmp::base
