// SPDX-License-Identifier: Apache-2.0
#include "auth/lockout.hpp"

#include <gtest/gtest.h>

#include "util/fake_clock.hpp"

namespace insip::auth {
namespace {

using namespace std::chrono_literals;

TEST(LockoutTracker, LocksAUserAfterMaxFailures) {
  util::FakeClock clock;
  LockoutTracker lockout(3, 60s, clock);
  lockout.recordFailure("alice");
  lockout.recordFailure("alice");
  EXPECT_FALSE(lockout.isLocked("alice"));
  lockout.recordFailure("alice");
  EXPECT_TRUE(lockout.isLocked("alice"));
  EXPECT_FALSE(lockout.isLocked("bob"));
}

TEST(LockoutTracker, UnlocksWhenTheLockoutDurationHasPassed) {
  util::FakeClock clock;
  LockoutTracker lockout(2, 60s, clock);
  lockout.recordFailure("alice");
  lockout.recordFailure("alice");
  clock.advance(59s);
  EXPECT_TRUE(lockout.isLocked("alice"));
  clock.advance(1s);
  EXPECT_FALSE(lockout.isLocked("alice"));
  // The count restarted: one more failure does not lock again.
  lockout.recordFailure("alice");
  EXPECT_FALSE(lockout.isLocked("alice"));
}

TEST(LockoutTracker, FailuresWhileLockedDoNotExtendTheLock) {
  util::FakeClock clock;
  LockoutTracker lockout(1, 60s, clock);
  lockout.recordFailure("alice");
  clock.advance(50s);
  lockout.recordFailure("alice");
  clock.advance(10s);
  EXPECT_FALSE(lockout.isLocked("alice"));
}

TEST(LockoutTracker, SuccessClearsTheCount) {
  util::FakeClock clock;
  LockoutTracker lockout(2, 60s, clock);
  lockout.recordFailure("alice");
  lockout.recordSuccess("alice");
  lockout.recordFailure("alice");
  EXPECT_FALSE(lockout.isLocked("alice"));
  EXPECT_EQ(lockout.size(), 1u);
}

TEST(LockoutTracker, ForgetsFailuresOlderThanTheWindow) {
  util::FakeClock clock;
  LockoutTracker lockout(2, 60s, clock);
  lockout.recordFailure("alice");
  clock.advance(61s);
  lockout.recordFailure("alice");
  EXPECT_FALSE(lockout.isLocked("alice"));
}

TEST(LockoutTracker, ZeroMaxFailuresDisablesLockout) {
  util::FakeClock clock;
  LockoutTracker lockout(0, 60s, clock);
  for (int i = 0; i < 100; ++i) {
    lockout.recordFailure("alice");
  }
  EXPECT_FALSE(lockout.isLocked("alice"));
  EXPECT_EQ(lockout.size(), 0u);
}

TEST(LockoutTracker, StaysWithinItsEntryCapUnderAFloodOfNames) {
  util::FakeClock clock;
  LockoutTracker lockout(3, 60s, clock, 100);
  for (int i = 0; i < 10000; ++i) {
    lockout.recordFailure("user" + std::to_string(i));
  }
  EXPECT_LE(lockout.size(), 100u);
}

TEST(LockoutTracker, AFloodOfOtherNamesDoesNotUnlockAVictim) {
  util::FakeClock clock;
  LockoutTracker lockout(2, 60s, clock, 10);
  lockout.recordFailure("victim");
  lockout.recordFailure("victim");
  ASSERT_TRUE(lockout.isLocked("victim"));
  for (int i = 0; i < 1000; ++i) {
    lockout.recordFailure("junk" + std::to_string(i));
  }
  EXPECT_TRUE(lockout.isLocked("victim"));
  EXPECT_LE(lockout.size(), 10u);
}

TEST(LockoutTracker, ExpiredEntriesAreReclaimed) {
  util::FakeClock clock;
  LockoutTracker lockout(5, 60s, clock, 10);
  for (int i = 0; i < 10; ++i) {
    lockout.recordFailure("old" + std::to_string(i));
  }
  clock.advance(61s);
  lockout.recordFailure("new");
  EXPECT_EQ(lockout.size(), 1u);
}

}  // namespace
}  // namespace insip::auth
