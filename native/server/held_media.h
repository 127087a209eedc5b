// HeldMedia: the media one connection holds for its next gathered write, as
// runs of indices into its loop's HoldList, which keeps one reference per
// message for all the connections of that loop.
//
// Why not a base::Bytes copy per player: every player of a stream on a loop
// gets the same chunk bytes for a message. A copy per player is an atomic
// increment on the shared block when held and a decrement after the write,
// per player per message — 2000 atomic operations per message at 1000
// players, on a cache line that the stream's other loops touch too. Here the
// first player of a message puts it in the loop's list; the next players see
// that the list's last entry is the very same bytes and only extend their run.
// A player in the steady state holds one run [begin, end) and writes it as one
// contiguous span of the list: no per-player reference, copy or allocation.
//
// Rules:
// - "The same bytes" is the same memory (data pointer and size). The list
//   holds a reference to its last entry, so that memory is alive and, Bytes
//   being immutable, has the same content.
// - Bytes that are not the last entry (a player's own type-0 start, a message
//   after another player's own start) are appended: one reference each, as
//   before. A player whose holdings are not one run (two streams interleaved
//   on the loop, a join) is gathered into a scratch array at write time.
// - The list empties when its last holder lets go (every connection of the
//   loop wrote or dropped what it held: each batch flush ends that way), and
//   keeps its capacity, so the steady state allocates nothing.
//
// Threading: a HoldList belongs to one loop thread (HoldList::forThisThread),
// and so does every HeldMedia that points into it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"

namespace rtmp::server {

class HoldList {
 public:
  // The list of the calling thread (one loop is one thread).
  static HoldList& forThisThread();

  // Index of `bytes` in the list: the last entry when it is the same bytes,
  // otherwise a new last entry (one reference).
  uint32_t hold(const base::Bytes& bytes);
  // Entries [begin, end), valid until the list changes.
  std::span<const base::Bytes> range(uint32_t begin, uint32_t end) const {
    return {entries_.data() + begin, end - begin};
  }

  // Holders: HeldMedia objects holding at least one run here.
  void addHolder() { ++holders_; }
  void removeHolder();
  size_t holders() const { return holders_; }
  size_t size() const { return entries_.size(); }

  // Scratch for a write of several runs; cleared (references released) by
  // releaseScratch() right after that write.
  std::vector<base::Bytes>& scratch() { return scratch_; }
  void releaseScratch() { scratch_.clear(); }

 private:
  std::vector<base::Bytes> entries_;
  std::vector<base::Bytes> scratch_;
  size_t holders_ = 0;
};

class HeldMedia {
 public:
  explicit HeldMedia(HoldList& list) : list_(list) {}
  ~HeldMedia() { clear(); }
  HeldMedia(const HeldMedia&) = delete;
  HeldMedia& operator=(const HeldMedia&) = delete;

  // Holds `bytes` after everything held (empty bytes are skipped).
  void add(const base::Bytes& bytes);
  bool empty() const { return buffers_ == 0; }
  size_t buffers() const { return buffers_; }
  uint64_t bytes() const { return bytes_; }

  // Everything held, in order, as one span: a span of the list for one run,
  // otherwise gathered into the list's scratch. Valid until clear().
  std::span<const base::Bytes> view();
  // Lets go of everything held (and of the scratch view()).
  void clear();

 private:
  struct Run {
    uint32_t begin;
    uint32_t end;
  };
  HoldList& list_;
  // The first run lives here (the steady state touches no other memory);
  // more_ holds the runs after it, when there are any.
  Run first_{0, 0};
  std::vector<Run> more_;
  size_t buffers_ = 0;
  uint64_t bytes_ = 0;
  bool gathered_ = false;  // view() used the list's scratch
};

}  // namespace rtmp::server
