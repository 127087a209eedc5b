// base::log: the context of a line reaches the sink as fields, and a message
// passed as a callable is built only when its level is enabled.
#include "base/log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rtmp::base {
namespace {

struct Captured {
  LogLevel level;
  std::string component;
  std::string message;
  uint64_t sessionId;
  std::string app;
  std::string stream;
  std::string ip;
  uint16_t port;
};

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setLogSink(&LogTest::capture, &lines_);
    setLogLevel(LogLevel::kInfo);
  }
  void TearDown() override {
    setLogSink(nullptr, nullptr);
    setLogLevel(LogLevel::kInfo);
  }
  static void capture(const LogLine& line, void* userData) {
    auto* lines = static_cast<std::vector<Captured>*>(userData);
    const LogContext& c = line.context;
    lines->push_back(Captured{line.level, std::string(line.component), std::string(line.message),
                              c.sessionId, std::string(c.app), std::string(c.stream),
                              std::string(c.ip), c.port});
  }
  std::vector<Captured> lines_;
};

TEST_F(LogTest, ContextFieldsReachTheSink) {
  const std::string app = "live";
  const std::string stream = "cam";
  const LogContext context{
      .sessionId = 42, .app = app, .stream = stream, .ip = "192.0.2.7", .port = 50001};
  log(LogLevel::kWarn, "session", context, "closing: idle");
  ASSERT_EQ(lines_.size(), 1u);
  const Captured& line = lines_[0];
  EXPECT_EQ(line.level, LogLevel::kWarn);
  EXPECT_EQ(line.component, "session");
  EXPECT_EQ(line.message, "closing: idle");  // no "session 42" pasted into the text
  EXPECT_EQ(line.sessionId, 42u);
  EXPECT_EQ(line.app, "live");
  EXPECT_EQ(line.stream, "cam");
  EXPECT_EQ(line.ip, "192.0.2.7");
  EXPECT_EQ(line.port, 50001);
}

TEST_F(LogTest, TheContextFreeFormStillWorksWithAnEmptyContext) {
  log(LogLevel::kError, "net", "uv_loop_close: busy");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].message, "uv_loop_close: busy");
  EXPECT_EQ(lines_[0].component, "net");
  EXPECT_EQ(lines_[0].sessionId, 0u);
  EXPECT_TRUE(lines_[0].app.empty());
  EXPECT_TRUE(lines_[0].ip.empty());
}

TEST_F(LogTest, ADisabledLevelBuildsNoMessage) {
  int built = 0;
  auto make = [&] {
    ++built;
    return std::string("command 'connect' (transaction 1)");
  };
  log(LogLevel::kDebug, "session", LogContext{.sessionId = 1}, make);
  log(LogLevel::kTrace, "session", make);
  EXPECT_EQ(built, 0);
  EXPECT_TRUE(lines_.empty());

  setLogLevel(LogLevel::kDebug);
  log(LogLevel::kDebug, "session", LogContext{.sessionId = 1}, make);
  log(LogLevel::kTrace, "session", make);  // still below the minimum
  EXPECT_EQ(built, 1);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].message, "command 'connect' (transaction 1)");
  EXPECT_EQ(lines_[0].sessionId, 1u);
}

TEST_F(LogTest, LevelsAtOrAboveTheMinimumAreEnabled) {
  setLogLevel(LogLevel::kWarn);
  EXPECT_FALSE(logEnabled(LogLevel::kInfo));
  EXPECT_TRUE(logEnabled(LogLevel::kWarn));
  EXPECT_TRUE(logEnabled(LogLevel::kError));
  log(LogLevel::kInfo, "engine", "dropped");
  EXPECT_TRUE(lines_.empty());
}

}  // namespace
}  // namespace rtmp::base
