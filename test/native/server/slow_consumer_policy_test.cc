// SlowConsumerPolicy on its own: no socket, the test plays the consumer by
// saying how many handed-over bytes are still pending.
#include "server/slow_consumer_policy.h"

#include <gtest/gtest.h>

namespace rtmp::server {
namespace {

using media::MediaKind;

class SlowConsumerPolicyTest : public ::testing::Test {
 protected:
  // Limits: 1000 ms of media or 10 000 bytes.
  SlowConsumerPolicy policy_{{1'000, 10'000}};
  uint64_t handed_ = 0;    // bytes handed over so far
  uint64_t consumed_ = 0;  // of which the consumer took this many

  uint64_t pending() const { return handed_ - consumed_; }
  // Offers one message of `bytes` at `ts`; hands it over if admitted.
  bool offer(MediaKind kind, uint32_t ts, bool keyframe = false, uint64_t bytes = 100) {
    if (!policy_.admit(kind, keyframe, pending())) return false;
    handed_ += bytes;
    policy_.handedOver(bytes, ts, kind != MediaKind::kData);
    return true;
  }
  void consumeAll() { consumed_ = handed_; }
};

TEST_F(SlowConsumerPolicyTest, AConsumerThatKeepsUpLosesNothing) {
  for (uint32_t i = 0; i < 500; ++i) {
    EXPECT_TRUE(offer(MediaKind::kVideo, i * 40, i % 50 == 0));
    EXPECT_TRUE(offer(MediaKind::kAudio, i * 40 + 20));
    consumeAll();
  }
  // The policy learns what was consumed at the next admit: the last pair
  // (video, then audio 20 ms later) still counts.
  EXPECT_EQ(policy_.queuedMs(), 20u);
  EXPECT_EQ(policy_.drops().video + policy_.drops().audio, 0u);
}

TEST_F(SlowConsumerPolicyTest, PastTheTimeBoundVideoWaitsForAKeyframeAndAudioStays) {
  // A stalled consumer: 26 frames of 40 ms queued = 1000 ms, at the bound.
  for (uint32_t i = 0; i <= 25; ++i) EXPECT_TRUE(offer(MediaKind::kVideo, i * 40, i == 0));
  EXPECT_EQ(policy_.queuedMs(), 1'000u);
  EXPECT_TRUE(offer(MediaKind::kVideo, 26 * 40));   // still "not over" when asked
  EXPECT_FALSE(offer(MediaKind::kVideo, 27 * 40));  // 1040 ms queued: over
  EXPECT_TRUE(policy_.dropping());
  EXPECT_TRUE(offer(MediaKind::kAudio, 27 * 40 + 20));                 // audio kept
  EXPECT_FALSE(offer(MediaKind::kVideo, 28 * 40, /*keyframe=*/true));  // backlog not halved
  consumeAll();
  EXPECT_FALSE(offer(MediaKind::kVideo, 29 * 40));                    // caught up, no keyframe
  EXPECT_TRUE(offer(MediaKind::kVideo, 30 * 40, /*keyframe=*/true));  // resumes here
  EXPECT_FALSE(policy_.dropping());
  EXPECT_EQ(policy_.drops().video, 3u);
  EXPECT_EQ(policy_.drops().audio, 0u);
  EXPECT_EQ(policy_.drops().backlogTime, 3u);
  EXPECT_EQ(policy_.drops().byteCap, 0u);
}

TEST_F(SlowConsumerPolicyTest, PastTheByteCapAudioGoesTooAndIsCountedAsByteCap) {
  EXPECT_TRUE(offer(MediaKind::kVideo, 0, true, 10'001));  // one big keyframe, pending after
  EXPECT_FALSE(offer(MediaKind::kAudio, 20));
  EXPECT_FALSE(offer(MediaKind::kVideo, 40));
  EXPECT_EQ(policy_.drops().audio, 1u);
  EXPECT_EQ(policy_.drops().video, 1u);
  EXPECT_EQ(policy_.drops().byteCap, 2u);
  EXPECT_EQ(policy_.drops().backlogTime, 0u);
  consumed_ = handed_ - 5'001;  // under the cap but over half of it
  EXPECT_TRUE(offer(MediaKind::kAudio, 60));
  EXPECT_FALSE(offer(MediaKind::kVideo, 80, true));
  // Under the cap now, but this dropping began at the cap: counted there.
  EXPECT_EQ(policy_.drops().byteCap, 3u);
  EXPECT_EQ(policy_.drops().video, 2u);
  consumeAll();
  EXPECT_TRUE(offer(MediaKind::kVideo, 120, true));
}

TEST_F(SlowConsumerPolicyTest, DataMessagesCarryNoMediaTime) {
  EXPECT_TRUE(offer(MediaKind::kVideo, 0, true));
  EXPECT_TRUE(offer(MediaKind::kData, 50'000));  // a metadata timestamp far ahead
  EXPECT_EQ(policy_.queuedMs(), 0u);
  EXPECT_TRUE(offer(MediaKind::kVideo, 40));
  EXPECT_EQ(policy_.queuedMs(), 40u);
}

TEST_F(SlowConsumerPolicyTest, RestartEndsDropping) {
  for (uint32_t i = 0; i <= 30; ++i) offer(MediaKind::kVideo, i * 40, i == 0);
  ASSERT_TRUE(policy_.dropping());
  policy_.restart();
  EXPECT_FALSE(policy_.dropping());
}

TEST_F(SlowConsumerPolicyTest, ConsumedMarksAreForgottenAcrossALongRun) {
  // Half a million messages with a consumer one message behind: what is
  // queued stays the previous and the new message, never more.
  for (uint32_t i = 0; i < 500'000; ++i) {
    ASSERT_TRUE(offer(MediaKind::kVideo, i * 40, i % 50 == 0));
    consumed_ = handed_ - 100;
    if (i == 0) continue;
    ASSERT_EQ(policy_.queuedMessages(), 2u);
    ASSERT_EQ(policy_.queuedMs(), 40u);
  }
  consumed_ = handed_ - 200;  // now two behind
  EXPECT_TRUE(offer(MediaKind::kVideo, 500'000u * 40));
  EXPECT_EQ(policy_.queuedMessages(), 3u);
  EXPECT_EQ(policy_.queuedMs(), 80u);
}

}  // namespace
}  // namespace rtmp::server
