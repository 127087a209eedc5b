// Splits the names a client sends into what the server keys streams by and the
// query parameters that ride along (tokens, keys):
//   connect  app   "live?token=abc"          → app "live", query "token=abc"
//   connect  tcUrl "rtmp://h/live?token=abc" → (query taken from app if absent there)
//   publish  name  "cam1?key=s3cr3t"         → name "cam1", query "key=s3cr3t"
#pragma once

#include <string>
#include <string_view>

namespace rtmp::server {

struct NameAndQuery {
  std::string name;
  std::string query;  // without the leading '?', possibly empty
};

NameAndQuery splitQuery(std::string_view raw);

// Query of a tcUrl ("rtmp://host:port/app?x=1" → "x=1").
std::string tcUrlQuery(std::string_view tcUrl);

// Joins non-empty query strings with '&'.
std::string joinQueries(std::string_view a, std::string_view b);

// The names we accept for apps and streams (docs/configuration.md, "Stream
// names"). They become URL path parts (HLS/DASH) and file paths (recordings),
// so the grammar rules out everything a later decoding or joining step could
// turn into a traversal or an escape:
//   - 1..256 bytes of valid UTF-8 (no overlong forms, no surrogates);
//   - path segments separated by single '/': none empty (no '/' at either
//     end, no "//"), none starting with '.', and ".." nowhere;
//   - no control characters (C0, DEL, C1);
//   - none of  % \ # " * : < > |  ('%': names are never percent-decoded, so
//     "%2e%2e" is refused rather than trusted to stay undecoded).
// Returns why a name is refused (a fixed text that never quotes the name, so
// it is safe to send to the client and to log), or nullptr when it is valid.
const char* streamNameProblem(std::string_view name);

inline bool validStreamName(std::string_view name) {
  return streamNameProblem(name) == nullptr;
}

}  // namespace rtmp::server
