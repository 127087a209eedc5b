#include "net/loop_pool.h"

#include <thread>

namespace rtmp::net {

LoopPool::LoopPool(LoopPoolOptions options) : balance_(options.balance) {
  size_t count = options.threads;
  if (count == 0) {
    count = std::thread::hardware_concurrency();
  }
  if (count == 0) {
    count = 1;
  }
  loops_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    loops_.push_back(std::make_unique<LoopThread>(options.name, i));
  }
}

LoopPool::~LoopPool() {
  stop();
}

base::Status LoopPool::start() {
  for (auto& loop : loops_) {
    base::Status status = loop->start();
    if (!status.ok()) {
      stop();
      return std::move(status).error().withContext("loop pool start");
    }
  }
  return base::okStatus();
}

void LoopPool::stop(base::Error reason) {
  // Request first, join second: the loops close their handles in parallel.
  for (auto& loop : loops_) {
    loop->requestStop(reason);
  }
  for (auto& loop : loops_) {
    loop->join();
  }
}

LoopThread& LoopPool::pick() {
  const size_t n = loops_.size();
  const size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  if (balance_ == Balance::kRoundRobin || n == 1) {
    return *loops_[start % n];
  }
  // Least connections. Counts move under us; an approximate minimum is fine.
  // Starting the scan at a rotating index spreads ties evenly.
  size_t best = start % n;
  size_t bestCount = loops_[best]->connectionCount();
  for (size_t k = 1; k < n && bestCount != 0; ++k) {
    const size_t i = (start + k) % n;
    const size_t count = loops_[i]->connectionCount();
    if (count < bestCount) {
      best = i;
      bestCount = count;
    }
  }
  return *loops_[best];
}

void LoopPool::forEach(const std::function<void(LoopThread&)>& fn) {
  for (auto& loop : loops_) {
    fn(*loop);
  }
}

size_t LoopPool::handlesLeftAtStop() const {
  size_t total = 0;
  for (const auto& loop : loops_) {
    total += loop->handlesLeftAtStop();
  }
  return total;
}

bool LoopPool::isLoopThread() const {
  for (const auto& loop : loops_) {
    if (loop->isCurrentThread()) {
      return true;
    }
  }
  return false;
}

}  // namespace rtmp::net
