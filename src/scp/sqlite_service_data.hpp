// SPDX-License-Identifier: Apache-2.0
//
// sqlite_service_data.hpp — the default Service Data Point: ServiceData on SQLite. WAL journal,
// synchronous=NORMAL (a committed write survives kill -9 of the SCP), foreign keys on, schema
// versioned with PRAGMA user_version (a file written by a newer schema is refused). Each write is
// one BEGIN IMMEDIATE ... COMMIT transaction, rolled back on any failure (constraint violations
// included), so readers never see half a plan or half a screening list.
// Path ":memory:" gives a private in-memory database (tests).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "scp/service_data.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace insip::scp {

class SqliteServiceData final : public ServiceData {
 public:
  static util::Result<std::unique_ptr<SqliteServiceData>> open(const std::filesystem::path& path);
  ~SqliteServiceData() override;
  SqliteServiceData(const SqliteServiceData&) = delete;
  SqliteServiceData& operator=(const SqliteServiceData&) = delete;

  util::Result<std::optional<Subscriber>> subscriberById(std::string_view id) override;
  util::Result<std::optional<Subscriber>> subscriberByLine(std::string_view line) override;
  util::Result<void> putSubscriber(const Subscriber& s) override;
  util::Result<void> removeSubscriber(std::string_view id) override;

  util::Result<std::optional<FreephonePlan>> freephonePlan(std::string_view number) override;
  util::Result<void> putFreephonePlan(const FreephonePlan& plan) override;
  util::Result<void> removeFreephonePlan(std::string_view number) override;

  util::Result<std::optional<ScreeningProfile>> screeningProfile(std::string_view line) override;
  util::Result<void> putScreeningProfile(std::string_view line, const ScreeningProfile& p) override;

  static constexpr int kSchemaVersion = 1;

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const;
  };
  struct StmtFinalizer {
    void operator()(sqlite3_stmt* s) const;
  };
  using Db = std::unique_ptr<sqlite3, DbCloser>;
  using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

  SqliteServiceData() = default;
  /// The cached prepared statement for `sql` (a string literal), reset and unbound; nullptr on error.
  sqlite3_stmt* stmt(const char* sql);
  bool exec(const char* sql);
  template <class F>
  util::Result<void> transaction(F&& body);
  util::Result<std::optional<Subscriber>> subscriberWhere(const char* sql, std::string_view key);

  std::mutex mutex_;  // serialises all use of db_ and the statement cache
  Db db_;
  std::unordered_map<const char*, Stmt> stmts_;
};

}  // namespace insip::scp
