// SPDX-License-Identifier: Apache-2.0
#include "registrar/sqlite_binding_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>
#include <filesystem>
#include <string>

#include "util/fake_clock.hpp"

namespace insip::registrar {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

Binding makeBinding(const util::Clock& clock, std::string aor, std::string contact,
                    std::uint16_t q_milli = 1000, seconds ttl = seconds(600)) {
  Binding b;
  b.aor = std::move(aor);
  b.contact = std::move(contact);
  b.call_id = "a84b4c76e66710@pc33.example.test";
  b.cseq = 314159;
  b.expires_at = clock.systemNow() + ttl;
  b.q_milli = q_milli;
  b.flow = "tcp:[2001:db8::1]:5070";
  b.connection_id = 42;
  b.instance = "\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"";
  b.path = "<sip:edge.example.test;lr>";
  b.updated_at = clock.systemNow();
  return b;
}

/// Runs raw SQL on the database file through a second connection (what an operator could do).
void execSql(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

class SqliteBindingStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("insip-reg-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "bindings.sqlite";
  }
  void TearDown() override { fs::remove_all(dir_); }

  SqliteBindingStorePtr open() {
    auto r = SqliteBindingStore::open(path_, clock_);
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return r ? std::move(*r) : nullptr;
  }

  util::FakeClock clock_;
  fs::path dir_;
  fs::path path_;
};

TEST_F(SqliteBindingStoreTest, BindingsSurviveCloseAndReopenWithEveryField) {
  const std::string aor = "sip:alice@example.test";
  Binding a = makeBinding(clock_, aor, "sip:alice@192.0.2.1:5060;transport=tcp", 700);
  Binding b = makeBinding(clock_, aor, "sips:alice@[2001:db8::1]:5071", 1000);
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->apply(aor, {{}, {a, b}}));
  }
  auto store = open();
  ASSERT_TRUE(store);
  auto got = store->lookup(aor);
  ASSERT_EQ(got.size(), 2u);
  // Connections do not survive a restart: connection_id comes back as 0.
  a.connection_id = 0;
  b.connection_id = 0;
  EXPECT_EQ(got[0], b);  // q 1.0 first
  EXPECT_EQ(got[1], a);
  EXPECT_EQ(store->count(), 2u);
}

TEST_F(SqliteBindingStoreTest, BindingsExpiredWhileClosedAreGoneAfterReopen) {
  const std::string aor = "sip:alice@example.test";
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->apply(aor, {{},
                                   {makeBinding(clock_, aor, "sip:a@h", 1000, seconds(30)),
                                    makeBinding(clock_, aor, "sip:b@h", 1000, seconds(300))}}));
  }
  clock_.advance(seconds(60));
  auto store = open();
  ASSERT_TRUE(store);
  auto got = store->lookup(aor);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].contact, "sip:b@h");
  EXPECT_EQ(store->count(), 1u);  // the expired row was deleted at open, not just hidden
}

TEST_F(SqliteBindingStoreTest, RemovalsAndRemoveAllArePersisted) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->apply("sip:a@x.test", {{},
                                              {makeBinding(clock_, "sip:a@x.test", "sip:1@h"),
                                               makeBinding(clock_, "sip:a@x.test", "sip:2@h")}}));
    ASSERT_TRUE(
        store->apply("sip:b@x.test", {{}, {makeBinding(clock_, "sip:b@x.test", "sip:3@h")}}));
    ASSERT_TRUE(store->apply("sip:a@x.test", {{"sip:1@h"}, {}}));
    ASSERT_TRUE(store->removeAll("sip:b@x.test"));
  }
  auto store = open();
  ASSERT_TRUE(store);
  auto a = store->lookup("sip:a@x.test");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].contact, "sip:2@h");
  EXPECT_TRUE(store->lookup("sip:b@x.test").empty());
}

TEST_F(SqliteBindingStoreTest, AFailedWriteInsideApplyChangesNeitherIndexNorDatabase) {
  const std::string aor = "sip:alice@example.test";
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->apply(aor, {{}, {makeBinding(clock_, aor, "sip:old@h")}}));
  // Make the second upsert of the next apply() fail inside the transaction. The store holds the
  // file exclusively while open, so the trigger is added between two openings.
  store.reset();
  execSql(path_,
          "CREATE TRIGGER boom BEFORE INSERT ON bindings WHEN NEW.contact = 'sip:boom@h' "
          "BEGIN SELECT RAISE(ABORT, 'boom'); END;");
  store = open();
  ASSERT_TRUE(store);
  BindingChanges c;
  c.removals = {"sip:old@h"};
  c.upserts = {makeBinding(clock_, aor, "sip:good@h"), makeBinding(clock_, aor, "sip:boom@h")};
  auto r = store->apply(aor, c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(StoreErrc::DatabaseError));
  EXPECT_NE(store->lastError().find("boom"), std::string::npos) << store->lastError();
  auto got = store->lookup(aor);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].contact, "sip:old@h");
  // The store still works after the rollback.
  ASSERT_TRUE(store->apply(aor, {{}, {makeBinding(clock_, aor, "sip:next@h")}}));
  store.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  auto persisted = reopened->lookup(aor);
  ASSERT_EQ(persisted.size(), 2u);
  for (const Binding& b : persisted) {
    EXPECT_TRUE(b.contact == "sip:old@h" || b.contact == "sip:next@h") << b.contact;
  }
}

TEST_F(SqliteBindingStoreTest, AnInvalidChangeSetIsRefusedBeforeTouchingTheDatabase) {
  const std::string aor = "sip:alice@example.test";
  auto store = open();
  ASSERT_TRUE(store);
  auto r = store->apply(aor, {{},
                              {makeBinding(clock_, aor, "sip:a@h"),
                               makeBinding(clock_, "sip:mallory@example.test", "sip:m@h")}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(StoreErrc::InvalidChange));
  EXPECT_EQ(store->count(), 0u);
  store.reset();
  EXPECT_EQ(open()->count(), 0u);
}

TEST_F(SqliteBindingStoreTest, PurgeExpiredDeletesFromDiskToo) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->apply(
        "sip:a@x.test", {{},
                         {makeBinding(clock_, "sip:a@x.test", "sip:1@h", 1000, seconds(5)),
                          makeBinding(clock_, "sip:a@x.test", "sip:2@h", 1000, seconds(50))}}));
    clock_.advance(seconds(10));
    auto purged = store->purgeExpired(clock_.systemNow());
    ASSERT_TRUE(purged);
    EXPECT_EQ(*purged, 1u);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM bindings", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 1);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(SqliteBindingStoreTest, DatabaseIsInWalMode) {
  ASSERT_TRUE(open());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(SqliteBindingStoreTest, OpeningADirectoryFails) {
  auto r = SqliteBindingStore::open(dir_, clock_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(StoreErrc::OpenFailed));
}

TEST_F(SqliteBindingStoreTest, ADatabaseFromANewerSchemaVersionIsRefused) {
  execSql(path_, "PRAGMA user_version = 99;");
  auto r = SqliteBindingStore::open(path_, clock_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(StoreErrc::SchemaError));
}

TEST_F(SqliteBindingStoreTest, CommittedBindingsSurviveAProcessKilledWithoutClosing) {
  const std::string aor = "sip:alice@example.test";
  // The child writes and dies without running destructors (as kill -9 would leave it).
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = SqliteBindingStore::open(path_, clock_);
    if (!r || !(*r)->apply(aor, {{}, {makeBinding(clock_, aor, "sip:survivor@h")}})) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto store = open();
  ASSERT_TRUE(store);
  auto got = store->lookup(aor);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].contact, "sip:survivor@h");
}

// ---------------------------------------------------------------- the writer thread

/// A poster that queues completions, run when the test says (as the SIP loop would run them).
struct QueuedPoster {
  std::mutex m;
  std::vector<std::function<void()>> q;
  SqliteBindingStore::Poster poster() {
    return [this](std::function<void()> f) {
      std::lock_guard l(m);
      q.push_back(std::move(f));
    };
  }
  std::size_t runAll() {
    std::vector<std::function<void()>> now;
    {
      std::lock_guard l(m);
      now.swap(q);
    }
    for (auto& f : now) f();
    return now.size();
  }
  std::size_t waitFor(std::size_t n) {  // completions arrive from the writer thread
    std::size_t got = 0;
    for (int i = 0; i < 5000 && got < n; ++i) {
      got += runAll();
      if (got < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return got;
  }
};

TEST_F(SqliteBindingStoreTest, WithTheWriterLookupsSeeAChangeAtOnceAndDoneComesAfterTheCommit) {
  const std::string aor = "sip:alice@example.test";
  auto store = open();
  ASSERT_TRUE(store);
  QueuedPoster loop;
  store->startWriter(loop.poster());
  int done = 0;
  bool ok = false;
  ASSERT_TRUE(store->applyAsync(aor, {{}, {makeBinding(clock_, aor, "sip:async@h")}},
                                [&](util::Result<void> r) {
                                  ++done;
                                  ok = r.has_value();
                                }));
  ASSERT_EQ(store->lookup(aor).size(), 1u);  // the index has it already
  EXPECT_EQ(done, 0);                        // the completion only runs on "the loop"
  ASSERT_EQ(loop.waitFor(1), 1u);
  EXPECT_EQ(done, 1);
  EXPECT_TRUE(ok);
  EXPECT_GE(store->writerCommits(), 1u);
  // Durable: a second process (reading the file after this one dies) would find it.
  store->stopWriter();
  store.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  ASSERT_EQ(reopened->lookup(aor).size(), 1u);
  EXPECT_EQ(reopened->lookup(aor)[0].contact, "sip:async@h");
}

TEST_F(SqliteBindingStoreTest, WithTheWriterEveryWriteReachesTheDiskInOrder) {
  auto store = open();
  ASSERT_TRUE(store);
  QueuedPoster loop;
  store->startWriter(loop.poster());
  constexpr int kWrites = 300;
  int good = 0;
  for (int i = 0; i < kWrites; ++i) {
    const std::string aor = "sip:u" + std::to_string(i % 10) + "@example.test";
    // Each AOR is rewritten 30 times; only the last contact of each must survive.
    BindingChanges c;
    for (const Binding& b : store->lookup(aor)) c.removals.push_back(b.contact);
    c.upserts = {makeBinding(clock_, aor, "sip:c" + std::to_string(i) + "@h")};
    ASSERT_TRUE(store->applyAsync(aor, c, [&](util::Result<void> r) { good += r ? 1 : 0; }));
  }
  // A synchronous apply() queues behind them and returns after its own COMMIT.
  const std::string late = "sip:late@example.test";
  ASSERT_TRUE(store->apply(late, {{}, {makeBinding(clock_, late, "sip:late@h")}}));
  EXPECT_EQ(loop.waitFor(kWrites), static_cast<std::size_t>(kWrites));
  EXPECT_EQ(good, kWrites);
  EXPECT_EQ(store->writerWrites(), static_cast<std::uint64_t>(kWrites + 1));
  EXPECT_LE(store->writerCommits(), store->writerWrites());
  store.reset();  // stops the writer
  auto reopened = open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->count(), 11u);
  for (int a = 0; a < 10; ++a) {
    auto got = reopened->lookup("sip:u" + std::to_string(a) + "@example.test");
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].contact, "sip:c" + std::to_string(kWrites - 10 + a) + "@h");
  }
}

TEST_F(SqliteBindingStoreTest, WithTheWriterAFailedWriteIsReportedAndItsNeighboursStillCommit) {
  {
    auto store = open();
    ASSERT_TRUE(store);
  }
  execSql(path_,
          "CREATE TRIGGER boom BEFORE INSERT ON bindings WHEN NEW.contact = 'sip:boom@h' "
          "BEGIN SELECT RAISE(ABORT, 'boom'); END;");
  auto store = open();
  ASSERT_TRUE(store);
  QueuedPoster loop;
  store->startWriter(loop.poster());
  std::vector<int> results;  // 1 ok, 0 failed, in completion order
  const std::vector<std::pair<std::string, std::string>> writes = {
      {"sip:one@example.test", "sip:a@h"},
      {"sip:two@example.test", "sip:boom@h"},
      {"sip:three@example.test", "sip:b@h"}};
  for (const auto& [who, contact] : writes) {
    ASSERT_TRUE(store->applyAsync(who, {{}, {makeBinding(clock_, who, contact)}},
                                  [&](util::Result<void> r) { results.push_back(r ? 1 : 0); }));
  }
  ASSERT_EQ(loop.waitFor(3), 3u);
  EXPECT_EQ(results, (std::vector<int>{1, 0, 1}));
  store.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->lookup("sip:one@example.test").size(), 1u);
  EXPECT_EQ(reopened->lookup("sip:three@example.test").size(), 1u);
  EXPECT_TRUE(reopened->lookup("sip:two@example.test").empty());  // never reached the disk
}

}  // namespace
}  // namespace insip::registrar
