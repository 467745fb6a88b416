// SPDX-License-Identifier: Apache-2.0
#include "scp/sqlite_service_data.hpp"

#include <sqlite3.h>

#include <spdlog/spdlog.h>

#include "scp/errors.hpp"

namespace insip::scp {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS subscribers (
  id    TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
  line  TEXT NOT NULL UNIQUE CHECK (length(line) > 0),
  role  TEXT NOT NULL CHECK (role IN ('subscriber', 'admin'))
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS freephone_plans (
  number               TEXT NOT NULL PRIMARY KEY CHECK (length(number) > 0),
  default_destination  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS freephone_rules (
  number               TEXT    NOT NULL REFERENCES freephone_plans (number) ON DELETE CASCADE,
  position             INTEGER NOT NULL,
  calling_area_prefix  TEXT    NOT NULL,
  days                 INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
  start_minute         INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute           INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  destination          TEXT    NOT NULL CHECK (length(destination) > 0),
  PRIMARY KEY (number, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS screening_profiles (
  line              TEXT    NOT NULL PRIMARY KEY CHECK (length(line) > 0),
  bar_international INTEGER NOT NULL CHECK (bar_international IN (0, 1)),
  bar_premium       INTEGER NOT NULL CHECK (bar_premium IN (0, 1))
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS screening_entries (
  line       TEXT    NOT NULL REFERENCES screening_profiles (line) ON DELETE CASCADE,
  direction  INTEGER NOT NULL CHECK (direction IN (0, 1)),  -- 0 originating, 1 terminating
  number     TEXT    NOT NULL CHECK (length(number) > 0),
  position   INTEGER NOT NULL,
  PRIMARY KEY (line, direction, number)
) WITHOUT ROWID;
)sql";

void bindText(sqlite3_stmt* s, int i, std::string_view v) {
  // SQLITE_STATIC: the views outlive the sqlite3_step() that reads them.
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

std::string columnText(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

std::string_view roleName(Role r) { return r == Role::Admin ? "admin" : "subscriber"; }

std::error_code ioError(sqlite3* db, const char* what) {
  if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_CONSTRAINT) {
    spdlog::debug("scp service data: {} refused: {}", what, sqlite3_errmsg(db));
    return util::fail(ScpErrc::ConstraintViolation);
  }
  spdlog::warn("scp service data: {} failed: {}", what, sqlite3_errmsg(db));
  return util::fail(ScpErrc::StoreIoError);
}

}  // namespace

void SqliteServiceData::DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void SqliteServiceData::StmtFinalizer::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

SqliteServiceData::~SqliteServiceData() {
  stmts_.clear();  // finalize before the connection closes
}

util::Result<std::unique_ptr<SqliteServiceData>> SqliteServiceData::open(
    const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  Db db(raw);  // sqlite3_open_v2 may allocate a handle even on failure
  if (rc != SQLITE_OK) return util::fail(ScpErrc::StoreOpenFailed);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), 2000);
  // WAL + synchronous=NORMAL: a COMMIT is in the WAL file before it returns (survives a process
  // crash); fsync at checkpoints only. Foreign keys cascade rule/list deletion with their parent.
  if (sqlite3_exec(db.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return util::fail(ScpErrc::StoreOpenFailed);
  }
  std::unique_ptr<SqliteServiceData> store(new SqliteServiceData());
  store->db_ = std::move(db);

  sqlite3_stmt* v = store->stmt("PRAGMA user_version");
  if (v == nullptr || sqlite3_step(v) != SQLITE_ROW) return util::fail(ScpErrc::StoreSchemaError);
  const int version = sqlite3_column_int(v, 0);
  sqlite3_reset(v);
  if (version != 0 && version != kSchemaVersion) {
    spdlog::error("scp service data {}: schema version {} is not {}", path.string(), version,
                  kSchemaVersion);
    return util::fail(ScpErrc::StoreSchemaError);  // written by a newer/unknown insip
  }
  if (version == 0) {
    auto ok = store->transaction([&]() -> util::Result<void> {
      if (!store->exec(kSchema) || !store->exec("PRAGMA user_version = 1")) {
        return util::fail(ScpErrc::StoreSchemaError);
      }
      return {};
    });
    if (!ok) return ok.error();
  }
  return store;
}

sqlite3_stmt* SqliteServiceData::stmt(const char* sql) {
  auto it = stmts_.find(sql);
  if (it == stmts_.end()) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(raw);
      spdlog::warn("scp service data: prepare failed: {}", sqlite3_errmsg(db_.get()));
      return nullptr;
    }
    it = stmts_.emplace(sql, Stmt(raw)).first;
  }
  sqlite3_reset(it->second.get());
  sqlite3_clear_bindings(it->second.get());
  return it->second.get();
}

bool SqliteServiceData::exec(const char* sql) {
  return sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

template <class F>
util::Result<void> SqliteServiceData::transaction(F&& body) {
  if (!exec("BEGIN IMMEDIATE")) return ioError(db_.get(), "BEGIN");
  util::Result<void> ok = body();
  if (ok && !exec("COMMIT")) ok = ioError(db_.get(), "COMMIT");
  if (!ok) exec("ROLLBACK");
  // Reset every cached statement so none holds the transaction's read snapshot open.
  for (auto& [sql, s] : stmts_) sqlite3_reset(s.get());
  return ok;
}

// ---------------------------------------------------------------- subscribers

util::Result<std::optional<Subscriber>> SqliteServiceData::subscriberWhere(const char* sql,
                                                                           std::string_view key) {
  std::lock_guard lock(mutex_);
  sqlite3_stmt* s = stmt(sql);
  if (s == nullptr) return util::fail(ScpErrc::StoreIoError);
  bindText(s, 1, key);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return std::optional<Subscriber>();
  if (rc != SQLITE_ROW) return ioError(db_.get(), "select subscriber");
  Subscriber sub{columnText(s, 0), columnText(s, 1),
                 columnText(s, 2) == "admin" ? Role::Admin : Role::Subscriber};
  sqlite3_reset(s);
  return std::optional<Subscriber>(std::move(sub));
}

util::Result<std::optional<Subscriber>> SqliteServiceData::subscriberById(std::string_view id) {
  return subscriberWhere("SELECT id, line, role FROM subscribers WHERE id = ?1", id);
}

util::Result<std::optional<Subscriber>> SqliteServiceData::subscriberByLine(std::string_view line) {
  return subscriberWhere("SELECT id, line, role FROM subscribers WHERE line = ?1", line);
}

util::Result<void> SqliteServiceData::putSubscriber(const Subscriber& sub) {
  std::lock_guard lock(mutex_);
  return transaction([&]() -> util::Result<void> {
    sqlite3_stmt* s = stmt(
        "INSERT INTO subscribers (id, line, role) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (id) DO UPDATE SET line = excluded.line, role = excluded.role");
    if (s == nullptr) return util::fail(ScpErrc::StoreIoError);
    bindText(s, 1, sub.id);
    bindText(s, 2, sub.line);
    bindText(s, 3, roleName(sub.role));
    if (sqlite3_step(s) != SQLITE_DONE) return ioError(db_.get(), "put subscriber");
    return {};
  });
}

util::Result<void> SqliteServiceData::removeSubscriber(std::string_view id) {
  std::lock_guard lock(mutex_);
  return transaction([&]() -> util::Result<void> {
    sqlite3_stmt* s = stmt("DELETE FROM subscribers WHERE id = ?1");
    if (s == nullptr) return util::fail(ScpErrc::StoreIoError);
    bindText(s, 1, id);
    if (sqlite3_step(s) != SQLITE_DONE) return ioError(db_.get(), "remove subscriber");
    if (sqlite3_changes(db_.get()) == 0) return util::fail(ScpErrc::NotFound);
    return {};
  });
}

// ---------------------------------------------------------------- freephone

util::Result<std::optional<FreephonePlan>> SqliteServiceData::freephonePlan(std::string_view number) {
  std::lock_guard lock(mutex_);
  FreephonePlan plan;
  sqlite3_stmt* p = stmt("SELECT number, default_destination FROM freephone_plans WHERE number = ?1");
  if (p == nullptr) return util::fail(ScpErrc::StoreIoError);
  bindText(p, 1, number);
  int rc = sqlite3_step(p);
  if (rc == SQLITE_DONE) return std::optional<FreephonePlan>();
  if (rc != SQLITE_ROW) return ioError(db_.get(), "select plan");
  plan.number = columnText(p, 0);
  plan.default_destination = columnText(p, 1);
  sqlite3_reset(p);

  sqlite3_stmt* r = stmt(
      "SELECT calling_area_prefix, days, start_minute, end_minute, destination "
      "FROM freephone_rules WHERE number = ?1 ORDER BY position");
  if (r == nullptr) return util::fail(ScpErrc::StoreIoError);
  bindText(r, 1, number);
  while ((rc = sqlite3_step(r)) == SQLITE_ROW) {
    FreephoneRule rule;
    rule.calling_area_prefix = columnText(r, 0);
    rule.days = static_cast<std::uint8_t>(sqlite3_column_int(r, 1));
    rule.start_minute = static_cast<std::uint16_t>(sqlite3_column_int(r, 2));
    rule.end_minute = static_cast<std::uint16_t>(sqlite3_column_int(r, 3));
    rule.destination = columnText(r, 4);
    plan.rules.push_back(std::move(rule));
  }
  sqlite3_reset(r);
  if (rc != SQLITE_DONE) return ioError(db_.get(), "select rules");
  return std::optional<FreephonePlan>(std::move(plan));
}

util::Result<void> SqliteServiceData::putFreephonePlan(const FreephonePlan& plan) {
  std::lock_guard lock(mutex_);
  return transaction([&]() -> util::Result<void> {
    // Deleting the plan cascades to its rules; then write the new plan and rules.
    sqlite3_stmt* d = stmt("DELETE FROM freephone_plans WHERE number = ?1");
    if (d == nullptr) return util::fail(ScpErrc::StoreIoError);
    bindText(d, 1, plan.number);
    if (sqlite3_step(d) != SQLITE_DONE) return ioError(db_.get(), "delete plan");
    sqlite3_stmt* p =
        stmt("INSERT INTO freephone_plans (number, default_destination) VALUES (?1, ?2)");
    if (p == nullptr) return util::fail(ScpErrc::StoreIoError);
    bindText(p, 1, plan.number);
    bindText(p, 2, plan.default_destination);
    if (sqlite3_step(p) != SQLITE_DONE) return ioError(db_.get(), "insert plan");
    int position = 0;
    for (const FreephoneRule& rule : plan.rules) {
      sqlite3_stmt* r = stmt(
          "INSERT INTO freephone_rules (number, position, calling_area_prefix, days, start_minute,"
          " end_minute, destination) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      if (r == nullptr) return util::fail(ScpErrc::StoreIoError);
      bindText(r, 1, plan.number);
      sqlite3_bind_int(r, 2, position++);
      bindText(r, 3, rule.calling_area_prefix);
      sqlite3_bind_int(r, 4, rule.days);
      sqlite3_bind_int(r, 5, rule.start_minute);
      sqlite3_bind_int(r, 6, rule.end_minute);
      bindText(r, 7, rule.destination);
      if (sqlite3_step(r) != SQLITE_DONE) return ioError(db_.get(), "insert rule");
    }
    return {};
  });
}

util::Result<void> SqliteServiceData::removeFreephonePlan(std::string_view number) {
  std::lock_guard lock(mutex_);
  return transaction([&]() -> util::Result<void> {
    sqlite3_stmt* d = stmt("DELETE FROM freephone_plans WHERE number = ?1");
    if (d == nullptr) return util::fail(ScpErrc::StoreIoError);
    bindText(d, 1, number);
    if (sqlite3_step(d) != SQLITE_DONE) return ioError(db_.get(), "delete plan");
    if (sqlite3_changes(db_.get()) == 0) return util::fail(ScpErrc::NotFound);
    return {};
  });
}

// ---------------------------------------------------------------- screening

util::Result<std::optional<ScreeningProfile>> SqliteServiceData::screeningProfile(
    std::string_view line) {
  std::lock_guard lock(mutex_);
  ScreeningProfile prof;
  sqlite3_stmt* p =
      stmt("SELECT bar_international, bar_premium FROM screening_profiles WHERE line = ?1");
  if (p == nullptr) return util::fail(ScpErrc::StoreIoError);
  bindText(p, 1, line);
  int rc = sqlite3_step(p);
  if (rc == SQLITE_DONE) return std::optional<ScreeningProfile>();
  if (rc != SQLITE_ROW) return ioError(db_.get(), "select profile");
  prof.bar_international = sqlite3_column_int(p, 0) != 0;
  prof.bar_premium = sqlite3_column_int(p, 1) != 0;
  sqlite3_reset(p);
  sqlite3_stmt* e = stmt(
      "SELECT direction, number FROM screening_entries WHERE line = ?1 ORDER BY direction, position");
  if (e == nullptr) return util::fail(ScpErrc::StoreIoError);
  bindText(e, 1, line);
  while ((rc = sqlite3_step(e)) == SQLITE_ROW) {
    (sqlite3_column_int(e, 0) == 0 ? prof.barred_numbers : prof.barred_callers)
        .push_back(columnText(e, 1));
  }
  sqlite3_reset(e);
  if (rc != SQLITE_DONE) return ioError(db_.get(), "select entries");
  return std::optional<ScreeningProfile>(std::move(prof));
}

util::Result<void> SqliteServiceData::putScreeningProfile(std::string_view line,
                                                          const ScreeningProfile& prof) {
  std::lock_guard lock(mutex_);
  return transaction([&]() -> util::Result<void> {
    sqlite3_stmt* d = stmt("DELETE FROM screening_profiles WHERE line = ?1");
    if (d == nullptr) return util::fail(ScpErrc::StoreIoError);
    bindText(d, 1, line);
    if (sqlite3_step(d) != SQLITE_DONE) return ioError(db_.get(), "delete profile");
    sqlite3_stmt* p = stmt(
        "INSERT INTO screening_profiles (line, bar_international, bar_premium) VALUES (?1, ?2, ?3)");
    if (p == nullptr) return util::fail(ScpErrc::StoreIoError);
    bindText(p, 1, line);
    sqlite3_bind_int(p, 2, prof.bar_international ? 1 : 0);
    sqlite3_bind_int(p, 3, prof.bar_premium ? 1 : 0);
    if (sqlite3_step(p) != SQLITE_DONE) return ioError(db_.get(), "insert profile");
    int position = 0;
    for (int direction = 0; direction < 2; ++direction) {
      for (const std::string& number : direction == 0 ? prof.barred_numbers : prof.barred_callers) {
        // Duplicates collapse (ON CONFLICT applies to the key only; CHECK failures still abort).
        sqlite3_stmt* e = stmt(
            "INSERT INTO screening_entries (line, direction, number, position) "
            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
        if (e == nullptr) return util::fail(ScpErrc::StoreIoError);
        bindText(e, 1, line);
        sqlite3_bind_int(e, 2, direction);
        bindText(e, 3, number);
        sqlite3_bind_int(e, 4, position++);
        if (sqlite3_step(e) != SQLITE_DONE) return ioError(db_.get(), "insert entry");
      }
    }
    return {};
  });
}

}  // namespace insip::scp
