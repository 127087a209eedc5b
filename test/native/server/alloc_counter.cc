// Each test binary needs its own replacement of the global operator new: the
// server tests use the one written for the net tests.
#include "net/alloc_counter.cc"  // NOLINT(bugprone-suspicious-include)
