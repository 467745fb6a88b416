// SPDX-License-Identifier: Apache-2.0
//
// replay_cache.hpp — the replay-protection port of the WS-Security verifier (WSS 1.1 §10 and §13.3:
// a message seen before inside its freshness window is rejected). Keys are opaque strings (the
// verifier uses SHA-256 of the SignatureValue and of Timestamp Created + Nonce); every entry
// carries the time after which the Timestamp would be rejected anyway, so the cache stays bounded.
// MemoryReplayCache is the default; FileReplayCache persists entries for `insip wss verify
// --replay-cache FILE`. A shared store (SQL, Redis) can implement the same port later.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/clock.hpp"
#include "util/result.hpp"

namespace insip::wssec {

class ReplayCache {
 public:
  virtual ~ReplayCache() = default;
  /// Records `key` until `expires`. Fails with Replay if `key` is present and not yet expired at
  /// `now`, with ReplayCacheFull when no room is left after purging expired entries (fail closed).
  virtual util::Result<void> checkAndRemember(std::string_view key, util::SystemTime expires,
                                              util::SystemTime now) = 0;
};

/// Bounded in-memory cache. Thread-safe.
class MemoryReplayCache : public ReplayCache {
 public:
  explicit MemoryReplayCache(std::size_t max_entries = 100000) : max_entries_(max_entries) {}
  util::Result<void> checkAndRemember(std::string_view key, util::SystemTime expires,
                                      util::SystemTime now) override;
  std::size_t size() const;

 protected:
  /// Inserts without checks (used when loading persisted entries).
  void restore(const std::string& key, util::SystemTime expires);
  template <class F>
  void forEach(F&& f) const {
    for (const auto& [k, e] : entries_) f(k, e);
  }
  void purge(util::SystemTime now);

  mutable std::mutex mu_;

 private:
  std::size_t max_entries_;
  std::unordered_map<std::string, util::SystemTime> entries_;
  std::multimap<util::SystemTime, std::string> by_expiry_;
};

/// MemoryReplayCache persisted to a text file ("<hex-key> <expiry-unix-ms>" per line), rewritten
/// atomically (temp file + rename) after each accepted message. For the CLI, not for the proxy.
class FileReplayCache final : public MemoryReplayCache {
 public:
  static util::Result<std::unique_ptr<FileReplayCache>> open(const std::filesystem::path& path,
                                                             std::size_t max_entries = 100000);
  util::Result<void> checkAndRemember(std::string_view key, util::SystemTime expires,
                                      util::SystemTime now) override;

 private:
  FileReplayCache(std::filesystem::path path, std::size_t max_entries)
      : MemoryReplayCache(max_entries), path_(std::move(path)) {}
  util::Result<void> save();
  std::filesystem::path path_;
};

}  // namespace insip::wssec
