#include "net/alloc_counter.h"

#include <cstdlib>
#include <new>

namespace {
thread_local bool tCounting = false;
thread_local uint64_t tAllocations = 0;
}  // namespace

namespace rtmp::testing {

void beginCountingAllocations() {
  tAllocations = 0;
  tCounting = true;
}

uint64_t endCountingAllocations() {
  tCounting = false;
  return tAllocations;
}

}  // namespace rtmp::testing

// The replaced allocation functions (aligned forms keep the library's own).
void* operator new(std::size_t size) {
  if (tCounting) ++tAllocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return ::operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
