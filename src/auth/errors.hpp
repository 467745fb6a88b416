// SPDX-License-Identifier: Apache-2.0
//
// errors.hpp — auth::AuthErrc, the error enum of the digest-authentication module, registered as a
// std::error_category (the Boost.Beast error.hpp pattern, CONVENTIONS R2/R3). Covers credential
// header syntax (RFC 7616 §3.4, RFC 3261 §25.1 quoted-string), the secret file and the SQLite
// credential store. Each enumerator says what the caller will do with it.
#pragma once

#include <system_error>

namespace insip::auth {

enum class AuthErrc {
  NotDigest = 1,         // credentials use another scheme (Basic, Bearer...): ignore that header
  BadSyntax,             // Digest credentials unparsable: 400 Bad Request
  DuplicateParameter,    // the same auth-param twice: 400 (ambiguous, RFC 7616 §3.4)
  MissingParameter,      // username/realm/nonce/uri/response absent: 400
  TooManyParameters,     // more auth-params than we accept: 400
  SecretUnreadable,      // nonce secret file cannot be read/created: startup error
  SecretTooShort,        // nonce secret file holds fewer than 32 bytes: startup error
  SecretPermissions,     // nonce secret file readable by group/others: startup error (fail closed)
  StoreOpenFailed,       // credential database cannot be opened or its schema created
  StoreQueryFailed,      // a statement failed (disk full, busy past busy_timeout...)
  UserExists,            // addUser for an existing (user, realm) without replace
  UserNotFound,          // removeUser for an unknown (user, realm)
  InvalidArgument,       // empty/oversized user, realm or password, or an unknown role
};

const std::error_category& authCategory() noexcept;

inline std::error_code make_error_code(AuthErrc e) noexcept {
  return {static_cast<int>(e), authCategory()};
}

}  // namespace insip::auth

template <>
struct std::is_error_code_enum<insip::auth::AuthErrc> : std::true_type {};
