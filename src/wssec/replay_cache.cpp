// SPDX-License-Identifier: Apache-2.0
#include "wssec/replay_cache.hpp"

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>

#include "wssec/errors.hpp"

namespace insip::wssec {
namespace {

std::string toHex(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

bool fromHex(std::string_view s, std::string& out) {
  if (s.size() % 2 != 0) return false;
  out.clear();
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); i += 2) {
    int a = nib(s[i]), b = nib(s[i + 1]);
    if (a < 0 || b < 0) return false;
    out.push_back(static_cast<char>(a * 16 + b));
  }
  return true;
}

}  // namespace

void MemoryReplayCache::purge(util::SystemTime now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
    auto it = by_expiry_.begin();
    auto e = entries_.find(it->second);
    if (e != entries_.end() && e->second == it->first) entries_.erase(e);
    by_expiry_.erase(it);
  }
}

util::Result<void> MemoryReplayCache::checkAndRemember(std::string_view key, util::SystemTime expires,
                                                       util::SystemTime now) {
  std::lock_guard lock(mu_);
  purge(now);
  std::string k(key);
  if (auto it = entries_.find(k); it != entries_.end()) return util::fail(WssErrc::Replay);
  if (entries_.size() >= max_entries_) return util::fail(WssErrc::ReplayCacheFull);
  entries_.emplace(k, expires);
  by_expiry_.emplace(expires, std::move(k));
  return {};
}

std::size_t MemoryReplayCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void MemoryReplayCache::restore(const std::string& key, util::SystemTime expires) {
  if (entries_.size() >= max_entries_ || entries_.count(key) != 0) return;
  entries_.emplace(key, expires);
  by_expiry_.emplace(expires, key);
}

util::Result<std::unique_ptr<FileReplayCache>> FileReplayCache::open(const std::filesystem::path& path,
                                                                     std::size_t max_entries) {
  std::unique_ptr<FileReplayCache> cache(new FileReplayCache(path, max_entries));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return cache;
  std::ifstream in(path);
  if (!in) return util::fail(WssErrc::IoError);
  std::string line;
  std::lock_guard lock(cache->mu_);
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string hex;
    long long ms = 0;
    std::string key;
    if (!(ls >> hex >> ms) || !fromHex(hex, key)) continue;  // skip damaged lines
    cache->restore(key, util::SystemTime(std::chrono::milliseconds(ms)));
  }
  return cache;
}

util::Result<void> FileReplayCache::checkAndRemember(std::string_view key, util::SystemTime expires,
                                                     util::SystemTime now) {
  auto r = MemoryReplayCache::checkAndRemember(key, expires, now);
  if (!r) return r;
  return save();
}

util::Result<void> FileReplayCache::save() {
  std::lock_guard lock(mu_);
  const auto tmp = path_.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return util::fail(WssErrc::IoError);
    forEach([&](const std::string& k, util::SystemTime e) {
      out << toHex(k) << ' '
          << std::chrono::duration_cast<std::chrono::milliseconds>(e.time_since_epoch()).count() << '\n';
    });
    if (!out) return util::fail(WssErrc::IoError);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) return util::fail(WssErrc::IoError);
  return {};
}

}  // namespace insip::wssec
