// RtmpUrl: "rtmp://HOST[:PORT]/APP[/STREAM...]" split the way FFmpeg and OBS
// split it: the first path segment is the application, the rest (slashes and
// "?query" included) is the stream name. tcUrl is "rtmp://HOST:PORT/APP".
// Hosts must be numeric (IPv4, or IPv6 in brackets): the client does no DNS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace rtmp::client {

inline constexpr uint16_t kDefaultRtmpPort = 1935;

struct RtmpUrl {
  std::string host;  // without brackets
  uint16_t port = kDefaultRtmpPort;
  std::string app;
  std::string stream;  // may be empty when the URL names only the app
  std::string tcUrl;
};

// kInvalidArgument with the reason for anything else (other schemes, empty
// app, a port outside 1..65535).
base::Result<RtmpUrl> parseRtmpUrl(std::string_view url);

}  // namespace rtmp::client
