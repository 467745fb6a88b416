// SPDX-License-Identifier: Apache-2.0
//
// uri.hpp — SIP/SIPS/tel URIs and name-addr / addr-spec (RFC 3261 §19.1, §25.1; RFC 3966;
// RFC 5118 IPv6 references). Pure values; parse functions never throw and never read past input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/errors.hpp"
#include "util/result.hpp"

namespace insip::sip {

/// A `;name[=value]` parameter. `value` is kept as written (quoted strings keep their quotes so
/// serialization round-trips); use unquote() for the semantic value.
struct Param {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const Param&) const = default;
};
using Params = std::vector<Param>;

/// Case-insensitive lookup; nullptr when absent. For valueless params, returns a pointer to an
/// empty optional's owner: check `p->value`.
const Param* findParam(const Params& params, std::string_view name);
/// Value of a param ("" if valueless), or nullopt if absent.
std::optional<std::string_view> paramValue(const Params& params, std::string_view name);
/// Sets (replaces or appends) a param.
void setParam(Params& params, std::string_view name, std::optional<std::string> value);
/// Removes every param of that name (case-insensitive); returns how many were removed.
std::size_t removeParam(Params& params, std::string_view name);

enum class Scheme { Sip, Sips, Tel, Other };

struct Uri {
  Scheme scheme = Scheme::Sip;
  std::string scheme_text;  // as written, lower-cased ("sip", "sips", "tel", "http", ...)
  std::string user;         // sip/sips: userinfo user (still %-escaped as on the wire); tel: number
  std::optional<std::string> password;
  std::string host;         // IPv6 references keep their brackets: "[2001:db8::10]"
  std::optional<std::uint16_t> port;
  Params params;            // ;transport=tcp;lr ...
  std::vector<std::pair<std::string, std::string>> headers;  // ?h=v&...
  std::string opaque;       // Scheme::Other only: everything after "scheme:"

  std::string str() const;
  /// "host" or "host:port" (hostport for Via/comparisons).
  std::string hostport() const;
  /// RFC 3261 §19.1.4 comparison (case rules, %-unescaping of user, param rules).
  bool equivalent(const Uri& other) const;
  bool operator==(const Uri&) const = default;
};

/// Parses an absolute URI. Accepts sip:, sips:, tel: fully and other schemes as opaque
/// (callers decide on 416).
util::Result<Uri> parseUri(std::string_view text);

/// name-addr or addr-spec with header params (From/To/Contact/Route/Record-Route element).
struct NameAddr {
  std::optional<std::string> display_name;  // as written (quoted form keeps quotes)
  Uri uri;
  Params params;        // header params after the URI (;tag=, ;expires=, ;q=)
  bool angle = true;    // written with <>; serialization always uses <> when params or
                        // URI params/headers could be ambiguous
  std::string str() const;
  std::optional<std::string_view> tag() const { return paramValue(params, "tag"); }
  bool operator==(const NameAddr&) const = default;
};

util::Result<NameAddr> parseNameAddr(std::string_view text);

/// Removes surrounding quotes and resolves quoted-pair escapes; returns input unchanged if not
/// quoted.
std::string unquote(std::string_view text);
/// Quotes a value, escaping `"` and `\`.
std::string quote(std::string_view text);
/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
/// %XX-unescape (invalid escapes are left as-is).
std::string unescape(std::string_view text);

}  // namespace insip::sip
