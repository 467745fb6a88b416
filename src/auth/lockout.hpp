// SPDX-License-Identifier: Apache-2.0
//
// lockout.hpp — LockoutTracker: after max_failures wrong answers for one user name, that name is
// refused (403) for the lockout duration. Slows online password guessing (RFC 7616 §5.13 leaves
// brute force to the server; RFC 3261 §26.3.2.4 DoS considerations).
// Failures are counted for any user name, known or not, so lockout does not reveal which names
// exist. Memory is bounded: idle entries expire, and beyond max_entries the least recently
// active *unlocked* entry is evicted first (a flood of random names cannot unlock a victim
// cheaply); only when every entry is locked is the oldest lock dropped.
// Thread-safe (one mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/clock.hpp"

namespace insip::auth {

class LockoutTracker {
 public:
  /// @param max_failures failures that lock a name; 0 disables lockout entirely.
  /// @param lockout how long a locked name stays locked; also the window over which failures
  ///        are counted (a failure older than this is forgotten).
  /// @param clock not owned; must outlive this object (steady time).
  LockoutTracker(std::uint32_t max_failures, std::chrono::seconds lockout, const util::Clock& clock,
                 std::size_t max_entries = 100000);

  /// Counts a wrong answer for `user`; locks it when the count reaches max_failures.
  void recordFailure(std::string_view user);
  /// A correct answer clears the count.
  void recordSuccess(std::string_view user);
  /// True while `user` is locked out.
  bool isLocked(std::string_view user) const;

  std::size_t size() const;

 private:
  struct Entry {
    std::uint32_t failures = 0;
    util::SteadyTime last_failure{};
    util::SteadyTime locked_until{};
    std::list<std::string>::iterator lru;
  };

  bool lockedLocked(const Entry& e, util::SteadyTime now) const { return e.locked_until > now; }
  void eraseLocked(std::unordered_map<std::string_view, Entry>::iterator it);
  void makeRoomLocked(util::SteadyTime now);

  const std::uint32_t max_failures_;
  const std::chrono::seconds lockout_;
  const util::Clock& clock_;
  const std::size_t max_entries_;

  mutable std::mutex mutex_;
  std::list<std::string> lru_;                         // front = least recently failed; mutex_
  std::unordered_map<std::string_view, Entry> table_;  // keys view lru_ strings; mutex_
};

}  // namespace insip::auth
