// ClientSession as a player against scripted server bytes.
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "protocol/control_messages.h"
#include "protocol/status_codes.h"
#include "protocol/user_control.h"
#include "scripted_server.h"

namespace rtmp::client::testing {
namespace {

using protocol::Message;

std::vector<Message> someMedia() {
  // A video message longer than the 4096-byte chunk size (two chunks) and an
  // audio message.
  return {videoMessage(0, 5000, 0x11), audioMessage(21, 300, 0x22), videoMessage(33, 40, 0x33)};
}

TEST(ClientSessionPlay, StartSendsC0C1Once) {
  ClientUnderTest client(ClientUnderTest::playConfig());
  ASSERT_TRUE(client.session.start().ok());
  ByteVec out = client.takeOut();
  ASSERT_EQ(out.size(), 1u + 1536u);
  EXPECT_EQ(out[0], 3);  // C0: RTMP version 3
  EXPECT_EQ(client.session.state(), ClientState::kHandshake);
  EXPECT_EQ(client.session.start().error().code(), base::ErrorCode::kProtocolState);
}

TEST(ClientSessionPlay, FullSessionReachesPlayStartAndDeliversMedia) {
  ClientUnderTest client(ClientUnderTest::playConfig("cam"));
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = playScript(server, client, someMedia());
  ASSERT_TRUE(client.feed(script).ok());
  server.receive(client.takeOut());
  ASSERT_FALSE(server.readerError) << server.readerError->toString();

  EXPECT_EQ(client.session.state(), ClientState::kStarted);
  EXPECT_EQ(client.started, 1);
  EXPECT_EQ(client.streamCreated, 1u);
  EXPECT_EQ(client.session.streamId(), 1u);

  // The client's side: Set Chunk Size 4096 first, then connect, createStream,
  // play, Set Buffer Length; Window Ack Size answering Set Peer Bandwidth.
  ASSERT_GE(server.received.size(), 5u);
  EXPECT_EQ(server.received[0].type(), protocol::MessageType::kSetChunkSize);
  EXPECT_EQ(*protocol::decodeSetChunkSize(server.received[0]), 4096u);
  auto commands = server.commands();
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].name, "connect");
  EXPECT_EQ(commands[0].transactionId, 1);
  EXPECT_EQ(commands[0].commandObject.get("app")->stringOr(""), "live");
  EXPECT_EQ(commands[0].commandObject.get("tcUrl")->stringOr(""), "rtmp://127.0.0.1:1935/live");
  EXPECT_NE(commands[0].commandObject.get("flashVer"), nullptr);
  EXPECT_EQ(commands[1].name, "createStream");
  EXPECT_EQ(commands[1].transactionId, 2);
  EXPECT_EQ(commands[2].name, "play");
  EXPECT_EQ(commands[2].arg(0)->stringOr(""), "cam");

  // Statuses in order; media as sent (|RtmpSampleAccess is a data message).
  ASSERT_EQ(client.statuses.size(), 2u);
  EXPECT_EQ(client.statuses[0].code, "NetStream.Play.Reset");
  EXPECT_EQ(client.statuses[1].code, "NetStream.Play.Start");
  EXPECT_EQ(client.statuses[1].description, "Start live");
  ASSERT_EQ(client.media.size(), 4u);
  EXPECT_EQ(client.media[0].typeId, 18);
  std::vector<Message> sent = someMedia();
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(client.media[i + 1].typeId, sent[i].typeId);
    EXPECT_EQ(client.media[i + 1].timestamp, sent[i].timestamp);
    EXPECT_EQ(client.media[i + 1].payload,
              ByteVec(sent[i].payload.data(), sent[i].payload.data() + sent[i].payload.size()));
  }
}

TEST(ClientSessionPlay, SplitFeedAtEveryOffsetGivesTheSameSession) {
  ClientUnderTest reference(ClientUnderTest::playConfig());
  ScriptedServer server;
  ASSERT_TRUE(reference.session.start().ok());
  const ByteVec script = playScript(server, reference, someMedia());
  ASSERT_TRUE(reference.feed(script).ok());
  const ByteVec referenceOut = reference.takeOut();

  for (size_t cut = 0; cut <= script.size(); ++cut) {
    ClientUnderTest client(ClientUnderTest::playConfig());
    ASSERT_TRUE(client.session.start().ok());
    client.takeOut();
    ASSERT_TRUE(client.feed(ByteVec(script.begin(), script.begin() + cut)).ok()) << cut;
    ASSERT_TRUE(client.feed(ByteVec(script.begin() + cut, script.end())).ok()) << cut;
    ASSERT_EQ(client.session.state(), ClientState::kStarted) << cut;
    ASSERT_EQ(client.media, reference.media) << cut;
    ASSERT_EQ(client.takeOut(), referenceOut) << cut;
  }
}

TEST(ClientSessionPlay, OneByteFeedsGiveTheSameSession) {
  ClientUnderTest reference(ClientUnderTest::playConfig());
  ScriptedServer server;
  ASSERT_TRUE(reference.session.start().ok());
  const ByteVec script = playScript(server, reference, someMedia());
  ASSERT_TRUE(reference.feed(script).ok());

  ClientUnderTest client(ClientUnderTest::playConfig());
  ASSERT_TRUE(client.session.start().ok());
  ASSERT_TRUE(client.feed(script, 1).ok());
  EXPECT_EQ(client.media, reference.media);
  EXPECT_EQ(client.started, 1);
}

TEST(ClientSessionPlay, StreamNotFoundEndsTheSessionWithItsDescription) {
  ClientUnderTest client(ClientUnderTest::playConfig());
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = server.receive(client.takeOut());
  append(script, server.encode(protocol::buildConnectResult(1)));
  append(script, server.encode(protocol::buildCreateStreamResult(2, 1)));
  append(script, server.encode(protocol::buildOnStatus(1, protocol::status::kPlayStreamNotFound,
                                                       "No such stream: cam")));
  base::Status s = client.feed(script);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), base::ErrorCode::kStreamNotFound);
  EXPECT_NE(s.error().message().find("NetStream.Play.StreamNotFound"), std::string::npos);
  EXPECT_NE(s.error().message().find("No such stream: cam"), std::string::npos);
  EXPECT_EQ(client.session.state(), ClientState::kFailed);
  EXPECT_EQ(client.started, 0);
}

TEST(ClientSessionPlay, CreateStreamResultWithoutStreamIdIsAnError) {
  ClientUnderTest client(ClientUnderTest::playConfig());
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = server.receive(client.takeOut());
  append(script, server.encode(protocol::buildConnectResult(1)));
  append(script, server.encode(protocol::buildResult(2)));  // null information
  base::Status s = client.feed(script);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), base::ErrorCode::kCommand);
}

TEST(ClientSessionPlay, ConnectErrorIsReportedWithDescription) {
  ClientUnderTest client(ClientUnderTest::playConfig());
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = server.receive(client.takeOut());
  append(script,
         server.encode(protocol::buildError(1, protocol::status::kConnectRejected, "bad token")));
  base::Status s = client.feed(script);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), base::ErrorCode::kRejected);
  EXPECT_NE(s.error().message().find("NetConnection.Connect.Rejected: bad token"),
            std::string::npos);
  ASSERT_EQ(client.statuses.size(), 1u);
  EXPECT_EQ(client.statuses[0].description, "bad token");
}

TEST(ClientSessionPlay, ResultsOfUnknownTransactionsAreIgnored) {
  ClientUnderTest client(ClientUnderTest::playConfig());
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = server.receive(client.takeOut());
  append(script, server.encode(protocol::buildError(9, protocol::status::kCallFailed, "what")));
  append(script, server.encode(protocol::buildConnectResult(1)));
  ASSERT_TRUE(client.feed(script).ok());
  EXPECT_EQ(client.session.state(), ClientState::kCreatingStream);
}

}  // namespace
}  // namespace rtmp::client::testing
