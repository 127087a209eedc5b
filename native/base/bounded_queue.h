// BoundedQueue: a thread-safe, non-blocking, drop-when-full hand-off from any
// number of producers to one consumer, bounded in items and in bytes.
//
// It is the queue part of the media channels to JS (segment/part bytes,
// decoded frames; see binding/bounded_channel.h): a producer on a loop or
// decode thread never waits, and a consumer that falls behind costs dropped
// items, counted, never memory. The consumer takes everything at once.
//
// tryPush() reports whether the queue was empty before, so the producer can
// post exactly one wake-up per empty -> non-empty transition (the consumer
// drains the whole queue per wake-up).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace rtmp::base {

struct BoundedQueueLimits {
  size_t maxItems = 64;
  size_t maxBytes = 16 * 1024 * 1024;
};

struct BoundedQueueCounters {
  uint64_t pushed = 0;        // items accepted
  uint64_t dropped = 0;       // items refused because the queue was full (or closed)
  uint64_t droppedBytes = 0;  // their byte sizes
};

enum class PushResult {
  kFirst,    // accepted into an empty queue: the consumer needs a wake-up
  kQueued,   // accepted behind others: a wake-up is already due
  kDropped,  // refused (full or closed) and counted
};

template <typename Item>
class BoundedQueue {
 public:
  explicit BoundedQueue(BoundedQueueLimits limits) : limits_(limits) {}

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Any thread, never blocks beyond a short lock. `bytes` is what the item
  // holds in memory (payload size). An item larger than maxBytes is always
  // refused; a full queue refuses the newest item (the consumer keeps order).
  PushResult tryPush(Item&& item, size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || items_.size() >= limits_.maxItems || bytes > limits_.maxBytes - bytes_) {
      ++counters_.dropped;
      counters_.droppedBytes += bytes;
      return PushResult::kDropped;
    }
    const bool wasEmpty = items_.empty();
    items_.push_back(Entry{std::move(item), bytes});
    bytes_ += bytes;
    ++counters_.pushed;
    return wasEmpty ? PushResult::kFirst : PushResult::kQueued;
  }

  // Consumer: everything queued, oldest first; the queue is empty afterwards.
  std::vector<Item> takeAll() {
    std::vector<Entry> entries;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      entries.swap(items_);
      bytes_ = 0;
    }
    std::vector<Item> out;
    out.reserve(entries.size());
    for (Entry& e : entries) out.push_back(std::move(e.item));
    return out;
  }

  // Later pushes are refused (and counted); queued items can still be taken.
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }

  BoundedQueueCounters counters() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counters_;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }
  size_t bytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
  }
  const BoundedQueueLimits& limits() const { return limits_; }

 private:
  struct Entry {
    Item item;
    size_t bytes;
  };

  const BoundedQueueLimits limits_;
  mutable std::mutex mutex_;
  std::vector<Entry> items_;
  size_t bytes_ = 0;
  bool closed_ = false;
  BoundedQueueCounters counters_;
};

}  // namespace rtmp::base
