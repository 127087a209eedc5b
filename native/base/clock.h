// Clocks. Protocol code never reads them; the server passes times in.
#pragma once

#include <cstdint>

namespace rtmp::base {

// Milliseconds from an arbitrary start; never goes backwards (timeouts).
uint64_t monotonicMs();
// Unix time in milliseconds (events and stats shown to people).
uint64_t wallClockMs();

}  // namespace rtmp::base
