// SPDX-License-Identifier: Apache-2.0
//
// loader.cpp — TOML -> Config with every problem collected (see loader.hpp).
// toml++ is used with exceptions (Debian ships it as a shared library built that way, so defining
// TOML_EXCEPTIONS 0 here would not link); toml::parse_error and std::exception are caught at this
// module's boundary (CONVENTIONS R3).
#include "config/loader.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

namespace insip::config {

namespace {

namespace fs = std::filesystem;

class ConfigCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "insip.config"; }
  std::string message(int ev) const override {
    switch (static_cast<ConfigErrc>(ev)) {
      case ConfigErrc::SyntaxError:
        return "configuration is not valid TOML";
      case ConfigErrc::InvalidConfig:
        return "configuration has invalid or unknown keys";
      case ConfigErrc::FileUnreadable:
        return "configuration file cannot be read";
    }
    return "unknown configuration error";
  }
};

constexpr std::size_t kMaxFileBytes = 1024 * 1024;
constexpr std::int64_t kMaxBytes = 16 * 1024 * 1024;
constexpr std::int64_t kMaxCount = 10'000'000;
constexpr std::int64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

constexpr std::array<std::string_view, 3> kAlgorithms = {"SHA-256", "MD5", "SHA-512-256"};
constexpr std::array<std::string_view, 6> kLogLevels = {"trace", "debug", "info",
                                                        "warn",  "error", "off"};

struct Problem {
  std::uint32_t line = 0;  // 0 = not tied to a line
  std::string text;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const auto ca = std::tolower(static_cast<unsigned char>(a[i - 1]));
      const auto cb = std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca == cb ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// The closest candidate if it is plausibly a typo of `word`, else empty.
std::string_view closest(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (auto c : candidates) {
    const auto d = editDistance(word, c);
    const bool prefix = std::min(word.size(), c.size()) >= 3 &&
                        (lower(c).starts_with(lower(word)) || lower(word).starts_with(lower(c)));
    if (prefix && d < best_distance) {
      best_distance = 0;  // "logging" -> "log", "max_expire" -> "max_expires_s"
      best = c;
    } else if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= allowed ? best : std::string_view{};
}

std::uint32_t lineOf(const toml::node& node) {
  return static_cast<std::uint32_t>(node.source().begin.line);
}

/// How a value appears in messages: TOML syntax for scalars, a word for containers.
std::string show(const toml::node& node) {
  if (node.is_table()) return "a table";
  if (node.is_array()) return "an array";
  if (const auto* str = node.as_string()) {
    std::string out = "\"";
    for (char c : str->get()) {
      const auto uc = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (uc < 0x20 || uc == 0x7f) {
        out += fmt::format("\\x{:02x}", uc);
      } else {
        out += c;
      }
      if (out.size() > 60) return out + "...\"";
    }
    return out + "\"";
  }
  std::ostringstream os;
  node.visit([&os](const auto& v) {
    if constexpr (toml::is_value<decltype(v)>) os << v;
  });
  std::string s = os.str();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

bool isIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

/// A DNS host name (RFC 3261 §25.1 hostname: labels of alphanum and '-') or an IP literal
/// (IPv6 optionally in brackets).
bool isHost(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  if (isIpLiteral(s)) return true;
  if (s.front() == '[' && s.back() == ']' && s.size() > 2) {
    unsigned char buf[16];
    return inet_pton(AF_INET6, s.substr(1, s.size() - 2).c_str(), buf) == 1;
  }
  std::size_t label_len = 0;
  char prev = '.';
  for (char c : s) {
    const auto uc = static_cast<unsigned char>(c);
    if (c == '.') {
      if (label_len == 0 || prev == '-') return false;
      label_len = 0;
    } else if (std::isalnum(uc) || c == '-') {
      if (label_len == 0 && c == '-') return false;
      if (++label_len > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return prev != '-';  // a trailing '.' (FQDN) is allowed
}

std::string join(const auto& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ",";
    out += i;
  }
  return out;
}

using Reader = std::function<void(const toml::node&, const std::string& path)>;

struct KeySpec {
  std::string_view name;
  Reader read;
};

struct TableSpec {
  std::string_view name;
  std::vector<KeySpec> keys;
};

class Loader {
 public:
  explicit Loader(Config& cfg) : cfg_(cfg) { buildSpecs(); }

  void run(const toml::table& root) {
    std::vector<std::string_view> table_names;
    for (const auto& t : specs_) table_names.push_back(t.name);

    for (const auto& [key, node] : root) {
      const std::string name(key.str());
      const auto it = std::find_if(specs_.begin(), specs_.end(),
                                   [&](const TableSpec& t) { return t.name == name; });
      if (it == specs_.end()) {
        const auto hint = closest(name, table_names);
        std::string msg = fmt::format("unknown {} '{}'", node.is_table() ? "table" : "key", name);
        if (!hint.empty()) msg += fmt::format(" (did you mean '{}'?)", hint);
        error(keyLine(key, node), std::move(msg));
        continue;
      }
      const auto* table = node.as_table();
      if (table == nullptr) {
        error(lineOf(node), fmt::format("{}: expected a table, got {}", name, show(node)));
        continue;
      }
      readTable(*it, *table);
    }
    crossChecks();
  }

  std::vector<Problem> problems;

 private:
  void error(std::uint32_t line, std::string text) {
    problems.push_back(Problem{line, std::move(text)});
  }
  void error(const toml::node& node, const std::string& path, std::string_view msg) {
    error(lineOf(node), fmt::format("{}: {}", path, msg));
  }

  static std::uint32_t keyLine(const toml::key& key, const toml::node& node) {
    const auto line = static_cast<std::uint32_t>(key.source().begin.line);
    return line != 0 ? line : lineOf(node);
  }

  void readTable(const TableSpec& spec, const toml::table& table) {
    std::vector<std::string_view> names;
    for (const auto& k : spec.keys) names.push_back(k.name);
    for (const auto& [key, node] : table) {
      const std::string name(key.str());
      const std::string path = fmt::format("{}.{}", spec.name, name);
      const auto it = std::find_if(spec.keys.begin(), spec.keys.end(),
                                   [&](const KeySpec& k) { return k.name == name; });
      if (it == spec.keys.end()) {
        std::string msg = fmt::format("unknown key '{}'", path);
        if (const auto hint = closest(name, names); !hint.empty()) {
          msg += fmt::format(" (did you mean '{}.{}'?)", spec.name, hint);
        } else if (const auto* home = tableHolding(name)) {
          msg += fmt::format(" (it belongs in [{}])", home->name);
        }
        error(keyLine(key, node), std::move(msg));
        continue;
      }
      lines_[path] = keyLine(key, node);
      it->read(node, path);
    }
  }

  const TableSpec* tableHolding(std::string_view key) const {
    for (const auto& t : specs_) {
      for (const auto& k : t.keys) {
        if (k.name == key) return &t;
      }
    }
    return nullptr;
  }

  /// Line of the first of `paths` present in the file (cross-key problems), else 0.
  std::uint32_t lineOfAny(std::initializer_list<std::string_view> paths) const {
    std::uint32_t best = 0;
    for (auto p : paths) {
      const auto it = lines_.find(std::string(p));
      if (it != lines_.end() && (best == 0 || it->second < best)) best = it->second;
    }
    return best;
  }

  // ---- readers ----------------------------------------------------------------------------

  template <class T>
  Reader integer(T& out, std::int64_t lo, std::int64_t hi) {
    return [this, &out, lo, hi](const toml::node& node, const std::string& path) {
      const auto* v = node.as_integer();
      if (v == nullptr || v->get() < lo || v->get() > hi) {
        error(node, path, fmt::format("expected an integer {}..{}, got {}", lo, hi, show(node)));
        return;
      }
      out = static_cast<T>(v->get());
    };
  }

  Reader boolean(bool& out) {
    return [this, &out](const toml::node& node, const std::string& path) {
      const auto* v = node.as_boolean();
      if (v == nullptr) {
        error(node, path, fmt::format("expected true or false, got {}", show(node)));
        return;
      }
      out = v->get();
    };
  }

  /// A string accepted by `valid`, described as `what` in the error message.
  Reader string(std::string& out, std::string_view what,
                std::function<bool(const std::string&)> valid) {
    return [this, &out, what, valid = std::move(valid)](const toml::node& node,
                                                        const std::string& path) {
      const auto* v = node.as_string();
      if (v == nullptr || !valid(v->get())) {
        error(node, path, fmt::format("expected {}, got {}", what, show(node)));
        return;
      }
      out = v->get();
    };
  }

  Reader path(fs::path& out) {
    return [this, &out](const toml::node& node, const std::string& key_path) {
      const auto* v = node.as_string();
      if (v == nullptr || v->get().empty() || v->get().find('\0') != std::string::npos) {
        error(node, key_path, fmt::format("expected a non-empty file path, got {}", show(node)));
        return;
      }
      out = fs::path(v->get());
    };
  }

  /// A non-empty array of distinct strings (compared case-insensitively), each accepted by `valid`.
  Reader stringList(std::vector<std::string>& out, std::string_view what,
                    std::function<bool(const std::string&)> valid,
                    std::function<std::string(const std::string&)> hint) {
    return [this, &out, what, valid = std::move(valid), hint = std::move(hint)](
               const toml::node& node, const std::string& path) {
      const auto* arr = node.as_array();
      if (arr == nullptr) {
        error(node, path,
              fmt::format("expected an array of strings, each {}, got {}", what, show(node)));
        return;
      }
      if (arr->empty()) {
        error(node, path,
              fmt::format("expected at least one entry, each {}, got an empty array", what));
        return;
      }
      std::vector<std::string> items;
      bool ok = true;
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto& elem = *arr->get(i);
        const std::string elem_path = fmt::format("{}[{}]", path, i);
        const auto* s = elem.as_string();
        if (s == nullptr || !valid(s->get())) {
          std::string msg = fmt::format("expected {}, got {}", what, show(elem));
          if (s != nullptr && hint) msg += hint(s->get());
          error(elem, elem_path, msg);
          ok = false;
          continue;
        }
        const bool dup = std::any_of(items.begin(), items.end(), [&](const std::string& seen) {
          return lower(seen) == lower(s->get());
        });
        if (dup) {
          error(elem, elem_path, fmt::format("duplicate entry {}", show(elem)));
          ok = false;
          continue;
        }
        items.push_back(s->get());
      }
      if (ok) out = std::move(items);
    };
  }

  // ---- the schema: one entry per field of config.hpp ----------------------------------------

  void buildSpecs() {
    auto& l = cfg_.listen;
    auto& lim = cfg_.limits;
    auto& a = cfg_.auth;
    auto& r = cfg_.registrar;
    auto& p = cfg_.proxy;
    auto& t = cfg_.timers;
    auto& log = cfg_.log;

    const auto any_host_or_empty = [](const std::string& s) { return s.empty() || isHost(s); };
    const auto realm_ok = [](const std::string& s) {
      return !s.empty() && s.size() <= 255 && std::all_of(s.begin(), s.end(), [](char c) {
        const auto uc = static_cast<unsigned char>(c);
        return uc >= 0x20 && uc != 0x7f && c != '"' && c != '\\';
      });
    };
    const auto log_level_ok = [](const std::string& s) {
      return std::find(kLogLevels.begin(), kLogLevels.end(), s) != kLogLevels.end();
    };
    const auto algorithm_ok = [](const std::string& s) {
      return std::find(kAlgorithms.begin(), kAlgorithms.end(), s) != kAlgorithms.end();
    };
    const auto algorithm_hint = [](const std::string& s) -> std::string {
      for (auto alg : kAlgorithms) {
        if (lower(alg) == lower(s)) return fmt::format(" (did you mean \"{}\"?)", alg);
      }
      return {};
    };

    specs_ = {
        {"listen",
         {
             {"address", string(l.address, "an IPv4 or IPv6 address literal",
                                [](const std::string& s) { return isIpLiteral(s); })},
             {"port", integer(l.port, 0, 65535)},
             {"udp", boolean(l.udp)},
             {"tcp", boolean(l.tcp)},
             {"advertised_host",
              string(l.advertised_host, "a host name or IP address (or \"\")", any_host_or_empty)},
         }},
        {"limits",
         {
             {"max_message_bytes", integer(lim.max_message_bytes, 1, kMaxBytes)},
             {"max_headers", integer(lim.max_headers, 1, 65535)},
             {"max_line_bytes", integer(lim.max_line_bytes, 1, kMaxBytes)},
             {"max_body_bytes", integer(lim.max_body_bytes, 1, kMaxBytes)},
             {"max_uri_bytes", integer(lim.max_uri_bytes, 1, kMaxBytes)},
             {"max_vias", integer(lim.max_vias, 1, 65535)},
             {"max_tcp_connections", integer(lim.max_tcp_connections, 1, kMaxCount)},
             {"max_connections_per_source", integer(lim.max_connections_per_source, 1, kMaxCount)},
             {"tcp_idle_timeout_s", integer(lim.tcp_idle_timeout_s, 1, 86400)},
             {"tcp_header_timeout_s", integer(lim.tcp_header_timeout_s, 1, 3600)},
             {"max_transactions", integer(lim.max_transactions, 1, kMaxCount)},
         }},
        {"auth",
         {
             {"realm", string(a.realm, "a non-empty realm without '\"', '\\' or control characters",
                              realm_ok)},
             {"algorithms", stringList(a.algorithms, "\"SHA-256\", \"MD5\" or \"SHA-512-256\"",
                                       algorithm_ok, algorithm_hint)},
             {"nonce_ttl_s", integer(a.nonce_ttl_s, 1, 86400)},
             {"max_failures", integer(a.max_failures, 0, 1'000'000)},
             {"lockout_s", integer(a.lockout_s, 1, 604800)},
             {"credentials_db", path(a.credentials_db)},
             {"secret_file", path(a.secret_file)},
         }},
        {"registrar",
         {
             {"min_expires_s", integer(r.min_expires_s, 1, kMaxU32)},
             {"max_expires_s", integer(r.max_expires_s, 1, kMaxU32)},
             {"default_expires_s", integer(r.default_expires_s, 1, kMaxU32)},
             {"max_contacts_per_aor", integer(r.max_contacts_per_aor, 1, 1000)},
             {"bindings_db", path(r.bindings_db)},
         }},
        {"proxy",
         {
             {"domains", stringList(p.domains, "a domain name", isHost, {})},
             {"record_route", boolean(p.record_route)},
             {"timer_c_s", integer(p.timer_c_s, 181, 86400)},
             {"allow_foreign_relay", boolean(p.allow_foreign_relay)},
         }},
        {"timers",
         {
             {"t1_ms", integer(t.t1_ms, 1, 60000)},
             {"t2_ms", integer(t.t2_ms, 1, 600000)},
             {"t4_ms", integer(t.t4_ms, 1, 600000)},
         }},
        {"log",
         {
             {"level", string(log.level,
                              "one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", \"off\"",
                              log_level_ok)},
             {"messages", boolean(log.messages)},
         }},
    };
  }

  void crossChecks() {
    const auto& l = cfg_.listen;
    if (!l.udp && !l.tcp) {
      error(lineOfAny({"listen.udp", "listen.tcp"}),
            "listen.udp, listen.tcp: at least one transport must be enabled");
    }
    const auto& lim = cfg_.limits;
    if (lim.max_body_bytes > lim.max_message_bytes) {
      error(lineOfAny({"limits.max_body_bytes", "limits.max_message_bytes"}),
            fmt::format("limits.max_body_bytes: {} exceeds limits.max_message_bytes {}",
                        lim.max_body_bytes, lim.max_message_bytes));
    }
    if (lim.max_line_bytes > lim.max_message_bytes) {
      error(lineOfAny({"limits.max_line_bytes", "limits.max_message_bytes"}),
            fmt::format("limits.max_line_bytes: {} exceeds limits.max_message_bytes {}",
                        lim.max_line_bytes, lim.max_message_bytes));
    }
    if (lim.max_uri_bytes > lim.max_line_bytes) {
      error(lineOfAny({"limits.max_uri_bytes", "limits.max_line_bytes"}),
            fmt::format("limits.max_uri_bytes: {} exceeds limits.max_line_bytes {}",
                        lim.max_uri_bytes, lim.max_line_bytes));
    }
    if (lim.max_connections_per_source > lim.max_tcp_connections) {
      error(
          lineOfAny({"limits.max_connections_per_source", "limits.max_tcp_connections"}),
          fmt::format("limits.max_connections_per_source: {} exceeds limits.max_tcp_connections {}",
                      lim.max_connections_per_source, lim.max_tcp_connections));
    }
    const auto& r = cfg_.registrar;
    if (!(r.min_expires_s <= r.default_expires_s && r.default_expires_s <= r.max_expires_s)) {
      error(lineOfAny({"registrar.min_expires_s", "registrar.default_expires_s",
                       "registrar.max_expires_s"}),
            fmt::format("registrar: expected min_expires_s <= default_expires_s <= max_expires_s, "
                        "got {} <= {} <= {}",
                        r.min_expires_s, r.default_expires_s, r.max_expires_s));
    }
    const auto& t = cfg_.timers;
    if (t.t2_ms < t.t1_ms) {  // RFC 3261 §17.1.2.2: retransmits double up to T2
      error(lineOfAny({"timers.t1_ms", "timers.t2_ms"}),
            fmt::format("timers.t2_ms: {} is less than timers.t1_ms {}", t.t2_ms, t.t1_ms));
    }
  }

  Config& cfg_;
  std::vector<TableSpec> specs_;
  std::map<std::string, std::uint32_t> lines_;
};

std::string formatProblems(std::vector<Problem> problems, std::string_view source) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
  std::string out;
  for (const auto& p : problems) {
    if (!source.empty()) {
      out += p.line != 0 ? fmt::format("{}:{}: ", source, p.line) : fmt::format("{}: ", source);
    } else if (p.line != 0) {
      out += fmt::format("line {}: ", p.line);
    }
    out += p.text;
    out += '\n';
  }
  return out;
}

fs::path resolve(const fs::path& base_dir, const fs::path& p) {
  if (p.is_absolute()) return p;
  return (base_dir / p).lexically_normal();
}

util::Result<Config> load(std::string_view text, const fs::path& base_dir, std::string_view source,
                          std::string* errors_out) {
  std::vector<Problem> problems;
  Config cfg;
  ConfigErrc errc = ConfigErrc::InvalidConfig;
  try {
    toml::table root = toml::parse(text);
    Loader loader(cfg);
    loader.run(root);
    problems = std::move(loader.problems);
  } catch (const toml::parse_error& e) {
    errc = ConfigErrc::SyntaxError;
    problems.push_back(Problem{static_cast<std::uint32_t>(e.source().begin.line),
                               fmt::format("syntax error: {}", e.description())});
  } catch (const std::exception& e) {
    problems.push_back(Problem{0, fmt::format("cannot load configuration: {}", e.what())});
  }

  if (!problems.empty()) {
    if (errors_out != nullptr) *errors_out = formatProblems(std::move(problems), source);
    return util::fail(errc);
  }
  cfg.base_dir = base_dir;
  cfg.auth.credentials_db = resolve(base_dir, cfg.auth.credentials_db);
  cfg.auth.secret_file = resolve(base_dir, cfg.auth.secret_file);
  cfg.registrar.bindings_db = resolve(base_dir, cfg.registrar.bindings_db);
  if (errors_out != nullptr) errors_out->clear();
  return cfg;
}

}  // namespace

const std::error_category& configCategory() noexcept {
  static const ConfigCategory category;
  return category;
}

util::Result<Config> loadConfig(std::string_view toml_text, const fs::path& base_dir,
                                std::string* errors_out) {
  return load(toml_text, base_dir, {}, errors_out);
}

util::Result<Config> loadConfigFile(const fs::path& path, std::string* errors_out) {
  std::string source;
  try {
    source = path.string();
    const auto unreadable = [&](std::string_view why) -> util::Result<Config> {
      if (errors_out != nullptr)
        *errors_out = fmt::format("{}: cannot read file: {}\n", source, why);
      return util::fail(ConfigErrc::FileUnreadable);
    };
    std::error_code ec;
    if (fs::is_directory(path, ec)) return unreadable("is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) return unreadable(std::strerror(errno));
    std::string text;
    char buf[8192];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      text.append(buf, static_cast<std::size_t>(in.gcount()));
      if (text.size() > kMaxFileBytes) {
        return unreadable(fmt::format("larger than {} bytes", kMaxFileBytes));
      }
    }
    if (in.bad()) return unreadable("read error");
    fs::path absolute = fs::absolute(path, ec);
    if (ec) return unreadable(ec.message());
    return load(text, absolute.lexically_normal().parent_path(), source, errors_out);
  } catch (const std::exception& e) {
    if (errors_out != nullptr)
      *errors_out = fmt::format("{}: cannot read file: {}\n", source, e.what());
    return util::fail(ConfigErrc::FileUnreadable);
  }
}

std::string describe(const Config& c) {
  std::string transports;
  if (c.listen.udp) transports += "udp";
  if (c.listen.tcp) transports += transports.empty() ? "tcp" : ",tcp";
  return fmt::format(
      "listen={}:{} ({}){} realm={} algorithms={} domains={} record_route={} timer_c={}s "
      "nonce_ttl={}s lockout={} expires={}..{}s (default {}s) max_transactions={} "
      "log={}{} base_dir={}",
      c.listen.address, c.listen.port, transports,
      c.listen.advertised_host.empty() ? "" : " advertised=" + c.listen.advertised_host,
      c.auth.realm, join(c.auth.algorithms), join(c.proxy.domains),
      c.proxy.record_route ? "on" : "off", c.proxy.timer_c_s, c.auth.nonce_ttl_s,
      c.auth.max_failures == 0 ? std::string("off")
                               : fmt::format("{}x/{}s", c.auth.max_failures, c.auth.lockout_s),
      c.registrar.min_expires_s, c.registrar.max_expires_s, c.registrar.default_expires_s,
      c.limits.max_transactions, c.log.level, c.log.messages ? "+messages" : "",
      c.base_dir.string());
}

std::vector<std::string> failOpenOptions(const Config& c) {
  std::vector<std::string> out;
  if (c.proxy.allow_foreign_relay) {
    out.emplace_back(
        "proxy.allow_foreign_relay=true (requests for foreign domains are relayed: open relay)");
  }
  if (c.auth.max_failures == 0) {
    out.emplace_back(
        "auth.max_failures=0 (no lockout after failed authentication: brute force is not slowed)");
  }
  return out;
}

}  // namespace insip::config
