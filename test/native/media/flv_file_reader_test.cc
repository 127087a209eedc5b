// FlvFileReader over hand-made FLV files (Adobe FLV v10.1 §E.2-E.4.1).
#include "media/flv_file_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtmp::media {
namespace {

using ByteVec = std::vector<uint8_t>;

// 'FLV', version 1, flags audio+video (0x05), DataOffset 9, PreviousTagSize0.
const ByteVec kHeader = {'F',  'L',  'V',  0x01, 0x05, 0x00, 0x00, 0x00, 0x09,  //
                         0x00, 0x00, 0x00, 0x00};

ByteVec tag(uint8_t type, uint32_t timestamp, const ByteVec& body, bool trailer = true) {
  ByteVec t = {type,  // TagType
               0,
               0,
               static_cast<uint8_t>(body.size()),  // DataSize (24)
               static_cast<uint8_t>(timestamp >> 16),
               static_cast<uint8_t>(timestamp >> 8),
               static_cast<uint8_t>(timestamp),        // Timestamp (24)
               static_cast<uint8_t>(timestamp >> 24),  // TimestampExtended
               0,
               0,
               0};  // StreamID
  t.insert(t.end(), body.begin(), body.end());
  if (trailer) {
    const uint32_t prev = 11 + static_cast<uint32_t>(body.size());
    t.insert(t.end(), {0, 0, static_cast<uint8_t>(prev >> 8), static_cast<uint8_t>(prev)});
  }
  return t;
}

ByteVec file(std::initializer_list<ByteVec> tags) {
  ByteVec f = kHeader;
  for (const ByteVec& t : tags) f.insert(f.end(), t.begin(), t.end());
  return f;
}

base::Result<FlvFileReader> open(const ByteVec& bytes) {
  return FlvFileReader::open(base::Bytes::copyOf(bytes));
}

TEST(FlvFileReader, ReadsHeaderAndTagsInOrder) {
  auto r = open(file(
      {tag(18, 0, {2, 0, 1, 'x'}), tag(9, 33, {0x17, 0, 0, 0, 0}), tag(8, 0x01000010, {0xAF, 1})}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->header().version, 1);
  EXPECT_TRUE(r->header().hasAudio);
  EXPECT_TRUE(r->header().hasVideo);
  auto t1 = r->next();
  ASSERT_TRUE(t1.ok() && t1->has_value());
  EXPECT_EQ((*t1)->type, 18);
  EXPECT_EQ((*t1)->body.size(), 4u);
  EXPECT_EQ((*t1)->offset, 13u);
  auto t2 = r->next();
  EXPECT_EQ((*t2)->type, 9);
  EXPECT_EQ((*t2)->timestamp, 33u);
  EXPECT_EQ((*t2)->body[0], 0x17);
  auto t3 = r->next();
  EXPECT_EQ((*t3)->timestamp, 0x01000010u);  // TimestampExtended is the top byte
  auto end = r->next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  EXPECT_EQ(r->tagsRead(), 3u);
  EXPECT_EQ(r->previousTagSizeMismatches(), 0u);
}

TEST(FlvFileReader, BodiesAreSlicesOfTheFile) {
  base::Bytes bytes = base::Bytes::copyOf(file({tag(9, 0, {1, 2, 3})}));
  auto r = FlvFileReader::open(bytes);
  auto t = r->next();
  EXPECT_EQ((*t)->body.data(), bytes.data() + 13 + 11);
}

TEST(FlvFileReader, BadSignatureIsMalformed) {
  ByteVec f = file({});
  f[0] = 'G';
  auto r = open(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kMalformed);
}

TEST(FlvFileReader, ShortHeaderIsTruncated) {
  auto r = open({'F', 'L', 'V', 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kTruncated);
}

TEST(FlvFileReader, DataOffsetPastTheEndIsMalformed) {
  ByteVec f = kHeader;
  f[8] = 200;
  auto r = open(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kMalformed);
}

TEST(FlvFileReader, TruncatedTagHeaderSaysWhere) {
  ByteVec f = file({tag(9, 0, {1, 2, 3})});
  f.insert(f.end(), {9, 0, 0});  // 3 of the 11 header bytes
  auto r = open(f);
  ASSERT_TRUE(r->next().ok());
  auto t = r->next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kTruncated);
  EXPECT_NE(t.error().message().find("offset 31"), std::string::npos) << t.error().message();
  // Stays failed.
  EXPECT_EQ(r->next().error().code(), base::ErrorCode::kTruncated);
}

TEST(FlvFileReader, TruncatedBodyIsTruncated) {
  ByteVec f = file({tag(9, 0, {1, 2, 3, 4, 5}, false)});
  f.resize(f.size() - 2);
  auto r = open(f);
  auto t = r->next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kTruncated);
  EXPECT_NE(t.error().message().find("tag body"), std::string::npos);
}

TEST(FlvFileReader, MissingFinalPreviousTagSizeIsAccepted) {
  auto r = open(file({tag(9, 0, {1, 2}, false)}));
  ASSERT_TRUE(r->next().ok());
  auto end = r->next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST(FlvFileReader, PartialPreviousTagSizeIsTruncated) {
  ByteVec f = file({tag(9, 0, {1, 2}, false)});
  f.insert(f.end(), {0, 0});
  auto r = open(f);
  auto t = r->next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kTruncated);
}

TEST(FlvFileReader, WrongPreviousTagSizeIsCountedNotFatal) {
  ByteVec t = tag(8, 0, {0xAF, 1});
  t.back() = 99;
  auto r = open(file({t, tag(8, 23, {0xAF, 1})}));
  ASSERT_TRUE(r->next().ok());
  ASSERT_TRUE(r->next().ok());
  EXPECT_EQ(r->previousTagSizeMismatches(), 1u);
}

TEST(FlvFileReader, OversizedTagIsLimitExceeded) {
  auto r = FlvFileReader::open(base::Bytes::copyOf(file({tag(9, 0, ByteVec(100, 0))})),
                               FlvFileLimits{.maxTagSize = 50});
  auto t = r->next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kLimitExceeded);
}

TEST(FlvFileReader, EncryptedTagIsUnsupported) {
  auto r = open(file({tag(0x20 | 9, 0, {1})}));
  auto t = r->next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kUnsupported);
}

TEST(FlvFileReader, HeaderOnlyFileHasNoTags) {
  auto r = open(ByteVec(kHeader.begin(), kHeader.begin() + 9));
  ASSERT_TRUE(r.ok());
  auto t = r->next();
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
}

}  // namespace
}  // namespace rtmp::media
