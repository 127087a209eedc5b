#include "server/banned_answer_budget.h"

namespace rtmp::server {

bool BannedAnswerBudget::admit(int64_t nowMs) {
  if (!windowOpen_ || nowMs - windowStartMs_ >= 1'000) {
    windowOpen_ = true;
    windowStartMs_ = nowMs;
    answeredInWindow_ = 0;
  }
  if (answeredInWindow_ >= answersPerSecond_) return false;
  ++answeredInWindow_;
  return true;
}

bool BannedAnswerBudget::closedAtAccept(int64_t nowMs, uint64_t* unlogged) {
  if (logged_ && nowMs - lastLogMs_ < kLogEveryMs) {
    ++unlogged_;
    return false;
  }
  logged_ = true;
  lastLogMs_ = nowMs;
  *unlogged = unlogged_;
  unlogged_ = 0;
  return true;
}

}  // namespace rtmp::server
