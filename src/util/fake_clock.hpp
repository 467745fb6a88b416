// SPDX-License-Identifier: Apache-2.0
//
// fake_clock.hpp — manual Clock and TimerService for unit tests (no sleeps): advance() moves
// both clocks and fires due timers in deadline order.
#pragma once

#include <map>
#include <utility>

#include "util/clock.hpp"

namespace insip::util {

class FakeClock final : public Clock {
 public:
  SteadyTime steadyNow() const override { return steady_; }
  SystemTime systemNow() const override { return system_; }
  void advance(Millis d) {
    steady_ += d;
    system_ += d;
  }
  void setSystem(SystemTime t) { system_ = t; }

 private:
  SteadyTime steady_{std::chrono::hours(1000)};
  SystemTime system_{std::chrono::sys_days{std::chrono::year{2026} / 12 / 3}};
};

class FakeTimerService final : public TimerService {
 public:
  Id schedule(Millis after, std::function<void()> fn) override {
    Id id = ++next_;
    timers_.emplace(std::make_pair(clock_.steadyNow() + after, id), std::move(fn));
    return id;
  }
  void cancel(Id id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }
  const Clock& clock() const override { return clock_; }
  FakeClock& fakeClock() { return clock_; }
  /// Moves time forward by `d`, firing every timer due on the way, in order.
  void advance(Millis d) {
    const SteadyTime end = clock_.steadyNow() + d;
    while (!timers_.empty() && timers_.begin()->first.first <= end) {
      auto it = timers_.begin();
      auto due = it->first.first;
      auto fn = std::move(it->second);
      timers_.erase(it);
      clock_.advance(std::chrono::duration_cast<Millis>(due - clock_.steadyNow()));
      fn();
    }
    clock_.advance(std::chrono::duration_cast<Millis>(end - clock_.steadyNow()));
  }
  std::size_t pending() const { return timers_.size(); }

 private:
  FakeClock clock_;
  Id next_ = 0;
  std::map<std::pair<SteadyTime, Id>, std::function<void()>> timers_;
};

}  // namespace insip::util
