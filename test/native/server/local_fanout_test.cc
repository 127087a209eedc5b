// LocalFanout: delivery to the taps of one loop, the seq filter, and taps
// coming and going from inside a delivery.
#include "server/local_fanout.h"

#include <gtest/gtest.h>

#include <memory>

#include "recording_tap.h"

namespace rtmp::server::testing {
namespace {

SharedMediaRef mediaWithSeq(uint64_t seq) {
  auto m = std::make_shared<SharedMedia>();
  m->seq = seq;
  m->packet.kind = MediaKind::kAudio;
  return m;
}

TEST(LocalFanoutTest, DeliversToEveryTap) {
  LocalFanout fanout;
  RecordingTap a, b;
  fanout.add(&a, 0);
  fanout.add(&b, 0);
  fanout.deliverMedia(mediaWithSeq(1));
  EXPECT_EQ(a.seqs(), (std::vector<uint64_t>{1}));
  EXPECT_EQ(b.seqs(), (std::vector<uint64_t>{1}));
  EXPECT_EQ(fanout.size(), 2u);
}

TEST(LocalFanoutTest, SkipsMessagesATapAlreadyHadInItsSnapshot) {
  LocalFanout fanout;
  RecordingTap tap;
  fanout.add(&tap, 5);  // snapshot covered seq 1..5
  for (uint64_t seq = 4; seq <= 7; ++seq) fanout.deliverMedia(mediaWithSeq(seq));
  EXPECT_EQ(tap.seqs(), (std::vector<uint64_t>{6, 7}));
}

TEST(LocalFanoutTest, PublisherEventsAreFilteredBySeqToo) {
  LocalFanout fanout;
  RecordingTap tap;
  fanout.add(&tap, 10);
  fanout.deliverPublisherGone(9);
  fanout.deliverPublisherBack(10);
  fanout.deliverPublisherGone(11);
  fanout.deliverPublisherBack(12);
  EXPECT_EQ(tap.calls, (std::vector<std::string>{"gone", "back"}));
}

TEST(LocalFanoutTest, RemoveUnknownTapReturnsFalse) {
  LocalFanout fanout;
  RecordingTap a, b;
  fanout.add(&a, 0);
  EXPECT_FALSE(fanout.remove(&b));
  EXPECT_TRUE(fanout.remove(&a));
  EXPECT_FALSE(fanout.remove(&a));
  EXPECT_TRUE(fanout.empty());
}

TEST(LocalFanoutTest, TapRemovingItselfDuringDeliveryDoesNotDisturbTheOthers) {
  LocalFanout fanout;
  RecordingTap a, b, c;
  a.onMediaHook = [&](const SharedMediaRef&) { fanout.remove(&a); };
  fanout.add(&a, 0);
  fanout.add(&b, 0);
  fanout.add(&c, 0);
  fanout.deliverMedia(mediaWithSeq(1));
  fanout.deliverMedia(mediaWithSeq(2));
  EXPECT_EQ(a.seqs(), (std::vector<uint64_t>{1}));
  EXPECT_EQ(b.seqs(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(c.seqs(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(fanout.size(), 2u);
}

TEST(LocalFanoutTest, TapRemovedByAnotherDuringDeliveryIsNotCalled) {
  LocalFanout fanout;
  RecordingTap a, b;
  a.onMediaHook = [&](const SharedMediaRef&) { fanout.remove(&b); };
  fanout.add(&a, 0);
  fanout.add(&b, 0);
  fanout.deliverMedia(mediaWithSeq(1));
  EXPECT_TRUE(b.received.empty());
  EXPECT_EQ(fanout.size(), 1u);
}

TEST(LocalFanoutTest, TapAddedDuringDeliveryStartsAfterItsJoinSeq) {
  LocalFanout fanout;
  RecordingTap a, late;
  a.onMediaHook = [&](const SharedMediaRef& m) {
    if (m->seq == 1) fanout.add(&late, 1);  // joined with seq 1 in its snapshot
  };
  fanout.add(&a, 0);
  fanout.deliverMedia(mediaWithSeq(1));
  fanout.deliverMedia(mediaWithSeq(2));
  EXPECT_EQ(late.seqs(), (std::vector<uint64_t>{2}));
}

// Regression (the bug was in local_fanout.h, LocalFanout::empty/size): a tap removed during a
// delivery is only marked, so empty() stays false until the loop ends. Stream
// ::detach asks empty() right after remove() to decide whether this loop's
// fan-out can go (see StreamTest.DetachingTheLastTapFromInsideA...).
TEST(LocalFanoutTest, EmptyAsSoonAsTheLastTapIsRemovedDuringDelivery) {
  LocalFanout fanout;
  RecordingTap a;
  bool emptyInside = false;
  size_t sizeInside = 99;
  a.onMediaHook = [&](const SharedMediaRef&) {
    fanout.remove(&a);
    emptyInside = fanout.empty();
    sizeInside = fanout.size();
  };
  fanout.add(&a, 0);
  fanout.deliverMedia(mediaWithSeq(1));
  EXPECT_TRUE(emptyInside);
  EXPECT_EQ(sizeInside, 0u);
  EXPECT_TRUE(fanout.empty());
}

}  // namespace
}  // namespace rtmp::server::testing
