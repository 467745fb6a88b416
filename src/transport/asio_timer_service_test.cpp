// SPDX-License-Identifier: Apache-2.0
// Tests of makeAsioTimerService: real io_context, short real delays, bounded run loops.
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "transport/transport.hpp"

namespace insip::transport {
namespace {

using namespace std::chrono_literals;
using util::Millis;

/// Runs `io` until `done()` or `limit` passes; returns done().
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds limit = 3000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {  // done() may have side effects: call it once per round
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    io.restart();
    io.run_for(5ms);
  }
}

TEST(AsioTimerService, TimersFireInDeadlineOrderNotSchedulingOrder) {
  boost::asio::io_context io;
  auto timers = makeAsioTimerService(io);
  std::vector<int> fired;
  timers->schedule(Millis(60), [&] { fired.push_back(60); });
  timers->schedule(Millis(20), [&] { fired.push_back(20); });
  timers->schedule(Millis(40), [&] { fired.push_back(40); });
  timers->schedule(Millis(0), [&] { fired.push_back(0); });
  ASSERT_TRUE(runUntil(io, [&] { return fired.size() == 4; }));
  EXPECT_EQ(fired, (std::vector<int>{0, 20, 40, 60}));
}

TEST(AsioTimerService, ATimerDoesNotFireBeforeItsDelay) {
  boost::asio::io_context io;
  auto timers = makeAsioTimerService(io);
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point at{};
  timers->schedule(Millis(50), [&] { at = std::chrono::steady_clock::now(); });
  ASSERT_TRUE(runUntil(io, [&] { return at != std::chrono::steady_clock::time_point{}; }));
  EXPECT_GE(at - start, 50ms);
}

TEST(AsioTimerService, CancelledTimerNeverFiresAndOthersStillDo) {
  boost::asio::io_context io;
  auto timers = makeAsioTimerService(io);
  bool a = false, b = false, c = false;
  const auto ida = timers->schedule(Millis(10), [&] { a = true; });
  timers->schedule(Millis(30), [&] { b = true; });
  const auto idc = timers->schedule(Millis(20), [&] { c = true; });
  EXPECT_NE(ida, 0u);
  EXPECT_NE(ida, idc);
  timers->cancel(ida);  // the earliest: the armed deadline must move on
  timers->cancel(idc);
  ASSERT_TRUE(runUntil(io, [&] { return b; }));
  io.restart();
  io.run_for(20ms);
  EXPECT_FALSE(a);
  EXPECT_FALSE(c);
}

TEST(AsioTimerService, CancellingAFiredOrUnknownIdIsANoOp) {
  boost::asio::io_context io;
  auto timers = makeAsioTimerService(io);
  int n = 0;
  const auto id = timers->schedule(Millis(1), [&] { ++n; });
  ASSERT_TRUE(runUntil(io, [&] { return n == 1; }));
  timers->cancel(id);
  timers->cancel(id);
  timers->cancel(123456);
  bool later = false;
  timers->schedule(Millis(1), [&] { later = true; });
  EXPECT_TRUE(runUntil(io, [&] { return later; }));
  EXPECT_EQ(n, 1);
}

TEST(AsioTimerService, CallbacksMayScheduleAndCancelOtherTimers) {
  boost::asio::io_context io;
  auto timers = makeAsioTimerService(io);
  std::vector<std::string> log;
  util::TimerService::Id victim = timers->schedule(Millis(40), [&] { log.push_back("victim"); });
  timers->schedule(Millis(5), [&] {
    log.push_back("first");
    timers->cancel(victim);
    timers->schedule(Millis(5), [&] { log.push_back("child"); });
  });
  timers->schedule(Millis(60), [&] { log.push_back("last"); });
  ASSERT_TRUE(runUntil(io, [&] { return log.size() >= 3 && log.back() == "last"; }));
  EXPECT_EQ(log, (std::vector<std::string>{"first", "child", "last"}));
}

TEST(AsioTimerService, HundredThousandTimersHalfCancelledFireInOrder) {
  boost::asio::io_context io;
  auto timers = makeAsioTimerService(io);
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> delay(0, 100);
  constexpr int kCount = 100000;
  std::vector<util::TimerService::Id> ids;
  ids.reserve(kCount);
  int fired = 0;
  bool ordered = true;
  bool early = false;
  std::chrono::steady_clock::time_point max_lower{};  // latest lower bound among fired timers
  std::vector<bool> cancelled(kCount, false);
  bool fired_cancelled = false;
  for (int i = 0; i < kCount; ++i) {
    const auto d = Millis(delay(rng));
    // The service reads the clock inside schedule(): its deadline lies in [lower, upper].
    const auto lower = std::chrono::steady_clock::now() + d;
    auto upper = std::make_shared<std::chrono::steady_clock::time_point>();
    ids.push_back(timers->schedule(d, [&, i, lower, upper] {
      ++fired;
      if (cancelled[i]) fired_cancelled = true;
      if (std::chrono::steady_clock::now() < lower) early = true;
      // Deadline order: every timer fired before this one had a deadline <= ours.
      if (max_lower > *upper) ordered = false;
      max_lower = std::max(max_lower, lower);
    }));
    *upper = std::chrono::steady_clock::now() + d;
  }
  for (int i = 0; i < kCount; i += 2) {
    cancelled[i] = true;
    timers->cancel(ids[i]);
  }
  ASSERT_TRUE(runUntil(io, [&] { return fired == kCount / 2; }, 10000ms));
  io.restart();
  io.run_for(20ms);
  EXPECT_EQ(fired, kCount / 2);
  EXPECT_FALSE(fired_cancelled);
  EXPECT_TRUE(ordered);
  EXPECT_FALSE(early);
}

TEST(AsioTimerService, DestroyingTheServiceDropsPendingTimersSafely) {
  boost::asio::io_context io;
  bool fired = false;
  {
    auto timers = makeAsioTimerService(io);
    timers->schedule(Millis(1), [&] { fired = true; });
  }
  io.restart();
  io.run_for(20ms);
  EXPECT_FALSE(fired);
}

TEST(AsioTimerService, ClockIsTheRealSteadyClock) {
  boost::asio::io_context io;
  auto timers = makeAsioTimerService(io);
  const auto before = std::chrono::steady_clock::now();
  const auto t = timers->clock().steadyNow();
  const auto after = std::chrono::steady_clock::now();
  EXPECT_LE(before, t);
  EXPECT_LE(t, after);
}

}  // namespace
}  // namespace insip::transport
