// PacketTap on its own (no loop: the calls a loop would make, in order): the
// join snapshot, descriptions on the first packet and after a change, drops
// counted onto the next packet with video skipped to the next keyframe, the
// publisher leaving and returning, and the kind filters.
#include "server/packet_tap.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "flv_samples.h"
#include "media/media_packet.h"

namespace rtmp::server::testing {
namespace {

struct FakeSink : PacketSink {
  std::vector<PacketItem> packets;
  std::vector<bool> states;
  int refuse = 0;  // refuse this many next packets
  bool pushPacket(PacketItem&& item) override {
    if (refuse > 0) {
      --refuse;
      return false;
    }
    packets.push_back(std::move(item));
    return true;
  }
  void pushState(bool publishing) override { states.push_back(publishing); }
  void onDropped() override { ++dropped; }
  int dropped = 0;
};

SharedMediaRef media(uint8_t type, uint32_t ts, const ByteVec& body) {
  static uint64_t seq = 0;
  auto packet = media::makeMediaPacket(type, ts, base::Bytes::copyOf(body));
  EXPECT_TRUE(packet.ok());
  auto m = std::make_shared<SharedMedia>();
  m->packet = std::move(packet).value();
  m->seq = ++seq;
  return m;
}
SharedMediaRef video(uint32_t ts, const ByteVec& body) {
  return media(media::kMessageTypeVideo, ts, body);
}
SharedMediaRef audio(uint32_t ts, const ByteVec& body) {
  return media(media::kMessageTypeAudio, ts, body);
}

uint8_t tagOf(const PacketItem& item) {
  const auto span = item.media->packet.payload.span();
  return frameTag(ByteVec(span.begin(), span.end()));
}

class PacketTapTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeSink> sink = std::make_shared<FakeSink>();

  JoinSnapshot snapshot() {
    JoinSnapshot s;
    s.publishing = true;
    s.videoHeader = video(0, avcSequenceHeader());
    s.audioHeader = audio(0, aacSequenceHeader());
    s.gop = {video(0, avcKeyframe(1)), audio(10, aacRaw(2)), video(33, avcInterframe(3, 66))};
    return s;
  }
};

TEST_F(PacketTapTest, SnapshotGivesDescribedPacketsFromTheKeyframe) {
  PacketTap tap({}, sink);
  tap.onStart(snapshot());
  ASSERT_EQ(sink->states, std::vector<bool>{true});
  ASSERT_EQ(sink->packets.size(), 3u);

  const PacketItem& key = sink->packets[0];
  EXPECT_EQ(tagOf(key), 1);
  EXPECT_TRUE(key.media->packet.keyframe);
  EXPECT_TRUE(key.withDescription);
  EXPECT_EQ(key.track->codecString, "avc1.64001f");
  EXPECT_EQ(key.track->width, 1280u);
  EXPECT_EQ(key.track->height, 720u);
  // The avcC record: the sequence header's body after its 5-byte FLV header.
  EXPECT_EQ(key.track->description.size(), avcSequenceHeader().size() - 5);
  EXPECT_EQ(key.track->description.span()[0], 0x01);  // configurationVersion
  // Codec bytes: the AVCC (length-prefixed) NAL units only.
  EXPECT_EQ(key.bytes(), 8u);

  const PacketItem& aac = sink->packets[1];
  EXPECT_EQ(aac.track->codecString, "mp4a.40.2");
  EXPECT_EQ(aac.track->sampleRate, 44100u);
  EXPECT_EQ(aac.track->channels, 2u);
  EXPECT_TRUE(aac.withDescription);
  EXPECT_EQ(aac.bytes(), 4u);

  const PacketItem& inter = sink->packets[2];
  EXPECT_FALSE(inter.withDescription);
  EXPECT_EQ(inter.media->packet.pts(), 99u);
  EXPECT_EQ(tap.counters().delivered, 3u);
  EXPECT_EQ(tap.counters().dropped, 0u);
}

TEST_F(PacketTapTest, ARepeatedHeaderIsNoChangeANewOneIsDescribed) {
  PacketTap tap({}, sink);
  tap.onStart(snapshot());
  tap.onMedia(video(66, avcSequenceHeader()));
  tap.onMedia(video(66, avcInterframe(4)));
  EXPECT_FALSE(sink->packets.back().withDescription);

  ByteVec changed = avcSequenceHeader();
  changed[8] = 0x28;  // AVCLevelIndication 40
  tap.onMedia(video(100, changed));
  tap.onMedia(video(100, avcKeyframe(5)));
  EXPECT_TRUE(sink->packets.back().withDescription);
  EXPECT_EQ(sink->packets.back().track->codecString, "avc1.640028");
}

TEST_F(PacketTapTest, DropsRideOnTheNextPacketAndVideoWaitsForAKeyframe) {
  PacketTap tap({}, sink);
  tap.onStart(snapshot());
  sink->refuse = 1;
  tap.onMedia(video(66, avcInterframe(10)));   // refused
  tap.onMedia(video(100, avcInterframe(11)));  // skipped: its reference is gone
  tap.onMedia(audio(110, aacRaw(12)));         // audio goes on
  tap.onMedia(video(133, avcInterframe(13)));  // skipped
  tap.onMedia(video(166, avcKeyframe(14)));

  ASSERT_EQ(sink->packets.size(), 5u);
  EXPECT_EQ(tagOf(sink->packets[3]), 12);
  EXPECT_EQ(sink->packets[3].droppedBefore, 2u);  // the refused one and one skipped
  EXPECT_EQ(tagOf(sink->packets[4]), 14);
  EXPECT_EQ(sink->packets[4].droppedBefore, 1u);
  EXPECT_EQ(tap.counters().dropped, 3u);
  EXPECT_EQ(sink->dropped, 3);

  // A refused audio packet costs only itself.
  sink->refuse = 1;
  tap.onMedia(audio(170, aacRaw(15)));
  tap.onMedia(video(200, avcInterframe(16)));
  EXPECT_EQ(tagOf(sink->packets.back()), 16);
  EXPECT_EQ(sink->packets.back().droppedBefore, 1u);
}

TEST_F(PacketTapTest, RepublishIsADiscontinuityWithFreshDescriptions) {
  PacketTap tap({}, sink);
  tap.onStart(snapshot());
  tap.onPublisherGone();
  tap.onPublisherBack();
  tap.onMedia(video(0, avcInterframe(20)));  // before the new keyframe: not decodable, not counted
  tap.onMedia(video(0, avcSequenceHeader()));
  tap.onMedia(audio(0, aacSequenceHeader()));
  tap.onMedia(video(0, avcKeyframe(21)));
  tap.onMedia(audio(5, aacRaw(22)));

  EXPECT_EQ(sink->states, (std::vector<bool>{true, false, true}));
  ASSERT_EQ(sink->packets.size(), 5u);
  const PacketItem& key = sink->packets[3];
  EXPECT_EQ(tagOf(key), 21);
  EXPECT_TRUE(key.discontinuity);
  EXPECT_TRUE(key.withDescription);
  EXPECT_EQ(key.droppedBefore, 0u);
  EXPECT_FALSE(sink->packets[4].discontinuity);
  EXPECT_TRUE(sink->packets[4].withDescription);
  EXPECT_EQ(tap.counters().dropped, 0u);
}

TEST_F(PacketTapTest, NotPublishingYetThenKindFilters) {
  PacketTap tap({.video = false, .audio = true}, sink);
  JoinSnapshot empty;
  tap.onStart(empty);
  EXPECT_EQ(sink->states, std::vector<bool>{false});
  tap.onPublisherBack();
  tap.onMedia(video(0, avcSequenceHeader()));
  tap.onMedia(video(0, avcKeyframe(1)));
  tap.onMedia(audio(0, aacSequenceHeader()));
  tap.onMedia(audio(0, aacRaw(2)));
  ASSERT_EQ(sink->packets.size(), 1u);
  EXPECT_EQ(sink->packets[0].media->packet.kind, MediaKind::kAudio);
  EXPECT_FALSE(sink->packets[0].discontinuity);  // the first publish is no break

  auto videoOnly = std::make_shared<FakeSink>();
  PacketTap v({.video = true, .audio = false}, videoOnly);
  v.onStart(snapshot());
  ASSERT_EQ(videoOnly->packets.size(), 2u);
  for (const auto& p : videoOnly->packets) EXPECT_EQ(p.media->packet.kind, MediaKind::kVideo);
}

TEST_F(PacketTapTest, ACodecWithoutSequenceHeaderIsNamedFromThePacket) {
  PacketTap tap({}, sink);
  tap.onStart(JoinSnapshot{});
  // SoundFormat 2 (MP3) | rate 3 (44 kHz) | 16-bit | stereo, then a frame byte.
  tap.onMedia(audio(0, {0x2F, 0xFF, 0xFB, 0x90, 0x00}));
  ASSERT_EQ(sink->packets.size(), 1u);
  EXPECT_EQ(sink->packets[0].track->codecString, "mp3");
  EXPECT_TRUE(sink->packets[0].withDescription);
  EXPECT_TRUE(sink->packets[0].track->description.empty());
  EXPECT_EQ(sink->packets[0].track->channels, 2u);
}

}  // namespace
}  // namespace rtmp::server::testing
