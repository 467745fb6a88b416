// SPDX-License-Identifier: Apache-2.0
//
// loader.hpp — turns TOML text into a validated, immutable config::Config (CONVENTIONS R4, R3).
// Every problem is collected (not just the first): type and range checks per key, unknown
// tables/keys (with "did you mean"), cross-key rules (min_expires <= default <= max, Timer C > 3
// min per RFC 3261 §16.6 step 11, T2 >= T1 per §17.1.2.2). Relative paths resolve against base_dir.
// Nothing throws out of this module: toml++ exceptions are caught here and become error codes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "config/config.hpp"
#include "util/result.hpp"

namespace insip::config {

enum class ConfigErrc {
  SyntaxError = 1,  // the text is not valid TOML (errors_out names the line)
  InvalidConfig,    // valid TOML, but unknown keys, wrong types or values out of range
  FileUnreadable,   // loadConfigFile could not open or read the file
};

const std::error_category& configCategory() noexcept;

inline std::error_code make_error_code(ConfigErrc e) noexcept {
  return {static_cast<int>(e), configCategory()};
}

/// Parses and validates `toml_text`. Relative paths (auth.credentials_db, auth.secret_file,
/// registrar.bindings_db) are resolved against `base_dir`, which is stored in Config::base_dir.
/// On failure `errors_out` (if not null) receives every problem, one per line, as
/// "line 12: auth.nonce_ttl_s: expected an integer 1..86400, got \"abc\"". On success it is
/// cleared.
util::Result<Config> loadConfig(std::string_view toml_text, const std::filesystem::path& base_dir,
                                std::string* errors_out);

/// Reads `path` and calls loadConfig with base_dir = the file's absolute folder. Error lines are
/// prefixed with the path as given: "proxy.toml:12: auth.nonce_ttl_s: ...".
util::Result<Config> loadConfigFile(const std::filesystem::path& path, std::string* errors_out);

/// One-line summary for the startup log (listen address, transports, realm, domains, ...).
std::string describe(const Config& config);

/// The fail-open options currently enabled, e.g. "proxy.allow_foreign_relay=true", so that the
/// app logs each at startup as WARN (CONVENTIONS R3: no silent fail-open). Empty = all closed.
std::vector<std::string> failOpenOptions(const Config& config);

}  // namespace insip::config

template <>
struct std::is_error_code_enum<insip::config::ConfigErrc> : std::true_type {};
