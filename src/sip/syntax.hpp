// SPDX-License-Identifier: Apache-2.0
//
// syntax.hpp — INTERNAL helpers of the sip library (not part of the public API): RFC 3261 §25.1
// character classes, LWS trimming, quoted-string scanning, comma-list splitting outside quotes
// and <...>, generic-param lists, host/port validation and in-place serialization helpers.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message.hpp"
#include "sip/uri.hpp"

namespace insip::sip::detail {

inline bool isWs(char c) { return c == ' ' || c == '\t'; }
inline bool isCtl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }
inline char toLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline char toUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
/// RFC 3261 token character: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
bool isTokenChar(char c);
bool isToken(std::string_view s);

std::string_view trim(std::string_view s);

/// Index just past the closing quote of the quoted string starting at s[pos] == '"';
/// npos if unterminated. Honours quoted-pair escapes.
std::size_t skipQuoted(std::string_view s, std::size_t pos);

/// Splits a header value at top-level commas (not inside quotes or <...>). Elements are trimmed;
/// empty elements are kept (callers reject them).
bool splitComma(std::string_view s, std::vector<std::string_view>& out);

/// Parses `*( SEMI generic-param )` with LWS allowed around ';' and '='. Returns false on error.
bool parseGenericParams(std::string_view s, Params& out);

/// host = hostname / IPv4address / IPv6reference. Returns true if syntactically valid.
bool validHost(std::string_view host);
bool parsePort(std::string_view s, std::uint16_t& port);

template <class T>
bool parseUnsigned(std::string_view s, T& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (!isDigit(c)) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

void appendParams(std::string& out, const Params& params);
void appendUri(std::string& out, const Uri& uri);
void appendNameAddr(std::string& out, const NameAddr& na);
void appendVia(std::string& out, const Via& via);
void appendUnsigned(std::string& out, std::uint64_t v);

/// Known header id used for fast dispatch in the parser.
enum class HeaderId {
  Other, Via, From, To, CallId, CSeq, MaxForwards, Contact, Route, RecordRoute, Expires,
  ContentType, ContentLength
};
/// Canonical spelling (static storage) for a known/compact name, or empty view if unknown.
std::string_view knownHeaderName(std::string_view name, HeaderId* id = nullptr);

}  // namespace insip::sip::detail
