// Authorization by the host: with config.authHook a publish/play is held —
// no status, no stream — until onAuthAnswer (or the deadline) decides. Test
// clients all come from 192.0.2.7.
#include <gtest/gtest.h>

#include "protocol/command_builders.h"
#include "recording_tap.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

class AuthTest : public SessionTest {
 protected:
  void SetUp() override {
    EngineConfig config;
    config.authHook = true;
    config.authTimeoutMs = 5'000;
    configure(config);
  }
  // The last kAuthorize event.
  EngineEvent lastRequest() {
    auto requests = h().eventsOf(EventKind::kAuthorize);
    EXPECT_FALSE(requests.empty());
    return requests.empty() ? EngineEvent{{}, AuthorizeEvent{}} : requests.back();
  }
  void answer(TestClient& c, uint64_t requestId, AuthAnswer a) {
    FakeLoop::Scope scope(&c.loop());
    c.session().onAuthAnswer(requestId, a);
  }
  void allow(TestClient& c, const std::string& name = "") {
    answer(c, lastRequest().as<AuthorizeEvent>().requestId,
           AuthAnswer{.allow = true, .name = name, .reason = "", .taps = {}});
  }
  void deny(TestClient& c, const std::string& reason) {
    answer(c, lastRequest().as<AuthorizeEvent>().requestId,
           AuthAnswer{.allow = false, .name = "", .reason = reason, .taps = {}});
  }
  void expectRejected(TestClient& c, const std::string& status, const std::string& description) {
    auto cmds = c.commands();
    ASSERT_FALSE(cmds.empty());
    EXPECT_EQ(statusCodeOf(cmds.back()), status);
    EXPECT_EQ(statusDescriptionOf(cmds.back()), description);
    EXPECT_EQ(c.transport().closeCalls(), 1);
    ASSERT_TRUE(c.transport().closeReason().has_value());
    EXPECT_EQ(c.transport().closeReason()->code(), base::ErrorCode::kRejected);
  }
};

TEST_F(AuthTest, PublishIsHeldUntilTheAnswerThenStarts) {
  TestClient& pub = publisher("cam?key=abc");
  EXPECT_TRUE(pub.statusCodes().empty()) << "no status before the answer";
  EXPECT_EQ(h().registry.size(), 0u);
  EXPECT_TRUE(pub.session().authPending());
  EngineEvent request = lastRequest();
  EXPECT_EQ(request.as<AuthorizeEvent>().action, "publish");
  EXPECT_EQ(request.header.app, "live");
  EXPECT_EQ(request.header.stream, "cam");
  EXPECT_EQ(request.header.query, "key=abc");
  EXPECT_EQ(request.header.ip, "192.0.2.7");
  EXPECT_EQ(request.header.sessionId, pub.id());
  EXPECT_GT(request.as<AuthorizeEvent>().requestId, 0u);

  allow(pub);
  EXPECT_EQ(pub.statusCodes().back(), "NetStream.Publish.Start");
  EXPECT_FALSE(pub.session().authPending());
  EXPECT_EQ(h().registry.size(), 1u);
}

TEST_F(AuthTest, AllowWithANameServesTheStreamUnderThatName) {
  TestClient& pub = publisher("s3cr3t-key");
  allow(pub, "cam1");
  EXPECT_EQ(pub.statusCodes().back(), "NetStream.Publish.Start");
  pub.sendVideo(0, avcSequenceHeader());
  pub.sendVideo(0, avcKeyframe(1));

  TestClient& viewer = player("cam1", &h().loopB);
  allow(viewer);
  h().drainAll();
  EXPECT_EQ(viewer.statusCodes().back(), "NetStream.Play.Start");
  EXPECT_EQ(viewer.avMedia().size(), 2u);  // sequence header + keyframe of the renamed stream
}

TEST_F(AuthTest, DeniedPublishGetsUnauthorizedWithTheReasonAndCloses) {
  TestClient& pub = publisher("cam");
  deny(pub, "unknown stream key");
  expectRejected(pub, "NetStream.Publish.Unauthorized", "unknown stream key");
  EXPECT_EQ(h().registry.size(), 0u);
  auto errors = h().eventsOf(EventKind::kError);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].as<ErrorEvent>().code, "ERR_RTMP_REJECTED");
  EXPECT_EQ(errors[0].as<ErrorEvent>().reason, "publish not authorized: unknown stream key");
}

TEST_F(AuthTest, DeniedPlayGetsPlayFailed) {
  TestClient& viewer = player("cam");
  EXPECT_EQ(lastRequest().as<AuthorizeEvent>().action, "play");
  deny(viewer, "members only");
  expectRejected(viewer, "NetStream.Play.Failed", "members only");
  EXPECT_EQ(h().tapsAttached(), 0u);
}

TEST_F(AuthTest, NoAnswerByTheDeadlineIsARejection) {
  TestClient& pub = publisher("cam");
  {
    FakeLoop::Scope scope(&pub.loop());
    pub.session().checkAuthDeadline(h().nowMs + 4'999);
  }
  EXPECT_TRUE(pub.session().authPending());
  {
    FakeLoop::Scope scope(&pub.loop());
    pub.session().checkAuthDeadline(h().nowMs + 5'000);
  }
  expectRejected(pub, "NetStream.Publish.Unauthorized", "authorization timed out after 5000 ms");
}

TEST_F(AuthTest, AnswersForAnotherRequestOrAClosedSessionAreIgnored) {
  TestClient& pub = publisher("cam");
  const uint64_t id = lastRequest().as<AuthorizeEvent>().requestId;
  answer(pub, id + 1, AuthAnswer{.allow = true, .name = "", .reason = "", .taps = {}});
  EXPECT_TRUE(pub.session().authPending());
  EXPECT_TRUE(pub.statusCodes().empty());
  pub.close();
  answer(pub, id, AuthAnswer{.allow = true, .name = "", .reason = "", .taps = {}});
  EXPECT_EQ(h().registry.size(), 0u);
}

TEST_F(AuthTest, AnInvalidNameFromTheAuthorizerIsARejection) {
  TestClient& pub = publisher("cam");
  allow(pub, "../escape");
  expectRejected(pub, "NetStream.Publish.Unauthorized",
                 "the authorizer returned an invalid stream name");
}

TEST_F(AuthTest, OneSessionWaitingDoesNotHoldAnother) {
  TestClient& slow = publisher("slow", &h().loopA);
  const uint64_t slowId = lastRequest().as<AuthorizeEvent>().requestId;
  TestClient& fast = publisher("fast", &h().loopB);
  allow(fast);
  EXPECT_EQ(fast.statusCodes().back(), "NetStream.Publish.Start");
  EXPECT_TRUE(slow.statusCodes().empty());
  answer(slow, slowId, AuthAnswer{.allow = true, .name = "", .reason = "", .taps = {}});
  EXPECT_EQ(slow.statusCodes().back(), "NetStream.Publish.Start");
}

TEST_F(AuthTest, RepeatedDenialsBanTheAddress) {
  AuthFailureLimiter limiter(
      AuthFailureLimiterConfig{.maxFailures = 3, .windowMs = 60'000, .banMs = 1'000});
  h().env.authFailures = &limiter;
  auto ip = IpAddress::parse("192.0.2.7");
  ASSERT_TRUE(ip.ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.isBanned(*ip, static_cast<int64_t>(h().nowMs)));
    TestClient& pub = publisher("cam");
    deny(pub, "no");
  }
  EXPECT_TRUE(limiter.isBanned(*ip, static_cast<int64_t>(h().nowMs)));
  EXPECT_FALSE(limiter.isBanned(*ip, static_cast<int64_t>(h().nowMs) + 1'000));
}

}  // namespace
}  // namespace rtmp::server::testing

namespace rtmp::server::testing {
namespace {

TEST_F(SessionTest, AuthTimeoutCanAllowByConfiguration) {
  EngineConfig config;
  config.authHook = true;
  config.authTimeoutMs = 2'000;
  config.authTimeoutAllows = true;
  configure(config);
  TestClient& pub = publisher("cam");
  {
    FakeLoop::Scope scope(&pub.loop());
    pub.session().checkAuthDeadline(h().nowMs + 2'000);
  }
  EXPECT_EQ(pub.statusCodes().back(), "NetStream.Publish.Start");
}

TEST_F(AuthTest, AllowNamesThePublishTapsToAttach) {
  // A segmenter-like factory that attaches only where the answer asked for it.
  std::vector<PublishTapRequest> asked;
  h().publishTaps.add("hls", [&](const PublishTapRequest& request) -> std::unique_ptr<StreamTap> {
    asked.push_back(request);
    if (!request.asked("hls")) return nullptr;
    return std::make_unique<RecordingTap>();
  });
  TestClient& withHls = publisher("cam");
  answer(withHls, lastRequest().as<AuthorizeEvent>().requestId,
         AuthAnswer{.allow = true, .name = "", .reason = "", .taps = {"hls", "rec"}});
  EXPECT_EQ(withHls.statusCodes().back(), "NetStream.Publish.Start");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].requested, (std::vector<std::string>{"hls", "rec"}));
  EXPECT_EQ(h().loopA.tapCount(), 1u);

  TestClient& without = publisher("other");
  allow(without);  // names no taps
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_TRUE(asked[1].requested.empty());
  EXPECT_EQ(h().loopA.tapCount(), 1u);  // still only the first publish's tap
}

TEST_F(AuthTest, FCUnpublishMayNameTheKeyARenamedPublishAskedFor) {
  TestClient& pub = publisher("s3cr3t-key");
  allow(pub, "cam1");
  pub.takeNew();
  pub.send(protocol::buildFCUnpublish(9, "s3cr3t-key"));  // what OBS sends
  auto cmds = pub.commands();
  ASSERT_FALSE(cmds.empty());
  EXPECT_EQ(cmds.back().name, "onFCUnpublish");
  EXPECT_EQ(h().registry.size(), 0u);
}

}  // namespace
}  // namespace rtmp::server::testing
