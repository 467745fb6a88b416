// SPDX-License-Identifier: Apache-2.0
#include "auth/memory_credential_store.hpp"

namespace insip::auth {

void MemoryCredentialStore::addUser(std::string_view user, std::string_view realm,
                                    std::string_view password, std::string_view role) {
  users_[{std::string(user), std::string(realm)}] =
      Record{std::string(role), computeHa1(Algorithm::Md5, user, realm, password),
             computeHa1(Algorithm::Sha256, user, realm, password),
             computeHa1(Algorithm::Sha512_256, user, realm, password)};
}

std::optional<std::string> MemoryCredentialStore::ha1(std::string_view user,
                                                      std::string_view realm,
                                                      Algorithm algorithm) const {
  auto it = users_.find(std::pair<std::string, std::string>(user, realm));
  if (it == users_.end()) {
    return std::nullopt;
  }
  switch (baseAlgorithm(algorithm)) {
    case Algorithm::Md5:
      return it->second.ha1_md5;
    case Algorithm::Sha256:
      return it->second.ha1_sha256;
    default:
      return it->second.ha1_sha512_256;
  }
}

std::optional<std::string> MemoryCredentialStore::role(std::string_view user,
                                                       std::string_view realm) const {
  auto it = users_.find(std::pair<std::string, std::string>(user, realm));
  if (it == users_.end()) {
    return std::nullopt;
  }
  return it->second.role;
}

}  // namespace insip::auth
