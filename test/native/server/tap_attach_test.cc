// Taps that are not sessions (issue 9 §1): a tap host code attaches through
// LoopTaps (what Engine::attachTap runs on the loop) and publish-scoped taps
// built from PublishTaps when a publish starts. The first test is the promise
// of the attach path: such a tap gets the same messages as an RTMP player.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "protocol/command_builders.h"
#include "session_fixture.h"

namespace rtmp::server::testing {
namespace {

// One media message as a consumer saw it.
struct Seen {
  uint8_t type = 0;
  uint32_t timestamp = 0;
  ByteVec payload;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "type " << int(s.type) << " @" << s.timestamp << " (" << s.payload.size() << " B)";
}

Seen seenOf(const SharedMedia& m) {
  return {m.typeId(), m.timestamp(),
          ByteVec(m.payload().data(), m.payload().data() + m.payload().size())};
}

// A host tap that writes down what it gets, the join snapshot in the order a
// player sends it (metadata, video header, audio header, cached GOP), and the
// calls it hears in `log` (which may outlive the tap).
class JournalTap : public StreamTap {
 public:
  explicit JournalTap(std::vector<std::string>* log = nullptr) : log_(log) {}
  void onStart(const JoinSnapshot& snapshot) override {
    note(snapshot.publishing ? "start:live" : "start:waiting");
    for (const auto& header : {snapshot.metadata, snapshot.videoHeader, snapshot.audioHeader}) {
      if (header) seen.push_back(seenOf(*header));
    }
    if (!snapshot.gop.empty()) gopStart = snapshot.gop.front()->timestamp();
    for (const auto& m : snapshot.gop) seen.push_back(seenOf(*m));
  }
  void onMedia(const SharedMediaRef& media) override {
    note("media");
    seen.push_back(seenOf(*media));
  }
  void onPublisherGone() override { note("gone"); }
  void onPublisherBack() override { note("back"); }
  void onDetached() override { note("detached"); }

  std::vector<Seen> seen;
  uint32_t gopStart = 0;

 private:
  void note(const std::string& what) {
    if (log_ != nullptr && (log_->empty() || what != "media" || log_->back() != "media")) {
      log_->push_back(what);  // runs of media are written once
    }
  }
  std::vector<std::string>* log_;
};

std::vector<Seen> seenBy(TestClient& player) {
  std::vector<Seen> out;
  for (const auto& m : player.media()) out.push_back({m.typeId, m.timestamp, bytesOf(m)});
  return out;
}

// Attaches a JournalTap through `taps` (on its loop) and returns it.
JournalTap* attachJournal(LoopTaps& taps, FakeLoop& loop, uint64_t id, const std::string& name,
                          std::vector<std::string>* log = nullptr) {
  JournalTap* made = nullptr;
  auto scope = loop.enter();
  const bool attached = taps.attach(id, "live", name, [&](const TapPlace& place) {
    EXPECT_EQ(place.id, id);
    EXPECT_EQ(place.loopIndex, loop.index());
    auto tap = std::make_unique<JournalTap>(log);
    made = tap.get();
    return tap;
  });
  EXPECT_TRUE(attached);
  return made;
}

bool detachOn(LoopTaps& taps, FakeLoop& loop, uint64_t id) {
  auto scope = loop.enter();
  return taps.detach(id);
}

class TapAttachTest : public SessionTest {
 protected:
  // Publisher on loop A; joins on loop B after 5 frames (GOP of 3: the cache
  // starts at K3), then 5 more frames.
  void playerAndTapJoinLive(TimestampMode mode) {
    EngineConfig config;
    config.streams.timestampMode = mode;
    configure(config);
    TestClient& pub = publisher("cam", &h().loopA);
    publishHeaders(pub, 0);
    publishFrames(pub, 1000, 0, 5, 3);
    h().drainAll();
    TestClient& viewer = player("cam", &h().loopB);
    JournalTap* tap = attachJournal(h().tapsB, h().loopB, 1, "cam");
    ASSERT_NE(tap, nullptr);
    publishFrames(pub, 1000, 5, 10, 3);
    h().drainAll();

    // The player's timeline: in rebase mode it starts at the GOP it joined
    // with (earlier headers clamp to 0); otherwise stream time as is.
    std::vector<Seen> expected = tap->seen;
    if (mode == TimestampMode::kRebase) {
      for (Seen& s : expected) {
        const auto rel = static_cast<int32_t>(s.timestamp - tap->gopStart);
        s.timestamp = rel > 0 ? static_cast<uint32_t>(rel) : 0;
      }
    }
    // meta, VH, AH, the cached GOP K3 A103 P4 A104, then 5 live frames with audio.
    ASSERT_EQ(expected.size(), 3u + 4u + 10u);
    EXPECT_EQ(seenBy(viewer), expected);
    EXPECT_TRUE(detachOn(h().tapsB, h().loopB, 1));
  }
};

TEST_F(TapAttachTest, HostTapGetsWhatAnRtmpPlayerGetsRebased) {
  playerAndTapJoinLive(TimestampMode::kRebase);
}

TEST_F(TapAttachTest, HostTapGetsWhatAnRtmpPlayerGetsInStreamTime) {
  playerAndTapJoinLive(TimestampMode::kMonotonic);
}

TEST_F(TapAttachTest, HostTapOnThePublishersLoopIsServedWithoutAPost) {
  TestClient& pub = publisher("cam", &h().loopA);
  TestClient& viewer = player("cam", &h().loopA);
  JournalTap* tap = attachJournal(h().tapsA, h().loopA, 7, "cam");
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 3, 25);
  EXPECT_EQ(h().loopA.pending(), 0u);
  EXPECT_EQ(tap->seen.size(), 9u);
  EXPECT_EQ(seenBy(viewer), tap->seen);  // rebase: the stream starts at K0 = 0
  EXPECT_TRUE(detachOn(h().tapsA, h().loopA, 7));
}

TEST_F(TapAttachTest, HostTapIsNotCountedAsAPlayer) {
  TestClient& pub = publisher("cam", &h().loopA);
  publishHeaders(pub, 0);
  player("cam", &h().loopB);
  attachJournal(h().tapsB, h().loopB, 1, "cam");
  auto stream = h().registry.acquire("live", "cam", false);
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->tapCount(), 2u);
  EXPECT_EQ(stream->snapshot().players, 1u);
  h().registry.release(stream);
  EXPECT_TRUE(detachOn(h().tapsB, h().loopB, 1));
}

TEST_F(TapAttachTest, TapAttachedBeforePublishWaitsThenFollowsThePublisher) {
  std::vector<std::string> log;
  JournalTap* tap = attachJournal(h().tapsB, h().loopB, 3, "cam", &log);
  EXPECT_EQ(h().registry.size(), 1u);  // created like a waiting player's stream
  TestClient& pub = publisher("cam", &h().loopA);
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  h().drainAll();
  EXPECT_EQ(tap->seen.size(), 7u);
  pub.close();
  h().drainAll();
  EXPECT_EQ(h().registry.size(), 1u);  // the tap still holds the name
  TestClient& again = publisher("cam", &h().loopA);
  publishHeaders(again, 0);
  h().drainAll();
  EXPECT_TRUE(detachOn(h().tapsB, h().loopB, 3));
  EXPECT_EQ(log, (std::vector<std::string>{"start:waiting", "back", "media", "gone", "back",
                                           "media", "detached"}));
}

TEST_F(TapAttachTest, DetachBeforePublishLeavesNothingBehind) {
  std::vector<std::string> log;
  attachJournal(h().tapsB, h().loopB, 4, "cam", &log);
  EXPECT_TRUE(detachOn(h().tapsB, h().loopB, 4));
  EXPECT_FALSE(detachOn(h().tapsB, h().loopB, 4));  // once only
  EXPECT_EQ(h().registry.size(), 0u);
  EXPECT_TRUE(h().loopB.fanouts().empty());
  TestClient& pub = publisher("cam", &h().loopA);
  publishHeaders(pub, 0);
  h().drainAll();
  EXPECT_EQ(log, (std::vector<std::string>{"start:waiting", "detached"}));
}

TEST_F(TapAttachTest, FactoryThatDeclinesAttachesNothing) {
  auto scope = h().loopB.enter();
  EXPECT_FALSE(h().tapsB.attach(5, "live", "cam", [](const TapPlace&) { return nullptr; }));
  EXPECT_EQ(h().tapsB.size(), 0u);
  EXPECT_EQ(h().registry.size(), 0u);
  EXPECT_FALSE(h().tapsB.detach(5));
}

TEST_F(TapAttachTest, TapMayDetachItselfFromOnStart) {
  struct SelfDetaching : JournalTap {
    LoopTaps* taps = nullptr;
    void onStart(const JoinSnapshot& snapshot) override {
      JournalTap::onStart(snapshot);
      EXPECT_TRUE(taps->detach(9));
    }
  };
  auto scope = h().loopB.enter();
  EXPECT_TRUE(h().tapsB.attach(9, "live", "cam", [&](const TapPlace&) {
    auto tap = std::make_unique<SelfDetaching>();
    tap->taps = &h().tapsB;
    return tap;
  }));
  EXPECT_EQ(h().tapsB.size(), 0u);
  EXPECT_EQ(h().registry.size(), 0u);
}

// ---- publish-scoped taps ----

TEST_F(TapAttachTest, PublishTapLivesExactlyAsLongAsEachPublish) {
  std::vector<std::string> log;
  std::vector<PublishTapRequest> asked;
  JournalTap* current = nullptr;
  h().publishTaps.add("recorder", [&](const PublishTapRequest& request) {
    asked.push_back(request);
    auto tap = std::make_unique<JournalTap>(&log);
    current = tap.get();
    return tap;
  });
  TestClient& pub = connected(h().loopB);
  pub.publish("cam?quality=hd");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].app, "live");
  EXPECT_EQ(asked[0].name, "cam");
  EXPECT_EQ(asked[0].query, "quality=hd");
  EXPECT_EQ(asked[0].publisherId, pub.id());
  EXPECT_EQ(asked[0].loopIndex, h().loopB.index());  // the publisher's loop
  EXPECT_TRUE(asked[0].requested.empty());
  publishHeaders(pub, 0);
  publishFrames(pub, 0, 0, 2, 25);
  EXPECT_EQ(current->seen.size(), 7u);  // same loop: no post needed
  EXPECT_EQ(h().loopB.pending(), 0u);
  auto stream = h().registry.acquire("live", "cam", false);
  EXPECT_EQ(stream->snapshot().players, 0u);
  h().registry.release(stream);

  pub.close();
  h().drainAll();
  EXPECT_EQ(h().tapsAttached(), 0u);
  EXPECT_EQ(h().registry.size(), 0u);

  TestClient& again = publisher("cam", &h().loopA);
  ASSERT_EQ(asked.size(), 2u);  // a republish asks again and gets a fresh tap
  EXPECT_EQ(asked[1].loopIndex, h().loopA.index());
  EXPECT_EQ(asked[1].publisherId, again.id());
  publishHeaders(again, 0);
  EXPECT_EQ(current->seen.size(), 3u);
  again.close();  // before `log` goes out of scope
  h().drainAll();
  EXPECT_EQ(log, (std::vector<std::string>{"start:live", "media", "gone", "detached", "start:live",
                                           "media", "gone", "detached"}));
}

TEST_F(TapAttachTest, PublishTapFactoryDecidesPerPublish) {
  int built = 0;
  h().publishTaps.add("hls", [&](const PublishTapRequest& request) -> std::unique_ptr<StreamTap> {
    if (request.name != "cam" || request.asked("none")) return nullptr;
    ++built;
    return std::make_unique<JournalTap>();
  });
  publisher("other", &h().loopA);
  EXPECT_EQ(built, 0);
  EXPECT_EQ(h().tapsAttached(), 0u);
  publisher("cam", &h().loopA);
  EXPECT_EQ(built, 1);
  EXPECT_EQ(h().loopA.tapCount(), 1u);
}

TEST_F(TapAttachTest, PublishTapEndsOnDeleteStream) {
  std::vector<std::string> log;
  h().publishTaps.add("rec",
                      [&](const PublishTapRequest&) { return std::make_unique<JournalTap>(&log); });
  h().publishTaps.add("rec", [&](const PublishTapRequest&) {  // replaces, not adds
    return std::make_unique<JournalTap>(&log);
  });
  TestClient& pub = publisher("cam", &h().loopA);
  EXPECT_EQ(h().loopA.tapCount(), 1u);
  pub.send(protocol::buildDeleteStream(0, pub.publishStreamId()));
  EXPECT_EQ(h().loopA.tapCount(), 0u);
  EXPECT_EQ(log, (std::vector<std::string>{"start:live", "gone", "detached"}));
  EXPECT_TRUE(h().publishTaps.remove("rec"));
  EXPECT_FALSE(h().publishTaps.remove("rec"));
  EXPECT_TRUE(h().publishTaps.empty());
}

}  // namespace
}  // namespace rtmp::server::testing
