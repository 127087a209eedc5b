#include "server/held_media.h"

namespace rtmp::server {

HoldList& HoldList::forThisThread() {
  // One per loop thread, as the read buffer and the write scratch are: every
  // connection of a loop shares it. Empty whenever no connection holds media.
  static thread_local HoldList list;
  return list;
}

uint32_t HoldList::hold(const base::Bytes& bytes) {
  if (!entries_.empty()) {
    const base::Bytes& last = entries_.back();
    if (last.data() == bytes.data() && last.size() == bytes.size()) {
      return static_cast<uint32_t>(entries_.size() - 1);
    }
  }
  entries_.push_back(bytes);
  return static_cast<uint32_t>(entries_.size() - 1);
}

void HoldList::removeHolder() {
  if (--holders_ == 0) entries_.clear();  // capacity kept
}

void HeldMedia::add(const base::Bytes& bytes) {
  if (bytes.empty()) return;
  const uint32_t index = list_.hold(bytes);
  if (buffers_ == 0) {
    list_.addHolder();
    first_ = Run{index, index + 1};
  } else {
    Run& last = more_.empty() ? first_ : more_.back();
    if (last.end == index) {
      ++last.end;
    } else {
      more_.push_back(Run{index, index + 1});
    }
  }
  ++buffers_;
  bytes_ += bytes.size();
}

std::span<const base::Bytes> HeldMedia::view() {
  if (buffers_ == 0) return {};
  if (more_.empty()) return list_.range(first_.begin, first_.end);
  std::vector<base::Bytes>& out = list_.scratch();
  out.clear();
  out.reserve(buffers_);
  for (const base::Bytes& b : list_.range(first_.begin, first_.end)) out.push_back(b);
  for (const Run& run : more_) {
    for (const base::Bytes& b : list_.range(run.begin, run.end)) out.push_back(b);
  }
  gathered_ = true;
  return out;
}

void HeldMedia::clear() {
  if (buffers_ == 0) return;
  if (gathered_) {
    list_.releaseScratch();
    gathered_ = false;
  }
  more_.clear();
  buffers_ = 0;
  bytes_ = 0;
  list_.removeHolder();
}

}  // namespace rtmp::server
