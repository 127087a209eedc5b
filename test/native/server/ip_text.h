// ip("203.0.113.7"): an address from its text for the IP tests (cidr, IP
// rules, auth bans); a text that does not parse fails the test that gave it.
#pragma once

#include <gtest/gtest.h>

#include "server/cidr.h"

namespace rtmp::server::testing {

inline IpAddress ip(const char* text) {
  auto r = IpAddress::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().toString());
  return r.ok() ? *r : IpAddress();
}

}  // namespace rtmp::server::testing
