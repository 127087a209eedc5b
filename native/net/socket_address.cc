#include "net/socket_address.h"

namespace rtmp::net {

std::string SocketAddress::toString() const {
  return formatHostPort(ip, port);
}

std::string formatHostPort(const std::string& host, uint16_t port) {
  const bool bracket = host.find(':') != std::string::npos;
  std::string out;
  out.reserve(host.size() + 8);
  if (bracket) out += '[';
  out += host;
  if (bracket) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

}  // namespace rtmp::net
