// BannedAnswerBudget: how many banned connections a second are answered, and
// how often the ones closed at accept are logged. Time is passed in.
#include "server/banned_answer_budget.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace rtmp::server::testing {
namespace {

int admitted(BannedAnswerBudget& budget, int tries, int64_t nowMs) {
  int n = 0;
  for (int i = 0; i < tries; ++i) n += budget.admit(nowMs) ? 1 : 0;
  return n;
}

TEST(BannedAnswerBudgetTest, AnswersTenASecondByDefault) {
  BannedAnswerBudget budget;
  EXPECT_EQ(admitted(budget, 50, 1'000), 10);
}

TEST(BannedAnswerBudgetTest, TheNextSecondAnswersTenMore) {
  BannedAnswerBudget budget(3);
  EXPECT_EQ(admitted(budget, 5, 0), 3);
  EXPECT_EQ(admitted(budget, 5, 999), 0);  // still the same window
  EXPECT_EQ(admitted(budget, 5, 1'000), 3);
}

TEST(BannedAnswerBudgetTest, ZeroAnswersNone) {
  BannedAnswerBudget budget(0);
  EXPECT_EQ(admitted(budget, 5, 0), 0);
}

TEST(BannedAnswerBudgetTest, LogsTheFirstCloseAtOnce) {
  BannedAnswerBudget budget;
  uint64_t unlogged = 99;
  EXPECT_TRUE(budget.closedAtAccept(0, &unlogged));
  EXPECT_EQ(unlogged, 0u);
}

TEST(BannedAnswerBudgetTest, LogsAtMostOnceASecondWithTheCountLeftOut) {
  BannedAnswerBudget budget;
  uint64_t unlogged = 0;
  ASSERT_TRUE(budget.closedAtAccept(5'000, &unlogged));
  int logged = 0;
  for (int i = 1; i <= 500; ++i) logged += budget.closedAtAccept(5'000 + i, &unlogged) ? 1 : 0;
  EXPECT_EQ(logged, 0);  // 500 closes within 0.5 s: no line
  ASSERT_TRUE(budget.closedAtAccept(6'000, &unlogged));
  EXPECT_EQ(unlogged, 500u);
  ASSERT_TRUE(budget.closedAtAccept(7'500, &unlogged));
  EXPECT_EQ(unlogged, 0u);
}

}  // namespace
}  // namespace rtmp::server::testing
