// IpAddress and Cidr parsing. inet_pton (POSIX) does the address grammar;
// we add the pieces it does not know: length bounds, embedded NULs, zones
// (RFC 4007 §11), prefix lengths (RFC 4632 §3.1) and the IPv4 → IPv4-mapped
// fold (RFC 4291 §2.5.5.2).
#include "server/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "base/endian.h"

namespace rtmp::server {
namespace {

using base::Error;
using base::ErrorCode;
using base::Result;

// Longest IPv6 text is 45 chars ("ffff:...:255.255.255.255"); anything
// longer cannot be an address and is refused before copying.
constexpr size_t kMaxAddressText = 45;
// Zone ids are interface names or numbers (IFNAMSIZ is 16 on Linux); allow
// some slack but keep peer text bounded.
constexpr size_t kMaxZoneText = 64;

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

enum class Family { kV4, kV6 };

struct Parsed {
  IpAddress ip;
  Family family;
};

// Parses a bare address (no zone, no prefix). Returns the reason on failure.
Result<Parsed> parseBare(std::string_view text) {
  if (text.empty()) return Error(ErrorCode::kInvalidArgument, "empty address");
  if (text.size() > kMaxAddressText) return Error(ErrorCode::kInvalidArgument, "address too long");
  // inet_pton reads a C string: an embedded NUL would silently cut the input.
  if (text.find('\0') != std::string_view::npos) {
    return Error(ErrorCode::kInvalidArgument, "NUL byte in address");
  }
  char buf[kMaxAddressText + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';

  std::array<uint8_t, 16> bytes{};
  if (text.find(':') == std::string_view::npos) {
    // Strict dotted quad: glibc's inet_pton takes exactly four decimal parts
    // and no leading zeros, unlike inet_aton's octal/short forms.
    in_addr v4{};
    if (inet_pton(AF_INET, buf, &v4) != 1) {
      return Error(ErrorCode::kInvalidArgument, "not an IPv4 address");
    }
    std::memcpy(bytes.data(), kMappedPrefix.data(), kMappedPrefix.size());
    std::memcpy(bytes.data() + 12, &v4, 4);  // already network order
    return Parsed{IpAddress::fromBytes(bytes), Family::kV4};
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buf, &v6) != 1) {
    return Error(ErrorCode::kInvalidArgument, "not an IPv6 address");
  }
  std::memcpy(bytes.data(), &v6, 16);
  return Parsed{IpAddress::fromBytes(bytes), Family::kV6};
}

// Decimal prefix length, 1..3 digits, no sign, no leading zero.
Result<int> parsePrefix(std::string_view text, int max) {
  if (text.empty()) return Error(ErrorCode::kInvalidArgument, "empty prefix length");
  if (text.size() > 3) return Error(ErrorCode::kInvalidArgument, "prefix length too long");
  if (text.size() > 1 && text[0] == '0') {
    return Error(ErrorCode::kInvalidArgument, "prefix length has a leading zero");
  }
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return Error(ErrorCode::kInvalidArgument, "prefix length is not a decimal number");
    }
    value = value * 10 + (c - '0');
  }
  if (value > max) {
    return Error(ErrorCode::kInvalidArgument,
                 "prefix length " + std::to_string(value) + " above /" + std::to_string(max));
  }
  return value;
}

// True when every bit of `bytes` at or after bit `prefix` is zero.
bool hostBitsClear(const std::array<uint8_t, 16>& bytes, int prefix) {
  for (int i = 0; i < 16; ++i) {
    int bitsKept = prefix - i * 8;  // bits of this byte inside the prefix
    if (bitsKept >= 8) continue;
    uint8_t hostMask = bitsKept <= 0 ? 0xff : static_cast<uint8_t>(0xff >> bitsKept);
    if ((bytes[i] & hostMask) != 0) return false;
  }
  return true;
}

// Keeps the bytes a printable, bounded size in error messages.
std::string quoted(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string out;
  for (char c : text.substr(0, kMaxShown)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > kMaxShown) out += "...";
  return out;
}

Error badCidr(std::string_view text, std::string_view why) {
  return Error(ErrorCode::kInvalidArgument, "bad CIDR '" + quoted(text) + "': " + std::string(why));
}

}  // namespace

Result<IpAddress> IpAddress::parse(std::string_view text) {
  std::string_view addr = text;
  size_t pct = text.find('%');
  if (pct != std::string_view::npos) {
    std::string_view zone = text.substr(pct + 1);
    addr = text.substr(0, pct);
    // Zones exist only for IPv6 (RFC 4007 §11); "1.2.3.4%x" is garbage.
    if (addr.find(':') == std::string_view::npos || zone.empty() || zone.size() > kMaxZoneText) {
      return Error(ErrorCode::kInvalidArgument, "bad address '" + quoted(text) + "': bad zone");
    }
  }
  auto parsed = parseBare(addr);
  if (!parsed.ok()) {
    return Error(ErrorCode::kInvalidArgument,
                 "bad address '" + quoted(text) + "': " + parsed.error().message());
  }
  return parsed->ip;
}

IpAddress IpAddress::fromV4(uint32_t hostOrder) {
  std::array<uint8_t, 16> bytes{};
  std::memcpy(bytes.data(), kMappedPrefix.data(), kMappedPrefix.size());
  base::storeBe32(bytes.data() + 12, hostOrder);  // network order, after ::ffff:
  return fromBytes(bytes);
}

IpAddress IpAddress::fromBytes(const std::array<uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.bytes_ = bytes;
  return ip;
}

bool IpAddress::isV4() const {
  return std::memcmp(bytes_.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0;
}

std::string IpAddress::toString() const {
  char buf[INET6_ADDRSTRLEN];
  const char* out = isV4() ? inet_ntop(AF_INET, bytes_.data() + 12, buf, sizeof buf)
                           : inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
  return out ? std::string(out) : std::string("?");
}

size_t IpAddressHash::operator()(const IpAddress& ip) const {
  // Fold the two halves through splitmix64's finaliser: cheap and spreads
  // addresses that differ only in their low bits (neighbouring hosts).
  uint64_t hi = 0;
  uint64_t lo = 0;
  std::memcpy(&hi, ip.bytes().data(), 8);
  std::memcpy(&lo, ip.bytes().data() + 8, 8);
  uint64_t x = hi ^ (lo + 0x9e3779b97f4a7c15ULL + (hi << 6) + (hi >> 2));
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<size_t>(x ^ (x >> 31));
}

Result<Cidr> Cidr::parse(std::string_view text) {
  if (text.empty()) return badCidr(text, "empty");
  if (text.find('%') != std::string_view::npos) {
    return badCidr(text, "zones are not allowed in a rule");
  }
  size_t slash = text.find('/');
  std::string_view addrText = text.substr(0, slash);
  auto parsed = parseBare(addrText);
  if (!parsed.ok()) return badCidr(text, parsed.error().message());

  Cidr cidr;
  cidr.network_ = parsed->ip;
  cidr.v4_ = parsed->family == Family::kV4;
  const int max = cidr.v4_ ? 32 : 128;
  int written = max;  // a bare address is a single host
  if (slash != std::string_view::npos) {
    auto prefix = parsePrefix(text.substr(slash + 1), max);
    if (!prefix.ok()) return badCidr(text, prefix.error().message());
    written = *prefix;
  }
  cidr.prefix_ = cidr.v4_ ? written + 96 : written;
  if (!hostBitsClear(cidr.network_.bytes(), cidr.prefix_)) {
    return badCidr(text, "address has bits set past the /" + std::to_string(written) + " prefix");
  }
  return cidr;
}

bool Cidr::contains(const IpAddress& ip) const {
  const auto& a = ip.bytes();
  const auto& n = network_.bytes();
  int whole = prefix_ / 8;
  if (std::memcmp(a.data(), n.data(), static_cast<size_t>(whole)) != 0) return false;
  int rest = prefix_ % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == n[whole];
}

std::string Cidr::toString() const {
  // An IPv6-written rule over the mapped range stays in IPv6 form so the text
  // parses back to the same rule ("::ffff:10.0.0.0/104", not "10.0.0.0/104").
  std::string addr = network_.toString();
  if (!v4_ && network_.isV4()) {
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, network_.bytes().data(), buf, sizeof buf)) addr = buf;
  }
  return addr + "/" + std::to_string(prefixLength());
}

}  // namespace rtmp::server
