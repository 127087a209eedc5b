// SessionTable: the public facts of live sessions, readable from any thread.
#include "server/session_table.h"

#include <gtest/gtest.h>

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
  info->droppedFrames.store(3);
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
  EXPECT_EQ(snap[0].droppedFrames, 3u);
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
