// SPDX-License-Identifier: Apache-2.0
#include "auth/sqlite_credential_store.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

namespace insip::auth {
namespace {

constexpr std::size_t kMaxFieldBytes = 256;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS users ("
    " username TEXT NOT NULL,"
    " realm TEXT NOT NULL,"
    " role TEXT NOT NULL DEFAULT 'subscriber' CHECK (role IN ('subscriber', 'admin')),"
    " ha1_md5 TEXT NOT NULL,"
    " ha1_sha256 TEXT NOT NULL,"
    " ha1_sha512_256 TEXT NOT NULL,"
    " PRIMARY KEY (username, realm)"
    ") WITHOUT ROWID;";

constexpr const char* kLookup =
    "SELECT role, ha1_md5, ha1_sha256, ha1_sha512_256 FROM users WHERE username = ?1 AND realm = ?2;";

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

Stmt prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    spdlog::error("credential store: cannot prepare statement: {}", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return Stmt{};
  }
  return Stmt{s};
}

bool bindText(sqlite3_stmt* s, int index, std::string_view text) {
  return sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()),
                           SQLITE_TRANSIENT) == SQLITE_OK;
}

std::string columnText(sqlite3_stmt* s, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return p == nullptr ? std::string{}
                      : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, col)));
}

bool validField(std::string_view v) {
  if (v.empty() || v.size() > kMaxFieldBytes) {
    return false;
  }
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return false;
    }
  }
  return true;
}

}  // namespace

util::Result<std::unique_ptr<SqliteCredentialStore>> SqliteCredentialStore::open(
    const std::filesystem::path& path, std::chrono::milliseconds busy_timeout) {
  // The file holds password equivalents: create it 0600 before SQLite does (SQLite gives the
  // -wal and -shm files the main file's permissions).
  {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      spdlog::error("credential store: cannot open {}: {}", path.string(),
                    std::generic_category().message(errno));
      return util::fail(AuthErrc::StoreOpenFailed);
    }
    ::close(fd);
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    spdlog::error("credential store: cannot open {}: {}", path.string(),
                  db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return util::fail(AuthErrc::StoreOpenFailed);
  }
  auto store = std::make_unique<SqliteCredentialStore>(PassKey{}, db);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  // journal_mode=WAL persists in the file; switching needs a brief exclusive lock, which the
  // busy timeout covers when another process has the file open.
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;", kSchema}) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      spdlog::error("credential store {}: {}: {}", path.string(), sql,
                    err != nullptr ? err : "error");
      sqlite3_free(err);
      return util::fail(AuthErrc::StoreOpenFailed);
    }
  }
  store->lookup_stmt_ = prepare(db, kLookup).release();
  if (store->lookup_stmt_ == nullptr) {
    return util::fail(AuthErrc::StoreOpenFailed);
  }
  return store;
}

SqliteCredentialStore::SqliteCredentialStore(PassKey /*key*/, sqlite3* db) : db_(db) {}

SqliteCredentialStore::~SqliteCredentialStore() {
  sqlite3_finalize(lookup_stmt_);
  sqlite3_close(db_);
}

std::optional<SqliteCredentialStore::Row> SqliteCredentialStore::lookup(
    std::string_view user, std::string_view realm) const {
  std::lock_guard lock(mutex_);
  sqlite3_stmt* s = lookup_stmt_;
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (!bindText(s, 1, user) || !bindText(s, 2, realm)) {
    return std::nullopt;
  }
  const int rc = sqlite3_step(s);
  std::optional<Row> row;
  if (rc == SQLITE_ROW) {
    row = Row{columnText(s, 0), columnText(s, 1), columnText(s, 2), columnText(s, 3)};
  } else if (rc != SQLITE_DONE) {
    // Fail closed: the user is treated as unknown (challenged), and we say why.
    spdlog::warn("credential store lookup failed: {}", sqlite3_errmsg(db_));
  }
  sqlite3_reset(s);  // release the read snapshot so the WAL can be checkpointed
  return row;
}

std::optional<std::string> SqliteCredentialStore::ha1(std::string_view user,
                                                      std::string_view realm,
                                                      Algorithm algorithm) const {
  auto row = lookup(user, realm);
  if (!row) {
    return std::nullopt;
  }
  switch (baseAlgorithm(algorithm)) {
    case Algorithm::Md5:
      return std::move(row->ha1_md5);
    case Algorithm::Sha256:
      return std::move(row->ha1_sha256);
    default:
      return std::move(row->ha1_sha512_256);
  }
}

std::optional<StoredCredential> SqliteCredentialStore::credential(std::string_view user,
                                                                 std::string_view realm,
                                                                 Algorithm algorithm) const {
  auto row = lookup(user, realm);
  if (!row) {
    return std::nullopt;
  }
  std::string& h = baseAlgorithm(algorithm) == Algorithm::Md5      ? row->ha1_md5
                   : baseAlgorithm(algorithm) == Algorithm::Sha256 ? row->ha1_sha256
                                                                   : row->ha1_sha512_256;
  return StoredCredential{std::move(h), std::move(row->role)};
}

std::optional<std::string> SqliteCredentialStore::role(std::string_view user,
                                                       std::string_view realm) const {
  auto row = lookup(user, realm);
  if (!row) {
    return std::nullopt;
  }
  return std::move(row->role);
}

util::Result<void> SqliteCredentialStore::addUser(std::string_view user, std::string_view realm,
                                                  std::string_view password,
                                                  std::string_view role, bool replace) {
  if (!validField(user) || !validField(realm) || password.empty() || password.size() > 1024 ||
      (role != kRoleSubscriber && role != kRoleAdmin)) {
    return util::fail(AuthErrc::InvalidArgument);
  }
  std::lock_guard lock(mutex_);
  Stmt s = prepare(db_, replace ? "INSERT OR REPLACE INTO users (username, realm, role, ha1_md5,"
                                  " ha1_sha256, ha1_sha512_256) VALUES (?1, ?2, ?3, ?4, ?5, ?6);"
                                : "INSERT INTO users (username, realm, role, ha1_md5,"
                                  " ha1_sha256, ha1_sha512_256) VALUES (?1, ?2, ?3, ?4, ?5, ?6);");
  if (!s) {
    return util::fail(AuthErrc::StoreQueryFailed);
  }
  const std::string md5 = computeHa1(Algorithm::Md5, user, realm, password);
  const std::string sha256 = computeHa1(Algorithm::Sha256, user, realm, password);
  const std::string sha512 = computeHa1(Algorithm::Sha512_256, user, realm, password);
  if (md5.empty() || sha256.empty() || sha512.empty()) {
    return util::fail(AuthErrc::StoreQueryFailed);  // a hash is unavailable in this OpenSSL
  }
  if (!bindText(s.get(), 1, user) || !bindText(s.get(), 2, realm) ||
      !bindText(s.get(), 3, role) || !bindText(s.get(), 4, md5) ||
      !bindText(s.get(), 5, sha256) || !bindText(s.get(), 6, sha512)) {
    return util::fail(AuthErrc::StoreQueryFailed);
  }
  const int rc = sqlite3_step(s.get());
  if (rc == SQLITE_CONSTRAINT) {
    return util::fail(AuthErrc::UserExists);
  }
  if (rc != SQLITE_DONE) {
    spdlog::error("credential store: add user failed: {}", sqlite3_errmsg(db_));
    return util::fail(AuthErrc::StoreQueryFailed);
  }
  return {};
}

util::Result<void> SqliteCredentialStore::removeUser(std::string_view user,
                                                     std::string_view realm) {
  std::lock_guard lock(mutex_);
  Stmt s = prepare(db_, "DELETE FROM users WHERE username = ?1 AND realm = ?2;");
  if (!s || !bindText(s.get(), 1, user) || !bindText(s.get(), 2, realm)) {
    return util::fail(AuthErrc::StoreQueryFailed);
  }
  if (sqlite3_step(s.get()) != SQLITE_DONE) {
    spdlog::error("credential store: remove user failed: {}", sqlite3_errmsg(db_));
    return util::fail(AuthErrc::StoreQueryFailed);
  }
  if (sqlite3_changes(db_) == 0) {
    return util::fail(AuthErrc::UserNotFound);
  }
  return {};
}

util::Result<std::vector<UserInfo>> SqliteCredentialStore::listUsers(
    std::string_view realm) const {
  std::lock_guard lock(mutex_);
  Stmt s = prepare(db_, realm.empty()
                            ? "SELECT username, realm, role FROM users ORDER BY realm, username;"
                            : "SELECT username, realm, role FROM users WHERE realm = ?1"
                              " ORDER BY realm, username;");
  if (!s || (!realm.empty() && !bindText(s.get(), 1, realm))) {
    return util::fail(AuthErrc::StoreQueryFailed);
  }
  std::vector<UserInfo> users;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    users.push_back(UserInfo{columnText(s.get(), 0), columnText(s.get(), 1), columnText(s.get(), 2)});
  }
  if (rc != SQLITE_DONE) {
    return util::fail(AuthErrc::StoreQueryFailed);
  }
  return users;
}

}  // namespace insip::auth
