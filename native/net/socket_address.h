// SocketAddress: an IP address and port as the engine sees them (for logs,
// accept filters, per-IP limits). Plain data; no libuv in this header.
#pragma once

#include <cstdint>
#include <string>

namespace rtmp::net {

struct SocketAddress {
  // Numeric form: "127.0.0.1" or "::1". An IPv4-mapped IPv6 peer
  // ("::ffff:10.0.0.1", seen on dual-stack listeners) is reported as plain
  // IPv4 so that IP rules need to know only one spelling.
  std::string ip;
  uint16_t port = 0;
  bool ipv6 = false;

  // "127.0.0.1:1935" or "[::1]:1935".
  std::string toString() const;
  bool operator==(const SocketAddress&) const = default;
};

// "host:port" with brackets around IPv6 hosts, for error messages.
std::string formatHostPort(const std::string& host, uint16_t port);

}  // namespace rtmp::net
