#include "client/rtmp_url.h"

#include <gtest/gtest.h>

namespace rtmp::client {
namespace {

TEST(RtmpUrl, SplitsHostPortAppAndStream) {
  auto u = parseRtmpUrl("rtmp://127.0.0.1:19350/live/cam");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 19350);
  EXPECT_EQ(u->app, "live");
  EXPECT_EQ(u->stream, "cam");
  EXPECT_EQ(u->tcUrl, "rtmp://127.0.0.1:19350/live");
}

TEST(RtmpUrl, DefaultPortAndStreamWithSlashesAndQuery) {
  auto u = parseRtmpUrl("rtmp://10.0.0.1/app/a/b?token=x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 1935);
  EXPECT_EQ(u->app, "app");
  EXPECT_EQ(u->stream, "a/b?token=x");
  EXPECT_EQ(u->tcUrl, "rtmp://10.0.0.1:1935/app");
}

TEST(RtmpUrl, BracketedIpv6Host) {
  auto u = parseRtmpUrl("rtmp://[::1]:1940/live/x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 1940);
  EXPECT_EQ(u->tcUrl, "rtmp://[::1]:1940/live");
}

TEST(RtmpUrl, RejectsWhatItCannotUse) {
  for (const char* bad : {"http://1.2.3.4/live/x", "rtmp://1.2.3.4", "rtmp://1.2.3.4:0/live/x",
                          "rtmp://1.2.3.4:70000/live/x", "rtmp://1.2.3.4:12a/live/x",
                          "rtmp:///live/x", "rtmp://1.2.3.4//x", "rtmp://[::1/live/x"}) {
    auto u = parseRtmpUrl(bad);
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.error().code(), base::ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace rtmp::client
