// SPDX-License-Identifier: Apache-2.0
//
// uri.cpp — SIP/SIPS/tel/other URIs, name-addr/addr-spec and the shared syntax helpers
// (RFC 3261 §19.1, §20.10, §25.1; RFC 3966; RFC 5118).
#include "sip/uri.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "sip/syntax.hpp"

namespace insip::sip {
namespace detail {

namespace {
constexpr std::array<bool, 256> makeTokenTable() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("-.!%*_+`'~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr auto kTokenTable = makeTokenTable();

// Characters allowed (liberally) in an unquoted parameter value: anything visible except the
// delimiters that would make the parameter list ambiguous.
bool isParamValueChar(char c) {
  if (isCtl(c) || c == ' ') return false;
  switch (c) {
    case ';': case ',': case '"': case '<': case '>': case '=': return false;
    default: return true;
  }
}

// Characters allowed in a URI outside the scheme (liberal: reject only what can never appear
// unescaped and would break framing of the enclosing header).
bool isUriChar(char c) {
  if (isCtl(c) || c == ' ') return false;
  switch (c) {
    case '<': case '>': case '"': case '\\': case '{': case '}': case '|': case '^': return false;
    default: return true;
  }
}
}  // namespace

bool isTokenChar(char c) { return kTokenTable[static_cast<unsigned char>(c)]; }
bool isToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!isTokenChar(c)) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && isWs(s[b])) ++b;
  while (e > b && isWs(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::size_t skipQuoted(std::string_view s, std::size_t pos) {
  ++pos;  // opening quote
  while (pos < s.size()) {
    char c = s[pos];
    if (c == '\\') {
      if (pos + 1 >= s.size()) return std::string_view::npos;
      pos += 2;
      continue;
    }
    if (c == '"') return pos + 1;
    ++pos;
  }
  return std::string_view::npos;
}

bool splitComma(std::string_view s, std::vector<std::string_view>& out) {
  std::size_t start = 0;
  bool in_angle = false;
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '"') {
      std::size_t e = skipQuoted(s, i);
      if (e == std::string_view::npos) return false;
      i = e;
      continue;
    }
    if (c == '<') in_angle = true;
    else if (c == '>') in_angle = false;
    else if (c == ',' && !in_angle) {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
    ++i;
  }
  if (in_angle) return false;
  out.push_back(trim(s.substr(start)));
  return true;
}

bool parseGenericParams(std::string_view s, Params& out) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto skip_ws = [&] {
    while (i < n && isWs(s[i])) ++i;
  };
  for (;;) {
    skip_ws();
    if (i == n) return true;
    if (s[i] != ';') return false;
    ++i;
    skip_ws();
    std::size_t ns = i;
    while (i < n && isTokenChar(s[i])) ++i;
    if (i == ns) return false;
    Param p;
    p.name.assign(s.substr(ns, i - ns));
    skip_ws();
    if (i < n && s[i] == '=') {
      ++i;
      skip_ws();
      if (i == n) return false;
      if (s[i] == '"') {
        std::size_t e = skipQuoted(s, i);
        if (e == std::string_view::npos) return false;
        p.value.emplace(s.substr(i, e - i));
        i = e;
      } else {
        std::size_t vs = i;
        while (i < n && isParamValueChar(s[i])) ++i;
        if (i == vs) return false;
        p.value.emplace(s.substr(vs, i - vs));
      }
    }
    out.push_back(std::move(p));
  }
}

bool validHost(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.size() < 4 || host.back() != ']') return false;
    std::string_view inner = host.substr(1, host.size() - 2);
    if (inner.size() >= INET6_ADDRSTRLEN) return false;
    char buf[INET6_ADDRSTRLEN];
    std::memcpy(buf, inner.data(), inner.size());
    buf[inner.size()] = '\0';
    unsigned char addr[16];
    return inet_pton(AF_INET6, buf, addr) == 1;
  }
  // hostname / IPv4: alphanum, '-', '.', and (liberally) '_'.
  for (char c : host)
    if (!(isAlnum(c) || c == '-' || c == '.' || c == '_')) return false;
  return true;
}

bool parsePort(std::string_view s, std::uint16_t& port) {
  if (s.empty() || s.size() > 5) return false;
  unsigned v = 0;
  if (!parseUnsigned(s, v) || v > 65535) return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

void appendUnsigned(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, p);
}

void appendParams(std::string& out, const Params& params) {
  for (const auto& p : params) {
    out.push_back(';');
    out.append(p.name);
    if (p.value) {
      out.push_back('=');
      out.append(*p.value);
    }
  }
}

void appendUri(std::string& out, const Uri& uri) {
  switch (uri.scheme) {
    case Scheme::Sip: out.append("sip:"); break;
    case Scheme::Sips: out.append("sips:"); break;
    case Scheme::Tel:
      out.append("tel:");
      out.append(uri.user);
      appendParams(out, uri.params);
      return;
    case Scheme::Other:
      out.append(uri.scheme_text);
      out.push_back(':');
      out.append(uri.opaque);
      return;
  }
  if (!uri.user.empty() || uri.password) {
    out.append(uri.user);
    if (uri.password) {
      out.push_back(':');
      out.append(*uri.password);
    }
    out.push_back('@');
  }
  out.append(uri.host);
  if (uri.port) {
    out.push_back(':');
    appendUnsigned(out, *uri.port);
  }
  appendParams(out, uri.params);
  char sep = '?';
  for (const auto& [k, v] : uri.headers) {
    out.push_back(sep);
    sep = '&';
    out.append(k);
    out.push_back('=');
    out.append(v);
  }
}

void appendNameAddr(std::string& out, const NameAddr& na) {
  const bool brackets = na.angle || na.display_name || !na.uri.params.empty() ||
                        !na.uri.headers.empty();
  if (na.display_name && !na.display_name->empty()) {
    out.append(*na.display_name);
    out.push_back(' ');
  }
  if (brackets) out.push_back('<');
  appendUri(out, na.uri);
  if (brackets) out.push_back('>');
  appendParams(out, na.params);
}

}  // namespace detail

using namespace detail;

// ---------------------------------------------------------------- params helpers

const Param* findParam(const Params& params, std::string_view name) {
  for (const auto& p : params)
    if (iequals(p.name, name)) return &p;
  return nullptr;
}

std::optional<std::string_view> paramValue(const Params& params, std::string_view name) {
  const Param* p = findParam(params, name);
  if (!p) return std::nullopt;
  if (!p->value) return std::string_view{};
  return std::string_view(*p->value);
}

void setParam(Params& params, std::string_view name, std::optional<std::string> value) {
  for (auto& p : params) {
    if (iequals(p.name, name)) {
      p.value = std::move(value);
      return;
    }
  }
  params.push_back(Param{std::string(name), std::move(value)});
}

std::size_t removeParam(Params& params, std::string_view name) {
  auto it = std::remove_if(params.begin(), params.end(),
                           [&](const Param& p) { return iequals(p.name, name); });
  auto n = static_cast<std::size_t>(params.end() - it);
  params.erase(it, params.end());
  return n;
}

// ---------------------------------------------------------------- string helpers

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (toLower(a[i]) != toLower(b[i])) return false;
  return true;
}

std::string unquote(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::string(text);
  std::string out;
  out.reserve(text.size() - 2);
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\\' && i + 2 < text.size()) ++i;
    out.push_back(text[i]);
  }
  return out;
}

std::string quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

namespace {
int hexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int h = hexVal(text[i + 1]), l = hexVal(text[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// ---------------------------------------------------------------- Uri

namespace {

bool parseUriParams(std::string_view s, Params& out) {
  // s starts after the first ';' ... list of name[=value] separated by ';' (no LWS in URIs).
  std::size_t start = 0;
  for (;;) {
    std::size_t e = s.find(';', start);
    std::string_view item = s.substr(start, e == std::string_view::npos ? s.npos : e - start);
    if (item.empty()) return false;
    std::size_t eq = item.find('=');
    Param p;
    std::string_view name = item.substr(0, eq);
    if (name.empty()) return false;
    for (char c : name)
      if (!(isTokenChar(c) || c == '[' || c == ']' || c == '/' || c == ':' || c == '&' ||
            c == '$' || c == '(' || c == ')'))
        return false;
    p.name.assign(name);
    if (eq != std::string_view::npos) {
      std::string_view v = item.substr(eq + 1);
      if (v.empty()) return false;
      p.value.emplace(v);
    }
    out.push_back(std::move(p));
    if (e == std::string_view::npos) return true;
    start = e + 1;
  }
}

bool parseUriHeaders(std::string_view s, std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t start = 0;
  for (;;) {
    std::size_t e = s.find('&', start);
    std::string_view item = s.substr(start, e == std::string_view::npos ? s.npos : e - start);
    std::size_t eq = item.find('=');
    if (eq == 0 || eq == std::string_view::npos) return false;
    out.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    if (e == std::string_view::npos) return true;
    start = e + 1;
  }
}

bool parseHostPort(std::string_view s, std::string& host, std::optional<std::uint16_t>& port) {
  std::string_view h = s, p;
  bool has_port = false;
  if (!s.empty() && s.front() == '[') {
    std::size_t rb = s.find(']');
    if (rb == std::string_view::npos) return false;
    h = s.substr(0, rb + 1);
    std::string_view rest = s.substr(rb + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      p = rest.substr(1);
      has_port = true;
    }
  } else {
    std::size_t c = s.find(':');
    if (c != std::string_view::npos) {
      h = s.substr(0, c);
      p = s.substr(c + 1);
      has_port = true;
    }
  }
  if (!validHost(h)) return false;
  host.assign(h);
  if (has_port) {
    std::uint16_t v = 0;
    if (!parsePort(p, v)) return false;
    port = v;
  }
  return true;
}

}  // namespace

util::Result<Uri> parseUri(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return util::fail(ParseErrc::BadUri);
  std::string_view scheme = text.substr(0, colon);
  if (!isAlpha(scheme.front())) return util::fail(ParseErrc::BadUri);
  for (char c : scheme)
    if (!(isAlnum(c) || c == '+' || c == '-' || c == '.')) return util::fail(ParseErrc::BadUri);
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) return util::fail(ParseErrc::BadUri);
  for (char c : rest)
    if (!isUriChar(c)) return util::fail(ParseErrc::BadUri);

  Uri uri;
  uri.scheme_text.reserve(scheme.size());
  for (char c : scheme) uri.scheme_text.push_back(toLower(c));
  if (uri.scheme_text == "sip") uri.scheme = Scheme::Sip;
  else if (uri.scheme_text == "sips") uri.scheme = Scheme::Sips;
  else if (uri.scheme_text == "tel") uri.scheme = Scheme::Tel;
  else uri.scheme = Scheme::Other;

  if (uri.scheme == Scheme::Other) {
    uri.opaque.assign(rest);
    return uri;
  }
  if (uri.scheme == Scheme::Tel) {
    std::size_t semi = rest.find(';');
    std::string_view number = rest.substr(0, semi);
    if (number.empty()) return util::fail(ParseErrc::BadUri);
    for (char c : number)
      if (!(isAlnum(c) || c == '+' || c == '-' || c == '.' || c == '(' || c == ')' || c == '*' ||
            c == '#'))
        return util::fail(ParseErrc::BadUri);
    uri.user.assign(number);
    if (semi != std::string_view::npos && !parseUriParams(rest.substr(semi + 1), uri.params))
      return util::fail(ParseErrc::BadUri);
    return uri;
  }

  // sip / sips: [userinfo "@"] hostport *(";" param) ["?" headers]
  std::string_view hostpart = rest;
  std::size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    hostpart = rest.substr(at + 1);
    std::size_t pc = userinfo.find(':');
    std::string_view user = userinfo.substr(0, pc);
    if (user.empty()) return util::fail(ParseErrc::BadUri);
    uri.user.assign(user);
    if (pc != std::string_view::npos) uri.password.emplace(userinfo.substr(pc + 1));
  }
  std::size_t q = hostpart.find('?');
  std::string_view headers;
  if (q != std::string_view::npos) {
    headers = hostpart.substr(q + 1);
    hostpart = hostpart.substr(0, q);
    if (!parseUriHeaders(headers, uri.headers)) return util::fail(ParseErrc::BadUri);
  }
  std::size_t semi = hostpart.find(';');
  if (semi != std::string_view::npos) {
    if (!parseUriParams(hostpart.substr(semi + 1), uri.params))
      return util::fail(ParseErrc::BadUri);
    hostpart = hostpart.substr(0, semi);
  }
  if (!parseHostPort(hostpart, uri.host, uri.port)) return util::fail(ParseErrc::BadUri);
  return uri;
}

std::string Uri::str() const {
  std::string out;
  out.reserve(64);
  appendUri(out, *this);
  return out;
}

std::string Uri::hostport() const {
  std::string out = host;
  if (port) {
    out.push_back(':');
    appendUnsigned(out, *port);
  }
  return out;
}

namespace {
bool isVisualSeparator(char c) { return c == '-' || c == '.' || c == '(' || c == ')'; }
std::string telNumber(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!isVisualSeparator(c)) out.push_back(toLower(c));
  return out;
}
bool paramsEquivalent(const Params& a, const Params& b) {
  // RFC 3261 §19.1.4: user, ttl, method, maddr, transport must match if present in either;
  // other params must match only if present in both.
  static constexpr std::string_view kStrict[] = {"user", "ttl", "method", "maddr", "transport"};
  for (auto name : kStrict) {
    const Param* pa = findParam(a, name);
    const Param* pb = findParam(b, name);
    if (!pa && !pb) continue;
    if (!pa || !pb) return false;
    if (pa->value.has_value() != pb->value.has_value()) return false;
    if (pa->value && !iequals(unescape(*pa->value), unescape(*pb->value))) return false;
  }
  for (const auto& pa : a) {
    // A repeated name (RFC 3261 §19.1.1 forbids it, but it parses) counts by its first
    // occurrence, as findParam() sees it; comparing later ones made equivalent() non-reflexive
    // (found by tests/fuzz/fuzz_uri).
    if (findParam(a, pa.name) != &pa) continue;
    const Param* pb = findParam(b, pa.name);
    if (!pb) continue;
    if (pa.value.has_value() != pb->value.has_value()) return false;
    if (pa.value && !iequals(unescape(*pa.value), unescape(*pb->value))) return false;
  }
  return true;
}
}  // namespace

bool Uri::equivalent(const Uri& other) const {
  if (scheme != other.scheme) return false;
  if (scheme == Scheme::Other)
    return iequals(scheme_text, other.scheme_text) && opaque == other.opaque;
  if (scheme == Scheme::Tel) {
    if (telNumber(user) != telNumber(other.user)) return false;
    return paramsEquivalent(params, other.params) && params.size() == other.params.size();
  }
  if (unescape(user) != unescape(other.user)) return false;
  if (password.has_value() != other.password.has_value()) return false;
  if (password && unescape(*password) != unescape(*other.password)) return false;
  if (!iequals(host, other.host)) return false;
  if (port != other.port) return false;
  if (!paramsEquivalent(params, other.params)) return false;
  // Headers: every header must be present in both and equal (order-insensitive).
  if (headers.size() != other.headers.size()) return false;
  for (const auto& [k, v] : headers) {
    bool found = false;
    for (const auto& [k2, v2] : other.headers) {
      if (iequals(k, k2) && unescape(v) == unescape(v2)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

// ---------------------------------------------------------------- NameAddr

util::Result<NameAddr> parseNameAddr(std::string_view text) {
  text = trim(text);
  if (text.empty()) return util::fail(ParseErrc::BadNameAddr);
  NameAddr na;
  std::size_t lt = std::string_view::npos;
  if (text.front() == '"') {
    std::size_t e = skipQuoted(text, 0);
    if (e == std::string_view::npos) return util::fail(ParseErrc::BadNameAddr);
    na.display_name.emplace(text.substr(0, e));
    std::size_t i = e;
    while (i < text.size() && isWs(text[i])) ++i;
    if (i >= text.size() || text[i] != '<') return util::fail(ParseErrc::BadNameAddr);
    lt = i;
  } else {
    lt = text.find('<');
    if (lt != std::string_view::npos) {
      std::string_view dn = trim(text.substr(0, lt));
      for (char c : dn)
        if (!(isTokenChar(c) || isWs(c))) return util::fail(ParseErrc::BadNameAddr);
      if (!dn.empty()) na.display_name.emplace(dn);
    }
  }
  std::string_view rest;
  if (lt != std::string_view::npos) {
    std::size_t gt = text.find('>', lt + 1);
    if (gt == std::string_view::npos) return util::fail(ParseErrc::BadNameAddr);
    auto uri = parseUri(text.substr(lt + 1, gt - lt - 1));
    if (!uri) return uri.error();
    na.uri = std::move(*uri);
    na.angle = true;
    rest = text.substr(gt + 1);
  } else {
    // addr-spec: the URI ends at the first ';' or whitespace; what follows are header params
    // (RFC 3261 §20.10). A URI with ',', '?' or ';' would have needed <...>.
    std::size_t e = 0;
    while (e < text.size() && text[e] != ';' && !isWs(text[e])) ++e;
    std::string_view u = text.substr(0, e);
    if (u.find_first_of(",?") != std::string_view::npos) return util::fail(ParseErrc::BadNameAddr);
    auto uri = parseUri(u);
    if (!uri) return uri.error();
    na.uri = std::move(*uri);
    na.angle = false;
    rest = text.substr(e);
  }
  if (!parseGenericParams(rest, na.params)) return util::fail(ParseErrc::BadParam);
  return na;
}

std::string NameAddr::str() const {
  std::string out;
  out.reserve(64);
  appendNameAddr(out, *this);
  return out;
}

}  // namespace insip::sip
