// Session: onMetaData over EngineConfig::maxMetadataBytes is neither kept nor
// forwarded, is counted (IngestDropReason::kMetadataTooLarge) and logged once
// per publish (issue 10, defect 5: ~3.5 MB of onMetaData raised RSS by 12-15 MB
// per publisher).
#include <gtest/gtest.h>

#include <algorithm>

#include "protocol/command_builders.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::AmfValue;
using Names = std::vector<std::string>;

constexpr uint32_t kLimit = 4096;

class MetadataLimitTest : public SessionTest {
 protected:
  void SetUp() override {
    EngineConfig config;
    config.maxMetadataBytes = kLimit;
    configure(config);
  }

  // "@setDataFrame", "onMetaData", {width: 1280, comment: <filler>}.
  void sendMetadataWithFiller(TestClient& pub, size_t filler) {
    AmfValue meta = AmfValue::ecmaArray({{"width", AmfValue::number(1280)},
                                         {"comment", AmfValue::string(std::string(filler, 'x'))}});
    auto m = protocol::buildSetDataFrame(pub.publishStreamId(), meta);
    ASSERT_TRUE(m.ok());
    pub.send(*m);
  }

  StreamSnapshot streamSnapshot(const std::string& name) {
    auto stream = h().registry.acquire("live", name, /*create=*/false);
    EXPECT_NE(stream, nullptr);
    if (!stream) return {};
    StreamSnapshot s = stream->snapshot();
    h().registry.release(stream);
    return s;
  }
};

uint64_t drops(TestClient& c, IngestDropReason reason) {
  return c.info().ingestDrops[static_cast<size_t>(reason)].load();
}

std::vector<size_t> metadataSizes(const std::vector<protocol::Message>& media) {
  std::vector<size_t> sizes;
  for (const auto& m : media) {
    if (describe(m).rfind("meta", 0) == 0) sizes.push_back(m.payload.size());
  }
  return sizes;
}

TEST_F(MetadataLimitTest, OversizedSetDataFrameIsDroppedCountedAndLoggedOnce) {
  TestClient& pub = publisher("cam");
  TestClient& viewer = player("cam");
  LogCapture logs;

  sendMetadataWithFiller(pub, 3 * kLimit);
  sendMetadataWithFiller(pub, 5 * kLimit);
  pub.sendVideo(0, avcSequenceHeader());
  pub.sendVideo(0, avcKeyframe(1));
  h().drainAll();

  EXPECT_EQ(kinds(viewer.media()), (Names{"VH", "K1"})) << "no oversized metadata reached players";
  EXPECT_EQ(drops(pub, IngestDropReason::kMetadataTooLarge), 2u);
  EXPECT_EQ(streamSnapshot("cam").ingestDrops[IngestDropReason::kMetadataTooLarge], 2u);
  EXPECT_FALSE(pub.closed());
  EXPECT_EQ(pub.transport().closeCalls(), 0) << "dropping is not a reason to close";
  const auto& lines = logs.lines();
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& l) {
                            return l.find("maxMetadataBytes") != std::string::npos;
                          }),
            1)
      << "logged once per publish";

  // Metadata within the limit still goes through.
  pub.sendMetadata(40);
  h().drainAll();
  EXPECT_EQ(kinds(viewer.media()), (Names{"VH", "K1", "meta"}));
}

TEST_F(MetadataLimitTest, LateJoinerGetsTheLastMetadataThatFit) {
  TestClient& pub = publisher("cam");
  pub.sendMetadata(0);  // a normal onMetaData, well under the limit
  sendMetadataWithFiller(pub, 2 * kLimit);
  pub.sendVideo(0, avcSequenceHeader());
  pub.sendVideo(0, avcKeyframe(1));

  TestClient& viewer = player("cam");
  h().drainAll();
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "K1"}));
  auto sizes = metadataSizes(viewer.media());
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_LT(sizes[0], kLimit) << "the join snapshot kept the oversized metadata";
  EXPECT_EQ(drops(pub, IngestDropReason::kMetadataTooLarge), 1u);
}

TEST_F(MetadataLimitTest, MetadataUnderTheLimitIsKept) {
  TestClient& pub = publisher("cam");
  TestClient& viewer = player("cam");
  sendMetadataWithFiller(pub, kLimit / 2);
  pub.sendVideo(0, avcSequenceHeader());
  pub.sendVideo(0, avcKeyframe(1));
  h().drainAll();
  EXPECT_EQ(kinds(viewer.media()), (Names{"meta", "VH", "K1"}));
  EXPECT_EQ(drops(pub, IngestDropReason::kMetadataTooLarge), 0u);
}

}  // namespace
}  // namespace rtmp::server::testing
