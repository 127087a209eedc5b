// What a cross-loop media post costs in allocations: the publisher's thread
// allocates one task node per destination loop per message (the typed
// MediaDelivery), nothing more. Counted by alloc_counter.h.
#include <gtest/gtest.h>

#include <future>

#include "flv_samples.h"
#include "net/alloc_counter.h"
#include "net/loop_thread.h"
#include "recording_tap.h"
#include "server/loop_context.h"
#include "server/stream.h"
#include "server/stream_registry.h"

namespace rtmp::server::testing {
namespace {

constexpr uint8_t kVideo = 9;

template <typename Fn>
void runOn(net::LoopThread& loop, Fn&& fn) {
  std::promise<void> done;
  ASSERT_TRUE(loop.post([&] {
    fn();
    done.set_value();
  }));
  ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

StreamOptions noCache() {
  StreamOptions o;
  o.gopCache = false;  // keep the publisher's own work the same for both streams
  return o;
}

// Publishes headers and a keyframe, then returns the allocations of `n`
// inter frames.
uint64_t allocationsOfFrames(Stream& stream, int n) {
  const base::Bytes header = base::Bytes::copyOf(avcSequenceHeader());
  stream.ingest(kVideo, 0, header);
  stream.ingest(kVideo, 0, base::Bytes::copyOf(avcKeyframe(0)));
  std::vector<base::Bytes> frames;
  for (int i = 1; i <= n; ++i)
    frames.push_back(base::Bytes::copyOf(avcInterframe(static_cast<uint8_t>(i))));
  return rtmp::testing::allocationsDuring([&] {
    for (int i = 0; i < n; ++i)
      stream.ingest(kVideo, static_cast<uint32_t>(40 * (i + 1)), frames[i]);
  });
}

TEST(FanoutAllocTest, ACrossLoopPostAllocatesOneTaskNodePerMessage) {
  net::LoopThread loop("fanout-alloc", 1);
  ASSERT_TRUE(loop.start().ok());
  StreamRegistry registry(noCache());
  LoopContext context(loop, registry);

  Stream alone("live", "alone", noCache());
  Stream watched("live", "watched", noCache());
  RecordingTap tap;
  runOn(loop, [&] { watched.attach(context, context.fanouts(), &tap); });
  ASSERT_TRUE(alone.beginPublish(1, 0));
  ASSERT_TRUE(watched.beginPublish(2, 0));

  constexpr int kFrames = 200;
  const uint64_t base = allocationsOfFrames(alone, kFrames);
  const uint64_t posted = allocationsOfFrames(watched, kFrames);
  EXPECT_EQ(posted - base, static_cast<uint64_t>(kFrames)) << "base " << base;

  runOn(loop, [&] {
    EXPECT_EQ(tap.received.size(), static_cast<size_t>(kFrames + 2));
    EXPECT_TRUE(watched.detach(context.fanouts(), &tap));
  });
  alone.endPublish(1);
  watched.endPublish(2);
  loop.stop();
}

}  // namespace
}  // namespace rtmp::server::testing
