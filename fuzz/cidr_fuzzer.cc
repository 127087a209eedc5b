// Fuzzes Cidr::parse and IpAddress::parse (peer and config text) and checks
// the properties the door rules rely on:
//   - parse never crashes, and errors carry kInvalidArgument;
//   - toString() of anything parsed parses back to the same value;
//   - a Cidr contains its own network address, and the IPv4/mapped fold
//     holds (an IPv4 address equals its ::ffff: spelling).
// The input is also split at its first newline so one run can pair an
// arbitrary rule with an arbitrary peer for contains().
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/cidr.h"

using rtmp::base::ErrorCode;
using rtmp::server::Cidr;
using rtmp::server::IpAddress;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzzAddress(std::string_view text) {
  auto ip = IpAddress::parse(text);
  if (!ip.ok()) {
    check(ip.error().code() == ErrorCode::kInvalidArgument);
    return;
  }
  auto back = IpAddress::parse(ip->toString());
  check(back.ok() && *back == *ip);
  if (ip->isV4()) {
    auto mapped = IpAddress::parse("::ffff:" + ip->toString());
    check(mapped.ok() && *mapped == *ip);
  }
}

void fuzzCidr(std::string_view text) {
  auto cidr = Cidr::parse(text);
  if (!cidr.ok()) {
    check(cidr.error().code() == ErrorCode::kInvalidArgument);
    return;
  }
  check(cidr->contains(cidr->network()));
  auto back = Cidr::parse(cidr->toString());
  check(back.ok() && *back == *cidr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzzAddress(text);
  fuzzCidr(text);

  size_t nl = text.find('\n');
  if (nl != std::string_view::npos) {
    std::string_view rule = text.substr(0, nl);
    std::string_view peer = text.substr(nl + 1);
    auto cidr = Cidr::parse(rule);
    auto ip = IpAddress::parse(peer);
    if (cidr.ok() && ip.ok()) {
      bool in = cidr->contains(*ip);
      // A /0 IPv6 rule takes every peer; a host rule takes only itself.
      if (!cidr->isV4() && cidr->prefixLength() == 0) check(in);
      if (cidr->prefixLength() == (cidr->isV4() ? 32 : 128)) check(in == (cidr->network() == *ip));
    }
  }
  return 0;
}
