// Cidr and IpAddress: parsing (RFC 4632 prefixes, RFC 4291 text forms, RFC
// 4007 zones), the IPv4 ↔ IPv4-mapped fold, and prefix edges /0, /32, /128.
#include "server/cidr.h"

#include <gtest/gtest.h>

#include <string>
#include "ip_text.h"

namespace rtmp::server::testing {
namespace {

Cidr cidr(const char* text) {
  auto r = Cidr::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().toString());
  return r.ok() ? *r : Cidr();
}

void expectBadCidr(const char* text, const char* why) {
  auto r = Cidr::parse(text);
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find(std::string("bad CIDR '") + text + "': "), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find(why), std::string::npos) << r.error().message();
}

// ---- IpAddress ----

TEST(CidrIpAddressTest, ParsesIpv4AsMapped) {
  IpAddress a = ip("192.168.1.7");
  EXPECT_TRUE(a.isV4());
  // ::ffff:c0a8:0107 — ten zero bytes, ff ff, then the four octets.
  std::array<uint8_t, 16> want = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 7};
  EXPECT_EQ(a.bytes(), want);
  EXPECT_EQ(a.toString(), "192.168.1.7");
}

TEST(CidrIpAddressTest, MappedAndPlainIpv4AreEqual) {
  EXPECT_EQ(ip("::ffff:10.0.0.1"), ip("10.0.0.1"));
  EXPECT_EQ(ip("::FFFF:a00:1"), ip("10.0.0.1"));
  EXPECT_EQ(IpAddress::fromV4(0x0a000001), ip("10.0.0.1"));
  EXPECT_EQ(ip("::ffff:10.0.0.1").toString(), "10.0.0.1");
}

TEST(CidrIpAddressTest, ParsesIpv6) {
  IpAddress a = ip("::1");
  EXPECT_FALSE(a.isV4());
  EXPECT_EQ(a.bytes()[15], 1);
  EXPECT_EQ(a.toString(), "::1");
  EXPECT_EQ(ip("2001:DB8:0:0::1").toString(), "2001:db8::1");
}

TEST(CidrIpAddressTest, StripsIpv6Zone) {
  EXPECT_EQ(ip("fe80::1%eth0"), ip("fe80::1"));
  EXPECT_EQ(ip("fe80::1%2"), ip("fe80::1"));
}

TEST(CidrIpAddressTest, RejectsBadAddresses) {
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " ::1", "1.2.3.4/32",
        "[::1]", "::1:", "1::2::3", "abc", "1.2.3.4%eth0", "fe80::1%", "1.2.3.4:1935", "gggg::1"}) {
    auto r = IpAddress::parse(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "'";
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
    }
  }
}

TEST(CidrIpAddressTest, RejectsEmbeddedNul) {
  // inet_pton would stop at the NUL and accept "1.2.3.4".
  EXPECT_FALSE(IpAddress::parse(std::string_view("1.2.3.4\0x", 9)).ok());
  EXPECT_FALSE(Cidr::parse(std::string_view("10.0.0.0\0/8", 11)).ok());
}

TEST(CidrIpAddressTest, RejectsOverlongText) {
  EXPECT_FALSE(IpAddress::parse(std::string(46, '1')).ok());
  EXPECT_FALSE(IpAddress::parse("fe80::1%" + std::string(65, 'e')).ok());
}

TEST(CidrIpAddressTest, HashAgreesWithEquality) {
  IpAddressHash h;
  EXPECT_EQ(h(ip("::ffff:10.0.0.1")), h(ip("10.0.0.1")));
  EXPECT_NE(h(ip("10.0.0.1")), h(ip("10.0.0.2")));
}

// ---- Cidr parsing ----

TEST(CidrParseTest, Ipv4Network) {
  Cidr c = cidr("10.0.0.0/8");
  EXPECT_TRUE(c.isV4());
  EXPECT_EQ(c.prefixLength(), 8);
  EXPECT_EQ(c.toString(), "10.0.0.0/8");
}

TEST(CidrParseTest, BareIpv4IsHost32) {
  Cidr c = cidr("192.168.1.7");
  EXPECT_EQ(c.prefixLength(), 32);
  EXPECT_EQ(c.toString(), "192.168.1.7/32");
}

TEST(CidrParseTest, Ipv6Network) {
  Cidr c = cidr("2001:db8::/32");
  EXPECT_FALSE(c.isV4());
  EXPECT_EQ(c.prefixLength(), 32);
  EXPECT_EQ(c.toString(), "2001:db8::/32");
}

TEST(CidrParseTest, BareIpv6IsHost128) {
  EXPECT_EQ(cidr("::1").prefixLength(), 128);
  EXPECT_EQ(cidr("::1").toString(), "::1/128");
}

TEST(CidrParseTest, MappedRuleKeepsIpv6Text) {
  Cidr c = cidr("::ffff:10.0.0.0/104");
  EXPECT_FALSE(c.isV4());
  EXPECT_EQ(c.prefixLength(), 104);
  auto back = Cidr::parse(c.toString());
  ASSERT_TRUE(back.ok()) << c.toString();
  EXPECT_EQ(*back, c);
}

TEST(CidrParseTest, RejectsEmpty) {
  expectBadCidr("", "empty");
}
TEST(CidrParseTest, RejectsV4PrefixAbove32) {
  expectBadCidr("10.0.0.0/33", "above /32");
}
TEST(CidrParseTest, RejectsV6PrefixAbove128) {
  expectBadCidr("2001:db8::/129", "above /128");
}
TEST(CidrParseTest, RejectsEmptyPrefix) {
  expectBadCidr("10.0.0.0/", "empty prefix");
}
TEST(CidrParseTest, RejectsSignedPrefix) {
  expectBadCidr("10.0.0.0/+8", "not a decimal");
}
TEST(CidrParseTest, RejectsNegativePrefix) {
  expectBadCidr("10.0.0.0/-1", "not a decimal");
}
TEST(CidrParseTest, RejectsLongPrefix) {
  expectBadCidr("10.0.0.0/0008", "too long");
}
TEST(CidrParseTest, RejectsLeadingZeroPrefix) {
  expectBadCidr("10.0.0.0/08", "leading zero");
}
TEST(CidrParseTest, RejectsSecondSlash) {
  expectBadCidr("10.0.0.0/8/8", "not a decimal");
}
TEST(CidrParseTest, RejectsGarbage) {
  expectBadCidr("hello", "not an IPv4");
}
TEST(CidrParseTest, RejectsMissingAddress) {
  expectBadCidr("/8", "empty address");
}
TEST(CidrParseTest, RejectsZone) {
  expectBadCidr("fe80::/10%eth0", "zone");
}
TEST(CidrParseTest, RejectsHostBitsV4) {
  expectBadCidr("10.0.0.1/8", "bits set past the /8");
}
TEST(CidrParseTest, RejectsHostBitsV6) {
  expectBadCidr("2001:db8::1/32", "bits set past");
}

TEST(CidrParseTest, ErrorQuotesNonPrintableSafely) {
  auto r = Cidr::parse("\x01\x7f/8");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("bad CIDR '?"
                                     "?/8'"),
            std::string::npos)
      << r.error().message();
}

// ---- Cidr::contains ----

TEST(CidrContainsTest, Ipv4Slash8) {
  Cidr c = cidr("10.0.0.0/8");
  EXPECT_TRUE(c.contains(ip("10.0.0.0")));
  EXPECT_TRUE(c.contains(ip("10.255.255.255")));
  EXPECT_FALSE(c.contains(ip("11.0.0.0")));
  EXPECT_FALSE(c.contains(ip("9.255.255.255")));
}

TEST(CidrContainsTest, Ipv4PrefixNotOnByteBoundary) {
  Cidr c = cidr("192.168.0.0/23");
  EXPECT_TRUE(c.contains(ip("192.168.1.255")));
  EXPECT_FALSE(c.contains(ip("192.168.2.0")));
}

TEST(CidrContainsTest, Ipv4Slash32MatchesOnlyThatHost) {
  Cidr c = cidr("192.168.1.7/32");
  EXPECT_TRUE(c.contains(ip("192.168.1.7")));
  EXPECT_FALSE(c.contains(ip("192.168.1.6")));
  EXPECT_FALSE(c.contains(ip("192.168.1.8")));
}

TEST(CidrContainsTest, Ipv4Slash0MatchesEveryIpv4ButNoIpv6) {
  Cidr c = cidr("0.0.0.0/0");
  EXPECT_TRUE(c.contains(ip("0.0.0.0")));
  EXPECT_TRUE(c.contains(ip("255.255.255.255")));
  EXPECT_TRUE(c.contains(ip("::ffff:1.2.3.4")));
  EXPECT_FALSE(c.contains(ip("::1")));
  EXPECT_FALSE(c.contains(ip("2001:db8::1")));
}

TEST(CidrContainsTest, Ipv6Slash0MatchesEverything) {
  Cidr c = cidr("::/0");
  EXPECT_TRUE(c.contains(ip("::1")));
  EXPECT_TRUE(c.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_TRUE(c.contains(ip("1.2.3.4")));
}

TEST(CidrContainsTest, Ipv6Slash32) {
  Cidr c = cidr("2001:db8::/32");
  EXPECT_TRUE(c.contains(ip("2001:db8::1")));
  EXPECT_TRUE(c.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(c.contains(ip("2001:db9::")));
  EXPECT_FALSE(c.contains(ip("10.0.0.1")));
}

TEST(CidrContainsTest, Ipv6Slash128MatchesOnlyThatHost) {
  Cidr c = cidr("::1/128");
  EXPECT_TRUE(c.contains(ip("::1")));
  EXPECT_FALSE(c.contains(ip("::2")));
  EXPECT_FALSE(c.contains(ip("::")));
}

TEST(CidrContainsTest, Ipv4RuleMatchesMappedPeer) {
  EXPECT_TRUE(cidr("10.0.0.0/8").contains(ip("::ffff:10.0.0.1")));
  EXPECT_FALSE(cidr("10.0.0.0/8").contains(ip("::ffff:11.0.0.1")));
}

TEST(CidrContainsTest, MappedRuleMatchesPlainIpv4Peer) {
  EXPECT_TRUE(cidr("::ffff:10.0.0.0/104").contains(ip("10.0.0.1")));
  EXPECT_TRUE(cidr("::ffff:10.0.0.1").contains(ip("10.0.0.1")));
  EXPECT_FALSE(cidr("::ffff:10.0.0.0/104").contains(ip("11.0.0.1")));
}

TEST(CidrContainsTest, Ipv4RuleDoesNotMatchIpv4CompatibleIpv6) {
  // ::10.0.0.1 (deprecated "IPv4-compatible", RFC 4291 §2.5.5.1) is not a
  // mapped address, so the IPv4 rule must not take it.
  EXPECT_FALSE(cidr("10.0.0.0/8").contains(ip("::10.0.0.1")));
}

}  // namespace
}  // namespace rtmp::server::testing
