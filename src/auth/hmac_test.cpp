// SPDX-License-Identifier: Apache-2.0
#include "auth/hmac.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace insip::auth {
namespace {

std::string hex(const HmacSha256::Mac& m) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : m) {
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s;
}

// RFC 4231 §4.2, test case 1.
TEST(HmacSha256, Rfc4231TestCase1) {
  const std::vector<unsigned char> key(20, 0x0b);
  HmacSha256 h(key);
  HmacSha256::Mac m{};
  ASSERT_TRUE(h.compute({bytesOf("Hi There")}, m));
  EXPECT_EQ(hex(m), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// RFC 4231 §4.3, test case 2, fed in three parts: the parts are concatenated.
TEST(HmacSha256, Rfc4231TestCase2InParts) {
  HmacSha256 h(bytesOf("Jefe"));
  HmacSha256::Mac m{};
  ASSERT_TRUE(h.compute({bytesOf("what do ya"), bytesOf(""), bytesOf(" want for nothing?")}, m));
  EXPECT_EQ(hex(m), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4231 §4.7, test case 6: a key longer than the block size is hashed first.
TEST(HmacSha256, Rfc4231TestCase6LongKey) {
  const std::vector<unsigned char> key(131, 0xaa);
  HmacSha256 h(key);
  HmacSha256::Mac m{};
  ASSERT_TRUE(h.compute({bytesOf("Test Using Larger Than Block-Size Key - Hash Key First")}, m));
  EXPECT_EQ(hex(m), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, RepeatedAndCopiedAndConcurrentUseGiveTheSameMac) {
  HmacSha256 h(bytesOf("Jefe"));
  const HmacSha256 copy(h);
  HmacSha256::Mac first{};
  ASSERT_TRUE(h.compute({bytesOf("what do ya want for nothing?")}, first));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        HmacSha256::Mac m{};
        if (!(t % 2 ? copy : h).compute({bytesOf("what do ya want for nothing?")}, m) || m != first)
          ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n : mismatches) EXPECT_EQ(n, 0);
  HmacSha256::Mac other{};
  ASSERT_TRUE(h.compute({bytesOf("what do ya want for nothing!")}, other));
  EXPECT_NE(other, first);
}

}  // namespace
}  // namespace insip::auth
