#include "server/stream_name.h"

namespace rtmp::server {

NameAndQuery splitQuery(std::string_view raw) {
  NameAndQuery out;
  size_t q = raw.find('?');
  if (q == std::string_view::npos) {
    out.name = std::string(raw);
  } else {
    out.name = std::string(raw.substr(0, q));
    out.query = std::string(raw.substr(q + 1));
  }
  // Some encoders leave a trailing slash on app names ("live/").
  while (!out.name.empty() && out.name.back() == '/') out.name.pop_back();
  return out;
}

std::string tcUrlQuery(std::string_view tcUrl) {
  size_t q = tcUrl.find('?');
  return q == std::string_view::npos ? std::string() : std::string(tcUrl.substr(q + 1));
}

std::string joinQueries(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  out += '&';
  out += b;
  return out;
}

bool validStreamName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  if (name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F || c == '\\') return false;
  }
  return true;
}

}  // namespace rtmp::server
