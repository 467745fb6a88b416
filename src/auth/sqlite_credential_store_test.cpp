// SPDX-License-Identifier: Apache-2.0
#include "auth/sqlite_credential_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace insip::auth {
namespace {

// HA1 of alice / example.test / wonderland-7, from tests/data/digest (Python hashlib) and
// `openssl dgst -sha512-256`.
constexpr const char* kAliceMd5 = "72668a1b7674ce3ccf88cff2bfd26df2";
constexpr const char* kAliceSha256 =
    "d88aa578268292854b090a3a83a2fd482d19bee1c9e2a408cfb78509e4e954d5";
constexpr const char* kAliceSha512_256 =
    "f0c475f9e187ff14f7426e666c836d51398f5b4c00f8e9f9422484128ee1e8f9";

class SqliteCredentialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("insip-auth-db-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = dir_ / "users.sqlite";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteCredentialStore> openStore() {
    auto store = SqliteCredentialStore::open(path_);
    EXPECT_TRUE(store) << store.error().message();
    return store ? std::move(*store) : nullptr;
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
};

TEST_F(SqliteCredentialStoreTest, StoresTheThreeHa1ValuesOfAUser) {
  auto store = openStore();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->addUser("alice", "example.test", "wonderland-7"));
  EXPECT_EQ(store->ha1("alice", "example.test", Algorithm::Md5), kAliceMd5);
  EXPECT_EQ(store->ha1("alice", "example.test", Algorithm::Md5Sess), kAliceMd5);
  EXPECT_EQ(store->ha1("alice", "example.test", Algorithm::Sha256), kAliceSha256);
  EXPECT_EQ(store->ha1("alice", "example.test", Algorithm::Sha512_256), kAliceSha512_256);
  EXPECT_EQ(store->role("alice", "example.test"), "subscriber");
}

TEST_F(SqliteCredentialStoreTest, AnswersNulloptForUnknownUsersAndRealms) {
  auto store = openStore();
  ASSERT_TRUE(store->addUser("alice", "example.test", "wonderland-7"));
  EXPECT_FALSE(store->ha1("bob", "example.test", Algorithm::Md5));
  EXPECT_FALSE(store->ha1("alice", "other.test", Algorithm::Md5));
  EXPECT_FALSE(store->ha1("Alice", "example.test", Algorithm::Md5));
  EXPECT_FALSE(store->role("bob", "example.test"));
}

TEST_F(SqliteCredentialStoreTest, NeverWritesThePasswordToDisk) {
  {
    auto store = openStore();
    ASSERT_TRUE(store->addUser("alice", "example.test", "UniquePassw0rdMarker"));
  }
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(e.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_NE(all.find("alice"), std::string::npos);  // the scan does see the data
  EXPECT_EQ(all.find("UniquePassw0rdMarker"), std::string::npos);
}

TEST_F(SqliteCredentialStoreTest, CreatesTheDatabaseOwnerOnly) {
  auto store = openStore();
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
}

TEST_F(SqliteCredentialStoreTest, RefusesADuplicateUnlessReplacing) {
  auto store = openStore();
  ASSERT_TRUE(store->addUser("alice", "example.test", "first"));
  auto again = store->addUser("alice", "example.test", "second");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), make_error_code(AuthErrc::UserExists));
  EXPECT_EQ(store->ha1("alice", "example.test", Algorithm::Md5),
            computeHa1(Algorithm::Md5, "alice", "example.test", "first"));
  ASSERT_TRUE(store->addUser("alice", "example.test", "wonderland-7", kRoleAdmin, true));
  EXPECT_EQ(store->ha1("alice", "example.test", Algorithm::Md5), kAliceMd5);
  EXPECT_EQ(store->role("alice", "example.test"), "admin");
  // Same name in another realm is another user.
  EXPECT_TRUE(store->addUser("alice", "other.test", "x"));
}

TEST_F(SqliteCredentialStoreTest, RejectsInvalidArguments) {
  auto store = openStore();
  for (auto r : {store->addUser("", "example.test", "p"), store->addUser("a", "", "p"),
                 store->addUser("a", "example.test", ""),
                 store->addUser("a", "example.test", "p", "root"),
                 store->addUser("a\nb", "example.test", "p"),
                 store->addUser(std::string(300, 'a'), "example.test", "p")}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(AuthErrc::InvalidArgument));
  }
  auto list = store->listUsers();
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
}

TEST_F(SqliteCredentialStoreTest, RemovesUsers) {
  auto store = openStore();
  ASSERT_TRUE(store->addUser("alice", "example.test", "wonderland-7"));
  ASSERT_TRUE(store->removeUser("alice", "example.test"));
  EXPECT_FALSE(store->ha1("alice", "example.test", Algorithm::Md5));
  auto missing = store->removeUser("alice", "example.test");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), make_error_code(AuthErrc::UserNotFound));
}

TEST_F(SqliteCredentialStoreTest, ListsUsersSortedAndFilteredByRealm) {
  auto store = openStore();
  ASSERT_TRUE(store->addUser("carol", "example.test", "p"));
  ASSERT_TRUE(store->addUser("alice", "example.test", "p", kRoleAdmin));
  ASSERT_TRUE(store->addUser("bob", "b.test", "p"));
  auto all = store->listUsers();
  ASSERT_TRUE(all);
  const std::vector<UserInfo> expected_all = {{"bob", "b.test", "subscriber"},
                                              {"alice", "example.test", "admin"},
                                              {"carol", "example.test", "subscriber"}};
  EXPECT_EQ(*all, expected_all);
  auto one_realm = store->listUsers("example.test");
  ASSERT_TRUE(one_realm);
  EXPECT_EQ(one_realm->size(), 2u);
}

TEST_F(SqliteCredentialStoreTest, ASecondConnectionSeesWritesImmediately) {
  // The proxy keeps its connection open while `insip user add` writes from another process.
  auto reader = openStore();
  ASSERT_TRUE(reader);
  EXPECT_FALSE(reader->ha1("alice", "example.test", Algorithm::Sha256));
  {
    auto writer = openStore();
    ASSERT_TRUE(writer->addUser("alice", "example.test", "wonderland-7"));
  }
  EXPECT_EQ(reader->ha1("alice", "example.test", Algorithm::Sha256), kAliceSha256);
  {
    auto writer = openStore();
    ASSERT_TRUE(writer->removeUser("alice", "example.test"));
  }
  EXPECT_FALSE(reader->ha1("alice", "example.test", Algorithm::Sha256));
}

TEST_F(SqliteCredentialStoreTest, UsesWalJournalMode) {
  auto store = openStore();
  ASSERT_TRUE(store->addUser("alice", "example.test", "wonderland-7"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "users.sqlite-wal"));
}

TEST_F(SqliteCredentialStoreTest, FailsToOpenInAMissingFolder) {
  auto store = SqliteCredentialStore::open(dir_ / "missing" / "users.sqlite");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error(), make_error_code(AuthErrc::StoreOpenFailed));
}

TEST_F(SqliteCredentialStoreTest, ReopensAnExistingDatabase) {
  { ASSERT_TRUE(openStore()->addUser("alice", "example.test", "wonderland-7")); }
  auto store = openStore();
  EXPECT_EQ(store->ha1("alice", "example.test", Algorithm::Md5), kAliceMd5);
}

}  // namespace
}  // namespace insip::auth
