// SPDX-License-Identifier: Apache-2.0
//
// credential_store.hpp — the CredentialStore port: where DigestVerifier finds a user's HA1
// (RFC 7616 §3.4.2: H(username ":" realm ":" password), stored instead of the password) and role.
// Implementations: SqliteCredentialStore (production), MemoryCredentialStore (tests, fixtures).
// Lookups sit on the request hot path: implementations must be fast and must not throw.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/digest.hpp"

namespace insip::auth {

inline constexpr std::string_view kRoleSubscriber = "subscriber";
inline constexpr std::string_view kRoleAdmin = "admin";

/// What DigestVerifier needs of a user, found with one lookup.
struct StoredCredential {
  std::string ha1;   // as ha1()
  std::string role;  // as role()
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  /// Lower-case hex HA1 of (user, realm) for the algorithm's hash function (a -sess algorithm
  /// yields its base HA1); nullopt if the user is unknown *or the lookup failed* (fail closed).
  /// Thread affinity: any (implementations lock as needed).
  virtual std::optional<std::string> ha1(std::string_view user, std::string_view realm,
                                         Algorithm algorithm) const = 0;
  /// "subscriber" or "admin"; nullopt if unknown or on error.
  virtual std::optional<std::string> role(std::string_view user, std::string_view realm) const = 0;
  /// ha1() and role() together; stores with a costly lookup override it to look up once.
  virtual std::optional<StoredCredential> credential(std::string_view user, std::string_view realm,
                                                     Algorithm algorithm) const {
    auto h = ha1(user, realm, algorithm);
    if (!h) return std::nullopt;
    auto r = role(user, realm);
    if (!r) return std::nullopt;
    return StoredCredential{std::move(*h), std::move(*r)};
  }
};
using CredentialStorePtr = std::unique_ptr<CredentialStore>;

}  // namespace insip::auth
