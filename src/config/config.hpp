// SPDX-License-Identifier: Apache-2.0
//
// config.hpp — the typed configuration tree (CONVENTIONS R4): plain aggregates with their defaults
// written here. Loaded once from TOML by loadConfig() (loader.hpp), validated, then immutable.
// Every key is documented with its default in config/proxy.example.toml.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace insip::config {

struct Listen {
  std::string address = "127.0.0.1";
  std::uint16_t port = 5060;
  bool udp = true;
  bool tcp = true;
  /// Host written into our Via / Record-Route; empty = the listen address.
  std::string advertised_host;
};

struct Limits {
  std::uint32_t max_message_bytes = 65535;
  std::uint32_t max_headers = 128;
  std::uint32_t max_line_bytes = 8192;
  std::uint32_t max_body_bytes = 60000;
  std::uint32_t max_uri_bytes = 4096;
  std::uint32_t max_vias = 70;  // RFC 4475 longreq (valid) carries 34 Via values
  std::uint32_t max_tcp_connections = 4096;
  std::uint32_t max_connections_per_source = 64;
  std::uint32_t tcp_idle_timeout_s = 600;
  /// A TCP message must be complete this long after its first byte arrived (slowloris guard).
  std::uint32_t tcp_header_timeout_s = 30;
  /// Live server + client transactions; beyond it new requests get 503. A UDP transaction
  /// answered locally lives 64*T1 (32 s) to absorb retransmissions, so N requests/s hold ~32*N
  /// (about 1 KB each): the default serves ~15000 requests/s in about 500 MB.
  std::uint32_t max_transactions = 500000;
};

struct Auth {
  std::string realm = "example.test";
  /// Offered in this order, one challenge header each (RFC 8760 §2.4). Allowed:
  /// "SHA-256", "MD5", "SHA-512-256".
  std::vector<std::string> algorithms = {"SHA-256", "MD5"};
  std::uint32_t nonce_ttl_s = 300;
  /// Failed attempts (per user) before 403; 0 disables lockout.
  std::uint32_t max_failures = 5;
  /// How long a locked-out user gets 403.
  std::uint32_t lockout_s = 300;
  /// Credentials database (SQLite); relative paths resolve against the config file's folder.
  std::filesystem::path credentials_db = "insip-users.sqlite";
  /// File holding the nonce HMAC secret; created with a random secret if missing.
  std::filesystem::path secret_file = "insip-secret.key";
};

struct Registrar {
  std::uint32_t min_expires_s = 60;
  std::uint32_t max_expires_s = 3600;
  std::uint32_t default_expires_s = 3600;
  std::uint32_t max_contacts_per_aor = 10;
  std::filesystem::path bindings_db = "insip-bindings.sqlite";
};

struct Proxy {
  /// Domains we are responsible for (registrar + authentication); the realm is usually one.
  std::vector<std::string> domains = {"example.test"};
  bool record_route = true;
  /// Timer C (RFC 3261 §16.6 step 11), > 3 min.
  std::uint32_t timer_c_s = 185;
  /// Forward requests for foreign domains (open relay) — off: fail closed, 403.
  bool allow_foreign_relay = false;
};

struct Timers {
  std::uint32_t t1_ms = 500;
  std::uint32_t t2_ms = 4000;
  std::uint32_t t4_ms = 5000;
};

struct Log {
  std::string level = "info";  // trace, debug, info, warn, error, off
  /// Log every SIP message crossing the proxy (one line each), for the demo ladder.
  bool messages = false;
};

struct Config {
  /// Folder of the config file; relative paths were resolved against it by the loader.
  std::filesystem::path base_dir;
  Listen listen;
  Limits limits;
  Auth auth;
  Registrar registrar;
  Proxy proxy;
  Timers timers;
  Log log;
};

}  // namespace insip::config
