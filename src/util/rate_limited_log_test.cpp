// SPDX-License-Identifier: Apache-2.0
#include "util/rate_limited_log.hpp"

#include <gtest/gtest.h>

#include "util/fake_clock.hpp"

namespace insip::util {
namespace {

TEST(LogRateLimiter, LetsThroughAtMostTheConfiguredNumberOfLinesPerWindow) {
  FakeClock clock;
  LogRateLimiter limiter(3, std::chrono::seconds(1), &clock);
  int passed = 0;
  for (int i = 0; i < 1000; ++i) passed += limiter.allow() ? 1 : 0;
  EXPECT_EQ(passed, 3);
  EXPECT_EQ(limiter.totalSuppressed(), 997u);
}

TEST(LogRateLimiter, ReportsTheSuppressedCountOnceWhenTheNextWindowOpens) {
  FakeClock clock;
  LogRateLimiter limiter(2, std::chrono::seconds(1), &clock);
  std::uint64_t suppressed = 99;
  for (int i = 0; i < 7; ++i) limiter.allow(&suppressed);
  EXPECT_EQ(suppressed, 0u);  // still in the first window
  clock.advance(std::chrono::milliseconds(999));
  EXPECT_FALSE(limiter.allow(&suppressed));
  EXPECT_EQ(suppressed, 0u);
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_TRUE(limiter.allow(&suppressed));
  EXPECT_EQ(suppressed, 6u);  // 5 in the first window + 1 at 999 ms
  EXPECT_TRUE(limiter.allow(&suppressed));
  EXPECT_EQ(suppressed, 0u);  // reported once only
  EXPECT_FALSE(limiter.allow(&suppressed));
}

TEST(LogRateLimiter, WithAZeroBudgetSuppressesEverything) {
  FakeClock clock;
  LogRateLimiter limiter(0, std::chrono::seconds(1), &clock);
  EXPECT_FALSE(limiter.allow());
  clock.advance(std::chrono::seconds(5));
  EXPECT_FALSE(limiter.allow());
  EXPECT_EQ(limiter.totalSuppressed(), 2u);
}

TEST(RateLimitedLog, CountsSuppressedLinesOfAFlood) {
  FakeClock clock;
  RateLimitedLog log("test", 5, std::chrono::seconds(1), &clock);
  for (int i = 0; i < 100; ++i) log.warn("bad input {}", i);
  EXPECT_EQ(log.totalSuppressed(), 95u);
}

}  // namespace
}  // namespace insip::util
