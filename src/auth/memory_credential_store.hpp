// SPDX-License-Identifier: Apache-2.0
//
// memory_credential_store.hpp — an in-memory CredentialStore for tests and fixtures: addUser()
// computes and keeps the HA1 for each hash function (never the password), like the SQLite store.
// Not thread-safe for writes: fill it before sharing it.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "auth/credential_store.hpp"

namespace insip::auth {

class MemoryCredentialStore final : public CredentialStore {
 public:
  void addUser(std::string_view user, std::string_view realm, std::string_view password,
               std::string_view role = kRoleSubscriber);

  std::optional<std::string> ha1(std::string_view user, std::string_view realm,
                                 Algorithm algorithm) const override;
  std::optional<std::string> role(std::string_view user, std::string_view realm) const override;

 private:
  struct Record {
    std::string role;
    std::string ha1_md5;
    std::string ha1_sha256;
    std::string ha1_sha512_256;
  };
  std::map<std::pair<std::string, std::string>, Record, std::less<>> users_;
};

}  // namespace insip::auth
