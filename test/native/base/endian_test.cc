// base/endian.h: byte order of every width, and loads that undo stores.
#include "base/endian.h"

#include <gtest/gtest.h>

#include <array>

namespace rtmp::base {
namespace {

TEST(Endian, LoadsBigEndianFields) {
  const uint8_t raw[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  EXPECT_EQ(loadBe16(raw), 0x0102u);
  EXPECT_EQ(loadBe24(raw), 0x010203u);
  EXPECT_EQ(loadBe32(raw), 0x01020304u);
  EXPECT_EQ(loadBe64(raw), 0x0102030405060708ull);
}

TEST(Endian, LoadsLittleEndian32) {
  const uint8_t raw[] = {0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(loadLe32(raw), 0x04030201u);
}

TEST(Endian, HighBitsDoNotSignExtend) {
  const uint8_t raw[] = {0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0xF9, 0xF8};
  EXPECT_EQ(loadBe16(raw), 0xFFFEu);
  EXPECT_EQ(loadBe24(raw), 0xFFFEFDu);
  EXPECT_EQ(loadBe32(raw), 0xFFFEFDFCu);
  EXPECT_EQ(loadBe64(raw), 0xFFFEFDFCFBFAF9F8ull);
  EXPECT_EQ(loadLe32(raw), 0xFCFDFEFFu);
}

TEST(Endian, StoresBigEndianFields) {
  std::array<uint8_t, 8> out{};
  storeBe16(out.data(), 0x0102);
  EXPECT_EQ(out[0], 0x01);
  EXPECT_EQ(out[1], 0x02);

  out.fill(0xAA);
  storeBe24(out.data(), 0xFF010203);  // the top byte is not written
  EXPECT_EQ(out, (std::array<uint8_t, 8>{0x01, 0x02, 0x03, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}));

  out.fill(0xAA);
  storeBe32(out.data(), 0x01020304);
  EXPECT_EQ(out, (std::array<uint8_t, 8>{0x01, 0x02, 0x03, 0x04, 0xAA, 0xAA, 0xAA, 0xAA}));

  storeBe64(out.data(), 0x0102030405060708ull);
  EXPECT_EQ(out, (std::array<uint8_t, 8>{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}));
}

TEST(Endian, StoresLittleEndian32) {
  std::array<uint8_t, 4> out{};
  storeLe32(out.data(), 0x01020304);
  EXPECT_EQ(out, (std::array<uint8_t, 4>{0x04, 0x03, 0x02, 0x01}));
}

TEST(Endian, LoadUndoesStore) {
  uint8_t buf[8];
  for (uint64_t v : {0ull, 1ull, 0x80ull, 0x7FFFFFFFull, 0xFFFFFFFFull, 0xDEADBEEFCAFEF00Dull}) {
    storeBe16(buf, static_cast<uint16_t>(v));
    EXPECT_EQ(loadBe16(buf), static_cast<uint16_t>(v));
    storeBe24(buf, static_cast<uint32_t>(v));
    EXPECT_EQ(loadBe24(buf), static_cast<uint32_t>(v) & 0xFFFFFFu);
    storeBe32(buf, static_cast<uint32_t>(v));
    EXPECT_EQ(loadBe32(buf), static_cast<uint32_t>(v));
    storeLe32(buf, static_cast<uint32_t>(v));
    EXPECT_EQ(loadLe32(buf), static_cast<uint32_t>(v));
    storeBe64(buf, v);
    EXPECT_EQ(loadBe64(buf), v);
  }
}

}  // namespace
}  // namespace rtmp::base
