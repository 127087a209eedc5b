// stream_name: splitting names from their query strings and the names we accept.
#include "server/stream_name.h"

#include <gtest/gtest.h>

#include <string>

namespace rtmp::server::testing {
namespace {

TEST(StreamNameTest, SplitQueryWithoutQuery) {
  NameAndQuery n = splitQuery("cam1");
  EXPECT_EQ(n.name, "cam1");
  EXPECT_EQ(n.query, "");
}

TEST(StreamNameTest, SplitQueryAtTheFirstQuestionMark) {
  NameAndQuery n = splitQuery("cam1?key=s3cr3t&x=a?b");
  EXPECT_EQ(n.name, "cam1");
  EXPECT_EQ(n.query, "key=s3cr3t&x=a?b");
}

TEST(StreamNameTest, SplitQueryWithEmptyQuery) {
  NameAndQuery n = splitQuery("cam1?");
  EXPECT_EQ(n.name, "cam1");
  EXPECT_EQ(n.query, "");
}

TEST(StreamNameTest, SplitQueryWithEmptyName) {
  NameAndQuery n = splitQuery("?token=1");
  EXPECT_EQ(n.name, "");
  EXPECT_EQ(n.query, "token=1");
}

TEST(StreamNameTest, SplitQueryStripsTrailingSlashes) {
  EXPECT_EQ(splitQuery("live/").name, "live");
  EXPECT_EQ(splitQuery("live//?x=1").name, "live");
  EXPECT_EQ(splitQuery("live//?x=1").query, "x=1");
  EXPECT_EQ(splitQuery("/").name, "");
}

TEST(StreamNameTest, SplitQueryKeepsInnerSlashes) {
  EXPECT_EQ(splitQuery("a/b").name, "a/b");
}

TEST(StreamNameTest, TcUrlQuery) {
  EXPECT_EQ(tcUrlQuery("rtmp://h:1935/live?token=abc"), "token=abc");
  EXPECT_EQ(tcUrlQuery("rtmp://h/live"), "");
  EXPECT_EQ(tcUrlQuery("rtmp://h/live?"), "");
  EXPECT_EQ(tcUrlQuery(""), "");
}

TEST(StreamNameTest, JoinQueries) {
  EXPECT_EQ(joinQueries("", ""), "");
  EXPECT_EQ(joinQueries("a=1", ""), "a=1");
  EXPECT_EQ(joinQueries("", "b=2"), "b=2");
  EXPECT_EQ(joinQueries("a=1", "b=2"), "a=1&b=2");
}

TEST(StreamNameTest, ValidNames) {
  EXPECT_TRUE(validStreamName("cam1"));
  EXPECT_TRUE(validStreamName("a/b"));
  EXPECT_TRUE(validStreamName("a.b"));
  EXPECT_TRUE(validStreamName("stream-1_x.flv"));
  EXPECT_TRUE(validStreamName("caméra"));  // UTF-8 bytes are fine
  EXPECT_TRUE(validStreamName(std::string(256, 'x')));
}

TEST(StreamNameTest, EmptyAndOverlongNamesAreInvalid) {
  EXPECT_FALSE(validStreamName(""));
  EXPECT_FALSE(validStreamName(std::string(257, 'x')));
}

TEST(StreamNameTest, SlashAtEitherEndIsInvalid) {
  EXPECT_FALSE(validStreamName("/cam"));
  EXPECT_FALSE(validStreamName("cam/"));
  EXPECT_FALSE(validStreamName("/"));
}

TEST(StreamNameTest, DotDotAnywhereIsInvalid) {
  EXPECT_FALSE(validStreamName(".."));
  EXPECT_FALSE(validStreamName("a/../b"));
  EXPECT_FALSE(validStreamName("cam.."));
  EXPECT_FALSE(validStreamName("..cam"));
}

TEST(StreamNameTest, ControlCharactersAndBackslashAreInvalid) {
  EXPECT_FALSE(validStreamName(std::string("a\0b", 3)));
  EXPECT_FALSE(validStreamName("a\nb"));
  EXPECT_FALSE(validStreamName("a\x1f"));
  EXPECT_FALSE(validStreamName("a\x7f"));
  EXPECT_FALSE(validStreamName("a\\b"));
  EXPECT_TRUE(validStreamName("a b"));  // 0x20 is the first allowed byte
}

TEST(StreamNameTest, InvalidUtf8IsRefused) {
  EXPECT_EQ(streamNameProblem("cam\xff"), std::string("the name is not valid UTF-8"));
  EXPECT_FALSE(validStreamName("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(validStreamName("\xe0\x80\xaf"));      // overlong, 3 bytes
  EXPECT_FALSE(validStreamName("\xed\xa0\x80"));      // a surrogate (U+D800)
  EXPECT_FALSE(validStreamName("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(validStreamName("caf\xc3"));           // cut inside a sequence
  EXPECT_FALSE(
      validStreamName("\x80"
                      "cam"));                       // a lone continuation byte
  EXPECT_TRUE(validStreamName("\xe2\x82\xac"));      // U+20AC
  EXPECT_TRUE(validStreamName("\xf0\x9f\x8e\xa5"));  // U+1F3A5
}

TEST(StreamNameTest, C1ControlsAreRefused) {
  EXPECT_EQ(streamNameProblem("a\xc2\x85"
                              "b"),
            std::string("the name contains a control character"));
  EXPECT_TRUE(
      validStreamName("a\xc2\xa0"
                      "b"));  // U+00A0 is not a control
}

TEST(StreamNameTest, PercentIsRefusedSoNothingIsEverDecodedIntoATraversal) {
  EXPECT_EQ(streamNameProblem("%2e%2e/etc"),
            std::string("the name contains '%' (names are never percent-decoded)"));
  EXPECT_FALSE(validStreamName("a%2fb"));
}

TEST(StreamNameTest, SegmentsAreNonEmptyAndDoNotStartWithADot) {
  EXPECT_FALSE(validStreamName("a//b"));
  EXPECT_FALSE(validStreamName(".hidden"));
  EXPECT_FALSE(validStreamName("a/.b"));
  EXPECT_FALSE(validStreamName("a/./b"));
  EXPECT_TRUE(validStreamName("a/b.c/d"));
}

TEST(StreamNameTest, UrlAndFileNameMetacharactersAreRefused) {
  for (const char* bad : {"a#b", "a\"b", "a*b", "a:b", "a<b", "a>b", "a|b", "a\\b"}) {
    EXPECT_FALSE(validStreamName(bad)) << bad;
  }
}

}  // namespace
}  // namespace rtmp::server::testing
