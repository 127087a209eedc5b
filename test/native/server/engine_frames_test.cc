// Frames from a real Engine: ffmpeg publishes an H.264 + AAC FLV over RTMP on
// loopback, a FrameService subscribed through Engine::attachTap (before the
// publish) decodes it on the pool, and every yuv420p picture is one that
// `ffmpeg -f framemd5` decodes from the same file (MD5 of the visible rows).
// Then unsubscribe detaches the tap and engine stop leaves no stream behind.
// Skipped when ffmpeg is not on PATH.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <thread>

#include "decode/decode_test_util.h"
#include "server/engine.h"
#include "server/frame_service.h"

namespace rtmp::server {
namespace {

using decode::testing::capture;
using decode::testing::HeapAllocator;
using decode::testing::waitUntil;

std::set<std::string> ffmpegFrameMd5s(const decode::testing::fs::path& flv) {
  std::set<std::string> out;
  auto text = capture("ffmpeg -nostdin -loglevel error -i " + flv.string() +
                      " -map 0:v -vsync passthrough -pix_fmt yuv420p -f framemd5 -");
  if (!text) return out;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.insert(line.substr(line.rfind(' ') + 1));
  }
  return out;
}

TEST(EngineFramesTest, PublishedStreamIsDecodedIntoTheSubscription) {
  if (!decode::testing::onPath("ffmpeg")) GTEST_SKIP() << "ffmpeg not available";
  decode::testing::TempDir dir;
  const auto flv = dir.path() / "in.flv";
  ASSERT_TRUE(decode::testing::makeFlv(flv, "320x240", 2, 25));
  const auto expected = ffmpegFrameMd5s(flv);
  ASSERT_EQ(expected.size(), 50u);

  EngineConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.ioThreads = 2;
  Engine engine(config, [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  decode::DecoderPool pool(decode::testing::poolOf(1));
  auto service = std::make_unique<FrameService>(pool, engineTapHost(engine));
  decode::SubscriptionOptions options;
  options.audio = false;
  options.maxVideoFrames = 1000;
  auto id = service->subscribe("live/cam", options, std::make_shared<HeapAllocator>(), nullptr);
  ASSERT_TRUE(id.ok());

  const std::string url = "rtmp://127.0.0.1:" + std::to_string(engine.boundPort()) + "/live/cam";
  ASSERT_TRUE(capture("ffmpeg -nostdin -loglevel error -i " + flv.string() + " -c copy -f flv " +
                      url + " >/dev/null 2>&1")
                  .has_value());
  // Every picture, including the ones held for reordering when it unpublished.
  ASSERT_TRUE(waitUntil([&] { return service->stats(*id)->videoDelivered == 50; }));
  const auto frames = service->take(*id);
  ASSERT_EQ(frames.size(), 50u);
  EXPECT_TRUE(frames.front().frame->keyframe);
  for (const auto& d : frames) {
    EXPECT_EQ(expected.count(decode::testing::visibleMd5(*d.frame, {320, 160, 160})), 1u)
        << "pts " << d.frame->pts;
  }
  EXPECT_EQ(service->streamStats("live/cam")->packetsDropped, 0u);

  EXPECT_TRUE(service->unsubscribe(*id));
  EXPECT_EQ(service->decoderCount(), 0u);
  ASSERT_TRUE(waitUntil([&] { return engine.stats().streams.empty(); }));
  service.reset();  // before the engine, as the binding must
  engine.stop();
}

TEST(EngineFramesTest, EngineStopWithALiveSubscriptionEndsCleanly) {
  EngineConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.ioThreads = 1;
  Engine engine(config, [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  decode::DecoderPool pool(decode::testing::poolOf(1));
  FrameService service(pool, engineTapHost(engine));
  auto id = service.subscribe("live/cam", {}, std::make_shared<HeapAllocator>(), nullptr);
  ASSERT_TRUE(id.ok());
  engine.stop();                          // detaches the tap on its loop
  EXPECT_TRUE(service.unsubscribe(*id));  // the engine no longer knows the tap: fine
  auto refused = service.subscribe("live/cam", {}, std::make_shared<HeapAllocator>(), nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kClosed);
}

}  // namespace
}  // namespace rtmp::server
