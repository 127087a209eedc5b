// base::printable: client text in logs is bounded and every unprintable byte
// is visible (issue 10, defect 7: a 10 KB name made ~51 KB of log, a NUL
// showed as a space).
#include "base/printable.h"

#include <gtest/gtest.h>

#include <string>

namespace rtmp::base {
namespace {

TEST(PrintableTest, PrintableAsciiIsKept) {
  EXPECT_EQ(printable("live/cam-1_x.flv"), "live/cam-1_x.flv");
  EXPECT_EQ(printable("a b"), "a b");
}

TEST(PrintableTest, ControlBytesAndNonAsciiAreEscaped) {
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("a\nb\x7f"), "a\\x0ab\\x7f");
  EXPECT_EQ(printable("caf\xC3\xA9"), "caf\\xc3\\xa9");
  EXPECT_EQ(printable("\xFF"), "\\xff");  // invalid UTF-8 shows as bytes
}

TEST(PrintableTest, BackslashAndQuoteAreEscapedSoQuotingIsUnambiguous) {
  EXPECT_EQ(printable("a\\b'c"), "a\\\\b\\'c");
  EXPECT_EQ(quoted("it's"), "'it\\'s'");
}

TEST(PrintableTest, LongTextIsCutAndTheCutIsSaid) {
  const std::string name(10'000, 'x');
  const std::string out = printable(name, 64);
  EXPECT_EQ(out, std::string(64, 'x') + "\xE2\x80\xA6(+9936 bytes)");
  EXPECT_LT(out.size(), 100u);
  EXPECT_EQ(printable("abc", 3), "abc");
  EXPECT_EQ(printable("abcd", 3), "abc\xE2\x80\xA6(+1 bytes)");
}

}  // namespace
}  // namespace rtmp::base
