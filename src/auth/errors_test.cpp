// SPDX-License-Identifier: Apache-2.0
#include "auth/errors.hpp"

#include <gtest/gtest.h>

namespace insip::auth {
namespace {

TEST(AuthErrc, ConvertsToAnErrorCodeOfTheAuthCategory) {
  const std::error_code ec = AuthErrc::DuplicateParameter;
  EXPECT_EQ(&ec.category(), &authCategory());
  EXPECT_STREQ(ec.category().name(), "insip.auth");
  EXPECT_EQ(ec.message(), "duplicate parameter in Digest credentials");
  EXPECT_NE(make_error_code(AuthErrc::UserExists), make_error_code(AuthErrc::UserNotFound));
}

TEST(AuthErrc, HasAMessageForEveryEnumerator) {
  for (int e = static_cast<int>(AuthErrc::NotDigest);
       e <= static_cast<int>(AuthErrc::InvalidArgument); ++e) {
    EXPECT_NE(authCategory().message(e), "unknown auth error") << e;
  }
  EXPECT_EQ(authCategory().message(999), "unknown auth error");
}

}  // namespace
}  // namespace insip::auth
