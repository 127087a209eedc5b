// /proc sampling of another process (the server under test) and of ourselves.
#pragma once

#include <cstdint>
#include <optional>

namespace rtmp::bench {

// utime + stime of every thread of `pid`, in seconds (/proc/PID/stat fields
// 14 and 15). nullopt when the process is gone or unreadable.
std::optional<double> processCpuSeconds(int pid);
// VmRSS of `pid` in KiB (/proc/PID/status). nullopt when unreadable.
std::optional<double> processRssKiB(int pid);
// CPU seconds (user + system) this process has used so far.
double selfCpuSeconds();

}  // namespace rtmp::bench
