// SPDX-License-Identifier: Apache-2.0
//
// hmac.hpp — HMAC-SHA256 with a key fixed at construction, for the per-request MACs of the
// traffic path (nonces, Record-Route tokens). OpenSSL's one-shot HMAC() looks the algorithm up
// in the provider and derives the key pads on every call; this class does both once. Each call
// re-initialises a keyed EVP_MAC_CTX (which only copies the prepared inner state) under a mutex,
// so concurrent calls are safe.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>

namespace insip::auth {

class HmacSha256 {
 public:
  static constexpr std::size_t kSize = 32;
  using Mac = std::array<unsigned char, kSize>;

  /// An empty key is allowed (HMAC pads it); a failure inside OpenSSL leaves the object
  /// unusable and every compute() then returns false (callers fail closed).
  explicit HmacSha256(std::span<const unsigned char> key);
  ~HmacSha256();
  HmacSha256(const HmacSha256& other);
  HmacSha256& operator=(const HmacSha256&) = delete;

  /// MAC of the concatenation of `parts`. Thread affinity: any.
  bool compute(std::initializer_list<std::span<const unsigned char>> parts, Mac& out) const;

  bool valid() const { return keyed_ != nullptr; }

 private:
  struct CtxFree {
    void operator()(void* p) const;
  };
  std::unique_ptr<void, CtxFree> keyed_;  // EVP_MAC_CTX*, guarded by mutex_
  mutable std::mutex mutex_;
};

inline std::span<const unsigned char> bytesOf(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

}  // namespace insip::auth
