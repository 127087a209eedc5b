// Counts operator new calls on the calling thread while a function runs: the
// test binary replaces the global operator new (alloc_counter.cc) with one that
// counts on threads that asked, and is plain malloc otherwise.
#pragma once

#include <cstdint>

namespace rtmp::testing {

void beginCountingAllocations();
// Returns the allocations on this thread since beginCountingAllocations().
uint64_t endCountingAllocations();

template <typename Fn>
uint64_t allocationsDuring(Fn&& fn) {
  beginCountingAllocations();
  fn();
  return endCountingAllocations();
}

}  // namespace rtmp::testing
