#include "base/error.h"

#include <gtest/gtest.h>

namespace rtmp::base {
namespace {

Result<int> half(int v) {
  if (v % 2) return Error(ErrorCode::kInvalidArgument, "odd");
  return v / 2;
}

Result<int> quarter(int v) {
  RTMP_ASSIGN(int h, half(v));
  RTMP_ASSIGN(int q, half(h));
  return q;
}

Status checkEven(int v) {
  RTMP_TRY(half(v));
  return okStatus();
}

TEST(Error, CodesHaveStableNames) {
  EXPECT_EQ(errorCodeName(ErrorCode::kTruncated), "ERR_RTMP_TRUNCATED");
  EXPECT_EQ(errorCodeName(ErrorCode::kAmfDepth), "ERR_RTMP_AMF_DEPTH");
  EXPECT_EQ(Error(ErrorCode::kTimeout).message(), "timed out");
}

TEST(Error, ContextIsPrependedAsItRises) {
  Error e(ErrorCode::kTruncated, "input ended");
  e.context("timestamp").context("chunk header");
  EXPECT_EQ(e.toString(), "ERR_RTMP_TRUNCATED: chunk header: timestamp: input ended");
}

TEST(Result, PropagatesValuesAndErrors) {
  EXPECT_EQ(*quarter(8), 2);
  auto bad = quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(checkEven(2).ok());
  EXPECT_FALSE(checkEven(3).ok());
}

}  // namespace
}  // namespace rtmp::base
