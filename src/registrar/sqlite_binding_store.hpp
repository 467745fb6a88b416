// SPDX-License-Identifier: Apache-2.0
//
// sqlite_binding_store.hpp — persistent BindingStore: an in-memory index (MemoryBindingStore)
// answers every lookup; every change is written through to SQLite (WAL, synchronous=NORMAL: a
// committed REGISTER survives kill -9 of the process; only an OS crash/power loss may lose the
// last commits). open() loads all unexpired bindings, so registrations survive a restart.
// RFC 3261 §10.3 step 7 (all-or-nothing binding updates).
//
// Two write modes. Without a writer thread (tools, tests), apply() writes one transaction per
// call on the caller's thread. After startWriter(), writes go to a background thread that commits
// whatever has queued up in one transaction (group commit): under load one COMMIT serves many
// REGISTERs, and the SIP loop does no disk work. applyAsync() then calls its completion (through
// the poster given to startWriter) only after the COMMIT that made the change durable, so the
// registrar answers 200 only for registrations that survive a crash.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "registrar/binding_store.hpp"
#include "registrar/memory_binding_store.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace insip::registrar {

class SqliteBindingStore;
using SqliteBindingStorePtr = std::unique_ptr<SqliteBindingStore>;

/// Thread affinity: any; one mutex serialises writers (lookups only take the index's mutex).
class SqliteBindingStore final : public BindingStore {
  struct Key {  // passkey: only open() can construct (public ctor for make_unique)
    explicit Key() = default;
  };

 public:
  /// Opens or creates the database at `path` (":memory:" works for tests), creates the schema,
  /// deletes expired rows and loads the rest. `clock` must outlive the store.
  /// Errors: StoreErrc::OpenFailed, SchemaError, DatabaseError.
  static util::Result<SqliteBindingStorePtr> open(const std::filesystem::path& path,
                                                  const util::Clock& clock);
  SqliteBindingStore(Key, const util::Clock& clock);
  ~SqliteBindingStore() override;
  SqliteBindingStore(const SqliteBindingStore&) = delete;
  SqliteBindingStore& operator=(const SqliteBindingStore&) = delete;

  std::vector<Binding> lookup(std::string_view aor) const override;
  util::Result<void> apply(std::string_view aor, const BindingChanges& changes) override;
  /// With the writer running: the index changes now, the row later; `done` runs through the
  /// poster after the COMMIT. Without it: as the BindingStore default (synchronous).
  util::Result<void> applyAsync(std::string_view aor, const BindingChanges& changes,
                                Done done) override;

  /// Hands a completion to the thread that must run it (the SIP loop's executor).
  using Poster = std::function<void(std::function<void()>)>;
  /// Starts the writer thread (once, before traffic). From then on apply() also goes through it
  /// (and waits), so every write reaches the database in the order the index saw it.
  void startWriter(Poster post);
  /// Commits what is queued, then stops the writer thread (idempotent; the destructor calls it).
  /// Completions still go through the poster; call it while their target is alive.
  void stopWriter();
  /// Transactions the writer has committed, and writes they carried (stats, tests).
  std::uint64_t writerCommits() const;
  std::uint64_t writerWrites() const;
  util::Result<void> removeAll(std::string_view aor) override;
  util::Result<std::size_t> purgeExpired(util::SystemTime now) override;
  std::size_t count() const override;

  /// SQLite's message for the last failed operation ("" if none), for logs. Never holds secrets.
  std::string lastError() const;

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const;
  };
  struct StmtFinalizer {
    void operator()(sqlite3_stmt* s) const;
  };
  using Db = std::unique_ptr<sqlite3, DbCloser>;
  using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

  util::Result<void> prepareAll();
  util::Result<void> load();
  /// Runs `body` between BEGIN and COMMIT; ROLLBACK when body or COMMIT fails.
  template <class F>
  util::Result<void> inTransaction(F&& body);
  util::Result<void> fail(const char* what);
  /// The statements of one change set; caller holds write_mutex_ inside a transaction.
  util::Result<void> writeChanges(std::string_view aor, const BindingChanges& changes,
                                  std::int64_t now_ns);

  struct Job {
    std::string aor;
    BindingChanges changes;
    std::int64_t now_ns = 0;
    Done done;
    bool direct = false;  // run `done` on the writer thread (a synchronous apply() waits on it)
  };
  void writerLoop();
  void commitBatch(std::vector<Job>& batch, std::vector<util::Result<void>>& results);

  const util::Clock& clock_;
  Db db_;
  mutable std::mutex write_mutex_;  // guards the statements below and last_error_
  std::string last_error_;
  Stmt begin_, commit_, rollback_;
  Stmt upsert_, delete_one_, delete_aor_, delete_expired_aor_, purge_;
  MemoryBindingStore index_;  // without the writer: updated only after a successful COMMIT

  std::mutex queue_mutex_;  // guards the members below
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  bool writer_running_ = false;
  bool stopping_ = false;
  Poster post_;
  std::uint64_t commits_ = 0, writes_ = 0;
  mutable std::mutex stats_mutex_;
  std::thread writer_;
};

}  // namespace insip::registrar
