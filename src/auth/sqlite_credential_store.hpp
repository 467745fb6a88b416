// SPDX-License-Identifier: Apache-2.0
//
// sqlite_credential_store.hpp — CredentialStore on an SQLite file, shared between the proxy
// (reads, hot path) and `insip user add/del/list` (writes, another process).
// Table users(username, realm, role, ha1_md5, ha1_sha256, ha1_sha512_256,
// PRIMARY KEY(username, realm)): only HA1 values (RFC 7616 §3.4.2, §5.2/§5.3: the HA1 is a
// password equivalent, so the file is created mode 0600), never the password.
// WAL journal (readers never block the writer), busy_timeout for the cross-process lock,
// one prepared lookup statement reused per call (guarded by a mutex).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/credential_store.hpp"
#include "auth/errors.hpp"
#include "util/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace insip::auth {

struct UserInfo {
  std::string username;
  std::string realm;
  std::string role;
  bool operator==(const UserInfo&) const = default;
};

class SqliteCredentialStore final : public CredentialStore {
 public:
  /// Opens (creating file and schema if needed) the database at `path`.
  /// @param busy_timeout how long a statement waits for another process's lock.
  static util::Result<std::unique_ptr<SqliteCredentialStore>> open(
      const std::filesystem::path& path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds(2000));

  class PassKey {  // lets open() use make_unique while the constructor stays unusable elsewhere
    friend class SqliteCredentialStore;
    PassKey() = default;
  };
  SqliteCredentialStore(PassKey key, sqlite3* db);
  ~SqliteCredentialStore() override;
  SqliteCredentialStore(const SqliteCredentialStore&) = delete;
  SqliteCredentialStore& operator=(const SqliteCredentialStore&) = delete;

  /// Stores the three HA1 values of (user, realm, password). `role` is "subscriber" or "admin".
  /// Errors: InvalidArgument (empty or over 256 bytes, control characters, unknown role),
  /// UserExists (unless `replace`), StoreQueryFailed.
  util::Result<void> addUser(std::string_view user, std::string_view realm,
                             std::string_view password, std::string_view role = kRoleSubscriber,
                             bool replace = false);
  /// Errors: UserNotFound, StoreQueryFailed.
  util::Result<void> removeUser(std::string_view user, std::string_view realm);
  /// All users, ordered by realm then username; only those of `realm` if it is not empty.
  util::Result<std::vector<UserInfo>> listUsers(std::string_view realm = {}) const;

  std::optional<std::string> ha1(std::string_view user, std::string_view realm,
                                 Algorithm algorithm) const override;
  std::optional<std::string> role(std::string_view user, std::string_view realm) const override;
  std::optional<StoredCredential> credential(std::string_view user, std::string_view realm,
                                             Algorithm algorithm) const override;

 private:
  struct Row {
    std::string role;
    std::string ha1_md5;
    std::string ha1_sha256;
    std::string ha1_sha512_256;
  };
  std::optional<Row> lookup(std::string_view user, std::string_view realm) const;

  sqlite3* db_;
  mutable std::mutex mutex_;
  mutable sqlite3_stmt* lookup_stmt_ = nullptr;  // guarded by mutex_
};
using SqliteCredentialStorePtr = std::unique_ptr<SqliteCredentialStore>;

}  // namespace insip::auth
