#include "hls/box_writer.h"

#include <gtest/gtest.h>

#include "hls/fmp4_test_util.h"

namespace rtmp::hls {
namespace {

using testing::fourcc;
using testing::hex;
using testing::toVector;

TEST(BoxWriter, EmptyBoxIsItsHeader) {
  BoxWriter w;
  w.open("free");
  w.close();
  EXPECT_EQ(toVector(w.finish()), testing::cat({hex("00000008"), fourcc("free")}));
}

TEST(BoxWriter, NestedBoxesGetTheirSizesPatched) {
  BoxWriter w;
  w.open("moov");
  w.openFull("mvhd", 1, 0x000203);
  w.u32(0xAABBCCDD);
  w.close();
  w.open("udta");
  w.u8(0x7F);
  w.close();
  EXPECT_EQ(w.depth(), 1u);
  w.close();
  EXPECT_EQ(w.depth(), 0u);
  EXPECT_EQ(toVector(w.finish()), testing::cat({
                                      hex("00000021"),  // moov size 33
                                      fourcc("moov"),
                                      hex("00000010"),  // | mvhd size 16
                                      fourcc("mvhd"),
                                      hex("01 000203"),  // version 1, flags 0x000203
                                      hex("AABBCCDD"),   // payload
                                      hex("00000009"),   // | udta size 9
                                      fourcc("udta"),
                                      hex("7F"),
                                  }));
}

TEST(BoxWriter, FieldsAreBigEndian) {
  BoxWriter w;
  w.u8(0x01);
  w.u16(0x0203);
  w.u24(0xFF040506);  // only the low 24 bits
  w.u32(0x0708090A);
  w.u64(0x0B0C0D0E0F101112);
  w.i16(-2);
  w.i32(-1);
  w.zeros(2);
  w.cString("ab");
  w.cString("");
  w.fourcc("mdat");
  w.bytes(hex("EEFF"));
  EXPECT_EQ(toVector(w.finish()),
            testing::cat({hex("01 0203 040506 0708090A 0B0C0D0E0F101112 FFFE FFFFFFFF 0000"),
                          hex("616200 00"), fourcc("mdat"), hex("EEFF")}));
}

TEST(BoxWriter, PatchOverwritesAnEarlierField) {
  BoxWriter w;
  w.u32(0);
  w.u32(0x11111111);
  w.patchU32(0, 0xCAFEBABE);
  EXPECT_EQ(w.size(), 8u);
  EXPECT_EQ(toVector(w.finish()), hex("CAFEBABE 11111111"));
}

TEST(BoxWriter, LargeBoxesGrowTheBuffer) {
  BoxWriter w(16);
  w.open("mdat");
  w.zeros(100000);
  w.close();
  const base::Bytes out = w.finish();
  ASSERT_EQ(out.size(), 100008u);
  EXPECT_EQ(toVector(out.slice(0, 8)), testing::cat({hex("000186A8"), fourcc("mdat")}));
}

TEST(BoxWriter, FinishEmptiesTheWriter) {
  BoxWriter w;
  w.u8(1);
  EXPECT_EQ(w.finish().size(), 1u);
  EXPECT_EQ(w.size(), 0u);
  w.u8(2);
  EXPECT_EQ(toVector(w.finish()), hex("02"));
}

}  // namespace
}  // namespace rtmp::hls
