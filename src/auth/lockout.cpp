// SPDX-License-Identifier: Apache-2.0
#include "auth/lockout.hpp"

namespace insip::auth {

LockoutTracker::LockoutTracker(std::uint32_t max_failures, std::chrono::seconds lockout,
                               const util::Clock& clock, std::size_t max_entries)
    : max_failures_(max_failures),
      lockout_(lockout),
      clock_(clock),
      max_entries_(max_entries == 0 ? 1 : max_entries) {}

void LockoutTracker::eraseLocked(std::unordered_map<std::string_view, Entry>::iterator it) {
  auto lru = it->second.lru;
  table_.erase(it);
  lru_.erase(lru);
}

void LockoutTracker::makeRoomLocked(util::SteadyTime now) {
  // 1. Forget entries whose last failure left the window and which are not locked (the list is
  //    in last-failure order, so stop at the first recent one).
  while (!lru_.empty()) {
    auto it = table_.find(std::string_view(lru_.front()));
    const Entry& e = it->second;
    if (lockedLocked(e, now) || now - e.last_failure < lockout_) {
      break;
    }
    eraseLocked(it);
  }
  if (table_.size() < max_entries_) {
    return;
  }
  // 2. Still full: evict the least recently active unlocked entry.
  for (auto l = lru_.begin(); l != lru_.end(); ++l) {
    auto it = table_.find(std::string_view(*l));
    if (!lockedLocked(it->second, now)) {
      eraseLocked(it);
      return;
    }
  }
  // 3. Everything is locked: drop the oldest lock (memory bound wins; logged by the caller's stats).
  eraseLocked(table_.find(std::string_view(lru_.front())));
}

void LockoutTracker::recordFailure(std::string_view user) {
  if (max_failures_ == 0) {
    return;
  }
  const util::SteadyTime now = clock_.steadyNow();
  std::lock_guard lock(mutex_);
  auto it = table_.find(user);
  if (it == table_.end()) {
    makeRoomLocked(now);
    lru_.emplace_back(user);
    auto l = std::prev(lru_.end());
    it = table_.emplace(std::string_view(*l), Entry{0, now, {}, l}).first;
  } else {
    // Move to the back: most recently active.
    lru_.splice(lru_.end(), lru_, it->second.lru);
  }
  Entry& e = it->second;
  if (now - e.last_failure >= lockout_ && !lockedLocked(e, now)) {
    e.failures = 0;  // the previous failures are outside the window
  }
  if (lockedLocked(e, now)) {
    e.last_failure = now;
    return;  // already locked: do not extend (an attacker could keep a victim locked forever)
  }
  e.last_failure = now;
  if (++e.failures >= max_failures_) {
    e.locked_until = now + lockout_;
    e.failures = 0;
  }
}

void LockoutTracker::recordSuccess(std::string_view user) {
  std::lock_guard lock(mutex_);
  if (auto it = table_.find(user); it != table_.end()) {
    eraseLocked(it);
  }
}

bool LockoutTracker::isLocked(std::string_view user) const {
  if (max_failures_ == 0) {
    return false;
  }
  const util::SteadyTime now = clock_.steadyNow();
  std::lock_guard lock(mutex_);
  auto it = table_.find(user);
  return it != table_.end() && lockedLocked(it->second, now);
}

std::size_t LockoutTracker::size() const {
  std::lock_guard lock(mutex_);
  return table_.size();
}

}  // namespace insip::auth

