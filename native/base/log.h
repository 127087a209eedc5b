// Logging sink. The engine logs through one process-wide function pointer so
// the binding can forward lines to JS (pino) and tests can capture them.
// Default sink writes one line per call to stderr.
#pragma once

#include <string_view>

namespace rtmp::base {

enum class LogLevel { kTrace = 10, kDebug = 20, kInfo = 30, kWarn = 40, kError = 50 };

// component: "session", "net", ...; message: one line, no trailing newline.
using LogSink = void (*)(LogLevel level, std::string_view component, std::string_view message,
                         void* userData);

void setLogSink(LogSink sink, void* userData);
void setLogLevel(LogLevel minimum);
bool logEnabled(LogLevel level);
void log(LogLevel level, std::string_view component, std::string_view message);

}  // namespace rtmp::base
