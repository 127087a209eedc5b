// Session: a publisher's messages that are not forwarded are counted by
// reason in its SessionInfo (and, for what the stream refused, in the stream).
#include <gtest/gtest.h>

#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

using protocol::Message;
using protocol::MessageType;

uint64_t drops(TestClient& c, IngestDropReason reason) {
  return c.info().ingestDrops[static_cast<size_t>(reason)].load();
}

TEST_F(SessionTest, PublisherIngestDropsAreCountedByReason) {
  TestClient& pub = publisher("cam");
  pub.sendVideo(0, {0x17});  // AVC tag cut after one byte
  pub.sendAudio(0, {});      // a bare silence marker: nothing to forward
  pub.sendVideo(0, avcKeyframe(1));
  Message stray;  // media on a stream id nobody publishes on
  stray.csid = protocol::kCsidVideo;
  stray.typeId = static_cast<uint8_t>(MessageType::kVideo);
  stray.streamId = pub.publishStreamId() + 7;
  stray.payload = base::Bytes::copyOf(avcKeyframe(2));
  pub.send(stray);

  EXPECT_EQ(drops(pub, IngestDropReason::kMalformed), 1u);
  EXPECT_EQ(drops(pub, IngestDropReason::kEmpty), 1u);
  EXPECT_EQ(drops(pub, IngestDropReason::kNotPublishing), 1u);
  EXPECT_EQ(drops(pub, IngestDropReason::kTooLarge), 0u);
  EXPECT_FALSE(pub.closed()) << "dropping is not a reason to close";

  auto stream = h().registry.acquire("live", "cam", /*create=*/false);
  ASSERT_NE(stream, nullptr);
  StreamSnapshot s = stream->snapshot();
  h().registry.release(stream);
  EXPECT_EQ(s.ingestDrops[IngestDropReason::kMalformed], 1u);
  EXPECT_EQ(s.ingestDrops[IngestDropReason::kEmpty], 1u);
  EXPECT_EQ(s.ingestDrops[IngestDropReason::kNotPublishing], 0u) << "never reached the stream";
  EXPECT_EQ(s.videoFrames, 1u);

  SessionSnapshot snap;
  for (const SessionSnapshot& each : h().table.snapshot()) {
    if (each.id == pub.id()) snap = each;
  }
  EXPECT_EQ(snap.ingestDrops.total(), 3u);
}

}  // namespace
}  // namespace rtmp::server::testing
