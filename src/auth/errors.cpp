// SPDX-License-Identifier: Apache-2.0
#include "auth/errors.hpp"

#include <string>

namespace insip::auth {
namespace {

class AuthCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "insip.auth"; }
  std::string message(int ev) const override {
    switch (static_cast<AuthErrc>(ev)) {
      case AuthErrc::NotDigest:
        return "credentials are not of the Digest scheme";
      case AuthErrc::BadSyntax:
        return "malformed Digest credentials";
      case AuthErrc::DuplicateParameter:
        return "duplicate parameter in Digest credentials";
      case AuthErrc::MissingParameter:
        return "mandatory Digest parameter missing";
      case AuthErrc::TooManyParameters:
        return "too many parameters in Digest credentials";
      case AuthErrc::SecretUnreadable:
        return "nonce secret file cannot be read or created";
      case AuthErrc::SecretTooShort:
        return "nonce secret file is shorter than 32 bytes";
      case AuthErrc::SecretPermissions:
        return "nonce secret file is accessible by group or others (chmod 600 it)";
      case AuthErrc::StoreOpenFailed:
        return "credential database cannot be opened";
      case AuthErrc::StoreQueryFailed:
        return "credential database query failed";
      case AuthErrc::UserExists:
        return "user already exists";
      case AuthErrc::UserNotFound:
        return "no such user";
      case AuthErrc::InvalidArgument:
        return "invalid user name, realm, password or role";
    }
    return "unknown auth error";
  }
};

}  // namespace

const std::error_category& authCategory() noexcept {
  static const AuthCategory category;
  return category;
}

}  // namespace insip::auth
