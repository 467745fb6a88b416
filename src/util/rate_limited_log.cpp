// SPDX-License-Identifier: Apache-2.0
#include "util/rate_limited_log.hpp"

namespace insip::util {

LogRateLimiter::LogRateLimiter(std::uint32_t per_window, Millis window, const Clock* clock)
    : per_window_(per_window), window_(window), clock_(clock) {}

SteadyTime LogRateLimiter::now() const {
  return clock_ != nullptr ? clock_->steadyNow() : std::chrono::steady_clock::now();
}

bool LogRateLimiter::allow(std::uint64_t* suppressed) {
  if (suppressed != nullptr) *suppressed = 0;
  const SteadyTime t = now();
  if (!started_ || t - window_start_ >= window_) {
    if (suppressed != nullptr) *suppressed = suppressed_;
    started_ = true;
    window_start_ = t;
    count_ = 0;
    suppressed_ = 0;
  }
  if (count_ >= per_window_) {
    ++suppressed_;
    ++total_suppressed_;
    return false;
  }
  ++count_;
  return true;
}

}  // namespace insip::util
