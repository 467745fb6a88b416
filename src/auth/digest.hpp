// SPDX-License-Identifier: Apache-2.0
//
// digest.hpp — the Digest access authentication arithmetic: algorithm names, hex hashing, HA1
// (plain and -sess), HA2 (qop=auth / auth-int / none), the request-digest for qop and for the
// RFC 2069 no-qop form, userhash, and a constant-time comparison.
// RFC 7616 §3.4.1-3.4.4 (formulas, userhash), §3.4.2 (-sess), RFC 2617 §3.2.2.1 (no qop),
// RFC 8760 §2 (SHA-256 / SHA-512-256 in SIP), RFC 3261 §22.4.
// SHA-512-256 is the FIPS 180-4 SHA-512/256 function (OpenSSL EVP_sha512_256), NOT the first
// 256 bits of SHA-512 that the RFC 7616 §3.9.2 example was computed with (see digest_test.cpp).
// Pure and thread-safe: no I/O, no shared mutable state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace insip::auth {

enum class Algorithm : std::uint8_t { Md5, Md5Sess, Sha256, Sha256Sess, Sha512_256, Sha512_256Sess };

/// Parses an algorithm token case-insensitively ("md5", "SHA-256-sess", ...); nullopt if unknown.
std::optional<Algorithm> parseAlgorithm(std::string_view token);

/// The canonical RFC 7616 §6.1 spelling: "MD5", "MD5-sess", "SHA-256", "SHA-512-256-sess", ...
std::string_view name(Algorithm algorithm);

/// True for the -sess variants (HA1 is bound to nonce and cnonce).
bool isSession(Algorithm algorithm);

/// The algorithm without -sess: selects the hash function and the stored HA1 column.
Algorithm baseAlgorithm(Algorithm algorithm);

/// Length of the lower-case hex digest: 32 (MD5) or 64 (SHA-256, SHA-512-256).
std::size_t hexLength(Algorithm algorithm);

/// Message-integrity protection requested by the client (RFC 7616 §3.4.3).
enum class Qop : std::uint8_t {
  None,     // RFC 2069 compatibility form: response = H(HA1:nonce:HA2)
  Auth,     // qop=auth
  AuthInt,  // qop=auth-int: HA2 also covers H(entity-body)
};

/// Lower-case hex hash of `data` with the algorithm's hash function. Returns an empty string only
/// if the hash is unavailable in this OpenSSL (e.g. MD5 under a FIPS provider): callers compare
/// lengths with hexLength() and so fail closed.
std::string hashHex(Algorithm algorithm, std::string_view data);

/// HA1 = H(username ":" realm ":" password) — the value a CredentialStore keeps. For a -sess
/// algorithm this is the inner hash; apply sessionHa1() per request.
std::string computeHa1(Algorithm algorithm, std::string_view username, std::string_view realm,
                       std::string_view password);

/// -sess: HA1' = H(HA1 ":" nonce ":" cnonce) (RFC 7616 §3.4.2). `ha1` is the stored hex HA1.
std::string sessionHa1(Algorithm algorithm, std::string_view ha1, std::string_view nonce,
                       std::string_view cnonce);

/// HA2 = H(method ":" digest-uri) for Auth/None, H(method ":" digest-uri ":" H(body)) for
/// AuthInt (RFC 7616 §3.4.3). `uri` is the uri directive exactly as sent.
std::string computeHa2(Algorithm algorithm, Qop qop, std::string_view method, std::string_view uri,
                       std::string_view body);

/// request-digest: H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2) with qop, or
/// H(HA1 ":" nonce ":" HA2) when qop is None (RFC 7616 §3.4.1, RFC 2617 §3.2.2.1).
/// `ha1` must already be the session HA1 for -sess algorithms.
std::string computeResponse(Algorithm algorithm, std::string_view ha1, std::string_view nonce,
                            std::string_view nc, std::string_view cnonce, Qop qop,
                            std::string_view ha2);

/// userhash = H(username ":" realm) (RFC 7616 §3.4.4).
std::string computeUserhash(Algorithm algorithm, std::string_view username, std::string_view realm);

/// The qop token as written on the wire ("auth", "auth-int"); empty for None.
std::string_view qopToken(Qop qop);

/// Constant-time equality (CRYPTO_memcmp) for secrets and digests. Different lengths compare
/// unequal immediately: lengths are public (fixed per algorithm), contents are not.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace insip::auth
