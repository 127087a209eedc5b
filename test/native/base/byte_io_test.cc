#include <gtest/gtest.h>

#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace rtmp::base {
namespace {

TEST(ByteReader, ReadsBigEndianFields) {
  const uint8_t raw[] = {
      0xAB,                    // u8
      0x01, 0x02,              // u16be = 0x0102
      0x01, 0x02, 0x03,        // u24be = 0x010203
      0xDE, 0xAD, 0xBE, 0xEF,  // u32be
      0x01, 0x00, 0x00, 0x00,  // u32le = 1 (message stream id byte order)
      0xFF, 0xFF, 0xFE,        // s24be = -2
  };
  ByteReader r(raw);
  EXPECT_EQ(*r.u8(), 0xAB);
  EXPECT_EQ(*r.u16be(), 0x0102);
  EXPECT_EQ(*r.u24be(), 0x010203u);
  EXPECT_EQ(*r.u32be(), 0xDEADBEEFu);
  EXPECT_EQ(*r.u32le(), 1u);
  EXPECT_EQ(*r.s24be(), -2);
  EXPECT_TRUE(r.atEnd());
}

TEST(ByteReader, DoubleIsIeee754BigEndian) {
  const uint8_t raw[] = {0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18};  // pi
  ByteReader r(raw);
  EXPECT_DOUBLE_EQ(*r.f64be(), 3.141592653589793);
}

TEST(ByteReader, TruncationIsAnErrorAndDoesNotAdvance) {
  const uint8_t raw[] = {0x01, 0x02, 0x03};
  ByteReader r(raw);
  auto v = r.u32be();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_FALSE(r.bytes(4).ok());
  EXPECT_FALSE(r.skip(4).ok());
  EXPECT_TRUE(r.skip(3).ok());
  EXPECT_FALSE(r.u8().ok());
  EXPECT_FALSE(r.peekU8().ok());
}

TEST(ByteWriter, WritesWhatTheReaderReads) {
  ByteWriter w;
  w.u8(7);
  w.u16be(0xBEEF);
  w.u24be(0xFFFFFF);
  w.u32be(0x01020304);
  w.u32le(0x01020304);
  w.f64be(-1.5);
  w.string("ok");
  const std::vector<uint8_t> expected = {
      0x07, 0xBE, 0xEF, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03, 0x04, 0x04, 0x03,
      0x02, 0x01, 0xBF, 0xF8, 0,    0,    0,    0,    0,    0,    'o',  'k',
  };
  EXPECT_EQ(w.data(), expected);
  ByteReader r(w.span());
  EXPECT_EQ(*r.u8(), 7);
  EXPECT_EQ(*r.u16be(), 0xBEEF);
  EXPECT_EQ(*r.u24be(), 0xFFFFFFu);
  EXPECT_EQ(*r.u32be(), 0x01020304u);
  EXPECT_EQ(*r.u32le(), 0x01020304u);
  EXPECT_DOUBLE_EQ(*r.f64be(), -1.5);
  EXPECT_EQ(*r.string(2), "ok");
}

TEST(ByteWriter, PatchOverwritesLengthPrefix) {
  ByteWriter w;
  w.u32be(0);
  w.string("abc");
  w.patchU32be(0, 3);
  EXPECT_EQ(w.data()[3], 3);
}

}  // namespace
}  // namespace rtmp::base
