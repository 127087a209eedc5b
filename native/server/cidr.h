// IP addresses and CIDR blocks for the server's door rules (IP allow/deny,
// failed-auth bans). Pure values: no sockets, no DNS, no clocks.
//
// Every address is held in IPv6 form (RFC 4291 §2.5.5.2): an IPv4 address
// a.b.c.d is stored as the IPv4-mapped ::ffff:a.b.c.d. A dual-stack listener
// reports IPv4 peers in that mapped form, so folding both spellings into one
// value makes "10.0.0.0/8" match "::ffff:10.0.0.1" and "::ffff:10.0.0.0/104"
// match "10.0.0.1" with no special cases in the match itself.
//
//   bytes  0                   9  10  11  12  13  14  15
//          +-------------------+---+---+---+---+---+---+
//   v4     | 00 00 ... 00 (10) |ff |ff | a | b | c | d |   prefix /n → /(96+n)
//          +-------------------+---+---+---+---+---+---+
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace rtmp::server {

class IpAddress {
 public:
  // The unspecified address "::".
  IpAddress() = default;

  // Peer addresses as the net layer prints them: "1.2.3.4", "::1",
  // "::ffff:1.2.3.4", "fe80::1%eth0" (the zone is dropped: a zone names the
  // local interface, not the peer). No prefix, no port, no brackets.
  static base::Result<IpAddress> parse(std::string_view text);

  // Host-order IPv4 (0x0a000001 = 10.0.0.1), stored mapped.
  static IpAddress fromV4(uint32_t hostOrder);
  static IpAddress fromBytes(const std::array<uint8_t, 16>& bytes);

  // True for IPv4 and IPv4-mapped IPv6 (::ffff:0:0/96).
  bool isV4() const;
  // Network bytes in IPv6 form (IPv4 mapped).
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  // Dotted quad for IPv4 (mapped or not), RFC 5952 text for IPv6.
  std::string toString() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) { return a.bytes_ == b.bytes_; }
  friend bool operator!=(const IpAddress& a, const IpAddress& b) { return !(a == b); }

 private:
  std::array<uint8_t, 16> bytes_{};
};

// For unordered containers keyed by address.
struct IpAddressHash {
  size_t operator()(const IpAddress& ip) const;
};

class Cidr {
 public:
  // "10.0.0.0/8", "192.168.1.7" (= /32), "2001:db8::/32", "::1" (= /128),
  // "::ffff:10.0.0.0/104". Rejects, as kInvalidArgument "bad CIDR '<text>':
  // <why>": empty text, bad address, zones, prefixes above /32 (v4) or /128
  // (v6), non-decimal prefixes, and host bits set below the prefix
  // ("10.0.0.1/8") since that is usually a typo for a narrower rule.
  static base::Result<Cidr> parse(std::string_view text);

  bool contains(const IpAddress& ip) const;

  // Prefix length as written: 0..32 for IPv4 rules, 0..128 for IPv6 rules.
  int prefixLength() const { return v4_ ? prefix_ - 96 : prefix_; }
  bool isV4() const { return v4_; }
  const IpAddress& network() const { return network_; }

  // Canonical text, "10.0.0.0/8" or "2001:db8::/32".
  std::string toString() const;

  friend bool operator==(const Cidr& a, const Cidr& b) {
    return a.network_ == b.network_ && a.prefix_ == b.prefix_ && a.v4_ == b.v4_;
  }

 private:
  IpAddress network_;
  int prefix_ = 0;  // over all 128 bits (an IPv4 /8 is stored as /104)
  bool v4_ = false;
};

}  // namespace rtmp::server
