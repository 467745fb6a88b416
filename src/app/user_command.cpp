// SPDX-License-Identifier: Apache-2.0
#include "app/user_command.hpp"

#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "auth/sqlite_credential_store.hpp"
#include "config/loader.hpp"

namespace insip::app {
namespace {

struct UserOptions {
  std::filesystem::path config_path;
  std::filesystem::path db_path;
  std::string realm;
  std::string name;
  std::string role = std::string(auth::kRoleSubscriber);
  bool replace = false;
};

struct Target {
  std::filesystem::path db;
  std::string realm;  // empty only for `list` without a realm
};

[[noreturn]] void failWith(int code, const std::string& message) {
  std::cerr << "insip user: " << message << "\n";
  throw CLI::RuntimeError(code);
}

// Resolves the database path and realm from --config or --db/--realm.
Target resolveTarget(const UserOptions& o, bool realm_required) {
  Target t;
  if (!o.config_path.empty()) {
    std::string errors;
    auto config = config::loadConfigFile(o.config_path, &errors);
    if (!config) {
      while (!errors.empty() && (errors.back() == '\n' || errors.back() == '\r')) {
        errors.pop_back();
      }
      failWith(kUserExitUsage, "cannot load " + o.config_path.string() + ": " +
                                   (errors.empty() ? config.error().message() : errors));
    }
    t.db = config->auth.credentials_db;
    t.realm = o.realm.empty() ? config->auth.realm : o.realm;
  } else if (!o.db_path.empty()) {
    t.db = o.db_path;
    t.realm = o.realm;
  } else {
    failWith(kUserExitUsage, "give --config FILE or --db FILE");
  }
  if (realm_required && t.realm.empty()) {
    failWith(kUserExitUsage, "--realm is required with --db");
  }
  return t;
}

std::unique_ptr<auth::SqliteCredentialStore> openStore(const Target& t) {
  auto store = auth::SqliteCredentialStore::open(t.db);
  if (!store) {
    failWith(kUserExitFailure, "cannot open credential database " + t.db.string() + ": " +
                                   store.error().message());
  }
  return std::move(*store);
}

// Restores the terminal even if reading throws or returns early.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      quiet.c_lflag |= ECHONL;
      active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~EchoOff() {
    if (active_) {
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::optional<std::string> readLine() {
  std::string line;
  if (!std::getline(std::cin, line)) {
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

std::string readPassword(const std::string& who) {
  if (::isatty(STDIN_FILENO) == 0) {
    // Scripted use: `printf '%s\n' "$PW" | insip user add alice --config proxy.toml`.
    auto line = readLine();
    if (!line || line->empty()) {
      failWith(kUserExitUsage, "no password on stdin (expected it on the first line)");
    }
    return *line;
  }
  std::string first;
  std::string second;
  {
    EchoOff echo_off;
    std::cerr << "Password for " << who << ": " << std::flush;
    auto a = readLine();
    std::cerr << "Repeat password: " << std::flush;
    auto b = a ? readLine() : std::nullopt;
    if (!a || !b) {
      failWith(kUserExitUsage, "no password entered");
    }
    first = std::move(*a);
    second = std::move(*b);
  }
  if (first != second) {
    failWith(kUserExitUsage, "passwords do not match");
  }
  if (first.empty()) {
    failWith(kUserExitUsage, "empty password refused");
  }
  return first;
}

void addSourceOptions(CLI::App& cmd, UserOptions& o) {
  auto* config = cmd.add_option("--config", o.config_path,
                                "Proxy config file (database and realm from its [auth] table)");
  auto* db = cmd.add_option("--db", o.db_path, "Credential database file (SQLite)");
  config->excludes(db);
  db->excludes(config);
}

void runAdd(const UserOptions& o) {
  const Target t = resolveTarget(o, true);
  const std::string who = o.name + "@" + t.realm;
  auto store = openStore(t);
  const std::string password = readPassword(who);
  auto added = store->addUser(o.name, t.realm, password, o.role, o.replace);
  if (!added) {
    if (added.error() == make_error_code(auth::AuthErrc::UserExists)) {
      failWith(kUserExitFailure, "user " + who + " already exists (use --force to replace)");
    }
    failWith(added.error() == make_error_code(auth::AuthErrc::InvalidArgument) ? kUserExitUsage
                                                                                : kUserExitFailure,
             "cannot add " + who + ": " + added.error().message());
  }
  std::cout << (o.replace ? "stored user " : "added user ") << who << " (" << o.role << ")\n";
}

void runDel(const UserOptions& o) {
  const Target t = resolveTarget(o, true);
  const std::string who = o.name + "@" + t.realm;
  auto store = openStore(t);
  auto removed = store->removeUser(o.name, t.realm);
  if (!removed) {
    failWith(kUserExitFailure, "cannot delete " + who + ": " + removed.error().message());
  }
  std::cout << "deleted user " << who << "\n";
}

void runList(const UserOptions& o) {
  // With --config the realm filter defaults to the configured realm; --db lists every realm
  // unless --realm is given.
  const Target t = resolveTarget(o, false);
  auto store = openStore(t);
  auto users = store->listUsers(t.realm);
  if (!users) {
    failWith(kUserExitFailure, "cannot list users: " + users.error().message());
  }
  std::size_t w_user = 8;
  std::size_t w_realm = 5;
  for (const auto& u : *users) {
    w_user = std::max(w_user, u.username.size());
    w_realm = std::max(w_realm, u.realm.size());
  }
  auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w - s.size() + 2, ' '); };
  std::cout << pad("USERNAME", w_user) << pad("REALM", w_realm) << "ROLE\n";
  for (const auto& u : *users) {
    std::cout << pad(u.username, w_user) << pad(u.realm, w_realm) << u.role << "\n";
  }
}

}  // namespace

void addUserCommand(CLI::App& parent) {
  auto* user = parent.add_subcommand("user", "Manage Digest users in the credential database");
  user->require_subcommand(1);

  {
    auto o = std::make_shared<UserOptions>();
    auto* add = user->add_subcommand(
        "add", "Add a user; the password is read from stdin or prompted for (never an argument)");
    add->add_option("name", o->name, "User name")->required();
    add->add_option("--realm", o->realm, "Realm (default: auth.realm of --config)");
    add->add_option("--role", o->role, "Role")
        ->check(CLI::IsMember({std::string(auth::kRoleSubscriber), std::string(auth::kRoleAdmin)}))
        ->capture_default_str();
    add->add_flag("--force", o->replace, "Replace an existing user (change password or role)");
    addSourceOptions(*add, *o);
    add->callback([o] { runAdd(*o); });
  }
  {
    auto o = std::make_shared<UserOptions>();
    auto* del = user->add_subcommand("del", "Delete a user");
    del->add_option("name", o->name, "User name")->required();
    del->add_option("--realm", o->realm, "Realm (default: auth.realm of --config)");
    addSourceOptions(*del, *o);
    del->callback([o] { runDel(*o); });
  }
  {
    auto o = std::make_shared<UserOptions>();
    auto* list = user->add_subcommand("list", "List users (names, realms and roles only)");
    list->add_option("--realm", o->realm, "Only this realm");
    addSourceOptions(*list, *o);
    list->callback([o] { runList(*o); });
  }
}

}  // namespace insip::app
