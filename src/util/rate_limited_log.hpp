// SPDX-License-Identifier: Apache-2.0
//
// rate_limited_log.hpp — log lines about untrusted input, bounded per time window. A flood of bad
// input (scanners, broken phones, fuzzers) must not flood the log (issue 3): each RateLimitedLog
// lets at most `per_window` lines through per window; the rest are counted and summarised in one
// "N similar lines suppressed" line when the next window opens. Time comes from util::Clock so
// tests need no sleeping. Single-threaded (the SIP loop), like the counters it accompanies.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "util/clock.hpp"

namespace insip::util {

/// The decision part, without spdlog: at most `per_window` allowances per window.
class LogRateLimiter {
 public:
  explicit LogRateLimiter(std::uint32_t per_window = 10, Millis window = std::chrono::seconds(1),
                          const Clock* clock = nullptr);
  /// True when a line may be written now. When a new window opens with lines suppressed in the
  /// previous one, `*suppressed` (if given) receives their number (else 0).
  bool allow(std::uint64_t* suppressed = nullptr);
  /// Lines refused so far in total (also a counter for STATS).
  std::uint64_t totalSuppressed() const { return total_suppressed_; }

 private:
  SteadyTime now() const;
  std::uint32_t per_window_;
  Millis window_;
  const Clock* clock_;
  SteadyTime window_start_{};
  bool started_ = false;
  std::uint32_t count_ = 0;
  std::uint64_t suppressed_ = 0;
  std::uint64_t total_suppressed_ = 0;
};

/// spdlog front end: `topic` names the source in the summary line ("transport", "parser", ...).
class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::string topic, std::uint32_t per_window = 10,
                          Millis window = std::chrono::seconds(1), const Clock* clock = nullptr)
      : topic_(std::move(topic)), limiter_(per_window, window, clock) {}

  template <class... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) {
    if (pass()) spdlog::warn(f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) {
    if (pass()) spdlog::info(f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) {
    if (!spdlog::should_log(spdlog::level::debug)) return;
    if (pass()) spdlog::debug(f, std::forward<Args>(args)...);
  }
  std::uint64_t totalSuppressed() const { return limiter_.totalSuppressed(); }

 private:
  bool pass() {
    std::uint64_t suppressed = 0;
    const bool ok = limiter_.allow(&suppressed);
    if (suppressed > 0) spdlog::warn("{}: {} similar log lines suppressed", topic_, suppressed);
    return ok;
  }
  std::string topic_;
  LogRateLimiter limiter_;
};

}  // namespace insip::util
