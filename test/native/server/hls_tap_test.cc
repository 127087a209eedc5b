// HlsTap and its factory: which publishes get the segmenter (config, apps, the
// authorize answer's taps), and what the host's sink receives for a publish
// through a real Session on a fake loop: init first, records in order, one
// end when the publish ends.
#include "server/hls_tap.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

PublishTapRequest request(const std::string& app, std::vector<std::string> requested = {}) {
  PublishTapRequest r;
  r.app = app;
  r.name = "cam";
  r.publisherId = 7;
  r.requested = std::move(requested);
  return r;
}

TEST(HlsWantedTest, ConfigAppsAndTheAuthorizeAnswer) {
  HlsOptions on;
  EXPECT_TRUE(hlsWanted(on, request("live")));
  EXPECT_FALSE(hlsWanted(on, request("live", {"!hls"})));
  EXPECT_TRUE(hlsWanted(on, request("live", {"rec", "hls"})));

  HlsOptions apps;
  apps.apps = {"tv", "radio"};
  EXPECT_TRUE(hlsWanted(apps, request("radio")));
  EXPECT_FALSE(hlsWanted(apps, request("live")));
  EXPECT_TRUE(hlsWanted(apps, request("live", {"hls"})));

  HlsOptions off;
  off.enabled = false;
  EXPECT_FALSE(hlsWanted(off, request("live")));
  EXPECT_TRUE(hlsWanted(off, request("live", {"hls"})));
  EXPECT_FALSE(hlsWanted(off, request("live", {"!hls"})));
}

TEST(HlsWantedTest, TsHasNoParts) {
  HlsOptions ts;
  ts.format = HlsFormat::kTs;
  ts.segmentDurationMs = 4'000;
  const hls::SegmenterConfig c = segmenterConfig(ts);
  EXPECT_EQ(c.format, hls::SegmentFormat::kTs);
  EXPECT_EQ(c.partDurationMs, 0u);
  EXPECT_EQ(c.segmentDurationMs, 4'000u);
}

class HlsTapTest : public SessionTest {
 protected:
  void install(HlsOptions options = {}) {
    h().publishTaps.add(kHlsTapName,
                        makeHlsTapFactory(
                            options, [this](HlsFeedRecord&& r) { records.push_back(std::move(r)); },
                            [this] { return wall; }));
  }
  template <typename T>
  size_t count() const {
    size_t n = 0;
    for (const auto& r : records) n += std::holds_alternative<T>(r.record) ? 1 : 0;
    return n;
  }

  std::vector<HlsFeedRecord> records;
  uint64_t wall = 1'700'000'000'000;
};

TEST_F(HlsTapTest, APublishFeedsTheSinkFromInitToEnd) {
  install();
  TestClient& pub = publisher("cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 100, 50);  // 4 s at 25 fps, keyframe every 2 s
  pub.close();
  h().drainAll();

  ASSERT_FALSE(records.empty());
  for (const auto& r : records) {
    EXPECT_EQ(r.stream, "live/cam");
    EXPECT_EQ(r.publishId, pub.id());
  }
  const auto* init = std::get_if<hls::InitRecord>(&records.front().record);
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(init->tracks.size(), 2u);
  const auto* end = std::get_if<hls::EndRecord>(&records.back().record);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->reason, "publisher gone");
  EXPECT_EQ(count<hls::EndRecord>(), 1u) << "onDetached after onPublisherGone adds nothing";
  EXPECT_EQ(count<hls::SegmentRecord>(), 2u);
  // 5 frames (200 ms) a part, each closed on its last frame; the audio frame
  // after the last one (at 3980 ms) ends the stream in a part of its own.
  EXPECT_EQ(count<hls::PartRecord>(), 21u);
  for (const auto& r : records) {
    if (const auto* part = std::get_if<hls::PartRecord>(&r.record)) {
      EXPECT_EQ(part->arrivedAt, wall);
    }
  }
  const auto& first = std::get<hls::SegmentRecord>(records.at(11).record);
  EXPECT_EQ(first.programDateTime, wall);
}

TEST_F(HlsTapTest, TheAuthorizeAnswerOrTheAppListDecides) {
  HlsOptions options;
  options.apps = {"tv"};
  install(options);
  TestClient& pub = publisher("cam");  // app "live": not listed
  publishHeaders(pub, 0);
  EXPECT_TRUE(records.empty());
  EXPECT_EQ(h().tapsAttached(), 0u);
}

}  // namespace
}  // namespace rtmp::server::testing
