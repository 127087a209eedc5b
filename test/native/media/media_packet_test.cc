#include "media/media_packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtmp::media {
namespace {

using base::Bytes;
using base::ErrorCode;

TEST(MediaPacket, VideoKeyframeSharesThePayload) {
  const Bytes payload = Bytes::copyOf(std::vector<uint8_t>{
      0x17, 0x01, 0x00, 0x00, 0x42,  // key | AVC, NALU, CTS 66
      0x00, 0x00, 0x00, 0x01, 0x65,  // AVCC: one 1-byte IDR NAL unit
  });
  auto packet = makeMediaPacket(kMessageTypeVideo, 1000, payload);
  ASSERT_TRUE(packet.ok()) << packet.error().toString();
  EXPECT_EQ(packet->kind, MediaKind::kVideo);
  EXPECT_EQ(packet->codec, Codec::kH264);
  EXPECT_EQ(packet->dts, 1000u);
  EXPECT_EQ(packet->cts, 66);
  EXPECT_EQ(packet->pts(), 1066u);
  EXPECT_TRUE(packet->keyframe);
  EXPECT_TRUE(packet->isMedia);
  EXPECT_FALSE(packet->isDroppable());
  EXPECT_EQ(packet->messageType, kMessageTypeVideo);
  // Untouched and not copied: the same storage, the codec bytes a slice of it.
  EXPECT_EQ(packet->payload.data(), payload.data());
  EXPECT_EQ(packet->payload.size(), payload.size());
  const Bytes codec = packet->codecData();
  EXPECT_EQ(codec.data(), payload.data() + 5);
  EXPECT_EQ(codec.size(), 5u);
}

TEST(MediaPacket, NonKeyVideoIsDroppable) {
  auto packet = makeMediaPacket(kMessageTypeVideo, 0,
                                Bytes::copyOf(std::vector<uint8_t>{0x27, 0x01, 0, 0, 0}));
  ASSERT_TRUE(packet.ok());
  EXPECT_TRUE(packet->isDroppable());
}

TEST(MediaPacket, NegativeCompositionTimeWrapsThePts) {
  auto packet = makeMediaPacket(kMessageTypeVideo, 10,
                                Bytes::copyOf(std::vector<uint8_t>{0x27, 0x01, 0xFF, 0xFF, 0xEC}));
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->cts, -20);
  EXPECT_EQ(packet->pts(), 0xFFFFFFF6u);  // 10 - 20 modulo 2^32, like RTMP timestamps
}

TEST(MediaPacket, AudioSequenceHeader) {
  auto packet = makeMediaPacket(kMessageTypeAudio, 0,
                                Bytes::copyOf(std::vector<uint8_t>{0xAF, 0x00, 0x12, 0x10}));
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->kind, MediaKind::kAudio);
  EXPECT_EQ(packet->codec, Codec::kAac);
  EXPECT_TRUE(packet->sequenceHeader);
  EXPECT_FALSE(packet->keyframe);
  EXPECT_FALSE(packet->isDroppable());
  EXPECT_EQ(packet->codecData().size(), 2u);
}

TEST(MediaPacket, SilenceIsAudioButNotMedia) {
  auto packet = makeMediaPacket(kMessageTypeAudio, 5, Bytes());
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->kind, MediaKind::kAudio);
  EXPECT_FALSE(packet->isMedia);
}

TEST(MediaPacket, DataMessagesAreWrappedUnparsed) {
  const Bytes payload = Bytes::copyOf(std::vector<uint8_t>{0x02, 0x00, 0x0A});
  for (uint8_t type : {kMessageTypeDataAmf0, kMessageTypeDataAmf3}) {
    auto packet = makeMediaPacket(type, 7, payload);
    ASSERT_TRUE(packet.ok());
    EXPECT_EQ(packet->kind, MediaKind::kData);
    EXPECT_EQ(packet->codecData().size(), 3u);
    EXPECT_FALSE(packet->isMedia);
  }
}

TEST(MediaPacket, OtherMessageTypesAreRejected) {
  auto packet = makeMediaPacket(20, 0, Bytes::copyOf(std::vector<uint8_t>{0x02}));
  ASSERT_FALSE(packet.ok());
  EXPECT_EQ(packet.error().code(), ErrorCode::kInvalidArgument);
}

TEST(MediaPacket, MalformedHeaderErrorCarriesContext) {
  auto packet = makeMediaPacket(kMessageTypeVideo, 0, Bytes::copyOf(std::vector<uint8_t>{0x17}));
  ASSERT_FALSE(packet.ok());
  EXPECT_EQ(packet.error().code(), ErrorCode::kTruncated);
  EXPECT_NE(packet.error().message().find("video tag"), std::string::npos);
}

TEST(MediaPacket, SharedHandleIsImmutable) {
  auto packet =
      makeMediaPacket(kMessageTypeAudio, 0, Bytes::copyOf(std::vector<uint8_t>{0xAF, 0x01, 0x21}));
  ASSERT_TRUE(packet.ok());
  MediaPacketPtr shared = std::make_shared<const MediaPacket>(std::move(packet).value());
  MediaPacketPtr other = shared;
  EXPECT_EQ(other->payload.data(), shared->payload.data());
  static_assert(std::is_const_v<std::remove_reference_t<decltype(*shared)>>);
}

}  // namespace
}  // namespace rtmp::media
