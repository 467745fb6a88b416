// SPDX-License-Identifier: Apache-2.0
#include "auth/memory_credential_store.hpp"

#include <gtest/gtest.h>

namespace insip::auth {
namespace {

TEST(MemoryCredentialStore, ReturnsTheHa1OfEachHashFunction) {
  MemoryCredentialStore store;
  store.addUser("alice", "example.test", "wonderland-7", kRoleAdmin);
  // tests/data/digest/sip-invite-md5-auth.json and sip-register-sha256-auth.json.
  EXPECT_EQ(store.ha1("alice", "example.test", Algorithm::Md5Sess),
            "72668a1b7674ce3ccf88cff2bfd26df2");
  EXPECT_EQ(store.ha1("alice", "example.test", Algorithm::Sha256),
            "d88aa578268292854b090a3a83a2fd482d19bee1c9e2a408cfb78509e4e954d5");
  // openssl dgst -sha512-256 of "alice:example.test:wonderland-7".
  EXPECT_EQ(store.ha1("alice", "example.test", Algorithm::Sha512_256),
            "f0c475f9e187ff14f7426e666c836d51398f5b4c00f8e9f9422484128ee1e8f9");
  EXPECT_EQ(store.role("alice", "example.test"), "admin");
}

TEST(MemoryCredentialStore, KnowsNothingAboutOtherUsersOrRealms) {
  MemoryCredentialStore store;
  store.addUser("alice", "example.test", "wonderland-7");
  EXPECT_FALSE(store.ha1("alice", "other.test", Algorithm::Md5));
  EXPECT_FALSE(store.ha1("bob", "example.test", Algorithm::Md5));
  EXPECT_FALSE(store.role("bob", "example.test"));
}

}  // namespace
}  // namespace insip::auth
