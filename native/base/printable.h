// Untrusted text (stream names, app names, URLs a client sent) made safe to
// put in a log line or an error message: bounded in length and with every
// byte that is not printable ASCII shown as an escape, so a 10 KB name cannot
// amplify the log, a NUL does not read as a space, and invalid UTF-8 is
// visible as what it is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rtmp::base {

// Printable ASCII stays as is, except '\' and '\'' which are escaped so the
// result can sit between quotes; every other byte becomes \xNN. Past
// maxBytes of input the rest is cut and the cut is said: "…(+N bytes)".
std::string printable(std::string_view text, size_t maxBytes = 64);

// printable() between single quotes: the usual way to quote a client's text.
inline std::string quoted(std::string_view text, size_t maxBytes = 64) {
  return "'" + printable(text, maxBytes) + "'";
}

}  // namespace rtmp::base
