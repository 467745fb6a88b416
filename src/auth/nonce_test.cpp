// SPDX-License-Identifier: Apache-2.0
#include "auth/nonce.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "auth/errors.hpp"
#include "util/fake_clock.hpp"

namespace insip::auth {
namespace {

using namespace std::chrono_literals;

std::vector<unsigned char> secretOf(unsigned char fill) { return std::vector<unsigned char>(32, fill); }

class NonceManagerTest : public ::testing::Test {
 protected:
  util::FakeClock clock_;
  NonceManager nonces_{secretOf(7), clock_, NonceManager::Options{30s, 1000}};
};

TEST_F(NonceManagerTest, IssuesNoncesThatVerifyForTheirRealm) {
  const std::string nonce = nonces_.issue("example.test");
  EXPECT_EQ(nonce.size(), 43u);
  EXPECT_EQ(nonce.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(nonces_.verify(nonce, "example.test"), NonceStatus::Valid);
}

TEST_F(NonceManagerTest, IssuesDistinctNoncesWithinTheSameMillisecond) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    seen.insert(nonces_.issue("example.test"));
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST_F(NonceManagerTest, ReportsStaleOnceOlderThanTheTtl) {
  const std::string nonce = nonces_.issue("example.test");
  clock_.advance(29s);
  EXPECT_EQ(nonces_.verify(nonce, "example.test"), NonceStatus::Valid);
  clock_.advance(1s);
  EXPECT_EQ(nonces_.verify(nonce, "example.test"), NonceStatus::Stale);
}

TEST_F(NonceManagerTest, ReportsStaleForANonceFromTheFutureAfterAClockStep) {
  const std::string nonce = nonces_.issue("example.test");
  clock_.setSystem(clock_.systemNow() - 1min);
  EXPECT_EQ(nonces_.verify(nonce, "example.test"), NonceStatus::Stale);
}

TEST_F(NonceManagerTest, RejectsANonceBoundToAnotherRealm) {
  const std::string nonce = nonces_.issue("other.test");
  EXPECT_EQ(nonces_.verify(nonce, "example.test"), NonceStatus::Invalid);
}

TEST_F(NonceManagerTest, RejectsANonceMadeWithAnotherSecret) {
  NonceManager other(secretOf(8), clock_);
  EXPECT_EQ(nonces_.verify(other.issue("example.test"), "example.test"), NonceStatus::Invalid);
}

TEST_F(NonceManagerTest, RejectsEveryTamperedCharacter) {
  const std::string nonce = nonces_.issue("example.test");
  for (std::size_t i = 0; i < nonce.size(); ++i) {
    std::string t = nonce;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(nonces_.verify(t, "example.test"), NonceStatus::Invalid) << "position " << i;
  }
}

TEST_F(NonceManagerTest, RejectsAPushedForwardTimestampEvenIfTheRestIsIntact) {
  // Re-stamping an expired nonce with a new time must not make it valid: the MAC covers the time.
  const std::string nonce = nonces_.issue("example.test");
  clock_.advance(60s);
  const std::string fresh = nonces_.issue("example.test");
  const std::string spliced = fresh.substr(0, 10) + nonce.substr(10);
  EXPECT_EQ(nonces_.verify(spliced, "example.test"), NonceStatus::Invalid);
}

TEST_F(NonceManagerTest, RejectsGarbage) {
  EXPECT_EQ(nonces_.verify("", "example.test"), NonceStatus::Invalid);
  EXPECT_EQ(nonces_.verify("5f3c9a1e7b2d4c6a8e0f1a2b3c4d5e6f", "example.test"),
            NonceStatus::Invalid);
  EXPECT_EQ(nonces_.verify(std::string(43, '!'), "example.test"), NonceStatus::Invalid);
  EXPECT_EQ(nonces_.verify(std::string(44, 'A'), "example.test"), NonceStatus::Invalid);
}

TEST_F(NonceManagerTest, AcceptsOnlyIncreasingNonceCounts) {
  const std::string nonce = nonces_.issue("example.test");
  EXPECT_TRUE(nonces_.acceptNonceCount(nonce, 1));
  EXPECT_FALSE(nonces_.acceptNonceCount(nonce, 1));
  EXPECT_TRUE(nonces_.acceptNonceCount(nonce, 3));
  EXPECT_FALSE(nonces_.acceptNonceCount(nonce, 2));
  EXPECT_TRUE(nonces_.acceptNonceCount(nonce, 4));
  EXPECT_FALSE(nonces_.acceptNonceCount(nonce, 0));
}

TEST_F(NonceManagerTest, TracksCountsPerNonce) {
  const std::string a = nonces_.issue("example.test");
  const std::string b = nonces_.issue("example.test");
  EXPECT_TRUE(nonces_.acceptNonceCount(a, 1));
  EXPECT_TRUE(nonces_.acceptNonceCount(b, 1));
  EXPECT_EQ(nonces_.trackedCount(), 2u);
}

TEST_F(NonceManagerTest, ForgetsCountsWhenTheNonceExpires) {
  const std::string old_nonce = nonces_.issue("example.test");
  EXPECT_TRUE(nonces_.acceptNonceCount(old_nonce, 1));
  clock_.advance(31s);
  EXPECT_FALSE(nonces_.acceptNonceCount(old_nonce, 2));  // expired nonces are never accepted
  const std::string fresh = nonces_.issue("example.test");
  EXPECT_TRUE(nonces_.acceptNonceCount(fresh, 1));
  EXPECT_EQ(nonces_.trackedCount(), 1u);
}

TEST(NonceManager, EvictsTheOldestBeyondTheCapAndFailsClosedForIt) {
  util::FakeClock clock;
  NonceManager nonces(secretOf(1), clock, NonceManager::Options{300s, 3});
  std::vector<std::string> issued;
  for (int i = 0; i < 4; ++i) {
    issued.push_back(nonces.issue("r"));
    EXPECT_TRUE(nonces.acceptNonceCount(issued.back(), 1));
    clock.advance(1ms);
  }
  EXPECT_EQ(nonces.trackedCount(), 3u);
  // The evicted nonce's history is gone: a replay of it must not be accepted.
  EXPECT_FALSE(nonces.acceptNonceCount(issued[0], 1));
  EXPECT_FALSE(nonces.acceptNonceCount(issued[0], 2));
  // Newer nonces still work.
  EXPECT_TRUE(nonces.acceptNonceCount(issued[3], 2));
  const std::string later = nonces.issue("r");
  EXPECT_TRUE(nonces.acceptNonceCount(later, 1));
  EXPECT_EQ(nonces.trackedCount(), 3u);
}

TEST(NonceCount, ParsesEightHexDigits) {
  EXPECT_EQ(parseNonceCount("00000001"), 1u);
  EXPECT_EQ(parseNonceCount("0000000a"), 10u);
  EXPECT_EQ(parseNonceCount("0000000A"), 10u);
  EXPECT_EQ(parseNonceCount("ffffffff"), 0xffffffffu);
  EXPECT_FALSE(parseNonceCount("00000000"));
  EXPECT_FALSE(parseNonceCount("0000001"));
  EXPECT_FALSE(parseNonceCount("000000001"));
  EXPECT_FALSE(parseNonceCount("0000000g"));
  EXPECT_FALSE(parseNonceCount(""));
}

class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("insip-auth-secret-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(SecretFileTest, CreatesA32ByteSecretWithMode0600AndReadsItBack) {
  const auto path = dir_ / "secret.key";
  auto created = loadOrCreateSecret(path);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(created->size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  auto again = loadOrCreateSecret(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *created);
  EXPECT_NE(*created, std::vector<unsigned char>(32, 0));
}

TEST_F(SecretFileTest, RefusesASecretReadableByOthers) {
  const auto path = dir_ / "loose.key";
  std::ofstream(path) << std::string(32, 'x');
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write |
                                         std::filesystem::perms::others_read);
  auto r = loadOrCreateSecret(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(AuthErrc::SecretPermissions));
}

TEST_F(SecretFileTest, RefusesAShortSecret) {
  const auto path = dir_ / "short.key";
  std::ofstream(path) << "short";
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
  auto r = loadOrCreateSecret(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(AuthErrc::SecretTooShort));
}

TEST_F(SecretFileTest, ReportsAMissingFolder) {
  auto r = loadOrCreateSecret(dir_ / "no" / "such" / "secret.key");
  EXPECT_FALSE(r);
}

}  // namespace
}  // namespace insip::auth
