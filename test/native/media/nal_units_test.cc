#include "media/nal_units.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtmp::media {
namespace {

using base::ErrorCode;
using Bytes = std::vector<uint8_t>;

// An access unit as x264 sends it: SEI, then an IDR slice, 4-byte lengths.
const Bytes kAvccIdr = {
    0x00, 0x00, 0x00, 0x03,  // length 3
    0x06, 0x05, 0x01,        // SEI (type 6)
    0x00, 0x00, 0x00, 0x02,  // length 2
    0x65, 0x88,              // IDR slice (type 5)
};

TEST(NalUnits, SplitsFourByteLengths) {
  auto units = splitNalUnits(kAvccIdr, 4);
  ASSERT_TRUE(units.ok()) << units.error().toString();
  ASSERT_EQ(units->size(), 2u);
  EXPECT_EQ((*units)[0].size(), 3u);
  EXPECT_EQ(h264NalType((*units)[0][0]), kH264NalSei);
  EXPECT_EQ((*units)[1].data(), kAvccIdr.data() + 11);  // views, not copies
}

TEST(NalUnits, SplitsOneAndTwoByteLengths) {
  const Bytes one = {0x01, 0x09, 0x02, 0x41, 0x9A};  // AUD, then a 2-byte non-IDR slice
  auto units = splitNalUnits(one, 1);
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(units->size(), 2u);
  const Bytes two = {0x00, 0x01, 0x09, 0x00, 0x02, 0x41, 0x9A};
  units = splitNalUnits(two, 2);
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(units->size(), 2u);
}

TEST(NalUnits, ZeroLengthUnitsAreSkipped) {
  const Bytes data = {0x00, 0x00, 0x00, 0x01, 0x65};  // length 0, then length 1
  auto units = splitNalUnits(data, 2);
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(units->size(), 1u);
}

TEST(NalUnits, BoundsChecks) {
  // Length runs past the end.
  EXPECT_EQ(splitNalUnits(Bytes{0x00, 0x00, 0x00, 0x05, 0x65}, 4).error().code(),
            ErrorCode::kTruncated);
  // Length prefix itself cut.
  EXPECT_EQ(splitNalUnits(Bytes{0x00, 0x01, 0x65, 0x00}, 2).error().code(), ErrorCode::kTruncated);
  // A length of 2^32 - 1 does not overflow the position.
  EXPECT_EQ(splitNalUnits(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x65}, 4).error().code(),
            ErrorCode::kTruncated);
  // Length size 3 is not allowed.
  EXPECT_EQ(splitNalUnits(kAvccIdr, 3).error().code(), ErrorCode::kInvalidArgument);
}

TEST(NalUnits, LimitsTheNumberOfUnits) {
  const Bytes zeros(2000, 0x00);  // 2000 zero-length units: skipped, not counted
  Bytes tiny;
  for (int i = 0; i < 10; ++i) tiny.insert(tiny.end(), {0x01, 0x41});
  EXPECT_EQ(splitNalUnits(tiny, 1, 5).error().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(splitNalUnits(tiny, 1, 10).ok());
  EXPECT_TRUE(splitNalUnits(zeros, 1, 1)->empty());
}

TEST(NalUnits, DetectsH264Idr) {
  EXPECT_TRUE(*containsH264Idr(kAvccIdr, 4));
  const Bytes nonIdr = {0x00, 0x00, 0x00, 0x02, 0x41, 0x9A};  // type 1
  EXPECT_FALSE(*containsH264Idr(nonIdr, 4));
  EXPECT_FALSE(containsH264Idr(Bytes{0x00, 0x09}, 4).ok());
}

TEST(NalUnits, DetectsHevcIrap) {
  // NAL header byte 0 = type << 1: IDR_W_RADL 19 → 0x26, CRA 21 → 0x2A, TRAIL_R 1 → 0x02.
  EXPECT_TRUE(*containsHevcIrap(Bytes{0x00, 0x02, 0x26, 0x01}, 2));
  EXPECT_TRUE(*containsHevcIrap(Bytes{0x00, 0x02, 0x2A, 0x01}, 2));
  EXPECT_FALSE(*containsHevcIrap(Bytes{0x00, 0x02, 0x02, 0x01}, 2));
  EXPECT_TRUE(isHevcIrap(16));
  EXPECT_TRUE(isHevcIrap(23));
  EXPECT_FALSE(isHevcIrap(24));
  EXPECT_FALSE(isHevcIrap(15));
}

TEST(NalUnits, AvccToAnnexB) {
  base::BytesBuilder out;
  ASSERT_TRUE(avccToAnnexB(kAvccIdr, 4, out).ok());
  const Bytes expected = {0x00, 0x00, 0x00, 0x01, 0x06, 0x05, 0x01,
                          0x00, 0x00, 0x00, 0x01, 0x65, 0x88};
  const base::Bytes frozen = out.freeze();
  EXPECT_EQ(Bytes(frozen.span().begin(), frozen.span().end()), expected);
}

TEST(NalUnits, AvccToAnnexBStopsAtABadUnit) {
  base::BytesBuilder out;
  const Bytes bad = {0x01, 0x09, 0x05, 0x65};  // second unit claims 5 bytes
  EXPECT_EQ(avccToAnnexB(bad, 1, out).error().code(), ErrorCode::kTruncated);
  EXPECT_EQ(out.size(), 5u);  // the first unit was written
}

}  // namespace
}  // namespace rtmp::media
