// FlvTagReader over hand-written tag runs (Adobe FLV v10.1 §E.3, §E.4.1;
// RTMP 1.0 §7.1.6 aggregate bodies). '|' in a comment marks where the tag
// body or the PreviousTagSize starts.
#include "media/flv_tag_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtmp::media {
namespace {

using ByteVec = std::vector<uint8_t>;

ByteVec cat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const ByteVec& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

ByteVec bodyOf(const ByteVec& data, const FlvTagView& tag) {
  return ByteVec(data.begin() + static_cast<ptrdiff_t>(tag.bodyOffset),
                 data.begin() + static_cast<ptrdiff_t>(tag.bodyOffset + tag.bodySize));
}

// Audio, 2-byte body, timestamp 0x01020304 (the extended byte is bit 24..31).
const ByteVec kAudioTag = {
    0x08,                    // Reserved 0, Filter 0, TagType 8 (audio)
    0x00, 0x00, 0x02,        // DataSize 2
    0x02, 0x03, 0x04,        // Timestamp, low 24 bits
    0x01,                    // TimestampExtended
    0x00, 0x00, 0x00,        // StreamID 0
    0xAF, 0x01,              // | body: AAC raw frame header
    0x00, 0x00, 0x00, 0x0D,  // | PreviousTagSize 13 = 11 + 2
};

// Video, 3-byte body, timestamp 40.
const ByteVec kVideoTag = {
    0x09,                    // TagType 9 (video)
    0x00, 0x00, 0x03,        // DataSize 3
    0x00, 0x00, 0x28,        // Timestamp 40
    0x00,                    // TimestampExtended
    0x00, 0x00, 0x00,        // StreamID 0
    0x17, 0x01, 0x00,        // | body: AVC keyframe, NALU packet
    0x00, 0x00, 0x00, 0x0E,  // | PreviousTagSize 14
};

// Script data, empty body.
const ByteVec kScriptTag = {
    0x12,                    // TagType 18 (script data)
    0x00, 0x00, 0x00,        // DataSize 0
    0x00, 0x00, 0x50,        // Timestamp 80
    0x00,                    // TimestampExtended
    0x00, 0x00, 0x00,        // StreamID 0
    0x00, 0x00, 0x00, 0x0B,  // | PreviousTagSize 11
};

TEST(FlvTagReader, ReadsEveryFieldOfOneTag) {
  FlvTagReader r(kAudioTag);
  auto t = r.next();
  ASSERT_TRUE(t.ok()) << t.error().toString();
  ASSERT_TRUE(t->has_value());
  const FlvTagView& tag = **t;
  EXPECT_EQ(tag.type, 8);
  EXPECT_FALSE(tag.filtered);
  EXPECT_EQ(tag.reserved, 0);
  EXPECT_EQ(tag.timestamp, 0x01020304u);
  EXPECT_EQ(tag.streamId, 0u);
  EXPECT_EQ(tag.offset, 0u);
  EXPECT_EQ(tag.bodyOffset, 11u);
  EXPECT_EQ(tag.bodySize, 2u);
  EXPECT_EQ(bodyOf(kAudioTag, tag), (ByteVec{0xAF, 0x01}));
  ASSERT_TRUE(tag.previousTagSize.has_value());
  EXPECT_EQ(*tag.previousTagSize, 13u);

  auto end = r.next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  EXPECT_EQ(r.tagsRead(), 1u);
  EXPECT_EQ(r.position(), kAudioTag.size());
  EXPECT_EQ(r.previousTagSizeMismatches(), 0u);
}

TEST(FlvTagReader, AggregateBodyWithSeveralTagsYieldsThemInOrder) {
  const ByteVec data = cat({kVideoTag, kAudioTag, kScriptTag});
  FlvTagReader r(data);
  std::vector<FlvTagView> tags;
  for (;;) {
    auto t = r.next();
    ASSERT_TRUE(t.ok()) << t.error().toString();
    if (!t->has_value()) break;
    tags.push_back(**t);
  }
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0].type, 9);
  EXPECT_EQ(tags[0].offset, 0u);
  EXPECT_EQ(bodyOf(data, tags[0]), (ByteVec{0x17, 0x01, 0x00}));
  EXPECT_EQ(tags[1].type, 8);
  EXPECT_EQ(tags[1].offset, kVideoTag.size());
  EXPECT_EQ(bodyOf(data, tags[1]), (ByteVec{0xAF, 0x01}));
  EXPECT_EQ(tags[2].type, 18);
  EXPECT_EQ(tags[2].timestamp, 80u);
  EXPECT_EQ(tags[2].bodySize, 0u);
  EXPECT_EQ(tags[2].offset, kVideoTag.size() + kAudioTag.size());
  EXPECT_EQ(r.tagsRead(), 3u);
}

TEST(FlvTagReader, EmptySpanIsACleanEnd) {
  FlvTagReader r(std::span<const uint8_t>{});
  auto t = r.next();
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
}

TEST(FlvTagReader, StartOffsetSkipsAPrefixAndKeepsOffsetsAbsolute) {
  const ByteVec data = cat({{0xEE, 0xEE, 0xEE}, kAudioTag});  // 3 bytes not ours
  FlvTagReader r(data, {}, 3);
  auto t = r.next();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->offset, 3u);
  EXPECT_EQ((*t)->bodyOffset, 14u);
  EXPECT_EQ(bodyOf(data, **t), (ByteVec{0xAF, 0x01}));
}

TEST(FlvTagReader, BadBackPointerIsCountedNotFatal) {
  ByteVec data = cat({kVideoTag, kAudioTag});
  data[kVideoTag.size() - 1] = 0x99;  // video PreviousTagSize 0x99, not 14
  FlvTagReader r(data);
  auto first = r.next();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ(*(*first)->previousTagSize, 0x99u);
  auto second = r.next();
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->type, 8);
  EXPECT_EQ(r.previousTagSizeMismatches(), 1u);
}

TEST(FlvTagReader, TruncatedHeaderNamesTheOffset) {
  const ByteVec data = cat({kAudioTag, {0x09, 0x00, 0x00}});  // 3 of 11 header bytes
  FlvTagReader r(data);
  ASSERT_TRUE(r.next().ok());
  auto t = r.next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kTruncated);
  EXPECT_NE(t.error().message().find("offset 17"), std::string::npos) << t.error().message();
  EXPECT_NE(t.error().message().find("tag header"), std::string::npos) << t.error().message();
}

TEST(FlvTagReader, TruncatedBodyIsTruncated) {
  const ByteVec data = {
      0x09,              // video
      0x00, 0x00, 0x10,  // DataSize 16
      0x00, 0x00, 0x00,  // Timestamp 0
      0x00,              // TimestampExtended
      0x00, 0x00, 0x00,  // StreamID
      0x17, 0x01,        // | 2 of 16 body bytes
  };
  FlvTagReader r(data);
  auto t = r.next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kTruncated);
  EXPECT_NE(t.error().message().find("16 bytes declared, 2 present"), std::string::npos)
      << t.error().message();
}

TEST(FlvTagReader, MissingBackPointerIsTruncatedUnlessOptionalAtEnd) {
  const ByteVec data(kAudioTag.begin(), kAudioTag.end() - 4);  // no PreviousTagSize
  {
    FlvTagReader r(data);
    auto t = r.next();
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code(), base::ErrorCode::kTruncated);
    EXPECT_NE(t.error().message().find("PreviousTagSize"), std::string::npos);
  }
  {
    FlvTagReader r(data, FlvTagReaderOptions{.trailerOptionalAtEnd = true});
    auto t = r.next();
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(t->has_value());
    EXPECT_FALSE((*t)->previousTagSize.has_value());
    EXPECT_EQ(bodyOf(data, **t), (ByteVec{0xAF, 0x01}));
    auto end = r.next();
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(end->has_value());
  }
}

TEST(FlvTagReader, PartialBackPointerIsAlwaysTruncated) {
  const ByteVec data(kAudioTag.begin(), kAudioTag.end() - 2);  // 2 of 4 bytes
  FlvTagReader r(data, FlvTagReaderOptions{.trailerOptionalAtEnd = true});
  auto t = r.next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kTruncated);
}

TEST(FlvTagReader, OversizedTagIsLimitExceeded) {
  const ByteVec data = {
      0x09,              // video
      0x01, 0x00, 0x00,  // DataSize 65536
      0x00, 0x00, 0x00,  // Timestamp 0
      0x00,              // TimestampExtended
      0x00, 0x00, 0x00,  // StreamID
  };
  FlvTagReader r(data, FlvTagReaderOptions{.maxDataSize = 65535});
  auto t = r.next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kLimitExceeded);
  EXPECT_NE(t.error().message().find("65536"), std::string::npos) << t.error().message();
}

TEST(FlvTagReader, LargestDataSizeIsNotALimitByDefault) {
  const ByteVec data = {
      0x09,              // video
      0xFF, 0xFF, 0xFF,  // DataSize 16 MiB - 1
      0x00, 0x00, 0x00,  // Timestamp 0
      0x00,              // TimestampExtended
      0x00, 0x00, 0x00,  // StreamID
  };
  FlvTagReader r(data);
  auto t = r.next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kTruncated);  // the body is not there
}

TEST(FlvTagReader, FilterAndReservedBitsAreReportedApart) {
  ByteVec data = kAudioTag;
  data[0] = 0xE8;  // Reserved 3, Filter 1, TagType 8
  FlvTagReader r(data);
  auto t = r.next();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->type, 8);
  EXPECT_TRUE((*t)->filtered);
  EXPECT_EQ((*t)->reserved, 3);
}

TEST(FlvTagReader, FilteredTagIsUnsupportedWhenRejected) {
  ByteVec data = kAudioTag;
  data[0] = 0x28;  // Filter 1, TagType 8
  data[3] = 0xFF;  // DataSize 255: the filter check comes first
  FlvTagReader r(data, FlvTagReaderOptions{.rejectFiltered = true});
  auto t = r.next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), base::ErrorCode::kUnsupported);
}

TEST(FlvTagReader, ErrorsAreSticky) {
  const ByteVec data = {0x08, 0x00};  // garbage: 2 bytes
  FlvTagReader r(data);
  auto first = r.next();
  ASSERT_FALSE(first.ok());
  auto again = r.next();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), first.error().code());
  EXPECT_EQ(again.error().message(), first.error().message());
  EXPECT_EQ(r.position(), 0u);
}

TEST(FlvTagReader, GarbageNeverReadsPastTheSpan) {
  // Every prefix of a valid run, and the run with each byte flipped: the
  // reader either yields bodies inside the span or fails.
  const ByteVec valid = cat({kVideoTag, kAudioTag, kScriptTag});
  auto check = [](const ByteVec& data) {
    FlvTagReader r(data);
    for (int i = 0; i < 16; ++i) {
      auto t = r.next();
      if (!t.ok() || !t->has_value()) return;
      EXPECT_LE((*t)->bodyOffset + (*t)->bodySize, data.size());
    }
    ADD_FAILURE() << "more tags than the input can hold";
  };
  for (size_t n = 0; n <= valid.size(); ++n) check(ByteVec(valid.begin(), valid.begin() + n));
  for (size_t i = 0; i < valid.size(); ++i) {
    ByteVec flipped = valid;
    flipped[i] ^= 0xFF;
    check(flipped);
  }
}

}  // namespace
}  // namespace rtmp::media
