// Session: timestamps from publisher to player. RTMP timestamps are 32-bit ms
// that wrap (RTMP 1.0 §5.3.1.2); values >= 0xFFFFFF need the extended field
// (§5.3.1.3), also on every continuation chunk. Players rebuild them from
// type-0 headers and type-1/2/3 deltas, so what matters is the timeline the
// player's ChunkReader reconstructs.
#include <gtest/gtest.h>

#include <map>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::Message;
using protocol::MessageType;
using Names = std::vector<std::string>;

EngineConfig withMode(TimestampMode mode) {
  EngineConfig config;
  config.streams.timestampMode = mode;
  return config;
}

// Publishes frames from `t0` with 5000-byte keyframes (two chunks at 4096, so
// continuation headers carry the extended timestamp when it is in use).
void publishBigFrames(TestClient& pub, uint32_t t0, int count) {
  for (int i = 0; i < count; ++i) {
    auto tag = static_cast<uint8_t>(i);
    uint32_t ts = t0 + 40u * static_cast<uint32_t>(i);
    pub.sendVideo(ts, i % 4 == 0 ? avcKeyframe(tag, 0, 5000) : avcInterframe(tag, 0, 4500));
    pub.sendAudio(ts + 20, aacRaw(static_cast<uint8_t>(100 + i)));
  }
}

// Player timestamps of coded frames by name ("K4", "A105"), first occurrence.
std::map<std::string, uint32_t> frameTimes(const std::vector<Message>& media) {
  std::map<std::string, uint32_t> out;
  for (const Message& m : media) {
    std::string d = describe(m);
    out.emplace(d.substr(0, d.find('@')), m.timestamp);
  }
  return out;
}

TEST_F(SessionTest, TimestampsCrossingTheExtendedEdgeArriveUnchangedInMonotonicMode) {
  configure(withMode(TimestampMode::kMonotonic));
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  const uint32_t t0 = 0xFFFF00;  // frame 7 is past 0xFFFFFF
  publishHeaders(pub, t0 - 40);
  publishBigFrames(pub, t0, 12);
  auto media = viewer.avMedia();
  EXPECT_FALSE(viewer.readerError().has_value());
  ASSERT_EQ(media.size(), 2u + 24u);
  for (int i = 0; i < 12; ++i) {
    const Message& video = media[2 + 2 * i];
    const Message& audio = media[3 + 2 * i];
    EXPECT_EQ(video.timestamp, t0 + 40u * i) << "frame " << i;
    EXPECT_EQ(audio.timestamp, t0 + 40u * i + 20) << "frame " << i;
    EXPECT_EQ(bytesOf(video), i % 4 == 0 ? avcKeyframe(static_cast<uint8_t>(i), 0, 5000)
                                         : avcInterframe(static_cast<uint8_t>(i), 0, 4500));
  }
}

TEST_F(SessionTest, LateJoinerAcrossTheExtendedEdgeKeepsAContinuousTimeline) {
  configure(withMode(TimestampMode::kMonotonic));
  TestClient& pub = publisher("cam");
  const uint32_t t0 = 0xFFFF00;
  publishHeaders(pub, t0 - 40);
  publishBigFrames(pub, t0, 6);  // cached GOP: frames 4, 5 (0xFFFFA0..)
  TestClient& viewer = player("cam");
  publishBigFrames(pub, t0 + 240, 6);  // frames 6.. cross 0xFFFFFF
  auto times = frameTimes(viewer.avMedia());
  EXPECT_FALSE(viewer.readerError().has_value());
  EXPECT_EQ(times["K4"], t0 + 160);
  EXPECT_EQ(times["P5"], t0 + 200);
  EXPECT_EQ(times["A105"], t0 + 220);
  EXPECT_EQ(times["K0"], t0 + 240);  // the second batch restarts tags at 0
  EXPECT_EQ(times["P3"], t0 + 360);
}

TEST_F(SessionTest, RebasedLateJoinerAcrossTheExtendedEdgeStartsAtZero) {
  TestClient& pub = publisher("cam");
  const uint32_t t0 = 0xFFFF00;
  publishHeaders(pub, t0 - 40);
  publishBigFrames(pub, t0, 6);
  TestClient& viewer = player("cam");
  publishBigFrames(pub, t0 + 240, 6);
  auto media = viewer.avMedia();
  EXPECT_FALSE(viewer.readerError().has_value());
  EXPECT_EQ(describe(media[2]), "K4@0");
  // Every later frame lands exactly where the publisher put it, relative to K4.
  auto times = frameTimes(media);
  EXPECT_EQ(times["P5"], 40u);
  EXPECT_EQ(times["A105"], 60u);
  EXPECT_EQ(times["K0"], 80u);
  EXPECT_EQ(times["P3"], 200u);
}

TEST_F(SessionTest, TimestampsWrappingAt32BitsStayContinuousInMonotonicMode) {
  configure(withMode(TimestampMode::kMonotonic));
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  const uint32_t t0 = 0xFFFFFF00u;  // frame 7 wraps to 0x18
  publishHeaders(pub, t0 - 40);
  publishBigFrames(pub, t0, 12);
  auto media = viewer.avMedia();
  EXPECT_FALSE(viewer.readerError().has_value());
  ASSERT_EQ(media.size(), 26u);
  for (size_t i = 3; i < media.size(); ++i) {
    // Each step is the published one (20 ms), modulo 2^32.
    EXPECT_EQ(static_cast<uint32_t>(media[i].timestamp - media[i - 1].timestamp), 20u)
        << describe(media[i - 1]) << " -> " << describe(media[i]);
  }
  EXPECT_EQ(media.back().timestamp, static_cast<uint32_t>(t0 + 40u * 11 + 20));
}

TEST_F(SessionTest, RebasedPlayerAcrossThe32BitWrapStartsAtZeroAndKeepsCounting) {
  TestClient& pub = publisher("cam");
  const uint32_t t0 = 0xFFFFFF00u;
  publishHeaders(pub, t0 - 40);
  publishBigFrames(pub, t0, 6);
  TestClient& viewer = player("cam");
  publishBigFrames(pub, t0 + 240, 6);
  auto times = frameTimes(viewer.avMedia());
  EXPECT_EQ(times["K4"], 0u);
  EXPECT_EQ(times["A105"], 60u);
  EXPECT_EQ(times["K0"], 80u);
  EXPECT_EQ(times["P3"], 200u);
}

class TimestampModeTest : public SessionTest,
                          public ::testing::WithParamInterface<TimestampMode> {};

TEST_P(TimestampModeTest, BackwardDtsJumpKeepsThePublisherAndPlayerTimestampsMonotonic) {
  configure(withMode(GetParam()));
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 10'000);
  publishFrames(pub, 10'040, 0, 5, 25);
  publishFrames(pub, 2'000, 5, 10, 25);  // the encoder restarted its clock
  EXPECT_EQ(pub.transport().closeCalls(), 0);
  auto media = viewer.avMedia();
  ASSERT_EQ(media.size(), 22u);
  // Frames strictly increase per track; a sequence header may share the
  // timestamp of the keyframe that follows it (what encoders send).
  struct Last {
    uint32_t timestamp;
    bool header;
  };
  std::map<MessageType, Last> last;
  for (const Message& m : media) {
    const bool header = m.payload.size() > 1 && m.payload[1] == 0x00;  // AVC/AAC packet type 0
    auto it = last.find(m.type());
    if (it != last.end()) {
      if (it->second.header) {
        EXPECT_GE(m.timestamp, it->second.timestamp) << describe(m);
      } else {
        EXPECT_GT(m.timestamp, it->second.timestamp) << describe(m);
      }
    }
    last[m.type()] = {m.timestamp, header};
  }
}

TEST_P(TimestampModeTest, ForwardDtsLeapIsSmoothedToOneFrameStep) {
  configure(withMode(GetParam()));
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 40, 0, 5, 25);
  publishFrames(pub, 3'600'000, 5, 7, 25);  // an hour ahead
  auto times = frameTimes(viewer.avMedia());
  EXPECT_EQ(times["P5"] - times["P4"], 40u);
}

INSTANTIATE_TEST_SUITE_P(Modes, TimestampModeTest,
                         ::testing::Values(TimestampMode::kMonotonic, TimestampMode::kRebase),
                         [](const auto& info) {
                           return info.param == TimestampMode::kMonotonic ? std::string("Monotonic")
                                                                          : std::string("Rebase");
                         });

TEST_F(SessionTest, CompositionTimeOffsetsPassThroughByteIdentical) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  // I P B B with B-frame reordering: cts 80, 120, 0, 40 (and a negative one).
  const std::vector<ByteVec> frames = {avcKeyframe(0, 80), avcInterframe(1, 120),
                                       avcInterframe(2, 0), avcInterframe(3, 40),
                                       avcInterframe(4, -40)};
  for (size_t i = 0; i < frames.size(); ++i)
    pub.sendVideo(40 + 40 * static_cast<uint32_t>(i), frames[i]);
  std::vector<Message> video;
  for (const Message& m : viewer.avMedia()) {
    if (m.type() == MessageType::kVideo && bytesOf(m) != avcSequenceHeader()) video.push_back(m);
  }
  ASSERT_EQ(video.size(), frames.size());
  for (size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(bytesOf(video[i]), frames[i]) << i;
}

TEST_F(SessionTest, TimestampModeOffPassesTimestampsThroughUntouched) {
  configure(withMode(TimestampMode::kOff));
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 7'000);
  pub.sendVideo(7'000, avcKeyframe(0));
  pub.sendVideo(7'000, avcInterframe(1));  // a stall stays a stall
  pub.sendVideo(6'990, avcInterframe(2));  // and a step back stays one
  EXPECT_EQ(describe(viewer.avMedia()),
            (Names{"VH@7000", "AH@7000", "K0@7000", "P1@7000", "P2@6990"}));
}

// Regression (the bug was in stream_ingest.cc, StreamIngest::process): sequence headers go through
// the track's TimestampCorrector, so a first frame with the same DTS as its
// sequence header (what FFmpeg and OBS send) counts as a stall and is moved
// 1 ms later, while the audio is not: a late joiner starting on that keyframe
// sees every later audio frame 1 ms early relative to video.
TEST_F(SessionTest, FirstKeyframeSharingItsSequenceHeaderDtsKeepsItsTimestamp) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  TestClient& viewer = player("cam");
  EXPECT_EQ(describe(viewer.avMedia()),
            (Names{"VH@0", "AH@0", "K0@0", "A100@20", "P1@40", "A101@60"}));
}

// Same regression, seen by a player waiting for the publisher: its timeline starts
// on the shifted keyframe, which then arrives at 1 instead of 0.
TEST_F(SessionTest, WaitingPlayerGetsTheFirstKeyframeAtZero) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 3000);
  publishFrames(pub, 3000, 0, 2, 25);
  EXPECT_EQ(describe(viewer.avMedia()),
            (Names{"VH@0", "AH@0", "K0@0", "A100@20", "P1@40", "A101@60"}));
}

// Regression (the bug was in player_tap.cc, PlayerTap::send): a message sent with a type-0 header
// whose timestamp was clamped to 0 (stream time before the player's base)
// still records lastSentSeq_, so the next message on that csid goes out as
// the shared type-1 bytes whose delta is relative to the unclamped time. Here
// the sequence headers are at 0 and the first keyframe at 500 (audio started
// first): the keyframe chains onto the clamped header and arrives at 500
// while the audio restarts at 6 — video half a second behind audio.
TEST_F(SessionTest, PlayerStaysInSyncWhenTheSequenceHeaderIsOlderThanTheFirstKeyframe) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  for (uint32_t ts = 23; ts < 500; ts += 23) pub.sendAudio(ts, aacRaw(1));
  pub.sendVideo(500, avcKeyframe(0));
  pub.sendAudio(506, aacRaw(2));
  pub.sendVideo(540, avcInterframe(1));
  pub.sendAudio(529 + 23, aacRaw(3));
  EXPECT_EQ(describe(viewer.avMedia()), (Names{"VH@0", "AH@0", "K0@0", "A2@6", "P1@40", "A3@52"}));
}

}  // namespace
}  // namespace rtmp::server::testing
