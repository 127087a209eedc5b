#include "decode/ffmpeg_log.h"

#include <cstdarg>
#include <cstring>
#include <mutex>
#include <string_view>

#include "base/log.h"

extern "C" {
#include <libavutil/log.h>
}

namespace rtmp::decode {
namespace {

void forward(void* avcl, int level, const char* format, va_list args) {
  if (level > AV_LOG_INFO || !base::logEnabled(base::LogLevel::kDebug)) return;
  char line[1024];
  int prefix = 1;  // FFmpeg's "[h264 @ 0x...] " prefix state, per call here
  av_log_format_line2(avcl, level, format, args, line, sizeof(line), &prefix);
  std::string_view text(line, strnlen(line, sizeof(line)));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.empty()) base::log(base::LogLevel::kDebug, "ffmpeg", text);
}

}  // namespace

void routeFfmpegLogs() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(forward); });
}

}  // namespace rtmp::decode
