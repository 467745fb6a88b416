// SPDX-License-Identifier: Apache-2.0
#include "scp/sqlite_service_data.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "scp/errors.hpp"

namespace insip::scp {
namespace {

namespace fs = std::filesystem;

class SqliteServiceDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("insip_scp_sdp_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "sdp.db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<SqliteServiceData> openStore() {
    auto s = SqliteServiceData::open(path_);
    EXPECT_TRUE(s) << (s ? "" : s.error().message());
    return s ? std::move(*s) : nullptr;
  }

  /// Runs one scalar query on the file with a separate raw connection.
  std::string rawQuery(const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    std::string out;
    sqlite3_exec(
        db, sql,
        [](void* o, int, char** v, char**) {
          *static_cast<std::string*>(o) = v[0] ? v[0] : "";
          return 0;
        },
        &out, nullptr);
    sqlite3_close(db);
    return out;
  }

  static FreephonePlan plan1() {
    FreephonePlan p;
    p.number = "08001234567";
    p.default_destination = "+4930100";
    p.rules = {{"+4989", days::kWorkdays, 8 * 60, 18 * 60, "+4989200"},
               {"", days::kWeekend, 22 * 60, 6 * 60, "sip:night@callcenter.example.com"}};
    return p;
  }

  fs::path dir_;
  fs::path path_;
};

TEST_F(SqliteServiceDataTest, DataSurvivesReopen) {
  ScreeningProfile prof{true, false, {"+33123", "+4930555"}, {"+4940666"}};
  {
    auto store = openStore();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->putSubscriber({"sip:alice@example.com", "+4930123", Role::Admin}));
    ASSERT_TRUE(store->putFreephonePlan(plan1()));
    ASSERT_TRUE(store->putScreeningProfile("+4930123", prof));
  }
  auto store = openStore();
  ASSERT_TRUE(store);
  auto sub = store->subscriberByLine("+4930123");
  ASSERT_TRUE(sub && *sub);
  EXPECT_EQ(**sub, (Subscriber{"sip:alice@example.com", "+4930123", Role::Admin}));
  auto plan = store->freephonePlan("08001234567");
  ASSERT_TRUE(plan && *plan);
  EXPECT_EQ(**plan, plan1());
  auto got = store->screeningProfile("+4930123");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, prof);
}

TEST_F(SqliteServiceDataTest, FileIsWalWithVersionedSchema) {
  { ASSERT_TRUE(openStore()); }
  EXPECT_EQ(rawQuery("PRAGMA user_version"), "1");
  EXPECT_EQ(rawQuery("PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteServiceDataTest, NewerSchemaVersionIsRefused) {
  { ASSERT_TRUE(openStore()); }
  rawQuery("PRAGMA user_version = 99");
  auto s = SqliteServiceData::open(path_);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), ScpErrc::StoreSchemaError);
}

TEST_F(SqliteServiceDataTest, FailedWriteIsRolledBackOnDiskToo) {
  {
    auto store = openStore();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->putFreephonePlan(plan1()));
    FreephonePlan bad = plan1();
    bad.default_destination = "+4930999";
    bad.rules.push_back({"", days::kEveryDay, 1500, 1440, "+1"});  // CHECK fails on the 3rd rule
    EXPECT_EQ(store->putFreephonePlan(bad).error(), ScpErrc::ConstraintViolation);
  }
  // Another connection sees the first plan only: no leftover rows of the failed transaction.
  EXPECT_EQ(rawQuery("SELECT count(*) FROM freephone_rules"), "2");
  EXPECT_EQ(rawQuery("SELECT default_destination FROM freephone_plans"), "+4930100");
  auto store = openStore();
  ASSERT_TRUE(store);
  EXPECT_EQ(**store->freephonePlan("08001234567"), plan1());
}

TEST_F(SqliteServiceDataTest, RemovingAPlanRemovesItsRules) {
  {
    auto store = openStore();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->putFreephonePlan(plan1()));
    ASSERT_TRUE(store->removeFreephonePlan(plan1().number));
    EXPECT_FALSE(*store->freephonePlan(plan1().number));
  }
  EXPECT_EQ(rawQuery("SELECT count(*) FROM freephone_rules"), "0");
}

TEST(SqliteServiceDataMemory, InMemoryDatabaseWorks) {
  auto s = SqliteServiceData::open(":memory:");
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->putSubscriber({"sip:a@x", "+1", Role::Subscriber}));
  EXPECT_EQ((**(*s)->subscriberByLine("+1")).id, "sip:a@x");
}

}  // namespace
}  // namespace insip::scp
