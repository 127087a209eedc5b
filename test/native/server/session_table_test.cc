// SessionTable: the public facts of live sessions, readable from any thread.
#include "server/session_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace rtmp::server::testing {
namespace {

TEST(SessionTableTest, AddFindRemove) {
  SessionTable table;
  auto info = table.add(7, "192.0.2.1", 4000, 1, nullptr, 1234);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find(7), info);
  EXPECT_EQ(table.find(8), nullptr);
  table.remove(7);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.find(7), nullptr);
  table.remove(7);  // twice is harmless
}

TEST(SessionTableTest, SnapshotCarriesDescriptionAndCounters) {
  SessionTable table;
  auto info = table.add(3, "198.51.100.9", 5555, 2, nullptr, 99);
  table.describe(*info, SessionRole::kPlayer, "live", "cam");
  info->bytesIn.store(10);
  info->bytesOut.store(20);
  info->droppedVideo.store(2);
  info->droppedAudio.store(1);
  info->countIngestDrop(IngestDropReason::kEmpty);
  info->countIngestDrop(IngestDropReason::kAuthDenied, 4);
  auto snap = table.snapshot();
  ASSERT_EQ(snap.size(), 1u);
  EXPECT_EQ(snap[0].id, 3u);
  EXPECT_EQ(snap[0].ip, "198.51.100.9");
  EXPECT_EQ(snap[0].port, 5555);
  EXPECT_EQ(snap[0].loop, 2u);
  EXPECT_EQ(snap[0].connectedAtMs, 99u);
  EXPECT_EQ(snap[0].role, SessionRole::kPlayer);
  EXPECT_EQ(snap[0].app, "live");
  EXPECT_EQ(snap[0].stream, "cam");
  EXPECT_EQ(snap[0].bytesIn, 10u);
  EXPECT_EQ(snap[0].bytesOut, 20u);
  EXPECT_EQ(snap[0].droppedVideo, 2u);
  EXPECT_EQ(snap[0].droppedAudio, 1u);
  EXPECT_EQ(snap[0].droppedFrames, 3u) << "the sum, as before the split";
  EXPECT_EQ(snap[0].ingestDrops[IngestDropReason::kEmpty], 1u);
  EXPECT_EQ(snap[0].ingestDrops[IngestDropReason::kAuthDenied], 4u);
  EXPECT_EQ(snap[0].ingestDrops[IngestDropReason::kMalformed], 0u);
  EXPECT_EQ(snap[0].ingestDrops.total(), 5u);
  EXPECT_FALSE(snap[0].tls) << "plain RTMP unless added as RTMPS";
}

TEST(SessionTableTest, SnapshotSaysWhichListenerTheSessionCameThrough) {
  SessionTable table;
  table.add(1, "192.0.2.1", 4000, 0, nullptr, 0);
  table.add(2, "192.0.2.1", 4001, 0, nullptr, 0, /*tls=*/true);
  auto snap = table.snapshot();
  ASSERT_EQ(snap.size(), 2u);
  for (const SessionSnapshot& s : snap) EXPECT_EQ(s.tls, s.id == 2) << "session " << s.id;
  EXPECT_TRUE(table.find(2)->tls);
}

TEST(SessionTableTest, IngestDropReasonsHaveStableDistinctNames) {
  std::set<std::string_view> names;
  for (size_t i = 0; i < kIngestDropReasonCount; ++i) {
    names.insert(ingestDropReasonName(static_cast<IngestDropReason>(i)));
  }
  EXPECT_EQ(names.size(), kIngestDropReasonCount);
  EXPECT_EQ(names.count("unknown"), 0u) << "a reason without a name";
  EXPECT_EQ(ingestDropReasonName(IngestDropReason::kMalformed), "malformed");
  EXPECT_EQ(ingestDropReasonName(IngestDropReason::kAuthOverflow), "authOverflow");
  EXPECT_EQ(ingestDropReasonName(IngestDropReason::kMetadataTooLarge), "metadataTooLarge");
}

TEST(SessionTableTest, InfoOutlivesRemoval) {
  SessionTable table;
  auto info = table.add(1, "x", 1, 0, nullptr, 0);
  table.remove(1);
  info->bytesIn.store(5);  // the session may still count while it closes
  EXPECT_EQ(info->bytesIn.load(), 5u);
}

}  // namespace
}  // namespace rtmp::server::testing
