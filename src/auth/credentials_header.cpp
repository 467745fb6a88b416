// SPDX-License-Identifier: Apache-2.0
#include "auth/credentials_header.hpp"

#include <array>
#include <cstdint>

namespace insip::auth {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// RFC 3261 §25.1 token characters.
bool isTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  switch (c) {
    case '-':
    case '.':
    case '!':
    case '%':
    case '*':
    case '_':
    case '+':
    case '`':
    case '\'':
    case '~':
      return true;
    default:
      return false;
  }
}

bool isWsp(char c) { return c == ' ' || c == '\t'; }

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skipWsp() {
    while (!atEnd() && isWsp(peek())) {
      ++pos_;
    }
  }
  std::string_view token() {
    const std::size_t start = pos_;
    while (!atEnd() && isTokenChar(peek())) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  // quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE, cursor on the opening quote.
  // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII; quoted-pair = "\" (%x00-09 /
  // %x0B-0C / %x0E-7F). Folding was undone by the SIP parser, so CR and LF are always errors.
  bool quotedString(std::string& out) {
    ++pos_;  // opening quote
    while (!atEnd()) {
      const auto c = static_cast<unsigned char>(peek());
      ++pos_;
      if (c == '"') {
        return true;
      }
      if (c == '\\') {
        if (atEnd()) {
          return false;
        }
        const auto escaped = static_cast<unsigned char>(peek());
        ++pos_;
        if (escaped == '\r' || escaped == '\n' || escaped > 0x7f) {
          return false;
        }
        out.push_back(static_cast<char>(escaped));
        continue;
      }
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
      out.push_back(static_cast<char>(c));
    }
    return false;  // unterminated
  }
  bool consume(char c) {
    if (!atEnd() && peek() == c) {
      ++pos_;
      return true;
    }
    return false;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

enum class Field : std::uint8_t {
  Username,
  Realm,
  Nonce,
  Uri,
  Response,
  Algorithm,
  Qop,
  Nc,
  Cnonce,
  Opaque,
  Userhash,
  kCount,
};

struct FieldName {
  std::string_view name;
  Field field;
};

constexpr std::array<FieldName, static_cast<std::size_t>(Field::kCount)> kFields = {{
    {"username", Field::Username},
    {"realm", Field::Realm},
    {"nonce", Field::Nonce},
    {"uri", Field::Uri},
    {"response", Field::Response},
    {"algorithm", Field::Algorithm},
    {"qop", Field::Qop},
    {"nc", Field::Nc},
    {"cnonce", Field::Cnonce},
    {"opaque", Field::Opaque},
    {"userhash", Field::Userhash},
}};

std::string* slotFor(DigestCredentials& creds, Field field, std::string& scratch) {
  switch (field) {
    case Field::Username:
      return &creds.username;
    case Field::Realm:
      return &creds.realm;
    case Field::Nonce:
      return &creds.nonce;
    case Field::Uri:
      return &creds.uri;
    case Field::Response:
      return &creds.response;
    case Field::Algorithm:
      return &creds.algorithm;
    case Field::Qop:
      return &creds.qop;
    case Field::Nc:
      return &creds.nc;
    case Field::Cnonce:
      return &creds.cnonce;
    case Field::Opaque:
      return &creds.opaque;
    case Field::Userhash:
    case Field::kCount:
      return &scratch;
  }
  return &scratch;
}

}  // namespace

util::Result<DigestCredentials> parseCredentials(std::string_view header_value) {
  Cursor cur(header_value);
  cur.skipWsp();
  const std::string_view scheme = cur.token();
  if (scheme.empty()) {
    return util::fail(AuthErrc::BadSyntax);
  }
  if (!equalsIgnoreCase(scheme, "Digest")) {
    return util::fail(AuthErrc::NotDigest);
  }
  // At least one whitespace between the scheme and the first auth-param (RFC 3261 §25.1 LWS).
  if (cur.atEnd() || !isWsp(cur.peek())) {
    return util::fail(AuthErrc::BadSyntax);
  }

  DigestCredentials creds;
  std::array<bool, static_cast<std::size_t>(Field::kCount)> seen{};
  // Unknown names are remembered too, so a duplicated unknown parameter is also rejected.
  std::array<std::string_view, kMaxAuthParams> unknown_seen{};
  std::size_t unknown_count = 0;
  std::size_t params = 0;
  std::string scratch;

  bool expect_param = true;  // after a comma (or at the start) a parameter may follow
  while (true) {
    cur.skipWsp();
    if (cur.atEnd()) {
      break;
    }
    if (cur.consume(',')) {  // #rule: empty list elements are allowed (RFC 2617 §1.2)
      expect_param = true;
      continue;
    }
    if (!expect_param) {
      return util::fail(AuthErrc::BadSyntax);  // two parameters without a comma between them
    }
    const std::string_view key = cur.token();
    if (key.empty()) {
      return util::fail(AuthErrc::BadSyntax);
    }
    if (++params > kMaxAuthParams) {
      return util::fail(AuthErrc::TooManyParameters);
    }
    cur.skipWsp();
    if (!cur.consume('=')) {
      return util::fail(AuthErrc::BadSyntax);
    }
    cur.skipWsp();
    std::string value;
    if (!cur.atEnd() && cur.peek() == '"') {
      if (!cur.quotedString(value)) {
        return util::fail(AuthErrc::BadSyntax);
      }
    } else {
      // Tokens where the RFC wants quoted-strings (and vice versa) are accepted: clients
      // disagree (qop="auth", unquoted response), and the value is the same either way.
      const std::string_view tok = cur.token();
      if (tok.empty()) {
        return util::fail(AuthErrc::BadSyntax);
      }
      value.assign(tok);
    }
    expect_param = false;

    const FieldName* known = nullptr;
    for (const auto& f : kFields) {
      if (equalsIgnoreCase(key, f.name)) {
        known = &f;
        break;
      }
    }
    if (known == nullptr) {
      for (std::size_t i = 0; i < unknown_count; ++i) {
        if (equalsIgnoreCase(unknown_seen[i], key)) {
          return util::fail(AuthErrc::DuplicateParameter);
        }
      }
      unknown_seen[unknown_count++] = key;  // bounded by kMaxAuthParams
      continue;
    }
    auto& flag = seen[static_cast<std::size_t>(known->field)];
    if (flag) {
      return util::fail(AuthErrc::DuplicateParameter);
    }
    flag = true;
    if (known->field == Field::Userhash) {
      if (equalsIgnoreCase(value, "true")) {
        creds.userhash = true;
      } else if (equalsIgnoreCase(value, "false")) {
        creds.userhash = false;
      } else {
        return util::fail(AuthErrc::BadSyntax);
      }
      continue;
    }
    *slotFor(creds, known->field, scratch) = std::move(value);
  }
  for (Field f : {Field::Username, Field::Realm, Field::Nonce, Field::Uri, Field::Response}) {
    if (!seen[static_cast<std::size_t>(f)]) {
      return util::fail(AuthErrc::MissingParameter);
    }
  }
  return creds;
}

std::string quoteString(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string formatChallenge(const ChallengeParams& params) {
  std::string out = "Digest realm=";
  out += quoteString(params.realm);
  out += ", nonce=";
  out += quoteString(params.nonce);
  out += ", algorithm=";
  out += name(params.algorithm);
  if (params.qop_auth) {
    out += ", qop=\"auth\"";
  }
  if (!params.opaque.empty()) {
    out += ", opaque=";
    out += quoteString(params.opaque);
  }
  if (params.stale) {
    out += ", stale=true";
  }
  return out;
}

}  // namespace insip::auth
