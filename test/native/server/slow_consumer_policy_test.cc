// SlowConsumerPolicy on its own: no socket, the test plays the consumer by
// saying how many handed-over bytes are still pending.
#include "server/slow_consumer_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <utility>

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

// The rules of the header, written the plain way (every mark in a deque, the
// backlog recomputed on each question): the policy keeps copies of the front
// and back marks so that it rarely reads its queue, and must decide exactly
// as this does for any consumer.
class ReferencePolicy {
 public:
  explicit ReferencePolicy(SlowConsumerLimits limits) : limits_(limits) {}
  bool admit(MediaKind kind, bool keyframe, uint64_t pending) {
    const uint64_t consumed = handed_ - std::min(pending, handed_);
    while (!marks_.empty() && marks_.front().first <= consumed) marks_.pop_front();
    const uint32_t ms = queuedMs();
    const bool overBytes = pending > limits_.maxQueueBytes;
    if (kind == MediaKind::kAudio) {
      if (overBytes) ++dropped;
      return !overBytes;
    }
    if (dropping) {
      if (keyframe && ms <= limits_.maxQueueMs / 2 && pending <= limits_.maxQueueBytes / 2) {
        dropping = false;
        return true;
      }
      ++dropped;
      return false;
    }
    if (overBytes || ms > limits_.maxQueueMs) {
      dropping = true;
      ++dropped;
      return false;
    }
    return true;
  }
  void handedOver(uint64_t bytes, uint32_t ts, bool timed) {
    handed_ += bytes;
    if (timed) marks_.emplace_back(handed_, ts);
  }
  uint32_t queuedMs() const {
    if (marks_.empty()) return 0;
    const auto span = static_cast<int32_t>(marks_.back().second - marks_.front().second);
    return span > 0 ? static_cast<uint32_t>(span) : 0;
  }
  size_t queuedMessages() const { return marks_.size(); }
  bool dropping = false;
  uint64_t dropped = 0;

 private:
  SlowConsumerLimits limits_;
  uint64_t handed_ = 0;
  std::deque<std::pair<uint64_t, uint32_t>> marks_;
};

TEST(SlowConsumerPolicyModelTest, DecidesAsThePlainRulesForRandomConsumers) {
  std::mt19937 random(9);
  uint64_t drops = 0;
  uint64_t sent = 0;
  for (int consumer = 0; consumer < 200; ++consumer) {
    SlowConsumerPolicy policy({1'000, 20'000});
    ReferencePolicy reference({1'000, 20'000});
    uint64_t handed = 0;
    uint64_t consumed = 0;
    uint32_t ts = 0;
    // Each consumer reads at its own pace: from stalled to keeping up.
    const uint32_t readChance = random() % 101;
    for (int i = 0; i < 2'000; ++i) {
      const uint32_t pick = random() % 10;
      const MediaKind kind = pick < 6   ? MediaKind::kVideo
                             : pick < 9 ? MediaKind::kAudio
                                        : MediaKind::kData;
      const bool keyframe = kind == MediaKind::kVideo && random() % 30 == 0;
      const uint64_t bytes = kind == MediaKind::kData ? 50 : 1 + random() % 800;
      ts += random() % 30;
      if (random() % 100 < readChance) consumed += random() % (handed - consumed + 1);
      const uint64_t pending = handed - consumed;
      bool admitted = true;
      if (kind != MediaKind::kData) {
        admitted = policy.admit(kind, keyframe, pending);
        ASSERT_EQ(admitted, reference.admit(kind, keyframe, pending))
            << "consumer " << consumer << " message " << i;
        ASSERT_EQ(policy.queuedMs(), reference.queuedMs()) << "consumer " << consumer;
        ASSERT_EQ(policy.queuedMessages(), reference.queuedMessages());
      }
      if (!admitted) continue;
      ++sent;
      handed += bytes;
      policy.handedOver(bytes, ts, kind != MediaKind::kData);
      reference.handedOver(bytes, ts, kind != MediaKind::kData);
    }
    EXPECT_EQ(policy.drops().video + policy.drops().audio, reference.dropped);
    drops += reference.dropped;
  }
  // The mix reaches both answers often: the comparison means something.
  EXPECT_GT(drops, 10'000u);
  EXPECT_GT(sent, 100'000u);
}

}  // namespace
}  // namespace rtmp::server
