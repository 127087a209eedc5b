// Session log lines: each carries the session's context (id, app, stream) as
// fields, and debug shows the handshake, every command and the state changes.
#include <algorithm>
#include <string>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

class SessionLogTest : public SessionTest {
 protected:
  void TearDown() override {
    SessionTest::TearDown();
    base::setLogLevel(base::LogLevel::kInfo);
  }
  static bool has(const LogCapture& logs, uint64_t sessionId, const std::string& text) {
    return std::any_of(logs.records().begin(), logs.records().end(), [&](const auto& r) {
      return r.sessionId == sessionId && r.message.find(text) != std::string::npos;
    });
  }
};

TEST_F(SessionLogTest, DebugShowsHandshakeCommandsAndPublishWithTheSessionContext) {
  base::setLogLevel(base::LogLevel::kDebug);
  LogCapture logs;
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  const uint64_t id = pub.id();
  EXPECT_TRUE(has(logs, id, "handshake done"));
  EXPECT_TRUE(has(logs, id, "command 'connect' (transaction 1"));
  EXPECT_TRUE(has(logs, id, "connected: app 'live'"));
  EXPECT_TRUE(has(logs, id, "command 'createStream'"));
  EXPECT_TRUE(has(logs, id, "command 'publish'"));
  EXPECT_TRUE(has(logs, id, "publish started on stream"));
  EXPECT_TRUE(has(logs, id, "first media frame: published"));
  for (const auto& r : logs.records()) {
    EXPECT_EQ(r.sessionId, id) << r.message;
    // The id is a field now, not pasted into the text.
    EXPECT_EQ(r.message.find("session " + std::to_string(id)), std::string::npos) << r.message;
  }
  // After publish the stream name is part of the context.
  auto published = std::find_if(logs.records().begin(), logs.records().end(), [](const auto& r) {
    return r.message.find("publish started") != std::string::npos;
  });
  ASSERT_NE(published, logs.records().end());
  EXPECT_EQ(published->app, "live");
  EXPECT_EQ(published->stream, "cam");
}

TEST_F(SessionLogTest, DebugShowsPlayAndItsEnd) {
  base::setLogLevel(base::LogLevel::kDebug);
  LogCapture logs;
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  TestClient& viewer = player("cam");
  EXPECT_TRUE(has(logs, viewer.id(), "command 'play'"));
  EXPECT_TRUE(has(logs, viewer.id(), "play started on stream"));
  viewer.close();
  EXPECT_TRUE(has(logs, viewer.id(), "play stopped"));
  EXPECT_TRUE(has(logs, viewer.id(), "closed: "));
}

TEST_F(SessionLogTest, InfoShowsNoneOfTheDebugLines) {
  LogCapture logs;  // default level: info
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  EXPECT_TRUE(logs.records().empty());
}

TEST_F(SessionLogTest, TraceAddsProtocolControlMessagesButNoMedia) {
  base::setLogLevel(base::LogLevel::kTrace);
  LogCapture logs;
  TestClient& pub = publisher("cam");
  pub.setChunkSize(4096);
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 1, 25);
  EXPECT_TRUE(has(logs, pub.id(), "message type 1 on stream 0"));  // Set Chunk Size
  for (const auto& r : logs.records()) {
    EXPECT_EQ(r.message.find("message type 9"), std::string::npos) << r.message;
    EXPECT_EQ(r.message.find("message type 8"), std::string::npos) << r.message;
  }
}

}  // namespace
}  // namespace rtmp::server::testing
