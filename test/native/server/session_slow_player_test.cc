// Session: a player whose socket stops draining. Past playerQueueMs of queued
// media, non-key video is dropped until the next keyframe (audio kept); the
// keyframe that resumes restarts the video chunk stream with a type-0 header.
#include <gtest/gtest.h>

#include <set>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::Message;
using protocol::MessageType;
using Names = std::vector<std::string>;

constexpr int kGop = 50;  // keyframes at frames 0, 50, 100 (every 2 s)

class SlowPlayerTest : public SessionTest {
 protected:
  void SetUp() override {
    EngineConfig config;
    config.playerQueueMs = 1000;
    // Monotonic: player timestamps equal the publisher's, easy to check.
    config.streams.timestampMode = TimestampMode::kMonotonic;
    configure(config);
    viewer_ = &player("cam");
    pub_ = &publisher("cam");
    publishHeaders(*pub_, 0);
    publishFrames(*pub_, 0, 0, 3, kGop);
    viewer_->transport().stall(true);  // the peer stops reading
    publishFrames(*pub_, 0, 3, kGop - 1, kGop);
  }

  std::set<int> receivedVideoTags() {
    std::set<int> tags;
    for (const Message& m : viewer_->avMedia()) {
      if (m.type() == MessageType::kVideo && bytesOf(m)[1] == 0x01)
        tags.insert(frameTag(bytesOf(m)));
    }
    return tags;
  }

  TestClient* viewer_ = nullptr;
  TestClient* pub_ = nullptr;
};

TEST_F(SlowPlayerTest, EveryAudioFrameIsKept) {
  std::set<int> audio;
  for (const Message& m : viewer_->avMedia()) {
    if (m.type() == MessageType::kAudio && bytesOf(m)[1] == 0x01)
      audio.insert(frameTag(bytesOf(m)));
  }
  EXPECT_EQ(audio.size(), static_cast<size_t>(kGop - 1));
  EXPECT_EQ(*audio.begin(), 100);
  EXPECT_EQ(*audio.rbegin(), 100 + kGop - 2);
}

TEST_F(SlowPlayerTest, VideoIsDroppedOnceAboutOneSecondIsQueued) {
  std::set<int> video = receivedVideoTags();
  // Frames 0..k arrive, then nothing: 1000 ms of media queued after the stall
  // at frame 3 (120 ms) is reached around frame 28.
  ASSERT_FALSE(video.empty());
  const int last = *video.rbegin();
  EXPECT_EQ(video.size(), static_cast<size_t>(last + 1)) << "a gap before the drop point";
  EXPECT_GE(last, 26);
  EXPECT_LE(last, 29);
}

TEST_F(SlowPlayerTest, DroppingContinuesUntilTheNextKeyframeEvenAfterRecovery) {
  const std::set<int> before = receivedVideoTags();
  viewer_->transport().stall(false);
  publishFrames(*pub_, 0, kGop - 1, kGop, kGop);  // inter frame 49: still dropped
  EXPECT_EQ(receivedVideoTags(), before);
  publishFrames(*pub_, 0, kGop, kGop + 2, kGop);  // keyframe 50 resumes
  std::set<int> after = receivedVideoTags();
  EXPECT_TRUE(after.count(kGop));
  EXPECT_TRUE(after.count(kGop + 1));
  EXPECT_EQ(after.size(), before.size() + 2);
}

TEST_F(SlowPlayerTest, KeyframeThatResumesRestartsTheChunkStreamWithType0) {
  viewer_->transport().stall(false);
  publishFrames(*pub_, 0, kGop - 1, kGop, kGop);
  pub_->sendVideo(40 * kGop, avcKeyframe(kGop, 0, 6000));  // over one 4096 chunk
  const auto& write = viewer_->transport().writes().back();
  ASSERT_FALSE(write.bytes.empty());
  // Basic header: fmt 0 (bits 7-6), csid 6.
  EXPECT_EQ(write.bytes[0], 0x06);
  // ...and the player's reader rebuilds the message from it.
  EXPECT_FALSE(viewer_->readerError().has_value());
  const Message last = viewer_->avMedia().back();
  EXPECT_EQ(describe(last), "K50@2000");
  EXPECT_EQ(last.streamId, viewer_->playStreamId());
  EXPECT_EQ(bytesOf(last), avcKeyframe(kGop, 0, 6000));
  // The next inter frame chains onto it with the shared (type-1) bytes.
  pub_->sendVideo(40 * kGop + 40, avcInterframe(kGop + 1));
  EXPECT_EQ(viewer_->transport().writes().back().bytes[0], 0x46);  // fmt 1, csid 6
  EXPECT_EQ(describe(viewer_->avMedia().back()), "P51@2040");
}

TEST_F(SlowPlayerTest, KeyframeWhilePlayerIsStillBehindIsDroppedToo) {
  const std::set<int> before = receivedVideoTags();
  publishFrames(*pub_, 0, kGop - 1, kGop + 2, kGop);  // still stalled
  EXPECT_EQ(receivedVideoTags(), before);
}

TEST_F(SlowPlayerTest, DroppedVideoIsCountedInSessionStats) {
  const size_t received = receivedVideoTags().size();
  viewer_->close();
  const uint64_t dropped = viewer_->info().droppedFrames();
  EXPECT_EQ(dropped, static_cast<uint64_t>(kGop - 1) - received);
  EXPECT_GT(dropped, 0u);
}

// Regression (the bug was in session.cc, Session::stopPlaying): SessionInfo::droppedFrames is
// stored only when the player stops, so stats()/sessions() show 0 for a
// player that is dropping right now — when the number matters most.
TEST_F(SlowPlayerTest, DroppedVideoIsVisibleInSessionStatsWhilePlaying) {
  const size_t received = receivedVideoTags().size();
  EXPECT_EQ(viewer_->info().droppedFrames(), static_cast<uint64_t>(kGop - 1) - received);
}

// Video and audio drops are told apart (droppedFrames stays their sum).
TEST_F(SlowPlayerTest, DropsAreCountedPerTrackInTheSnapshot) {
  const size_t received = receivedVideoTags().size();
  SessionSnapshot snap;
  for (const SessionSnapshot& s : h().table.snapshot()) {
    if (s.id == viewer_->id()) snap = s;
  }
  ASSERT_EQ(snap.id, viewer_->id());
  EXPECT_EQ(snap.droppedVideo, static_cast<uint64_t>(kGop - 1) - received);
  EXPECT_EQ(snap.droppedAudio, 0u) << "audio is kept under the time bound";
  EXPECT_EQ(snap.droppedFrames, snap.droppedVideo);
}

TEST_F(SessionTest, PlayerOverTheByteCapDropsAudioAndResyncsIt) {
  EngineConfig config;
  config.playerQueueMaxBytes = 4096;
  config.streams.timestampMode = TimestampMode::kMonotonic;
  configure(config);
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  viewer.transport().setQueuedBytes(5000);
  publishFrames(pub, 0, 2, 4, 25);
  EXPECT_EQ(kinds(viewer.avMedia()), (Names{"VH", "AH", "K0", "A100", "P1", "A101"}));
  EXPECT_EQ(viewer.info().droppedAudio.load(), 2u);  // A102, A103
  EXPECT_EQ(viewer.info().droppedVideo.load(), 2u);  // P2, P3
  EXPECT_EQ(viewer.info().droppedFrames(), 4u);
  viewer.transport().setQueuedBytes(0);
  publishFrames(pub, 0, 4, 5, 25);  // audio resumes at once, video at the next keyframe
  EXPECT_EQ(viewer.transport().writes().back().bytes[0], 0x04);  // type 0 on csid 4
  EXPECT_EQ(describe(viewer.avMedia().back()), "A104@180");
  EXPECT_FALSE(viewer.readerError().has_value());
}

TEST_F(SessionTest, PlayerThatKeepsUpDropsNothing) {
  EngineConfig config;
  config.playerQueueMs = 100;
  configure(config);
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 100, 25);  // 4 s of media, socket always drained
  EXPECT_EQ(viewer.avMedia().size(), 2u + 200u);
  viewer.close();
  EXPECT_EQ(viewer.info().droppedFrames(), 0u);
}

}  // namespace
}  // namespace rtmp::server::testing
