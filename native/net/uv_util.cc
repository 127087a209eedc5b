#include "net/uv_util.h"

#include <netinet/in.h>
#include <unistd.h>

#include <cstring>

namespace rtmp::net {

namespace detail {

std::string uvErrorText(int status) {
  std::string text = uv_err_name(status);
  text += " (";
  text += uv_strerror(status);
  text += ')';
  return text;
}

base::Error uvError(base::ErrorCode code, std::string_view what, int status) {
  if (status == UV_EADDRINUSE) {
    code = base::ErrorCode::kAddressInUse;
  }
  std::string message(what);
  message += ": ";
  message += uvErrorText(status);
  return base::Error(code, std::move(message));
}

int parseIp(const std::string& host, uint16_t port, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(out)) == 0) {
    return 0;
  }
  std::memset(out, 0, sizeof(*out));
  if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(out)) == 0) {
    return 0;
  }
  return UV_EINVAL;
}

SocketAddress toSocketAddress(const sockaddr* addr) {
  SocketAddress result;
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET) {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(addr);
    uv_ip4_name(in4, text, sizeof(text));
    result.ip = text;
    result.port = ntohs(in4->sin_port);
  } else if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    result.port = ntohs(in6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      // ::ffff:a.b.c.d — the last four bytes are the IPv4 address.
      sockaddr_in in4{};
      in4.sin_family = AF_INET;
      std::memcpy(&in4.sin_addr, in6->sin6_addr.s6_addr + 12, 4);
      uv_ip4_name(&in4, text, sizeof(text));
    } else {
      uv_ip6_name(in6, text, sizeof(text));
      result.ipv6 = true;
    }
    result.ip = text;
  }
  return result;
}

SocketAddress peerAddressOf(const uv_tcp_t* tcp) {
  sockaddr_storage storage{};
  int length = sizeof(storage);
  if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return {};
  }
  return toSocketAddress(reinterpret_cast<const sockaddr*>(&storage));
}

SocketAddress localAddressOf(const uv_tcp_t* tcp) {
  sockaddr_storage storage{};
  int length = sizeof(storage);
  if (uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return {};
  }
  return toSocketAddress(reinterpret_cast<const sockaddr*>(&storage));
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

void UniqueFd::reset() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace detail
}  // namespace rtmp::net
