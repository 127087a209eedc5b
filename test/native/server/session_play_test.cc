// Session: publish and play on one loop — who gets what, in which order, with
// which timestamps (RTMP 1.0 §7.2.2.1 play, §7.2.2.6 publish).
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::Message;
using protocol::UserControlEventType;
using Names = std::vector<std::string>;

std::vector<UserControlEventType> eventTypes(TestClient& c) {
  std::vector<UserControlEventType> out;
  for (const auto& e : c.userControls()) out.push_back(e.type);
  return out;
}

TEST_F(SessionTest, SecondPublisherOnTheSameNameGetsBadNameAndIsClosed) {
  TestClient& first = publisher("cam");
  TestClient& second = publisher("cam");
  auto codes = second.statusCodes();
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0], "NetStream.Publish.BadName");
  EXPECT_EQ(second.transport().closeCalls(), 1);
  auto errors = h().eventsOf(EventKind::kError);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].as<ErrorEvent>().code, "ERR_RTMP_STREAM_BUSY");
  EXPECT_EQ(errors[0].header.sessionId, second.id());
  EXPECT_EQ(first.transport().closeCalls(), 0);
}

TEST_F(SessionTest, FirstPublisherKeepsPublishingAfterABadNameRival) {
  TestClient& first = publisher("cam");
  TestClient& second = publisher("cam");
  second.close();  // the engine closes the refused rival
  TestClient& viewer = player("cam");
  publishHeaders(first, 0);
  publishFrames(first, 0, 0, 2, 25);
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K0", "A100", "P1", "A101"}));
  EXPECT_TRUE(h().eventsOf(EventKind::kUnpublish).empty());
}

TEST_F(SessionTest, PlayerWaitingForPublisherGetsResetAndStart) {
  TestClient& viewer = player("cam");
  EXPECT_EQ(viewer.statusCodes(), (Names{"NetStream.Play.Reset", "NetStream.Play.Start"}));
  EXPECT_TRUE(viewer.userControls().empty());  // no StreamBegin until someone publishes
  EXPECT_TRUE(viewer.media().empty());
  EXPECT_EQ(viewer.session().role(), SessionRole::kPlayer);
  ASSERT_EQ(h().eventsOf(EventKind::kPlay).size(), 1u);
  EXPECT_EQ(h().eventsOf(EventKind::kPlay)[0].header.stream, "cam");
}

TEST_F(SessionTest, PlayWithoutResetSkipsPlayReset) {
  TestClient& viewer = connected(h().loopA);
  viewer.play("cam", /*reset=*/false);
  EXPECT_EQ(viewer.statusCodes(), (Names{"NetStream.Play.Start"}));
}

TEST_F(SessionTest, WaitingPlayerGetsPublishNotifyAndStreamBeginWhenPublishingStarts) {
  TestClient& viewer = player("cam");
  publisher("cam");
  EXPECT_EQ(viewer.statusCodes(), (Names{"NetStream.Play.Reset", "NetStream.Play.Start",
                                         "NetStream.Play.PublishNotify"}));
  auto events = viewer.userControls();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, UserControlEventType::kStreamBegin);
  EXPECT_EQ(events[0].streamId, viewer.playStreamId());
}

TEST_F(SessionTest, WaitingPlayerGetsMetadataHeadersThenMediaFromTheFirstKeyframe) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 3000);
  pub.sendVideo(3000, avcInterframe(9));  // before any keyframe: useless to a decoder
  publishFrames(pub, 3000, 0, 3, 25);
  // Exact timestamps: session_timestamp_test.cc.
  EXPECT_EQ(kinds(viewer.media()),
            (Names{"meta", "VH", "AH", "K0", "A100", "P1", "A101", "P2", "A102"}));
  for (const Message& m : viewer.media()) EXPECT_EQ(m.streamId, viewer.playStreamId());
  EXPECT_FALSE(viewer.readerError().has_value());
}

TEST_F(SessionTest, PlayerReceivesOnMetaDataWithoutSetDataFrame) {
  TestClient& viewer = player("cam");
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  auto media = viewer.media();
  ASSERT_FALSE(media.empty());
  auto data = protocol::decodeData(media[0]);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->name, "onMetaData");
  ASSERT_EQ(data->values.size(), 1u);
  EXPECT_EQ(data->values[0].get("width")->numberOr(0), 1280);
}

TEST_F(SessionTest, LateJoinerGetsHeadersThenTheCachedGopThenLive) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 10'000);
  publishFrames(pub, 10'000, 0, 7, 5);  // GOPs at frames 0 and 5
  TestClient& viewer = player("cam");
  publishFrames(pub, 10'000, 7, 11, 5);
  EXPECT_EQ(describe(viewer.media()), (Names{"meta@0", "VH@0", "AH@0",  // snapshot headers
                                             "K5@0", "A105@20", "P6@40", "A106@60",  // cached GOP
                                             "P7@80", "A107@100", "P8@120", "A108@140",  // live
                                             "P9@160", "A109@180", "K10@200", "A110@220"}));
}

TEST_F(SessionTest, LateJoinerPayloadsAreByteIdenticalToWhatWasPublished) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  pub.sendVideo(0, avcKeyframe(1, 0, 9000));  // spans 3 chunks at 4096
  TestClient& viewer = player("cam");
  pub.sendVideo(40, avcInterframe(2, 80, 5000));
  pub.sendAudio(50, aacRaw(3));
  auto media = viewer.media();
  ASSERT_EQ(media.size(), 6u);
  EXPECT_EQ(bytesOf(media[1]), avcSequenceHeader());
  EXPECT_EQ(bytesOf(media[2]), aacSequenceHeader());
  EXPECT_EQ(bytesOf(media[3]), avcKeyframe(1, 0, 9000));
  EXPECT_EQ(bytesOf(media[4]), avcInterframe(2, 80, 5000));
  EXPECT_EQ(bytesOf(media[5]), aacRaw(3));
  EXPECT_EQ(media[4].timestamp, 40u);
}

TEST_F(SessionTest, LateJoinerSharesThePayloadStorageOfTheStream) {
  // Zero copy: a second player gets the same encoded chunk bytes object.
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  TestClient& a = player("cam");
  TestClient& b = player("cam");
  size_t aWrites = a.transport().writes().size();
  size_t bWrites = b.transport().writes().size();
  pub.sendVideo(40, avcInterframe(1));
  ASSERT_EQ(a.transport().writes().size(), aWrites + 1);
  ASSERT_EQ(b.transport().writes().size(), bWrites + 1);
  EXPECT_EQ(a.transport().writes().back().bytes, b.transport().writes().back().bytes);
}

TEST_F(SessionTest, WithoutGopCacheALateJoinerWaitsForTheNextKeyframe) {
  EngineConfig config;
  config.streams.gopCache = false;
  configure(config);
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 3, 5);
  TestClient& viewer = player("cam");
  EXPECT_EQ(eventTypes(viewer),
            (std::vector<UserControlEventType>{UserControlEventType::kStreamBegin}));
  publishFrames(pub, 0, 3, 5, 5);  // inter frames and audio: nothing yet
  EXPECT_TRUE(viewer.media().empty());
  publishFrames(pub, 0, 5, 6, 5);
  EXPECT_EQ(describe(viewer.media()), (Names{"meta@0", "VH@0", "AH@0", "K5@0", "A105@20"}));
}

TEST_F(SessionTest, PlayOfAMissingStreamIsStreamNotFoundWhenNotWaiting) {
  EngineConfig config;
  config.waitForPublisher = false;
  configure(config);
  TestClient& viewer = player("nobody");
  EXPECT_EQ(viewer.statusCodes(), (Names{"NetStream.Play.StreamNotFound"}));
  EXPECT_EQ(viewer.transport().closeCalls(), 1);
  EXPECT_EQ(viewer.transport().closeReason()->code(), base::ErrorCode::kStreamNotFound);
  EXPECT_EQ(h().registry.size(), 0u);
}

TEST_F(SessionTest, PlayOfALiveStreamWorksWhenNotWaiting) {
  EngineConfig config;
  config.waitForPublisher = false;
  configure(config);
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  TestClient& viewer = player("cam");
  EXPECT_EQ(viewer.statusCodes(), (Names{"NetStream.Play.Reset", "NetStream.Play.Start"}));
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K0", "A100"}));
}

TEST_F(SessionTest, PublisherLeavingSendsUnpublishNotifyAndStreamEof) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  TestClient& viewer = player("cam");
  viewer.takeNew();
  pub.close();
  auto got = viewer.takeNew();
  ASSERT_EQ(got.size(), 2u);
  auto status = protocol::decodeCommand(got[0]);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(statusCodeOf(*status), "NetStream.Play.UnpublishNotify");
  auto eof = protocol::decodeUserControl(got[1]);
  ASSERT_TRUE(eof.ok());
  EXPECT_EQ(eof->type, UserControlEventType::kStreamEof);
  EXPECT_EQ(eof->streamId, viewer.playStreamId());
  ASSERT_EQ(h().eventsOf(EventKind::kUnpublish).size(), 1u);
  EXPECT_EQ(h().registry.size(), 1u);  // the player still holds the name
}

TEST_F(SessionTest, RepublishResumesPlayersWithANewTimelineFromZero) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 50'000);
  publishFrames(pub, 50'000, 0, 3, 25);
  TestClient& viewer = player("cam");
  pub.close();
  viewer.takeNew();
  TestClient& again = publisher("cam");
  auto notices = viewer.takeNew();
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(protocol::decodeUserControl(notices[0])->type, UserControlEventType::kStreamBegin);
  EXPECT_EQ(statusCodeOf(*protocol::decodeCommand(notices[1])), "NetStream.Play.PublishNotify");
  publishHeaders(again, 900'000);
  publishFrames(again, 900'000, 0, 2, 25);
  auto media = viewer.takeNew();
  EXPECT_EQ(kinds(media), (Names{"meta", "VH", "AH", "K0", "A100", "P1", "A101"}));
  // A new timeline near zero (not 900000, not the old one's 120).
  for (const Message& m : media) EXPECT_LE(m.timestamp, 60u) << describe(m);
  EXPECT_EQ(media.back().timestamp, 60u);
  EXPECT_FALSE(viewer.readerError().has_value());
}

TEST_F(SessionTest, DeleteStreamUnpublishesAndForgetsTheStream) {
  TestClient& pub = publisher("cam");
  pub.takeNew();
  pub.send(protocol::buildDeleteStream(9, pub.publishStreamId()));
  EXPECT_EQ(pub.statusCodes().back(), "NetStream.Unpublish.Success");
  EXPECT_EQ(h().eventsOf(EventKind::kUnpublish).size(), 1u);
  EXPECT_EQ(h().registry.size(), 0u);
  EXPECT_EQ(pub.session().role(), SessionRole::kUnknown);
}

TEST_F(SessionTest, FCUnpublishStopsPublishing) {
  TestClient& pub = publisher("cam");
  pub.takeNew();
  pub.send(protocol::buildFCUnpublish(9, "cam"));
  auto cmds = pub.commands();
  EXPECT_EQ(cmds.back().name, "onFCUnpublish");
  EXPECT_EQ(h().registry.size(), 0u);
}

// Issue 10, defect 7: FCUnpublish of another client's stream was answered
// NetStream.Unpublish.Success although nothing was unpublished.
TEST_F(SessionTest, FCUnpublishOfAStreamThisConnectionDoesNotPublishIsNotAnsweredSuccess) {
  TestClient& pub = publisher("cam");
  TestClient& other = connected(h().loopB);
  other.takeNew();
  other.send(protocol::buildFCUnpublish(9, "cam"));
  for (const auto& cmd : other.commands()) EXPECT_NE(cmd.name, "onFCUnpublish");
  EXPECT_EQ(other.transport().closeCalls(), 0);
  EXPECT_EQ(h().registry.size(), 1u);
  EXPECT_EQ(pub.session().role(), SessionRole::kPublisher);

  pub.takeNew();
  pub.send(protocol::buildFCUnpublish(9, "other-name"));  // not its stream either
  for (const auto& cmd : pub.commands()) EXPECT_NE(cmd.name, "onFCUnpublish");
  EXPECT_EQ(h().registry.size(), 1u);
}

TEST_F(SessionTest, PlayerDeleteStreamDetachesTheTap) {
  TestClient& pub = publisher("cam");
  TestClient& viewer = player("cam");
  EXPECT_EQ(h().tapsAttached(), 1u);
  viewer.send(protocol::buildDeleteStream(9, viewer.playStreamId()));
  EXPECT_EQ(h().tapsAttached(), 0u);
  ASSERT_EQ(h().eventsOf(EventKind::kStop).size(), 1u);
  publishFrames(pub, 0, 0, 2, 25);
  EXPECT_TRUE(viewer.media().empty());
}

TEST_F(SessionTest, PlayingAgainSwitchesStreams) {
  TestClient& one = publisher("one");
  TestClient& two = publisher("two");
  TestClient& viewer = player("one");
  viewer.play("two");
  EXPECT_EQ(h().tapsAttached(), 1u);
  publishHeaders(one, 0);
  publishFrames(one, 0, 0, 1, 25);
  EXPECT_TRUE(viewer.media().empty());
  publishHeaders(two, 0);
  publishFrames(two, 0, 0, 1, 25);
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "AH", "K0", "A100"}));
}

TEST_F(SessionTest, PlayOnAPublishingConnectionCloses) {
  TestClient& pub = publisher("cam");
  uint32_t id = pub.createStream();
  pub.send(protocol::buildPlay(id, "cam"));
  EXPECT_EQ(pub.transport().closeCalls(), 1);
}

TEST_F(SessionTest, MediaOnAnotherStreamIdIsIgnored) {
  TestClient& pub = publisher("cam");
  TestClient& viewer = player("cam");
  Message m;
  m.csid = protocol::kCsidVideo;
  m.typeId = 9;
  m.streamId = pub.publishStreamId() + 5;
  m.payload = base::Bytes::copyOf(avcKeyframe(1));
  pub.send(m);
  EXPECT_TRUE(viewer.media().empty());
  EXPECT_EQ(pub.transport().closeCalls(), 0);
}

TEST_F(SessionTest, UnclassifiableMediaIsDroppedNotFatal) {
  TestClient& pub = publisher("cam");
  TestClient& viewer = player("cam");
  pub.sendVideo(0, {0x17});  // AVC tag cut after the first byte
  publishFrames(pub, 0, 0, 1, 25);
  EXPECT_EQ(pub.transport().closeCalls(), 0);
  EXPECT_EQ(describe(viewer.media()), (Names{"K0@0", "A100@20"}));
}

TEST_F(SessionTest, MetadataEventWhenTheAudioConfigurationChanges) {
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  ASSERT_EQ(h().eventsOf(EventKind::kPublish).size(), 1u);
  EXPECT_TRUE(h().eventsOf(EventKind::kMetadata).empty());
  // AudioSpecificConfig 11 88: AAC LC, frequency index 3 (48000), 1 channel.
  pub.sendAudio(100, {0xAF, 0x00, 0x11, 0x88});
  auto events = h().eventsOf(EventKind::kMetadata);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].as<MetadataEvent>().codec.audioSampleRate, 48000u);
  EXPECT_EQ(events[0].as<MetadataEvent>().codec.audioChannels, 1u);
  EXPECT_EQ(events[0].header.stream, "cam");
}

TEST_F(SessionTest, UnpublishAndStopEventsCarryTheirReasons) {
  TestClient& pub = publisher("cam");
  TestClient& viewer = player("cam");
  viewer.close(base::ErrorCode::kIo, "player reset");
  pub.close(base::ErrorCode::kTimeout, "idle timeout");
  auto stop = h().eventsOf(EventKind::kStop);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].as<StopEvent>().reason, "player reset");
  EXPECT_EQ(stop[0].header.stream, "cam");
  auto unpublish = h().eventsOf(EventKind::kUnpublish);
  ASSERT_EQ(unpublish.size(), 1u);
  EXPECT_EQ(unpublish[0].as<UnpublishEvent>().reason, "idle timeout");
  EXPECT_EQ(unpublish[0].header.stream, "cam");
  EXPECT_EQ(h().eventsOf(EventKind::kDisconnect).size(), 2u);
}

}  // namespace
}  // namespace rtmp::server::testing
