// SPDX-License-Identifier: Apache-2.0
//
// user_command.hpp — `insip user add|del|list`: manages the Digest credential database
// (auth::SqliteCredentialStore) that a running proxy reads concurrently (WAL + busy_timeout).
// The database path and realm come from `--config FILE` (auth.credentials_db, auth.realm) or from
// `--db FILE [--realm R]`. Passwords are read from stdin (first line, when stdin is not a
// terminal) or from a no-echo prompt asked twice — never from argv, which other local users can
// read in /proc. Only HA1 values are stored (RFC 7616 §3.4.2, §5.2).
// Exit codes: 0 done; 1 the operation failed (user exists / not found / database error);
// 2 bad usage or configuration (unreadable config, missing realm, password problems).
#pragma once

namespace CLI {
class App;
}

namespace insip::app {

inline constexpr int kUserExitFailure = 1;
inline constexpr int kUserExitUsage = 2;

/// Registers the `user` subcommand (with add, del, list) on `parent`. Each action reports its
/// result on stdout / stderr and ends by throwing CLI::RuntimeError(exit code) on failure, which
/// CLI11_PARSE turns into the process exit code.
void addUserCommand(CLI::App& parent);

}  // namespace insip::app
