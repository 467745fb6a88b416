// SPDX-License-Identifier: Apache-2.0
//
// clock.hpp — injectable time (CONVENTIONS R9): nonces, lockouts, registrations and transaction
// timers read time only through these ports, so tests run without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace insip::util {

using SteadyTime = std::chrono::steady_clock::time_point;
using SystemTime = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

/// Read-only time source. Thread affinity: any.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Monotonic time for timers and rate windows.
  virtual SteadyTime steadyNow() const = 0;
  /// Wall-clock time for expiries that must survive a restart (bindings, nonces).
  virtual SystemTime systemNow() const = 0;
};

/// The real clock.
class RealClock final : public Clock {
 public:
  SteadyTime steadyNow() const override { return std::chrono::steady_clock::now(); }
  SystemTime systemNow() const override { return std::chrono::system_clock::now(); }
};

/// Timers (RFC 3261 §17 timers, Timer C, expiry sweeps). Callbacks run on the loop thread that owns
/// the service; schedule/cancel must be called on that thread.
class TimerService {
 public:
  using Id = std::uint64_t;  // 0 is never a valid id
  virtual ~TimerService() = default;
  virtual Id schedule(Millis after, std::function<void()> fn) = 0;
  /// Cancelling an id that already fired or was cancelled is a no-op.
  virtual void cancel(Id id) = 0;
  virtual const Clock& clock() const = 0;
};

}  // namespace insip::util
