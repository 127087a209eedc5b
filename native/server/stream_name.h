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

// A stream or app name we accept: 1..256 bytes, no control characters, no
// "..", and no '/' at the ends. Keeps names safe as file and URL path parts
// for the HLS and recording taps.
bool validStreamName(std::string_view name);

}  // namespace rtmp::server
