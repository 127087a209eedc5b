// FakeLoop: a manual Executor standing in for one I/O loop, so sessions and
// streams are tested without threads. post() only queues; the test runs the
// queue with drain(). isCurrent() is true while this loop is "running": inside
// drain(), or inside a Scope a test client opens around calls into a session
// that lives on this loop. A test can also force the answer.
//
// Each fake loop owns the LoopFanouts map its sessions use, as a LoopContext does.
//
// Header-only and free of GoogleTest so fuzz/session_fuzzer.cc can use it too.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "server/executor.h"
#include "server/loop_services.h"
#include "server/stream.h"

namespace rtmp::server::testing {

class FakeLoop : public Executor, public LoopServices {
 public:
  explicit FakeLoop(uint32_t index) : index_(index) {}
  FakeLoop(const FakeLoop&) = delete;
  FakeLoop& operator=(const FakeLoop&) = delete;

  bool post(std::function<void()> fn) override {
    ++posts_;
    if (stopped_) return false;
    queue_.push_back(std::move(fn));
    return true;
  }
  bool postTask(std::unique_ptr<net::Task> task) override {
    // Counted and queued like any post; the queue holds closures.
    std::shared_ptr<net::Task> shared(std::move(task));
    return post([shared] { shared->run(); });
  }
  uint32_t index() const override { return index_; }
  bool isCurrent() const override { return forced_ ? *forced_ : running() == this; }

  // Marks this loop as the running one until the Scope ends (nests).
  class Scope {
   public:
    explicit Scope(FakeLoop* loop) : previous_(running()) { running() = loop; }
    ~Scope() { running() = previous_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    FakeLoop* previous_;
  };
  [[nodiscard]] Scope enter() { return Scope(this); }

  // Runs queued work, including work posted while draining, in post order.
  // Returns how many closures ran.
  size_t drain() {
    Scope scope(this);
    size_t ran = 0;
    while (!queue_.empty()) {
      std::function<void()> fn = std::move(queue_.front());
      queue_.pop_front();
      fn();
      ++ran;
    }
    return ran;
  }

  size_t pending() const { return queue_.size(); }
  // Every post() call so far, accepted or not.
  uint64_t posts() const { return posts_; }
  // nullopt: answer by the running loop (default).
  void forceCurrent(std::optional<bool> current) { forced_ = current; }
  // Refuse further posts (an executor that stopped).
  void stop() { stopped_ = true; }

  // LoopServices.
  Executor& executor() override { return *this; }
  LoopFanouts& fanouts() override { return fanouts_; }
  // Taps attached on this loop over all streams.
  size_t tapCount() const {
    size_t n = 0;
    for (const auto& [stream, fanout] : fanouts_) n += fanout->size();
    return n;
  }

 private:
  static FakeLoop*& running() {
    static thread_local FakeLoop* current = nullptr;
    return current;
  }

  const uint32_t index_;
  std::deque<std::function<void()>> queue_;
  uint64_t posts_ = 0;
  bool stopped_ = false;
  std::optional<bool> forced_;
  LoopFanouts fanouts_;
};

}  // namespace rtmp::server::testing
