// SPDX-License-Identifier: Apache-2.0
//
// loader_test.cpp — config::loadConfig / loadConfigFile: defaults, the example file, every key's
// type check, ranges and cross-key rules, unknown tables/keys with line numbers, all problems
// collected at once, path resolution, describe() and failOpenOptions().
// Expected messages are the documented format "line N: key.path: expected ..., got <TOML value>".
#include "config/loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace insip::config {
namespace {

namespace fs = std::filesystem;

const fs::path kBase = "/srv/insip";

struct Loaded {
  util::Result<Config> result;
  std::string errors;
};

Loaded load(std::string_view text, const fs::path& base = kBase) {
  std::string errors = "stale text that must be replaced";
  auto result = loadConfig(text, base, &errors);
  return {std::move(result), std::move(errors)};
}

/// Field-by-field comparison against a default-constructed Config whose relative paths were
/// resolved against `base` (config.hpp has no operator==).
void expectDefaults(const Config& c, const fs::path& base) {
  const Config d;
  EXPECT_EQ(c.base_dir, base);
  EXPECT_EQ(c.listen.address, d.listen.address);
  EXPECT_EQ(c.listen.port, d.listen.port);
  EXPECT_EQ(c.listen.udp, d.listen.udp);
  EXPECT_EQ(c.listen.tcp, d.listen.tcp);
  EXPECT_EQ(c.listen.advertised_host, d.listen.advertised_host);
  EXPECT_EQ(c.limits.max_message_bytes, d.limits.max_message_bytes);
  EXPECT_EQ(c.limits.max_headers, d.limits.max_headers);
  EXPECT_EQ(c.limits.max_line_bytes, d.limits.max_line_bytes);
  EXPECT_EQ(c.limits.max_body_bytes, d.limits.max_body_bytes);
  EXPECT_EQ(c.limits.max_uri_bytes, d.limits.max_uri_bytes);
  EXPECT_EQ(c.limits.max_vias, d.limits.max_vias);
  EXPECT_EQ(c.limits.max_tcp_connections, d.limits.max_tcp_connections);
  EXPECT_EQ(c.limits.max_connections_per_source, d.limits.max_connections_per_source);
  EXPECT_EQ(c.limits.tcp_idle_timeout_s, d.limits.tcp_idle_timeout_s);
  EXPECT_EQ(c.limits.tcp_header_timeout_s, d.limits.tcp_header_timeout_s);
  EXPECT_EQ(c.limits.max_transactions, d.limits.max_transactions);
  EXPECT_EQ(c.auth.realm, d.auth.realm);
  EXPECT_EQ(c.auth.algorithms, d.auth.algorithms);
  EXPECT_EQ(c.auth.nonce_ttl_s, d.auth.nonce_ttl_s);
  EXPECT_EQ(c.auth.max_failures, d.auth.max_failures);
  EXPECT_EQ(c.auth.lockout_s, d.auth.lockout_s);
  EXPECT_EQ(c.auth.credentials_db, base / d.auth.credentials_db);
  EXPECT_EQ(c.auth.secret_file, base / d.auth.secret_file);
  EXPECT_EQ(c.registrar.min_expires_s, d.registrar.min_expires_s);
  EXPECT_EQ(c.registrar.max_expires_s, d.registrar.max_expires_s);
  EXPECT_EQ(c.registrar.default_expires_s, d.registrar.default_expires_s);
  EXPECT_EQ(c.registrar.max_contacts_per_aor, d.registrar.max_contacts_per_aor);
  EXPECT_EQ(c.registrar.bindings_db, base / d.registrar.bindings_db);
  EXPECT_EQ(c.proxy.domains, d.proxy.domains);
  EXPECT_EQ(c.proxy.record_route, d.proxy.record_route);
  EXPECT_EQ(c.proxy.timer_c_s, d.proxy.timer_c_s);
  EXPECT_EQ(c.proxy.allow_foreign_relay, d.proxy.allow_foreign_relay);
  EXPECT_EQ(c.timers.t1_ms, d.timers.t1_ms);
  EXPECT_EQ(c.timers.t2_ms, d.timers.t2_ms);
  EXPECT_EQ(c.timers.t4_ms, d.timers.t4_ms);
  EXPECT_EQ(c.log.level, d.log.level);
  EXPECT_EQ(c.log.messages, d.log.messages);
}

// ---- defaults and the example file ----------------------------------------------------------

TEST(ConfigLoader, EmptyTextYieldsAllDefaultsWithPathsResolvedAgainstBaseDir) {
  const auto loaded = load("");
  ASSERT_TRUE(loaded.result.has_value()) << loaded.errors;
  EXPECT_EQ(loaded.errors, "");
  expectDefaults(*loaded.result, kBase);
  EXPECT_EQ(loaded.result->auth.credentials_db, fs::path("/srv/insip/insip-users.sqlite"));
}

TEST(ConfigLoader, CommentsAndEmptyTablesAlsoYieldDefaults) {
  const auto loaded = load("# nothing set\n[listen]\n[auth]\n[log]\n");
  ASSERT_TRUE(loaded.result.has_value()) << loaded.errors;
  expectDefaults(*loaded.result, kBase);
}

TEST(ConfigLoader, ExampleFileLoadsToExactlyTheDefaults) {
  const fs::path example =
      fs::path(INSIP_TEST_DATA) / ".." / ".." / "config" / "proxy.example.toml";
  std::string errors;
  const auto result = loadConfigFile(example, &errors);
  ASSERT_TRUE(result.has_value()) << errors;
  expectDefaults(*result, fs::absolute(example).lexically_normal().parent_path());
}

TEST(ConfigLoader, ExampleFileSetsEveryKeyExplicitly) {
  // Every key the loader knows must appear in the example (documented with its default).
  const fs::path example =
      fs::path(INSIP_TEST_DATA) / ".." / ".." / "config" / "proxy.example.toml";
  std::ifstream in(example);
  ASSERT_TRUE(in) << example;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* key : {"address",
                          "port",
                          "udp",
                          "tcp",
                          "advertised_host",
                          "max_message_bytes",
                          "max_headers",
                          "max_line_bytes",
                          "max_body_bytes",
                          "max_uri_bytes",
                          "max_vias",
                          "max_tcp_connections",
                          "max_connections_per_source",
                          "tcp_idle_timeout_s",
                          "tcp_header_timeout_s",
                          "max_transactions",
                          "realm",
                          "algorithms",
                          "nonce_ttl_s",
                          "max_failures",
                          "lockout_s",
                          "credentials_db",
                          "secret_file",
                          "min_expires_s",
                          "max_expires_s",
                          "default_expires_s",
                          "max_contacts_per_aor",
                          "bindings_db",
                          "domains",
                          "record_route",
                          "timer_c_s",
                          "allow_foreign_relay",
                          "t1_ms",
                          "t2_ms",
                          "t4_ms",
                          "level",
                          "messages"}) {
    EXPECT_NE(text.find(std::string("\n") + key + " = "), std::string::npos) << key;
  }
}

TEST(ConfigLoader, EveryKeyCanBeSetToANonDefaultValue) {
  const auto loaded = load(R"(
[listen]
address = "::1"
port = 5070
udp = false
tcp = true
advertised_host = "sip.example.org"
[limits]
max_message_bytes = 100000
max_headers = 64
max_line_bytes = 4000
max_body_bytes = 50000
max_uri_bytes = 1000
max_vias = 10
max_tcp_connections = 100
max_connections_per_source = 5
tcp_idle_timeout_s = 30
tcp_header_timeout_s = 7
max_transactions = 500
[auth]
realm = "corp.example"
algorithms = ["SHA-512-256", "SHA-256", "MD5"]
nonce_ttl_s = 60
max_failures = 3
lockout_s = 900
credentials_db = "/var/lib/insip/users.sqlite"
secret_file = "/etc/insip/secret.key"
[registrar]
min_expires_s = 30
max_expires_s = 7200
default_expires_s = 600
max_contacts_per_aor = 3
bindings_db = "/var/lib/insip/bindings.sqlite"
[proxy]
domains = ["corp.example", "10.0.0.1"]
record_route = false
timer_c_s = 200
allow_foreign_relay = true
[timers]
t1_ms = 250
t2_ms = 2000
t4_ms = 2500
[log]
level = "debug"
messages = true
)");
  ASSERT_TRUE(loaded.result.has_value()) << loaded.errors;
  const Config& c = *loaded.result;
  EXPECT_EQ(c.listen.address, "::1");
  EXPECT_EQ(c.listen.port, 5070);
  EXPECT_FALSE(c.listen.udp);
  EXPECT_TRUE(c.listen.tcp);
  EXPECT_EQ(c.listen.advertised_host, "sip.example.org");
  EXPECT_EQ(c.limits.max_message_bytes, 100000u);
  EXPECT_EQ(c.limits.max_headers, 64u);
  EXPECT_EQ(c.limits.max_line_bytes, 4000u);
  EXPECT_EQ(c.limits.max_body_bytes, 50000u);
  EXPECT_EQ(c.limits.max_uri_bytes, 1000u);
  EXPECT_EQ(c.limits.max_vias, 10u);
  EXPECT_EQ(c.limits.max_tcp_connections, 100u);
  EXPECT_EQ(c.limits.max_connections_per_source, 5u);
  EXPECT_EQ(c.limits.tcp_idle_timeout_s, 30u);
  EXPECT_EQ(c.limits.tcp_header_timeout_s, 7u);
  EXPECT_EQ(c.limits.max_transactions, 500u);
  EXPECT_EQ(c.auth.realm, "corp.example");
  EXPECT_EQ(c.auth.algorithms, (std::vector<std::string>{"SHA-512-256", "SHA-256", "MD5"}));
  EXPECT_EQ(c.auth.nonce_ttl_s, 60u);
  EXPECT_EQ(c.auth.max_failures, 3u);
  EXPECT_EQ(c.auth.lockout_s, 900u);
  EXPECT_EQ(c.auth.credentials_db, fs::path("/var/lib/insip/users.sqlite"));
  EXPECT_EQ(c.auth.secret_file, fs::path("/etc/insip/secret.key"));
  EXPECT_EQ(c.registrar.min_expires_s, 30u);
  EXPECT_EQ(c.registrar.max_expires_s, 7200u);
  EXPECT_EQ(c.registrar.default_expires_s, 600u);
  EXPECT_EQ(c.registrar.max_contacts_per_aor, 3u);
  EXPECT_EQ(c.registrar.bindings_db, fs::path("/var/lib/insip/bindings.sqlite"));
  EXPECT_EQ(c.proxy.domains, (std::vector<std::string>{"corp.example", "10.0.0.1"}));
  EXPECT_FALSE(c.proxy.record_route);
  EXPECT_EQ(c.proxy.timer_c_s, 200u);
  EXPECT_TRUE(c.proxy.allow_foreign_relay);
  EXPECT_EQ(c.timers.t1_ms, 250u);
  EXPECT_EQ(c.timers.t2_ms, 2000u);
  EXPECT_EQ(c.timers.t4_ms, 2500u);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_TRUE(c.log.messages);
}

// ---- one wrong type per key -----------------------------------------------------------------

struct TypeCase {
  const char* table;
  const char* key;
  const char* value;     // TOML text of a wrongly-typed value
  const char* expected;  // the message after "line 2: table.key: "
};

class ConfigLoaderTypeError : public ::testing::TestWithParam<TypeCase> {};

TEST_P(ConfigLoaderTypeError, IsReportedWithKeyPathAndLine) {
  const auto& tc = GetParam();
  const std::string text = std::string("[") + tc.table + "]\n" + tc.key + " = " + tc.value + "\n";
  const auto loaded = load(text);
  ASSERT_FALSE(loaded.result.has_value()) << text;
  EXPECT_EQ(loaded.result.error(), make_error_code(ConfigErrc::InvalidConfig));
  EXPECT_EQ(loaded.errors,
            std::string("line 2: ") + tc.table + "." + tc.key + ": " + tc.expected + "\n");
}

constexpr const char* kAlgList = R"("SHA-256", "MD5" or "SHA-512-256")";

INSTANTIATE_TEST_SUITE_P(
    AllKeys, ConfigLoaderTypeError,
    ::testing::Values(
        TypeCase{"listen", "address", "5", "expected an IPv4 or IPv6 address literal, got 5"},
        TypeCase{"listen", "port", R"("5060")", R"(expected an integer 0..65535, got "5060")"},
        TypeCase{"listen", "udp", R"("yes")", R"(expected true or false, got "yes")"},
        TypeCase{"listen", "tcp", "1", "expected true or false, got 1"},
        TypeCase{"listen", "advertised_host", "false",
                 R"(expected a host name or IP address (or ""), got false)"},
        TypeCase{"limits", "max_message_bytes", "1.5", "expected an integer 1..16777216, got 1.5"},
        TypeCase{"limits", "max_headers", R"("128")", R"(expected an integer 1..65535, got "128")"},
        TypeCase{"limits", "max_line_bytes", "true", "expected an integer 1..16777216, got true"},
        TypeCase{"limits", "max_body_bytes", "[1]",
                 "expected an integer 1..16777216, got an array"},
        TypeCase{"limits", "max_uri_bytes", "{ a = 1 }",
                 "expected an integer 1..16777216, got a table"},
        TypeCase{"limits", "max_vias", "3.0", "expected an integer 1..65535, got 3.0"},
        TypeCase{"limits", "max_tcp_connections", R"("x")",
                 R"(expected an integer 1..10000000, got "x")"},
        TypeCase{"limits", "max_connections_per_source", "false",
                 "expected an integer 1..10000000, got false"},
        TypeCase{"limits", "tcp_idle_timeout_s", R"("600s")",
                 R"(expected an integer 1..86400, got "600s")"},
        TypeCase{"limits", "tcp_header_timeout_s", "0", "expected an integer 1..3600, got 0"},
        TypeCase{"limits", "tcp_header_timeout_s", "3601", "expected an integer 1..3600, got 3601"},
        TypeCase{"limits", "max_transactions", "1e5",
                 "expected an integer 1..10000000, got 100000.0"},
        TypeCase{"auth", "realm", "42",
                 R"(expected a non-empty realm without '"', '\' or control characters, got 42)"},
        TypeCase{
            "auth", "algorithms", R"("SHA-256")",
            R"(expected an array of strings, each "SHA-256", "MD5" or "SHA-512-256", got "SHA-256")"},
        TypeCase{"auth", "nonce_ttl_s", R"("abc")", R"(expected an integer 1..86400, got "abc")"},
        TypeCase{"auth", "max_failures", "true", "expected an integer 0..1000000, got true"},
        TypeCase{"auth", "lockout_s", R"("5m")", R"(expected an integer 1..604800, got "5m")"},
        TypeCase{"auth", "credentials_db", "1", "expected a non-empty file path, got 1"},
        TypeCase{"auth", "secret_file", "[]", "expected a non-empty file path, got an array"},
        TypeCase{"registrar", "min_expires_s", "-5", "expected an integer 1..4294967295, got -5"},
        TypeCase{"registrar", "max_expires_s", R"("1h")",
                 R"(expected an integer 1..4294967295, got "1h")"},
        TypeCase{"registrar", "default_expires_s", "60.5",
                 "expected an integer 1..4294967295, got 60.5"},
        TypeCase{"registrar", "max_contacts_per_aor", "false",
                 "expected an integer 1..1000, got false"},
        TypeCase{"registrar", "bindings_db", R"("")", R"(expected a non-empty file path, got "")"},
        TypeCase{"proxy", "domains", R"("example.test")",
                 R"(expected an array of strings, each a domain name, got "example.test")"},
        TypeCase{"proxy", "record_route", R"("true")", R"(expected true or false, got "true")"},
        TypeCase{"proxy", "timer_c_s", R"("185")", R"(expected an integer 181..86400, got "185")"},
        TypeCase{"proxy", "allow_foreign_relay", "0", "expected true or false, got 0"},
        TypeCase{"timers", "t1_ms", "0.5", "expected an integer 1..60000, got 0.5"},
        TypeCase{"timers", "t2_ms", R"("4s")", R"(expected an integer 1..600000, got "4s")"},
        TypeCase{"timers", "t4_ms", "[5000]", "expected an integer 1..600000, got an array"},
        TypeCase{"log", "level", "3",
                 R"(expected one of "trace", "debug", "info", "warn", "error", "off", got 3)"},
        TypeCase{"log", "messages", R"("no")", R"(expected true or false, got "no")"}));

// ---- ranges and cross-key rules -------------------------------------------------------------

std::string errorsOf(std::string_view text) {
  const auto loaded = load(text);
  EXPECT_FALSE(loaded.result.has_value()) << text;
  return loaded.errors;
}

bool accepts(std::string_view text) {
  const auto loaded = load(text);
  EXPECT_TRUE(loaded.result.has_value()) << text << "\n" << loaded.errors;
  return loaded.result.has_value();
}

TEST(ConfigLoaderRange, PortAcceptsZeroTo65535Only) {
  EXPECT_TRUE(accepts("[listen]\nport = 0\n"));
  EXPECT_TRUE(accepts("[listen]\nport = 65535\n"));
  EXPECT_EQ(errorsOf("[listen]\nport = 65536\n"),
            "line 2: listen.port: expected an integer 0..65535, got 65536\n");
  EXPECT_EQ(errorsOf("[listen]\nport = -1\n"),
            "line 2: listen.port: expected an integer 0..65535, got -1\n");
}

TEST(ConfigLoaderRange, NonceTtlIsOneSecondToOneDay) {
  EXPECT_EQ(errorsOf("[auth]\nnonce_ttl_s = 0\n"),
            "line 2: auth.nonce_ttl_s: expected an integer 1..86400, got 0\n");
  EXPECT_TRUE(accepts("[auth]\nnonce_ttl_s = 1\n"));
  EXPECT_TRUE(accepts("[auth]\nnonce_ttl_s = 86400\n"));
  EXPECT_EQ(errorsOf("[auth]\nnonce_ttl_s = 86401\n"),
            "line 2: auth.nonce_ttl_s: expected an integer 1..86400, got 86401\n");
}

TEST(ConfigLoaderRange, TimerCMustExceedThreeMinutes) {  // RFC 3261 §16.6 step 11
  EXPECT_EQ(errorsOf("[proxy]\ntimer_c_s = 180\n"),
            "line 2: proxy.timer_c_s: expected an integer 181..86400, got 180\n");
  EXPECT_TRUE(accepts("[proxy]\ntimer_c_s = 181\n"));
}

TEST(ConfigLoaderRange, LimitsMustBePositive) {
  EXPECT_EQ(errorsOf("[limits]\nmax_headers = 0\n"),
            "line 2: limits.max_headers: expected an integer 1..65535, got 0\n");
  EXPECT_EQ(errorsOf("[limits]\nmax_transactions = 0\n"),
            "line 2: limits.max_transactions: expected an integer 1..10000000, got 0\n");
}

TEST(ConfigLoaderRange, ExpiresAcceptTheFullUint32Range) {
  EXPECT_TRUE(accepts("[registrar]\nmax_expires_s = 4294967295\n"));
  EXPECT_EQ(errorsOf("[registrar]\nmax_expires_s = 4294967296\n"),
            "line 2: registrar.max_expires_s: expected an integer 1..4294967295, got 4294967296\n");
}

TEST(ConfigLoaderRange, ExpiresMustBeOrderedMinDefaultMax) {
  EXPECT_TRUE(
      accepts("[registrar]\nmin_expires_s = 600\ndefault_expires_s = 600\nmax_expires_s = 600\n"));
  // min above the (default) default of 3600: reported at the line of the key that was set.
  EXPECT_EQ(errorsOf("[registrar]\nmin_expires_s = 7200\n"),
            "line 2: registrar: expected min_expires_s <= default_expires_s <= max_expires_s, "
            "got 7200 <= 3600 <= 3600\n");
  EXPECT_EQ(errorsOf("[registrar]\nmax_expires_s = 1800\n"),
            "line 2: registrar: expected min_expires_s <= default_expires_s <= max_expires_s, "
            "got 60 <= 3600 <= 1800\n");
}

TEST(ConfigLoaderRange, T2MustNotBeBelowT1) {
  EXPECT_EQ(errorsOf("[timers]\nt1_ms = 500\nt2_ms = 400\n"),
            "line 2: timers.t2_ms: 400 is less than timers.t1_ms 500\n");
  EXPECT_TRUE(accepts("[timers]\nt1_ms = 500\nt2_ms = 500\n"));
}

TEST(ConfigLoaderRange, AtLeastOneTransportMustBeEnabled) {
  EXPECT_EQ(errorsOf("[listen]\nudp = false\ntcp = false\n"),
            "line 2: listen.udp, listen.tcp: at least one transport must be enabled\n");
}

TEST(ConfigLoaderRange, BodyLimitMustFitInMessageLimit) {
  EXPECT_EQ(errorsOf("[limits]\nmax_message_bytes = 1500\n"),
            "line 2: limits.max_body_bytes: 60000 exceeds limits.max_message_bytes 1500\n"
            "line 2: limits.max_line_bytes: 8192 exceeds limits.max_message_bytes 1500\n");
}

TEST(ConfigLoaderRange, AlgorithmsMustBeKnownDistinctAndNonEmpty) {
  EXPECT_TRUE(accepts("[auth]\nalgorithms = [\"SHA-512-256\"]\n"));
  EXPECT_EQ(errorsOf("[auth]\nalgorithms = []\n"),
            std::string("line 2: auth.algorithms: expected at least one entry, each ") + kAlgList +
                ", got an empty array\n");
  EXPECT_EQ(errorsOf("[auth]\nalgorithms = [\"MD5\", \"MD5\"]\n"),
            "line 2: auth.algorithms[1]: duplicate entry \"MD5\"\n");
  EXPECT_EQ(errorsOf("[auth]\nalgorithms = [\"SHA-256\", \"SHA1\"]\n"),
            std::string("line 2: auth.algorithms[1]: expected ") + kAlgList + ", got \"SHA1\"\n");
  EXPECT_EQ(errorsOf("[auth]\nalgorithms = [\"sha-256\"]\n"),
            std::string("line 2: auth.algorithms[0]: expected ") + kAlgList +
                ", got \"sha-256\" (did you mean \"SHA-256\"?)\n");
  EXPECT_EQ(errorsOf("[auth]\nalgorithms = [\"MD5\", 5]\n"),
            std::string("line 2: auth.algorithms[1]: expected ") + kAlgList + ", got 5\n");
}

TEST(ConfigLoaderRange, LogLevelComesFromTheFixedList) {
  EXPECT_TRUE(accepts("[log]\nlevel = \"off\"\n"));
  EXPECT_TRUE(accepts("[log]\nlevel = \"trace\"\n"));
  EXPECT_EQ(errorsOf("[log]\nlevel = \"warning\"\n"),
            "line 2: log.level: expected one of \"trace\", \"debug\", \"info\", \"warn\", "
            "\"error\", \"off\", got \"warning\"\n");
}

TEST(ConfigLoaderRange, ListenAddressMustBeAnIpLiteral) {
  EXPECT_TRUE(accepts("[listen]\naddress = \"0.0.0.0\"\n"));
  EXPECT_TRUE(accepts("[listen]\naddress = \"::\"\n"));
  EXPECT_EQ(
      errorsOf("[listen]\naddress = \"localhost\"\n"),
      "line 2: listen.address: expected an IPv4 or IPv6 address literal, got \"localhost\"\n");
  EXPECT_EQ(
      errorsOf("[listen]\naddress = \"127.0.0.256\"\n"),
      "line 2: listen.address: expected an IPv4 or IPv6 address literal, got \"127.0.0.256\"\n");
}

TEST(ConfigLoaderRange, DomainsMustBeHostNamesWithoutDuplicates) {
  EXPECT_EQ(errorsOf("[proxy]\ndomains = []\n"),
            "line 2: proxy.domains: expected at least one entry, each a domain name, got an empty "
            "array\n");
  EXPECT_EQ(errorsOf("[proxy]\ndomains = [\"example.test\", \"Example.TEST\"]\n"),
            "line 2: proxy.domains[1]: duplicate entry \"Example.TEST\"\n");
  EXPECT_EQ(errorsOf("[proxy]\ndomains = [\"bad domain\"]\n"),
            "line 2: proxy.domains[0]: expected a domain name, got \"bad domain\"\n");
  EXPECT_EQ(errorsOf("[proxy]\ndomains = [\"-x.test\"]\n"),
            "line 2: proxy.domains[0]: expected a domain name, got \"-x.test\"\n");
  EXPECT_TRUE(
      accepts("[proxy]\ndomains = [\"a-b.example.test\", \"192.0.2.1\", \"[2001:db8::1]\"]\n"));
}

TEST(ConfigLoaderRange, RealmMustBeUsableInAQuotedString) {
  EXPECT_EQ(errorsOf("[auth]\nrealm = \"\"\n"),
            "line 2: auth.realm: expected a non-empty realm without '\"', '\\' or control "
            "characters, got \"\"\n");
  EXPECT_FALSE(load("[auth]\nrealm = 'a\"b'\n").result.has_value());
  EXPECT_FALSE(load("[auth]\nrealm = \"a\\tb\"\n").result.has_value());
  EXPECT_TRUE(accepts("[auth]\nrealm = \"Example Corp SIP\"\n"));
}

// ---- unknown tables and keys ----------------------------------------------------------------

TEST(ConfigLoaderUnknown, KeyIsAnErrorWithLineAndSuggestion) {
  EXPECT_EQ(
      errorsOf("[registrar]\nmin_expires_s = 60\n\nmax_expire = 7200\n"),
      "line 4: unknown key 'registrar.max_expire' (did you mean 'registrar.max_expires_s'?)\n");
}

TEST(ConfigLoaderUnknown, KeyInTheWrongTableNamesItsHome) {
  EXPECT_EQ(errorsOf("[auth]\nbindings_db = \"b.sqlite\"\n"),
            "line 2: unknown key 'auth.bindings_db' (it belongs in [registrar])\n");
}

TEST(ConfigLoaderUnknown, KeyWithoutAnyLikenessHasNoSuggestion) {
  EXPECT_EQ(errorsOf("[log]\nwhatever = 1\n"), "line 2: unknown key 'log.whatever'\n");
}

TEST(ConfigLoaderUnknown, TableIsAnError) {
  EXPECT_EQ(errorsOf("[listen]\nport = 5060\n\n[flood]\nrequests_per_s = 50\n"),
            "line 4: unknown table 'flood'\n");
  EXPECT_EQ(errorsOf("[registar]\n"),
            "line 1: unknown table 'registar' (did you mean 'registrar'?)\n");
}

TEST(ConfigLoaderUnknown, TopLevelKeyIsAnError) {
  EXPECT_EQ(errorsOf("realm = \"example.test\"\n"), "line 1: unknown key 'realm'\n");
}

TEST(ConfigLoaderUnknown, SubTableOfAKnownTableIsAnUnknownKey) {
  EXPECT_EQ(errorsOf("[auth]\nrealm = \"x\"\n[auth.extra]\nx = 1\n"),
            "line 3: unknown key 'auth.extra'\n");
}

TEST(ConfigLoaderUnknown, KnownTableNameWithAScalarValueIsATypeError) {
  EXPECT_EQ(errorsOf("auth = 5\n"), "line 1: auth: expected a table, got 5\n");
  EXPECT_EQ(errorsOf("[[auth]]\nrealm = \"x\"\n"),
            "line 1: auth: expected a table, got an array\n");
}

// ---- all problems at once, syntax errors ----------------------------------------------------

TEST(ConfigLoader, CollectsAllProblemsInLineOrder) {
  const auto loaded = load(R"([listen]
port = 70000
udp = "yes"

[auth]
nonce_ttl_s = "abc"
algorithms = ["SHA-256", "SHA-256"]

[registrar]
max_expire = 7200

[flood]
requests_per_s = 50
)");
  ASSERT_FALSE(loaded.result.has_value());
  EXPECT_EQ(loaded.result.error(), make_error_code(ConfigErrc::InvalidConfig));
  EXPECT_EQ(
      loaded.errors,
      "line 2: listen.port: expected an integer 0..65535, got 70000\n"
      "line 3: listen.udp: expected true or false, got \"yes\"\n"
      "line 6: auth.nonce_ttl_s: expected an integer 1..86400, got \"abc\"\n"
      "line 7: auth.algorithms[1]: duplicate entry \"SHA-256\"\n"
      "line 10: unknown key 'registrar.max_expire' (did you mean 'registrar.max_expires_s'?)\n"
      "line 12: unknown table 'flood'\n");
}

TEST(ConfigLoader, SyntaxErrorIsReportedWithItsLine) {
  const auto loaded = load("[listen]\nport = 5060\naddress = \"127.0.0.1\n");
  ASSERT_FALSE(loaded.result.has_value());
  EXPECT_EQ(loaded.result.error(), make_error_code(ConfigErrc::SyntaxError));
  EXPECT_EQ(loaded.errors.rfind("line 3: syntax error: ", 0), 0u) << loaded.errors;
}

TEST(ConfigLoader, DuplicateKeyIsASyntaxError) {
  const auto loaded = load("[listen]\nport = 5060\nport = 5070\n");
  ASSERT_FALSE(loaded.result.has_value());
  EXPECT_EQ(loaded.result.error(), make_error_code(ConfigErrc::SyntaxError));
  EXPECT_EQ(loaded.errors.rfind("line 3: syntax error: ", 0), 0u) << loaded.errors;
}

TEST(ConfigLoader, NullErrorsOutIsAllowed) {
  const auto bad = loadConfig("[listen]\nport = -1\n", kBase, nullptr);
  EXPECT_EQ(bad.error(), make_error_code(ConfigErrc::InvalidConfig));
  EXPECT_TRUE(loadConfig("", kBase, nullptr).has_value());
}

// ---- paths ----------------------------------------------------------------------------------

TEST(ConfigLoaderPaths, RelativePathsResolveAgainstBaseDirAndAbsoluteOnesStay) {
  const auto loaded = load(R"(
[auth]
credentials_db = "db/users.sqlite"
secret_file = "../shared/secret.key"
[registrar]
bindings_db = "/var/lib/insip/bindings.sqlite"
)");
  ASSERT_TRUE(loaded.result.has_value()) << loaded.errors;
  EXPECT_EQ(loaded.result->base_dir, kBase);
  EXPECT_EQ(loaded.result->auth.credentials_db, fs::path("/srv/insip/db/users.sqlite"));
  EXPECT_EQ(loaded.result->auth.secret_file, fs::path("/srv/shared/secret.key"));
  EXPECT_EQ(loaded.result->registrar.bindings_db, fs::path("/var/lib/insip/bindings.sqlite"));
}

class ConfigLoaderFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/insip-config-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }
  fs::path dir_;
};

TEST_F(ConfigLoaderFile, BaseDirIsTheFilesAbsoluteFolder) {
  const auto path = write("insip.toml", "[auth]\ncredentials_db = \"users.sqlite\"\n");
  std::string errors;
  const auto result = loadConfigFile(path, &errors);
  ASSERT_TRUE(result.has_value()) << errors;
  EXPECT_EQ(result->base_dir, dir_);
  EXPECT_EQ(result->auth.credentials_db, dir_ / "users.sqlite");
  EXPECT_EQ(result->registrar.bindings_db, dir_ / "insip-bindings.sqlite");
}

TEST_F(ConfigLoaderFile, ErrorsArePrefixedWithThePathAndLine) {
  const auto path = write("bad.toml", "[log]\nlevel = \"loud\"\n");
  std::string errors;
  const auto result = loadConfigFile(path, &errors);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(errors, path.string() +
                        ":2: log.level: expected one of \"trace\", \"debug\", \"info\", \"warn\", "
                        "\"error\", \"off\", got \"loud\"\n");
}

TEST_F(ConfigLoaderFile, MissingFileIsUnreadable) {
  std::string errors;
  const auto result = loadConfigFile(dir_ / "nope.toml", &errors);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), make_error_code(ConfigErrc::FileUnreadable));
  EXPECT_EQ(errors,
            (dir_ / "nope.toml").string() + ": cannot read file: No such file or directory\n");
}

TEST_F(ConfigLoaderFile, DirectoryIsUnreadable) {
  std::string errors;
  const auto result = loadConfigFile(dir_, &errors);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), make_error_code(ConfigErrc::FileUnreadable));
  EXPECT_EQ(errors, dir_.string() + ": cannot read file: is a directory\n");
}

TEST(ConfigLoaderDataFile, SampleWithTyposReportsEveryProblem) {
  const fs::path path = fs::path(INSIP_TEST_DATA) / "config" / "typos.toml";
  std::string errors;
  const auto result = loadConfigFile(path, &errors);
  ASSERT_FALSE(result.has_value());
  const std::string p = path.string();
  EXPECT_EQ(errors,
            p + ":3: unknown key 'listen.adress' (did you mean 'listen.address'?)\n" + p +
                ":7: auth.algorithms[1]: expected \"SHA-256\", \"MD5\" or \"SHA-512-256\", got "
                "\"md5\" (did you mean \"MD5\"?)\n" +
                p + ":8: auth.nonce_ttl_s: expected an integer 1..86400, got \"abc\"\n" + p +
                ":11: registrar: expected min_expires_s <= default_expires_s <= max_expires_s, "
                "got 3600 <= 600 <= 7200\n" +
                p + ":15: unknown table 'logging' (did you mean 'log'?)\n");
}

// ---- describe, fail-open options, error category --------------------------------------------

TEST(ConfigDescribe, SummarisesTheDefaultsOnOneLine) {
  Config c;
  c.base_dir = kBase;
  const std::string d = describe(c);
  EXPECT_EQ(d.find('\n'), std::string::npos);
  EXPECT_NE(d.find("listen=127.0.0.1:5060 (udp,tcp)"), std::string::npos) << d;
  EXPECT_NE(d.find("realm=example.test"), std::string::npos) << d;
  EXPECT_NE(d.find("algorithms=SHA-256,MD5"), std::string::npos) << d;
  EXPECT_NE(d.find("base_dir=/srv/insip"), std::string::npos) << d;
}

TEST(ConfigFailOpen, DefaultsAreAllFailClosed) { EXPECT_TRUE(failOpenOptions(Config{}).empty()); }

TEST(ConfigFailOpen, ForeignRelayAndDisabledLockoutAreListed) {
  Config c;
  c.proxy.allow_foreign_relay = true;
  c.auth.max_failures = 0;
  const auto opts = failOpenOptions(c);
  ASSERT_EQ(opts.size(), 2u);
  EXPECT_EQ(opts[0].rfind("proxy.allow_foreign_relay=true", 0), 0u) << opts[0];
  EXPECT_EQ(opts[1].rfind("auth.max_failures=0", 0), 0u) << opts[1];
}

TEST(ConfigErrorCategory, HasANameAndAMessagePerCode) {
  const std::error_code ec = ConfigErrc::InvalidConfig;
  EXPECT_STREQ(ec.category().name(), "insip.config");
  EXPECT_EQ(ec.message(), "configuration has invalid or unknown keys");
  EXPECT_NE(make_error_code(ConfigErrc::SyntaxError), make_error_code(ConfigErrc::FileUnreadable));
}

}  // namespace
}  // namespace insip::config
