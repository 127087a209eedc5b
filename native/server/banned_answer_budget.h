// The accept path's budget for connections from banned addresses (issue 14).
// A banned client should hear why, so up to answersPerSecond of them a second
// (engine-wide) are let in: the session completes the handshake and answers
// `connect` with NetConnection.Connect.Rejected "address … banned for N s"
// (Session::refuseByBan). Past that, a flood from banned addresses costs only
// an accept and a close each, and those closes are logged at most once a
// second, with how many were not logged in between.
//
// Pure: time comes in as milliseconds on any monotonic clock. Not thread-safe:
// one accept thread owns it (both listeners accept on loop 0).
#pragma once

#include <cstdint>

namespace rtmp::server {

class BannedAnswerBudget {
 public:
  static constexpr int64_t kDefaultAnswersPerSecond = 10;
  static constexpr int64_t kLogEveryMs = 1'000;

  explicit BannedAnswerBudget(int64_t answersPerSecond = kDefaultAnswersPerSecond)
      : answersPerSecond_(answersPerSecond) {}

  // True: let this banned connection in, to be answered at connect. False:
  // close it at accept (then call closedAtAccept).
  bool admit(int64_t nowMs);

  // Counts one connection closed at accept. Returns true when it should be
  // logged now; `unlogged` is then the closes since the last logged one that
  // were not logged (0 for the first line).
  bool closedAtAccept(int64_t nowMs, uint64_t* unlogged);

 private:
  const int64_t answersPerSecond_;
  bool windowOpen_ = false;
  int64_t windowStartMs_ = 0;  // fixed one-second windows, from the first admit
  int64_t answeredInWindow_ = 0;
  bool logged_ = false;
  int64_t lastLogMs_ = 0;
  uint64_t unlogged_ = 0;
};

}  // namespace rtmp::server
