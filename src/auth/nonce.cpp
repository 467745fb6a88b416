// SPDX-License-Identifier: Apache-2.0
#include "auth/nonce.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "auth/errors.hpp"

namespace insip::auth {
namespace {

constexpr std::size_t kTsBytes = 8;
constexpr std::size_t kSaltBytes = 8;
constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kRawBytes = kTsBytes + kSaltBytes + kMacBytes;  // 32
constexpr std::size_t kNonceChars = 43;                                // base64url, no padding
constexpr std::size_t kMinSecretBytes = 32;
// A nonce stamped this far in the future is authentic but the clock stepped back: stale.
constexpr std::int64_t kFutureSkewMs = 5000;

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const std::array<unsigned char, kRawBytes>& in) {
  std::string out;
  out.reserve(kNonceChars);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  // 32 = 30 + 2 remaining bytes -> 3 characters.
  const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
  out.push_back(kB64[(v >> 18) & 63]);
  out.push_back(kB64[(v >> 12) & 63]);
  out.push_back(kB64[(v >> 6) & 63]);
  return out;
}

int b64Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '-') {
    return 62;
  }
  if (c == '_') {
    return 63;
  }
  return -1;
}

std::optional<std::array<unsigned char, kRawBytes>> unbase64url(std::string_view text) {
  if (text.size() != kNonceChars) {
    return std::nullopt;
  }
  std::array<unsigned char, kRawBytes> out{};
  std::size_t o = 0;
  std::size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int d = b64Value(text[i + k]);
      if (d < 0) {
        return std::nullopt;
      }
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    out[o++] = static_cast<unsigned char>(v >> 16);
    out[o++] = static_cast<unsigned char>(v >> 8);
    out[o++] = static_cast<unsigned char>(v);
  }
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    const int d = b64Value(text[i + k]);
    if (d < 0) {
      return std::nullopt;
    }
    v = (v << 6) | static_cast<std::uint32_t>(d);
  }
  if ((v & 3) != 0) {
    return std::nullopt;  // non-canonical: the unused low bits must be zero
  }
  out[o++] = static_cast<unsigned char>(v >> 10);
  out[o++] = static_cast<unsigned char>(v >> 2);
  return out;
}

bool macInto(const HmacSha256& key, const unsigned char* ts_salt, std::string_view realm,
             unsigned char* mac_out) {
  HmacSha256::Mac mac{};
  if (!key.compute({std::span<const unsigned char>(ts_salt, kTsBytes + kSaltBytes), bytesOf(realm)},
                   mac)) {
    return false;
  }
  std::copy(mac.begin(), mac.begin() + kMacBytes, mac_out);
  return true;
}

std::int64_t readTs(const unsigned char* p) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < kTsBytes; ++i) {
    v = (v << 8) | p[i];
  }
  return static_cast<std::int64_t>(v);
}

std::optional<std::int64_t> issuedMs(std::string_view nonce) {
  const auto raw = unbase64url(nonce);
  if (!raw) {
    return std::nullopt;
  }
  return readTs(raw->data());
}

}  // namespace

NonceManager::NonceManager(std::vector<unsigned char> secret, const util::Clock& clock,
                           Options options)
    : secret_(std::move(secret)), key_(secret_), clock_(clock), options_(options) {
  std::uint64_t start = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&start), sizeof start) != 1) {
    start = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());  // still distinct per run
  }
  salt_counter_.store(start, std::memory_order_relaxed);
}

std::int64_t NonceManager::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             clock_.systemNow().time_since_epoch())
      .count();
}

std::string NonceManager::issue(std::string_view realm) const {
  std::array<unsigned char, kRawBytes> raw{};
  const auto ts = static_cast<std::uint64_t>(nowMs());
  for (std::size_t i = 0; i < kTsBytes; ++i) {
    raw[i] = static_cast<unsigned char>(ts >> (8 * (kTsBytes - 1 - i)));
  }
  // The salt only has to be distinct (the MAC makes the nonce unforgeable): a counter from a
  // random start, cheaper than a DRBG call per challenge.
  const std::uint64_t salt = salt_counter_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < kSaltBytes; ++i) {
    raw[kTsBytes + i] = static_cast<unsigned char>(salt >> (8 * (kSaltBytes - 1 - i)));
  }
  macInto(key_, raw.data(), realm, raw.data() + kTsBytes + kSaltBytes);
  return base64url(raw);
}

NonceStatus NonceManager::verify(std::string_view nonce, std::string_view realm) const {
  const auto raw = unbase64url(nonce);
  if (!raw || secret_.size() < kMinSecretBytes) {
    return NonceStatus::Invalid;
  }
  std::array<unsigned char, kMacBytes> expected{};
  if (!macInto(key_, raw->data(), realm, expected.data())) {
    return NonceStatus::Invalid;
  }
  // Constant time: a byte-by-byte early exit would let an attacker forge a MAC byte by byte.
  if (CRYPTO_memcmp(expected.data(), raw->data() + kTsBytes + kSaltBytes, kMacBytes) != 0) {
    return NonceStatus::Invalid;
  }
  const std::int64_t issued = readTs(raw->data());
  const std::int64_t now = nowMs();
  const std::int64_t ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
  if (issued > now + kFutureSkewMs || now - issued >= ttl_ms) {
    return NonceStatus::Stale;
  }
  return NonceStatus::Valid;
}

bool NonceManager::acceptNonceCount(std::string_view nonce, std::uint32_t nc) {
  const auto issued = issuedMs(nonce);
  if (!issued || nc == 0) {
    return false;
  }
  const std::int64_t now = nowMs();
  const std::int64_t ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
  if (now - *issued >= ttl_ms) {
    return false;
  }
  std::lock_guard lock(mutex_);
  evictLocked(now);
  if (auto it = table_.find(nonce); it != table_.end()) {
    if (nc <= it->second.highest_nc) {
      return false;
    }
    it->second.highest_nc = nc;
    return true;
  }
  if (*issued <= evicted_watermark_ms_) {
    return false;  // we may have forgotten its counts: do not risk accepting a replay
  }
  if (options_.max_tracked == 0) {
    return false;
  }
  while (table_.size() >= options_.max_tracked) {
    auto victim = table_.find(std::string_view(order_.front()));
    evicted_watermark_ms_ = std::max(evicted_watermark_ms_, victim->second.issued_ms);
    table_.erase(victim);
    order_.pop_front();
  }
  order_.emplace_back(nonce);
  auto list_it = std::prev(order_.end());
  table_.emplace(std::string_view(*list_it), Entry{nc, *issued, list_it});
  return true;
}

void NonceManager::evictLocked(std::int64_t now_ms) {
  const std::int64_t ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
  // Expired entries need no watermark: their nonces are stale and never accepted again.
  while (!order_.empty()) {
    auto it = table_.find(std::string_view(order_.front()));
    if (now_ms - it->second.issued_ms < ttl_ms) {
      break;
    }
    table_.erase(it);
    order_.pop_front();
  }
}

std::size_t NonceManager::trackedCount() const {
  std::lock_guard lock(mutex_);
  return table_.size();
}

std::optional<std::uint32_t> parseNonceCount(std::string_view nc) {
  if (nc.size() != 8) {
    return std::nullopt;
  }
  std::uint32_t v = 0;
  for (char c : nc) {
    int d = -1;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    v = (v << 4) | static_cast<std::uint32_t>(d);
  }
  if (v == 0) {
    return std::nullopt;
  }
  return v;
}

namespace {

std::error_code errnoCode(int e) { return {e, std::generic_category()}; }

util::Result<std::vector<unsigned char>> readSecret(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return util::fail(AuthErrc::SecretUnreadable);
  }
  // A secret others can read lets them mint valid nonces: refuse, as ssh refuses loose keys.
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return util::fail(AuthErrc::SecretPermissions);
  }
  std::vector<unsigned char> secret(4096);
  std::size_t got = 0;
  while (got < secret.size()) {
    const ssize_t n = ::read(fd, secret.data() + got, secret.size() - got);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return util::fail(AuthErrc::SecretUnreadable);
    }
    if (n == 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  secret.resize(got);
  if (secret.size() < kMinSecretBytes) {
    return util::fail(AuthErrc::SecretTooShort);
  }
  return secret;
}

}  // namespace

util::Result<std::vector<unsigned char>> loadOrCreateSecret(const std::filesystem::path& path) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      auto r = readSecret(fd);
      ::close(fd);
      return r;
    }
    if (errno != ENOENT) {
      return errnoCode(errno);
    }
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) {
        continue;  // another process created it between our two opens: read theirs
      }
      return errnoCode(errno);
    }
    std::vector<unsigned char> secret(kMinSecretBytes);
    bool ok = RAND_bytes(secret.data(), static_cast<int>(secret.size())) == 1;
    std::size_t written = 0;
    while (ok && written < secret.size()) {
      const ssize_t n = ::write(fd, secret.data() + written, secret.size() - written);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        ok = false;
        break;
      }
      written += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(path.c_str());  // never leave a short or predictable secret behind
      return util::fail(AuthErrc::SecretUnreadable);
    }
    return secret;
  }
  return util::fail(AuthErrc::SecretUnreadable);
}

}  // namespace insip::auth
