// Session: handshake, connect (RTMP 1.0 §7.2.1.1), the NetConnection commands
// before publish/play, and the state errors around them.
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "protocol/control_messages.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::Message;
using protocol::MessageType;

TEST_F(SessionTest, HandshakeAloneSendsNothingAfterS2) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  EXPECT_TRUE(c.received().empty());
  EXPECT_EQ(c.transport().closeCalls(), 0);
}

TEST_F(SessionTest, DigestHandshakeCompletes) {
  TestClient& c = h().client(h().loopA);
  c.handshake(/*digest=*/true);
  EXPECT_TRUE(c.session().handshakeDone());
}

TEST_F(SessionTest, HandshakeFedOneByteAtATimeCompletes) {
  TestClient& c = h().client(h().loopA);
  c.handshakeWith(/*digest=*/false, /*split=*/1, {});
  c.connect("live");
  EXPECT_EQ(h().eventsOf(EventKind::kConnect).size(), 1u);
}

TEST_F(SessionTest, ConnectInTheSameWriteAsC2IsHandled) {
  TestClient& c = h().client(h().loopA);
  protocol::ConnectParams params;
  params.app = "live";
  params.tcUrl = "rtmp://127.0.0.1/live";
  auto connect = protocol::buildConnect(1, params);
  ASSERT_TRUE(connect.ok());
  c.handshakeWith(/*digest=*/false, /*split=*/0, c.encode(*connect));
  EXPECT_EQ(h().eventsOf(EventKind::kConnect).size(), 1u);
  EXPECT_EQ(c.commands().size(), 1u);
}

TEST_F(SessionTest, ConnectIsAnsweredWithWindowBandwidthChunkSizeAndResult) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.connect("live");
  const auto& got = c.received();
  ASSERT_EQ(got.size(), 4u);
  // §7.2.1.1 order: Window Acknowledgement Size, Set Peer Bandwidth, then ours.
  ASSERT_EQ(got[0].type(), MessageType::kWindowAckSize);
  EXPECT_EQ(*protocol::decodeWindowAckSize(got[0]), 2'500'000u);
  ASSERT_EQ(got[1].type(), MessageType::kSetPeerBandwidth);
  auto bw = protocol::decodeSetPeerBandwidth(got[1]);
  EXPECT_EQ(bw->windowSize, 2'500'000u);
  EXPECT_EQ(bw->limitType, protocol::BandwidthLimitType::kDynamic);
  ASSERT_EQ(got[2].type(), MessageType::kSetChunkSize);
  EXPECT_EQ(*protocol::decodeSetChunkSize(got[2]), 4096u);
  auto result = protocol::decodeCommand(got[3]);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->name, "_result");
  EXPECT_EQ(result->transactionId, 1);
  EXPECT_EQ(statusCodeOf(*result), "NetConnection.Connect.Success");
}

TEST_F(SessionTest, ConnectEventCarriesAppTcUrlAndQueryFromApp) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.connect("live?x=1", "rtmp://example.test/live?x=1");
  auto events = h().eventsOf(EventKind::kConnect);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].header.app, "live");
  EXPECT_EQ(events[0].as<ConnectEvent>().tcUrl, "rtmp://example.test/live?x=1");
  EXPECT_EQ(events[0].header.query, "x=1");
  EXPECT_EQ(events[0].header.sessionId, c.id());
  EXPECT_EQ(events[0].header.ip, "192.0.2.7");
}

TEST_F(SessionTest, ConnectQueryFallsBackToTcUrl) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.connect("live", "rtmp://example.test:1935/live?token=abc&x=2");
  auto events = h().eventsOf(EventKind::kConnect);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].header.app, "live");
  EXPECT_EQ(events[0].header.query, "token=abc&x=2");
}

TEST_F(SessionTest, ConnectStripsTrailingSlashOfApp) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.connect("live/");
  ASSERT_EQ(h().eventsOf(EventKind::kConnect).size(), 1u);
  EXPECT_EQ(h().eventsOf(EventKind::kConnect)[0].header.app, "live");
}

TEST_F(SessionTest, ConnectWithInvalidAppIsRejectedAndClosed) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.connect("../etc");
  auto cmds = c.commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].name, "_error");
  EXPECT_EQ(statusCodeOf(cmds[0]), "NetConnection.Connect.InvalidApp");
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_TRUE(h().eventsOf(EventKind::kConnect).empty());
}

TEST_F(SessionTest, SecondConnectClosesTheSession) {
  TestClient& c = connected(h().loopA);
  c.connect("live");
  EXPECT_EQ(c.transport().closeCalls(), 1);
  ASSERT_EQ(h().eventsOf(EventKind::kError).size(), 1u);
  EXPECT_EQ(h().eventsOf(EventKind::kError)[0].as<ErrorEvent>().code, "ERR_RTMP_PROTOCOL_STATE");
}

TEST_F(SessionTest, CommandBeforeConnectClosesWithLoggedReason) {
  LogCapture logs;
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.send(protocol::buildCreateStream(2));
  EXPECT_EQ(c.transport().closeCalls(), 1);
  ASSERT_TRUE(c.transport().closeReason().has_value());
  EXPECT_EQ(c.transport().closeReason()->code(), base::ErrorCode::kProtocolState);
  auto errors = h().eventsOf(EventKind::kError);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].as<ErrorEvent>().code, "ERR_RTMP_PROTOCOL_STATE");
  EXPECT_NE(errors[0].as<ErrorEvent>().reason.find("'createStream' before connect"),
            std::string::npos);
  EXPECT_TRUE(logs.contains("'createStream' before connect"));
  EXPECT_TRUE(c.session().closing());
}

TEST_F(SessionTest, PublishBeforeConnectClosesTheSession) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.send(protocol::buildPublish(1, "cam"));
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(h().registry.size(), 0u);
}

TEST_F(SessionTest, BytesAfterCloseAreIgnored) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.send(protocol::buildCreateStream(2));
  size_t written = c.transport().output().size();
  c.connect("live");
  EXPECT_EQ(c.transport().output().size(), written);
  EXPECT_EQ(c.transport().closeCalls(), 1);
}

TEST_F(SessionTest, BadHandshakeVersionClosesTheSession) {
  TestClient& c = h().client(h().loopA);
  c.sendRaw({0x06});  // RTMPE
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(c.transport().closeReason()->code(), base::ErrorCode::kHandshakeVersion);
}

TEST_F(SessionTest, CreateStreamReturnsStreamIdOne) {
  TestClient& c = connected(h().loopA);
  EXPECT_EQ(c.createStream(), 1u);
  EXPECT_EQ(c.createStream(), 2u);
}

TEST_F(SessionTest, ReleaseStreamIsAnsweredWithResult) {
  TestClient& c = connected(h().loopA);
  c.takeNew();
  c.send(protocol::buildReleaseStream(7, "cam"));
  auto got = c.takeNew();
  ASSERT_EQ(got.size(), 1u);
  auto cmd = protocol::decodeCommand(got[0]);
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(cmd->name, "_result");
  EXPECT_EQ(cmd->transactionId, 7);
}

TEST_F(SessionTest, FCPublishIsAnsweredWithOnFCPublish) {
  TestClient& c = connected(h().loopA);
  c.takeNew();
  c.send(protocol::buildFCPublish(4, "cam?key=1"));
  auto got = c.takeNew();
  ASSERT_EQ(got.size(), 1u);
  auto cmd = protocol::decodeCommand(got[0]);
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(cmd->name, "onFCPublish");
  auto info = protocol::parseOnFCPublish(*cmd);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->code, "NetStream.Publish.Start");
  EXPECT_EQ(info->description, "cam");  // the query is not echoed
}

TEST_F(SessionTest, PublishSendsStreamBeginThenPublishStart) {
  TestClient& c = connected(h().loopA);
  uint32_t id = c.createStream();
  c.takeNew();
  c.send(protocol::buildPublish(id, "cam?key=s3cr3t"));
  auto got = c.takeNew();
  ASSERT_EQ(got.size(), 2u);
  auto begin = protocol::decodeUserControl(got[0]);
  ASSERT_TRUE(begin.ok());
  EXPECT_EQ(begin->type, protocol::UserControlEventType::kStreamBegin);
  EXPECT_EQ(begin->streamId, id);
  auto status = protocol::decodeCommand(got[1]);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->name, "onStatus");
  EXPECT_EQ(got[1].streamId, id);
  EXPECT_EQ(statusCodeOf(*status), "NetStream.Publish.Start");
  EXPECT_EQ(c.session().role(), SessionRole::kPublisher);
  EXPECT_EQ(h().registry.size(), 1u);
}

TEST_F(SessionTest, PublishEventWaitsForTheFirstFrameAndCarriesQueries) {
  TestClient& c = h().client(h().loopA);
  c.handshake();
  c.connect("live?app=1");
  c.publish("cam?key=2");
  EXPECT_TRUE(h().eventsOf(EventKind::kPublish).empty());
  c.sendVideo(0, avcSequenceHeader());
  EXPECT_TRUE(h().eventsOf(EventKind::kPublish).empty());
  c.sendVideo(0, avcKeyframe(1));
  auto events = h().eventsOf(EventKind::kPublish);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].header.stream, "cam");
  EXPECT_EQ(events[0].header.query, "app=1&key=2");
  EXPECT_EQ(events[0].as<PublishEvent>().codec.videoCodec, "H264");
  EXPECT_EQ(events[0].as<PublishEvent>().codec.width, 1280u);
  EXPECT_EQ(events[0].as<PublishEvent>().codec.height, 720u);
}

TEST_F(SessionTest, PublishOnAStreamThatWasNotCreatedCloses) {
  TestClient& c = connected(h().loopA);
  c.send(protocol::buildPublish(5, "cam"));
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(h().registry.size(), 0u);
}

TEST_F(SessionTest, PublishWithInvalidNameGetsBadNameAndCloses) {
  TestClient& c = connected(h().loopA);
  uint32_t id = c.createStream();
  c.send(protocol::buildPublish(id, "a/../b"));
  auto codes = c.statusCodes();
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0], "NetStream.Publish.BadName");
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(h().registry.size(), 0u);
}

// Issue 10, defect 8: names that a later percent-decoding or path join could
// turn into a traversal, and invalid UTF-8, were published.
TEST_F(SessionTest, PublishOfAnEncodedOrInvalidNameIsRefusedWithTheReason) {
  struct Case {
    std::string name;
    std::string reason;
  };
  const Case cases[] = {
      {"%2e%2e/etc", "the name contains '%' (names are never percent-decoded)"},
      {std::string("cam\xff"), "the name is not valid UTF-8"},
      {std::string("cam\xc0\xaf"), "the name is not valid UTF-8"},  // overlong '/'
      {"a//b", "the name has an empty path segment ('/' at an end or '//')"},
      {".hidden", "a path segment of the name starts with '.'"},
  };
  for (const Case& bad : cases) {
    TestClient& c = connected(h().loopA);
    uint32_t id = c.createStream();
    c.send(protocol::buildPublish(id, bad.name));
    auto cmds = c.commands();
    ASSERT_FALSE(cmds.empty());
    EXPECT_EQ(statusCodeOf(cmds.back()), "NetStream.Publish.BadName");
    EXPECT_EQ(statusDescriptionOf(cmds.back()), "invalid stream name: " + bad.reason);
    EXPECT_EQ(c.transport().closeCalls(), 1);
  }
  EXPECT_EQ(h().registry.size(), 0u);
}

// Issue 10, defect 7: a NUL showed as a space, "/" as '', a 10 KB name as 10 KB.
TEST_F(SessionTest, RefusedNamesAreLoggedAsSentEscapedAndCutWithoutTheQuery) {
  LogCapture logs;
  const std::string cases[] = {"/?key=secret", std::string("a\0b", 3), std::string(10'000, 'n')};
  for (const std::string& name : cases) {
    TestClient& c = connected(h().loopA);
    c.send(protocol::buildPublish(c.createStream(), name));
  }
  std::vector<std::string> refusals;
  for (const std::string& line : logs.lines()) {
    if (line.find("invalid stream name") != std::string::npos) refusals.push_back(line);
  }
  ASSERT_EQ(refusals.size(), 3u);
  EXPECT_NE(refusals[0].find("invalid stream name '/': "), std::string::npos) << refusals[0];
  EXPECT_EQ(refusals[0].find("secret"), std::string::npos) << "the query is not logged";
  EXPECT_NE(refusals[1].find("'a\\x00b'"), std::string::npos) << refusals[1];
  EXPECT_LT(refusals[2].size(), 300u);
  EXPECT_NE(refusals[2].find("(+9936 bytes)"), std::string::npos);
}

TEST_F(SessionTest, MoreThanSixteenStreamsCloses) {
  TestClient& c = connected(h().loopA);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(c.createStream(), static_cast<uint32_t>(i + 1));
  c.send(protocol::buildCreateStream(99));
  EXPECT_EQ(c.transport().closeCalls(), 1);
  EXPECT_EQ(c.transport().closeReason()->code(), base::ErrorCode::kLimitExceeded);
}

TEST_F(SessionTest, UnknownCommandIsIgnored) {
  TestClient& c = connected(h().loopA);
  protocol::Command cmd;
  cmd.name = "_checkbw";
  cmd.transactionId = 3;
  c.send(protocol::encodeCommand(cmd, protocol::kCsidCommand, 0));
  EXPECT_EQ(c.transport().closeCalls(), 0);
}

TEST_F(SessionTest, DisconnectEventOnClose) {
  TestClient& c = connected(h().loopA);
  c.close(base::ErrorCode::kIo, "reset by peer");
  auto events = h().eventsOf(EventKind::kDisconnect);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].as<DisconnectEvent>().reason, "reset by peer");
  EXPECT_EQ(events[0].as<DisconnectEvent>().code, "ERR_RTMP_IO");
  EXPECT_EQ(events[0].header.app, "live");
}

}  // namespace
}  // namespace rtmp::server::testing
