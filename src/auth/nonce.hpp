// SPDX-License-Identifier: Apache-2.0
//
// nonce.hpp — NonceManager: stateless, authenticated, expiring server nonces plus nonce-count
// replay tracking; and the loader of the nonce HMAC secret.
// RFC 7616 §3.3 (nonce: server-specified, opaque, may embed a timestamp and a keyed hash;
// stale=true when only the nonce is too old), §3.4 / §5.12 (nc: replay detection), §5.5.
// A nonce is base64url(ts_ms[8, big-endian] || salt[8] || HMAC-SHA256(secret, ts||salt||realm)[16]),
// 43 characters. The salt (a counter from a random start) makes concurrent nonces distinct so
// two clients never share an nc sequence; the MAC binds the nonce to the realm and is truncated to 128 bits (forgery 2^-128).
// Thread-safe: the MAC key and the nc table are each guarded by a mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/hmac.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace insip::auth {

enum class NonceStatus {
  Valid,    // ours, for this realm, younger than the ttl: go on checking the response
  Stale,    // ours but older than the ttl: challenge again with stale=true (no failure counted)
  Invalid,  // not ours (tampered, other realm, other secret, garbage): plain challenge
};

class NonceManager {
 public:
  struct Options {
    std::chrono::seconds ttl{300};
    /// Hard cap on nonces tracked for nc replay detection; the oldest is evicted beyond it.
    std::size_t max_tracked = 100000;
  };

  /// @param secret HMAC key, at least 32 bytes (see loadOrCreateSecret()).
  /// @param clock not owned; must outlive this object. Nonce time is Clock::systemNow() so nonces
  ///        survive a restart with the same secret.
  NonceManager(std::vector<unsigned char> secret, const util::Clock& clock, Options options);
  NonceManager(std::vector<unsigned char> secret, const util::Clock& clock)
      : NonceManager(std::move(secret), clock, Options{}) {}

  /// A fresh nonce for `realm`. Thread affinity: any.
  std::string issue(std::string_view realm) const;

  /// Checks authenticity (constant-time MAC compare), realm binding and age. Thread affinity: any.
  NonceStatus verify(std::string_view nonce, std::string_view realm) const;

  /// Replay detection: true if `nc` is higher than every count accepted so far for `nonce`, and
  /// records it; false for a repeated or lower count, an expired or undecodable nonce, or one
  /// issued before an entry was evicted for lack of room (fail closed: better a new challenge
  /// than an accepted replay). Call only after the response proved the client knows the
  /// password, so a forger cannot burn a victim's counts. Thread affinity: any.
  bool acceptNonceCount(std::string_view nonce, std::uint32_t nc);

  /// Number of nonces currently tracked (tests, stats).
  std::size_t trackedCount() const;

  std::chrono::seconds ttl() const { return options_.ttl; }

 private:
  struct Entry {
    std::uint32_t highest_nc = 0;
    std::int64_t issued_ms = 0;
    std::list<std::string>::iterator order;
  };

  std::int64_t nowMs() const;
  void evictLocked(std::int64_t now_ms);

  const std::vector<unsigned char> secret_;
  const HmacSha256 key_;  // keyed with secret_
  mutable std::atomic<std::uint64_t> salt_counter_{0};
  const util::Clock& clock_;
  const Options options_;

  mutable std::mutex mutex_;
  // Insertion order (≈ issue order: a nonce is first used right after it is issued), so the
  // front is the next to expire or to be evicted. Map keys view the strings held by the list.
  std::list<std::string> order_;                      // guarded by mutex_
  std::unordered_map<std::string_view, Entry> table_;  // guarded by mutex_
  std::int64_t evicted_watermark_ms_ = INT64_MIN;     // guarded by mutex_
};

/// Parses a nonce-count: exactly 8 hex digits (RFC 7616 §3.4), not zero.
std::optional<std::uint32_t> parseNonceCount(std::string_view nc);

/// Reads the nonce secret from `path`, or creates the file with 32 random bytes (RAND_bytes) and
/// mode 0600 if it does not exist. Refuses a file readable by group/others (SecretPermissions)
/// or shorter than 32 bytes (SecretTooShort). Startup only (blocking I/O).
util::Result<std::vector<unsigned char>> loadOrCreateSecret(const std::filesystem::path& path);

}  // namespace insip::auth
