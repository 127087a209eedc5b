// ClientSession as a publisher against scripted server bytes.
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "protocol/control_messages.h"
#include "protocol/status_codes.h"
#include "scripted_server.h"

namespace rtmp::client::testing {
namespace {

// Server bytes up to (not including) the answer to publish: txn 1 connect,
// 2 releaseStream, 3 FCPublish, 4 createStream.
ByteVec upToPublish(ScriptedServer& server, ClientUnderTest& client) {
  ByteVec script = server.receive(client.takeOut());
  append(script, server.encode(protocol::buildConnectResult(1)));
  append(script, server.encode(protocol::buildResult(2)));
  append(script, server.encode(protocol::buildResult(3)));
  append(script, server.encode(protocol::buildCreateStreamResult(4, 1)));
  return script;
}

TEST(ClientSessionPublish, PublishFlowThenMediaAtChunkSize4096) {
  ClientUnderTest client(ClientUnderTest::publishConfig("cam"));
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = upToPublish(server, client);
  append(script, server.encode(protocol::buildOnStatus(1, protocol::status::kPublishStart, "go")));
  ASSERT_TRUE(client.feed(script).ok());
  ASSERT_TRUE(client.session.started());

  ByteVec body(6000, 0x5A);
  body[0] = 0x17;
  ASSERT_TRUE(client.session.sendMedia(9, 1234, base::Bytes::copyOf(body)).ok());
  server.receive(client.takeOut());
  ASSERT_FALSE(server.readerError) << server.readerError->toString();

  auto commands = server.commands();
  ASSERT_EQ(commands.size(), 5u);
  EXPECT_EQ(commands[1].name, "releaseStream");
  EXPECT_EQ(commands[2].name, "FCPublish");
  EXPECT_EQ(commands[3].name, "createStream");
  EXPECT_EQ(commands[4].name, "publish");
  EXPECT_EQ(commands[4].arg(0)->stringOr(""), "cam");
  EXPECT_EQ(commands[4].arg(1)->stringOr(""), "live");
  const protocol::Message& media = server.received.back();
  EXPECT_EQ(media.typeId, 9);
  EXPECT_EQ(media.streamId, 1u);
  EXPECT_EQ(media.timestamp, 1234u);
  EXPECT_EQ(media.csid, protocol::kCsidVideo);
  EXPECT_EQ(ByteVec(media.payload.data(), media.payload.data() + media.payload.size()), body);
}

TEST(ClientSessionPublish, SendMediaBeforePublishStartIsRefused) {
  ClientUnderTest client(ClientUnderTest::publishConfig());
  ASSERT_TRUE(client.session.start().ok());
  base::Status s = client.session.sendMedia(9, 0, base::Bytes::copyOf(ByteVec{0x17, 0}));
  EXPECT_EQ(s.error().code(), base::ErrorCode::kProtocolState);
  EXPECT_NE(client.session.state(), ClientState::kFailed);  // a caller mistake, not the peer's
}

TEST(ClientSessionPublish, BadNameIsReportedWithDescription) {
  ClientUnderTest client(ClientUnderTest::publishConfig("cam"));
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = upToPublish(server, client);
  append(script, server.encode(protocol::buildOnStatus(1, protocol::status::kPublishBadName,
                                                       "cam is already publishing")));
  base::Status s = client.feed(script);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), base::ErrorCode::kStreamBusy);
  EXPECT_NE(s.error().message().find("NetStream.Publish.BadName: cam is already publishing"),
            std::string::npos);
  ASSERT_EQ(client.statuses.size(), 1u);
  EXPECT_EQ(client.statuses[0].level, "error");
  // The session stays failed: the same error again, nothing else sent.
  client.takeOut();
  base::Status again = client.feed(ByteVec{0x00});
  EXPECT_EQ(again.error().message(), s.error().message());
  EXPECT_TRUE(client.out.empty());
}

TEST(ClientSessionPublish, CallFailedStatusDoesNotEndTheSession) {
  ClientUnderTest client(ClientUnderTest::publishConfig());
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = upToPublish(server, client);
  append(script,
         server.encode(protocol::buildOnStatus(0, protocol::status::kCallFailed, "no FCPublish")));
  append(script, server.encode(protocol::buildOnStatus(1, protocol::status::kPublishStart, "go")));
  ASSERT_TRUE(client.feed(script).ok());
  EXPECT_TRUE(client.session.started());
}

TEST(ClientSessionPublish, StopSendsFCUnpublishAndDeleteStream) {
  ClientUnderTest client(ClientUnderTest::publishConfig("cam"));
  ScriptedServer server;
  ASSERT_TRUE(client.session.start().ok());
  ByteVec script = upToPublish(server, client);
  append(script, server.encode(protocol::buildOnStatus(1, protocol::status::kPublishStart, "go")));
  ASSERT_TRUE(client.feed(script).ok());
  server.receive(client.takeOut());
  server.received.clear();
  ASSERT_TRUE(client.session.stop().ok());
  server.receive(client.takeOut());
  auto commands = server.commands();
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].name, "FCUnpublish");
  EXPECT_EQ(commands[1].name, "deleteStream");
  EXPECT_EQ(commands[1].arg(0)->numberOr(0), 1);
}

}  // namespace
}  // namespace rtmp::client::testing
