// AmfDecodeContext budget and AmfReferenceTable, the pieces AMF0 and AMF3
// decoding share (protocol/amf_decode_context.h). The codecs' own reference
// behaviour is covered in amf0_test.cc and amf3_test.cc.
#include "protocol/amf_decode_context.h"

#include <gtest/gtest.h>

#include "protocol/chunk_test_util.h"

namespace rtmp::protocol::detail {
namespace {

using testing::hex;

// Reads one AMF0 number (00 + 8-byte double) from the replay position.
base::Result<AmfValue> readNumber(base::ByteReader& in) {
  RTMP_ASSIGN(uint8_t marker, in.u8());
  if (marker != 0x00) return base::Error(base::ErrorCode::kAmfType);
  RTMP_ASSIGN(double v, in.f64be());
  return AmfValue::number(v);
}

TEST(AmfReferenceTable, ReplaysACompleteEntryFromItsOffset) {
  const auto data =
      hex("ffff"                 // 2 bytes before the value
          "00 3ff0000000000000"  // | number 1.0
      );
  AmfDecodeContext ctx{data, {}};
  AmfReferenceTable table("reference");
  const size_t slot = table.add(2, ctx);
  EXPECT_EQ(slot, 0u);
  table.complete(slot);
  EXPECT_EQ(table.size(), 1u);
  uint32_t replayingSeen = 0;
  auto v = table.replay(0, ctx, [&](base::ByteReader& in) {
    replayingSeen = ctx.replaying;
    EXPECT_EQ(in.position(), 2u);
    return readNumber(in);
  });
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_EQ(v->numberOr(0), 1.0);
  EXPECT_EQ(replayingSeen, 1u);
  EXPECT_EQ(ctx.replaying, 0u);
}

TEST(AmfReferenceTable, OutOfRangeAndIncompleteEntriesAreReferenceErrors) {
  const auto data = hex("00 0000000000000000");
  AmfDecodeContext ctx{data, {}};
  AmfReferenceTable table("amf3 object reference");
  auto never = [](base::ByteReader&) -> base::Result<AmfValue> {
    ADD_FAILURE() << "read called for a bad reference";
    return AmfValue::null();
  };

  auto missing = table.replay(0, ctx, never);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), base::ErrorCode::kAmfReference);
  EXPECT_EQ(missing.error().message(), "amf3 object reference 0 out of range (0 known)");

  table.add(0, ctx);  // still being decoded
  auto cyclic = table.replay(0, ctx, never);
  ASSERT_FALSE(cyclic.ok());
  EXPECT_EQ(cyclic.error().code(), base::ErrorCode::kAmfReference);
  EXPECT_NE(cyclic.error().message().find("cyclic"), std::string::npos);
}

TEST(AmfReferenceTable, NothingIsAddedWhileReplaying) {
  const auto data = hex("00 0000000000000000");
  AmfDecodeContext ctx{data, {}};
  AmfReferenceTable table("reference");
  ctx.replaying = 1;
  EXPECT_EQ(table.add(0, ctx), AmfReferenceTable::kNoSlot);
  table.complete(AmfReferenceTable::kNoSlot);  // a no-op
  EXPECT_EQ(table.size(), 0u);
}

TEST(AmfDecodeContext, CountsValuesAndReferencedValuesAgainstTheLimits) {
  AmfLimits limits;
  limits.maxValues = 3;
  limits.maxReferencedValues = 1;
  AmfDecodeContext ctx{{}, limits};
  EXPECT_TRUE(ctx.countValue().ok());
  ctx.replaying = 1;
  EXPECT_TRUE(ctx.countValue().ok());  // the one referenced value allowed
  auto over = ctx.countValue();
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code(), base::ErrorCode::kLimitExceeded);
}

TEST(AmfDecodeContext, ErrorfFormats) {
  base::Error e = errorf(base::ErrorCode::kAmfType, "marker 0x%02X at %zu", 0x1F, size_t{7});
  EXPECT_EQ(e.code(), base::ErrorCode::kAmfType);
  EXPECT_EQ(e.message(), "marker 0x1F at 7");
}

}  // namespace
}  // namespace rtmp::protocol::detail
