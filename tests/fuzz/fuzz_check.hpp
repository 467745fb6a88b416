// SPDX-License-Identifier: Apache-2.0
//
// fuzz_check.hpp — invariant checks for the libFuzzer targets (issue 3): a broken invariant prints
// what failed and aborts, which libFuzzer reports as a crash and saves the input as an artifact.
// Also a tiny deterministic PRNG for deriving chunk sizes / clock steps from the input bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string_view>

namespace insip::fuzz {

/// Prints what failed and each of `parts` (a description, the input, an output...), then aborts.
[[noreturn]] inline void fail(std::string_view what, std::initializer_list<std::string_view> parts = {}) {
  std::fprintf(stderr, "FUZZ INVARIANT BROKEN: %.*s\n", static_cast<int>(what.size()), what.data());
  int i = 0;
  for (std::string_view p : parts) {
    std::fprintf(stderr, "--- [%d] (%zu bytes) ---\n%.*s\n", i++, p.size(), static_cast<int>(p.size()),
                 p.data());
  }
  std::abort();
}

/// INSIP_FUZZ_CHECK(condition, optional string_views to print on failure...)
#define INSIP_FUZZ_CHECK(cond, ...)                                               \
  do {                                                                            \
    if (!(cond)) ::insip::fuzz::fail(#cond, {__VA_ARGS__});                       \
  } while (0)

/// FNV-1a of the input, the seed of the PRNG (so every byte of the input steers the chunking).
inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

/// xorshift64*.
class Prng {
 public:
  explicit Prng(std::uint64_t seed) : s_(seed ? seed : 0x9e3779b97f4a7c15ULL) {}
  std::uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 2685821657736338717ULL;
  }

 private:
  std::uint64_t s_;
};

}  // namespace insip::fuzz
