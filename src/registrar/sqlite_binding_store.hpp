// SPDX-License-Identifier: Apache-2.0
//
// sqlite_binding_store.hpp — persistent BindingStore: an in-memory index (MemoryBindingStore)
// answers every lookup; every change is written through to SQLite in one transaction per call
// (WAL, synchronous=NORMAL: a committed REGISTER survives kill -9 of the process; only an OS
// crash/power loss may lose the last commits). open() loads all unexpired bindings, so
// registrations survive a restart. RFC 3261 §10.3 step 7 (all-or-nothing binding updates).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

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

  const util::Clock& clock_;
  Db db_;
  mutable std::mutex write_mutex_;  // guards the statements below and last_error_
  std::string last_error_;
  Stmt begin_, commit_, rollback_;
  Stmt upsert_, delete_one_, delete_aor_, delete_expired_aor_, purge_;
  MemoryBindingStore index_;  // updated only after a successful COMMIT
};

}  // namespace insip::registrar
