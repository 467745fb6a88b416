// SPDX-License-Identifier: Apache-2.0
//
// credentials_header.hpp — reads the value of an Authorization / Proxy-Authorization header
// (`Digest k=v, k="quoted"`) into DigestCredentials, and writes WWW-/Proxy-Authenticate challenge
// values. RFC 7616 §3.3 (challenge), §3.4 (response), RFC 3261 §25.1 (quoted-string, quoted-pair,
// token), §20.7/§20.28/§20.44, RFC 8760 §2.4 (one challenge per algorithm).
// Parameter names are case-insensitive, order is free, unknown parameters are ignored, duplicates
// are rejected (two answers to one question is an attack or a bug). Syntax only: the meaning of
// the values (algorithm offered? nonce valid?) is DigestVerifier's business.
// Pure: no I/O, never throws.
#pragma once

#include <string>
#include <string_view>

#include "auth/digest.hpp"
#include "auth/errors.hpp"
#include "util/result.hpp"

namespace insip::auth {

/// One parsed Digest credentials header. Quoted values are unescaped (RFC 3261 §25.1
/// quoted-pair: `\"` -> `"`, `\\` -> `\`); absent optional parameters are empty strings.
struct DigestCredentials {
  std::string username;   // mandatory
  std::string realm;      // mandatory
  std::string nonce;      // mandatory
  std::string uri;        // mandatory: the digest-uri directive, as sent
  std::string response;   // mandatory
  std::string algorithm;  // as sent; empty = absent (RFC 7616 §3.4: defaults to MD5)
  std::string qop;        // empty = absent (RFC 2069 form)
  std::string nc;         // nonce-count, 8 hex digits when qop is present
  std::string cnonce;
  std::string opaque;
  bool userhash = false;  // userhash=true: username is H(user ":" realm) (RFC 7616 §3.4.4)
};

/// Most auth-params accepted in one header (RFC 7616 defines 11; headroom for extensions).
inline constexpr std::size_t kMaxAuthParams = 32;

/// Parses a credentials header value. Errors: AuthErrc::NotDigest (another scheme: ignore the
/// header), BadSyntax, DuplicateParameter, MissingParameter, TooManyParameters (all: 400).
util::Result<DigestCredentials> parseCredentials(std::string_view header_value);

/// What one challenge header says.
struct ChallengeParams {
  std::string_view realm;
  std::string_view nonce;
  Algorithm algorithm = Algorithm::Sha256;
  bool qop_auth = true;      // writes qop="auth"
  bool stale = false;        // writes stale=true (RFC 7616 §3.3: nonce expired, retry silently)
  std::string_view opaque;   // written only when not empty
};

/// Formats a WWW-Authenticate / Proxy-Authenticate value, e.g.
/// `Digest realm="example.test", nonce="...", algorithm=SHA-256, qop="auth"`.
std::string formatChallenge(const ChallengeParams& params);

/// Wraps `value` in double quotes, escaping `"` and `\` as quoted-pairs (RFC 3261 §25.1).
std::string quoteString(std::string_view value);

}  // namespace insip::auth
