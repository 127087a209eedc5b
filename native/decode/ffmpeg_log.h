// FFmpeg's own log lines (av_log: "Invalid NAL unit size", ...) go through the
// engine's log sink at debug level, component "ffmpeg", instead of stderr.
// Decode errors reach subscribers as values with stable codes; these lines are
// only the detail. Installed once per process by the first DecoderPool.
#pragma once

namespace rtmp::decode {

void routeFfmpegLogs();

}  // namespace rtmp::decode
