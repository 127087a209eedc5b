// Internal to net/: small helpers shared by the files that talk to libuv.
// Not for use outside native/net/ (it includes uv.h, which only net/ may).
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <string>
#include <string_view>

#include "base/error.h"
#include "net/socket_address.h"

namespace rtmp::net::detail {

// "ECONNRESET (connection reset by peer)".
std::string uvErrorText(int status);

// An Error for a failed libuv call: UV_EADDRINUSE maps to kAddressInUse, every
// other status to `code`. Message: "<what>: EADDRINUSE (address already in use)".
base::Error uvError(base::ErrorCode code, std::string_view what, int status);

// Parses a numeric IPv4 or IPv6 host (no DNS) into `out`. Returns a libuv
// status (0 or UV_EINVAL).
int parseIp(const std::string& host, uint16_t port, sockaddr_storage* out);

// Converts a socket address (AF_INET/AF_INET6) to SocketAddress, folding
// IPv4-mapped IPv6 addresses to IPv4.
SocketAddress toSocketAddress(const sockaddr* addr);

// Peer / local address of a TCP handle; empty SocketAddress on failure.
SocketAddress peerAddressOf(const uv_tcp_t* tcp);
SocketAddress localAddressOf(const uv_tcp_t* tcp);

// Owns a raw socket descriptor between accept() and uv_tcp_open(): closes it
// on destruction unless released. Lets an fd ride in a mailbox task and still
// be closed when the task is dropped instead of run.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

}  // namespace rtmp::net::detail
