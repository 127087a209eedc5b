#include "client/rtmp_url.h"

#include <charconv>

namespace rtmp::client {

namespace {

base::Error bad(std::string_view url, std::string_view why) {
  return base::Error(base::ErrorCode::kInvalidArgument,
                     "RTMP URL \"" + std::string(url) + "\": " + std::string(why));
}

}  // namespace

base::Result<RtmpUrl> parseRtmpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "rtmp://";
  if (url.substr(0, kScheme.size()) != kScheme) return bad(url, "must start with rtmp://");
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return bad(url, "no application path");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = rest.substr(slash + 1);

  RtmpUrl out;
  std::string_view portText;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad(url, "unterminated [IPv6] host");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad(url, "junk after ]");
      portText = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) portText = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad(url, "empty host");
  if (!portText.empty() || authority.find(':') != std::string_view::npos) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc() || end != portText.data() + portText.size() || port == 0 ||
        port > 65535) {
      return bad(url, "bad port");
    }
    out.port = static_cast<uint16_t>(port);
  }

  const size_t appEnd = path.find('/');
  out.app = std::string(path.substr(0, appEnd));
  if (appEnd != std::string_view::npos) out.stream = std::string(path.substr(appEnd + 1));
  if (out.app.empty()) return bad(url, "empty application name");

  const bool v6 = out.host.find(':') != std::string::npos;
  out.tcUrl = "rtmp://" + (v6 ? "[" + out.host + "]" : out.host) + ":" + std::to_string(out.port) +
              "/" + out.app;
  return out;
}

}  // namespace rtmp::client
