// Engine::attachTap / detachTap / addPublishTap with real loop threads: the
// factory runs on the chosen loop, detach posts there too, and stop() detaches
// every tap still attached (onDetached is the last call each tap gets).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/engine.h"

namespace rtmp::server {
namespace {

using namespace std::chrono_literals;

// Calls from the loop threads, written down under a lock; wait() is time-boxed.
class Journal {
 public:
  void add(std::string what) {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(std::move(what));
    changed_.notify_all();
  }
  bool waitFor(const std::string& what) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return countLocked(what) > 0; });
  }
  size_t count(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    return countLocked(what);
  }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  size_t countLocked(const std::string& what) const {
    size_t n = 0;
    for (const auto& l : lines_) n += l == what ? 1 : 0;
    return n;
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

class NamedTap : public StreamTap {
 public:
  NamedTap(Journal& journal, std::string name) : journal_(journal), name_(std::move(name)) {}
  void onStart(const JoinSnapshot& s) override {
    journal_.add(name_ + (s.publishing ? ":start:live" : ":start:waiting"));
  }
  void onMedia(const SharedMediaRef&) override {}
  void onPublisherGone() override { journal_.add(name_ + ":gone"); }
  void onPublisherBack() override { journal_.add(name_ + ":back"); }
  void onDetached() override { journal_.add(name_ + ":detached"); }

 private:
  Journal& journal_;
  std::string name_;
};

EngineConfig loopbackConfig() {
  EngineConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.ioThreads = 2;
  return config;
}

TapFactory factoryFor(Journal& journal, const std::string& name, std::thread::id caller) {
  return [&journal, name, caller](const TapPlace& place) {
    // Built on a loop thread, never on the caller's.
    journal.add(name + (std::this_thread::get_id() != caller ? ":built-on-loop" : ":built-inline") +
                ":" + std::to_string(place.loopIndex) + ":" + place.app + "/" + place.name);
    return std::make_unique<NamedTap>(journal, name);
  };
}

TEST(EngineTapTest, AttachBeforeStartOrOnAMissingLoopIsRefused) {
  Engine engine(loopbackConfig(), [](EngineEvent&&) {});
  Journal journal;
  const auto self = std::this_thread::get_id();
  EXPECT_EQ(engine.attachTap("live", "cam", Engine::kAnyLoop, factoryFor(journal, "a", self)), 0u);
  ASSERT_TRUE(engine.start().ok());
  EXPECT_EQ(engine.attachTap("live", "cam", 2, factoryFor(journal, "a", self)), 0u);
  EXPECT_EQ(engine.attachTap("live", "cam", -2, factoryFor(journal, "a", self)), 0u);
  EXPECT_EQ(engine.attachTap("nocam", 0, factoryFor(journal, "a", self)), 0u);  // not app/name
  EXPECT_FALSE(engine.detachTap(12345));
  engine.stop();
  EXPECT_TRUE(journal.lines().empty());
}

TEST(EngineTapTest, TapIsBuiltOnItsLoopAndDetachedFromAnyThread) {
  Engine engine(loopbackConfig(), [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  Journal journal;
  const auto self = std::this_thread::get_id();
  const uint64_t id = engine.attachTap("live/cam", 1, factoryFor(journal, "a", self));
  ASSERT_NE(id, 0u);
  ASSERT_TRUE(journal.waitFor("a:start:waiting"));  // no publisher yet
  uint64_t detached = 0;
  std::thread other([&] { detached = engine.detachTap(id) ? 1 : 0; });
  other.join();
  EXPECT_EQ(detached, 1u);
  ASSERT_TRUE(journal.waitFor("a:detached"));
  EXPECT_FALSE(engine.detachTap(id));
  engine.stop();
  EXPECT_EQ(journal.lines(), (std::vector<std::string>{"a:built-on-loop:1:live/cam",
                                                       "a:start:waiting", "a:detached"}));
  EXPECT_EQ(engine.stats().streams.size(), 0u);
}

TEST(EngineTapTest, DetachRightAfterAttachRunsInOrder) {
  Engine engine(loopbackConfig(), [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  Journal journal;
  const uint64_t id = engine.attachTap("live", "cam", Engine::kAnyLoop,
                                       factoryFor(journal, "b", std::this_thread::get_id()));
  ASSERT_NE(id, 0u);
  EXPECT_TRUE(engine.detachTap(id));  // posted behind the attach on the same loop
  ASSERT_TRUE(journal.waitFor("b:detached"));
  engine.stop();
  EXPECT_EQ(journal.count("b:start:waiting"), 1u);
  EXPECT_EQ(journal.lines().back(), "b:detached");
}

TEST(EngineTapTest, StopDetachesEveryTapStillAttached) {
  Journal journal;
  {
    Engine engine(loopbackConfig(), [](EngineEvent&&) {});
    ASSERT_TRUE(engine.start().ok());
    const auto self = std::this_thread::get_id();
    ASSERT_NE(engine.attachTap("live", "one", 0, factoryFor(journal, "x", self)), 0u);
    ASSERT_NE(engine.attachTap("live", "two", 1, factoryFor(journal, "y", self)), 0u);
    ASSERT_NE(engine.attachTap("live", "one", Engine::kAnyLoop, factoryFor(journal, "z", self)),
              0u);
    engine.stop();  // no wait for the attaches: stop runs them, then detaches
    EXPECT_EQ(engine.attachTap("live", "one", 0, factoryFor(journal, "late", self)), 0u);
  }
  EXPECT_EQ(journal.count("x:detached"), 1u);
  EXPECT_EQ(journal.count("y:detached"), 1u);
  EXPECT_EQ(journal.count("z:detached"), 1u);
  EXPECT_EQ(journal.lines().size(), 9u);  // built, start, detached for each
}

TEST(EngineTapTest, DeclinedTapLeavesNoIdBehind) {
  Engine engine(loopbackConfig(), [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  Journal journal;
  const uint64_t id = engine.attachTap("live", "cam", 0, [&](const TapPlace&) {
    journal.add("declined");
    return std::unique_ptr<StreamTap>();
  });
  ASSERT_NE(id, 0u);
  ASSERT_TRUE(journal.waitFor("declined"));
  // A second tap on the same loop: once it started, the loop has finished
  // the first attach task too (posts run in order), id forgotten included.
  const uint64_t next =
      engine.attachTap("live", "cam", 0, factoryFor(journal, "n", std::this_thread::get_id()));
  ASSERT_TRUE(journal.waitFor("n:start:waiting"));
  EXPECT_FALSE(engine.detachTap(id));
  EXPECT_TRUE(engine.detachTap(next));
  engine.stop();
}

// A tap that calls back into the engine from onDetached, on its loop, while
// stop() is joining that loop: must neither deadlock nor reach a dead loop.
TEST(EngineTapTest, TapCallingTheEngineFromOnDetachedDuringStopIsSafe) {
  Engine engine(loopbackConfig(), [](EngineEvent&&) {});
  ASSERT_TRUE(engine.start().ok());
  Journal journal;
  struct CallsBack : StreamTap {
    CallsBack(Engine& e, Journal& j) : engine(e), journal(j) {}
    void onStart(const JoinSnapshot&) override { journal.add("started"); }
    void onMedia(const SharedMediaRef&) override {}
    void onPublisherGone() override {}
    void onPublisherBack() override {}
    void onDetached() override {
      const bool detached = engine.detachTap(1);  // its own id, already gone
      const uint64_t again = engine.attachTap(
          "live", "cam", 0, [](const TapPlace&) { return std::unique_ptr<StreamTap>(); });
      journal.add(detached || again != 0 ? "engine-still-open" : "engine-closed");
    }
    Engine& engine;
    Journal& journal;
  };
  const uint64_t id = engine.attachTap("live", "cam", 0, [&](const TapPlace&) {
    return std::make_unique<CallsBack>(engine, journal);
  });
  ASSERT_EQ(id, 1u);
  ASSERT_TRUE(journal.waitFor("started"));
  engine.stop();
  EXPECT_EQ(journal.lines(), (std::vector<std::string>{"started", "engine-closed"}));
}

TEST(EngineTapTest, PublishTapsCanBeRegisteredBeforeStart) {
  Engine engine(loopbackConfig(), [](EngineEvent&&) {});
  engine.addPublishTap("rec", [](const PublishTapRequest&) { return nullptr; });
  EXPECT_TRUE(engine.removePublishTap("rec"));
  EXPECT_FALSE(engine.removePublishTap("rec"));
}

}  // namespace
}  // namespace rtmp::server
