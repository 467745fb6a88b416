// SPDX-License-Identifier: Apache-2.0
//
// digest_authenticator_test.cpp — who is challenged and how (RFC 3261 §22.2 401 / §22.3 407,
// RFC 8760 §2.4 one challenge per algorithm), identity binding, credential stripping. Client
// answers are computed independently with OpenSSL (tests/support/digest_client.hpp).
#include "proxy/processors/digest_authenticator.hpp"

#include <gtest/gtest.h>

#include "auth/lockout.hpp"
#include "auth/memory_credential_store.hpp"
#include "auth/nonce.hpp"
#include "digest_client.hpp"
#include "sip_builder.hpp"
#include "util/fake_clock.hpp"

namespace insip::proxy {
namespace {

using testsupport::challengeParams;
using testsupport::digestCredentials;
using testsupport::parse;
using testsupport::RequestSpec;

class DigestAuthenticatorTest : public ::testing::Test {
 protected:
  DigestAuthenticatorTest() {
    creds_.addUser("alice", "example.test", "alice-pw");
    creds_.addUser("bob", "example.test", "bob-pw");
    creds_.addUser("root", "example.test", "root-pw", auth::kRoleAdmin);
  }

  static RequestSpec registerFor(const std::string& user) {
    RequestSpec r;
    r.method = "REGISTER";
    r.ruri = "sip:example.test";
    r.from = "<sip:" + user + "@example.test>;tag=f1";
    r.to = "<sip:" + user + "@example.test>";
    return r;
  }
  static RequestSpec inviteFrom(const std::string& user) {
    RequestSpec r;
    r.from = "<sip:" + user + "@example.test>;tag=f1";
    return r;
  }

  struct Run {
    Outcome outcome;
    RequestContext ctx;
  };
  Run run(const RequestSpec& r, bool in_dialog = false) {
    RequestContext ctx(parse(r.wire()), testsupport::udpFlow("192.0.2.1", 5060));
    ctx.in_dialog = in_dialog;
    Outcome o = auth_.onRequest(ctx);
    return Run{std::move(o), std::move(ctx)};
  }
  static int status(const Outcome& o) { return o.response() != nullptr ? o.response()->status : 0; }

  /// The challenge value (first header) the authenticator answers `r` with.
  std::string challengeFor(const RequestSpec& r, const char* header, std::size_t index = 0) {
    Run c = run(r);
    if (c.outcome.response() == nullptr) {
      ADD_FAILURE() << "no challenge";
      return {};
    }
    auto values = c.outcome.response()->headerValues(header);
    if (values.size() <= index) {
      ADD_FAILURE() << "no " << header << " #" << index;
      return {};
    }
    return *values[index];
  }
  /// `r` with correct credentials for `user` added in `header`.
  RequestSpec answered(RequestSpec r, const char* challenge_header, const char* creds_header,
                       const std::string& user, const std::string& password,
                       std::size_t which_challenge = 0) {
    const std::string ch = challengeFor(r, challenge_header, which_challenge);
    r.headers.push_back(std::string(creds_header) + ": " +
                        digestCredentials(ch, user, password, r.method, r.ruri));
    return r;
  }

  util::FakeClock clock_;
  auth::MemoryCredentialStore creds_;
  auth::NonceManager nonces_{std::vector<unsigned char>(32, 0x42), clock_};
  auth::LockoutTracker lockout_{3, std::chrono::seconds(300), clock_};
  auth::DigestVerifier verifier_{auth::VerifierConfig{}, creds_, nonces_, lockout_};
  LocalIdentity identity_{{"192.0.2.10"}, 5060, {"example.test"}};
  Stats stats_;
  DigestAuthenticator auth_{verifier_, identity_, stats_};
};

TEST_F(DigestAuthenticatorTest, AckCancelAndInDialogRequestsAreNeverChallenged) {
  RequestSpec ack = inviteFrom("alice");
  ack.method = "ACK";
  EXPECT_TRUE(run(ack).outcome.isNext());
  RequestSpec cancel = inviteFrom("alice");
  cancel.method = "CANCEL";
  EXPECT_TRUE(run(cancel).outcome.isNext());
  RequestSpec bye = inviteFrom("alice");
  bye.method = "BYE";
  bye.to += ";tag=t1";
  EXPECT_TRUE(run(bye, /*in_dialog=*/true).outcome.isNext());
  EXPECT_EQ(stats_.auth_challenges, 0u);
}

TEST_F(DigestAuthenticatorTest, RegisterToOurDomainIsChallenged401OncePerAlgorithm) {
  Run r = run(registerFor("alice"));
  ASSERT_EQ(status(r.outcome), 401);
  auto values = r.outcome.response()->headerValues("WWW-Authenticate");
  ASSERT_EQ(values.size(), 2u);  // RFC 8760 §2.4: preferred first, same nonce
  auto a = challengeParams(*values[0]);
  auto b = challengeParams(*values[1]);
  EXPECT_EQ(a["algorithm"], "SHA-256");
  EXPECT_EQ(b["algorithm"], "MD5");
  EXPECT_EQ(a["nonce"], b["nonce"]);
  EXPECT_EQ(a["realm"], "example.test");
  EXPECT_EQ(a["qop"], "auth");
  EXPECT_TRUE(r.outcome.response()->headerValues("Proxy-Authenticate").empty());
  EXPECT_EQ(stats_.auth_challenges, 1u);
  EXPECT_FALSE(r.ctx.authenticated_user.has_value());
}

TEST_F(DigestAuthenticatorTest, OutOfDialogRequestFromOurDomainIsChallenged407) {
  Run r = run(inviteFrom("alice"));
  ASSERT_EQ(status(r.outcome), 407);
  EXPECT_EQ(r.outcome.response()->headerValues("Proxy-Authenticate").size(), 2u);
  EXPECT_TRUE(r.outcome.response()->headerValues("WWW-Authenticate").empty());
}

TEST_F(DigestAuthenticatorTest, RequestFromAForeignDomainPassesUnauthenticated) {
  RequestSpec r;
  r.from = "<sip:carol@foreign.test>;tag=f1";
  Run out = run(r);
  EXPECT_TRUE(out.outcome.isNext());
  EXPECT_FALSE(out.ctx.authenticated_user.has_value());
}

TEST_F(DigestAuthenticatorTest, CorrectSha256AnswerAuthenticatesTheUser) {
  Run r = run(answered(registerFor("alice"), "WWW-Authenticate", "Authorization", "alice", "alice-pw"));
  EXPECT_TRUE(r.outcome.isNext()) << status(r.outcome);
  ASSERT_TRUE(r.ctx.authenticated_user.has_value());
  EXPECT_EQ(r.ctx.authenticated_user->username, "alice");
  EXPECT_EQ(r.ctx.authenticated_user->realm, "example.test");
  EXPECT_EQ(r.ctx.authenticated_user->role, "subscriber");
  EXPECT_EQ(stats_.auth_ok, 1u);
}

TEST_F(DigestAuthenticatorTest, CorrectMd5AnswerAuthenticatesTheUser) {
  RequestSpec r = answered(inviteFrom("alice"), "Proxy-Authenticate", "Proxy-Authorization", "alice",
                           "alice-pw", /*which_challenge=*/1);
  ASSERT_NE(r.headers.back().find("algorithm=MD5"), std::string::npos);
  Run out = run(r);
  EXPECT_TRUE(out.outcome.isNext()) << status(out.outcome);
  ASSERT_TRUE(out.ctx.authenticated_user.has_value());
  EXPECT_EQ(out.ctx.authenticated_user->username, "alice");
}

TEST_F(DigestAuthenticatorTest, WrongPasswordIsChallengedAgainAndCounted) {
  Run r = run(answered(registerFor("alice"), "WWW-Authenticate", "Authorization", "alice", "guess"));
  EXPECT_EQ(status(r.outcome), 401);
  EXPECT_EQ(stats_.auth_failures, 1u);
  EXPECT_FALSE(r.ctx.authenticated_user.has_value());
}

TEST_F(DigestAuthenticatorTest, UnknownUserLooksLikeAWrongPassword) {
  Run r = run(answered(registerFor("mallory"), "WWW-Authenticate", "Authorization", "mallory", "pw"));
  EXPECT_EQ(status(r.outcome), 401);
  EXPECT_EQ(stats_.auth_failures, 1u);
}

TEST_F(DigestAuthenticatorTest, RepeatedFailuresLockTheUserOutWith403) {
  for (int i = 0; i < 3; ++i) {
    RequestSpec r = answered(registerFor("alice"), "WWW-Authenticate", "Authorization", "alice", "guess");
    r.cseq = static_cast<std::uint32_t>(i + 1);
    run(r);
  }
  Run r = run(answered(registerFor("alice"), "WWW-Authenticate", "Authorization", "alice", "alice-pw"));
  EXPECT_EQ(status(r.outcome), 403);
  EXPECT_GE(stats_.auth_locked, 1u);
  EXPECT_FALSE(r.ctx.authenticated_user.has_value());
}

TEST_F(DigestAuthenticatorTest, ReplayedNonceCountIsChallengedStale) {
  RequestSpec r = answered(registerFor("alice"), "WWW-Authenticate", "Authorization", "alice", "alice-pw");
  ASSERT_TRUE(run(r).outcome.isNext());
  Run again = run(r);  // same nonce, same nc
  ASSERT_EQ(status(again.outcome), 401);
  auto values = again.outcome.response()->headerValues("WWW-Authenticate");
  ASSERT_FALSE(values.empty());
  EXPECT_EQ(challengeParams(*values[0])["stale"], "true");
  EXPECT_EQ(stats_.auth_replays, 1u);
  EXPECT_EQ(stats_.auth_failures, 0u);
}

TEST_F(DigestAuthenticatorTest, ExpiredNonceIsChallengedStaleWithoutCountingAFailure) {
  RequestSpec r = answered(registerFor("alice"), "WWW-Authenticate", "Authorization", "alice", "alice-pw");
  clock_.advance(std::chrono::seconds(301));  // nonce ttl 300 s
  Run out = run(r);
  ASSERT_EQ(status(out.outcome), 401);
  EXPECT_EQ(challengeParams(*out.outcome.response()->headerValues("WWW-Authenticate")[0])["stale"], "true");
  EXPECT_EQ(stats_.auth_stale, 1u);
  EXPECT_EQ(stats_.auth_failures, 0u);
}

TEST_F(DigestAuthenticatorTest, UriDirectiveNotMatchingTheRequestUriIs400) {
  RequestSpec r = registerFor("alice");
  const std::string ch = challengeFor(r, "WWW-Authenticate");
  r.headers.push_back("Authorization: " +
                      digestCredentials(ch, "alice", "alice-pw", "REGISTER", "sip:elsewhere.test"));
  EXPECT_EQ(status(run(r).outcome), 400);  // RFC 2617 §3.2.2.5
}

TEST_F(DigestAuthenticatorTest, MalformedDigestCredentialsAre400) {
  RequestSpec r = registerFor("alice");
  r.headers = {"Authorization: Digest username=\"alice\", realm=\"example.test\""};
  EXPECT_EQ(status(run(r).outcome), 400);
}

TEST_F(DigestAuthenticatorTest, UserRegisteringAnotherUsersAddressIsRefused403) {
  RequestSpec r = registerFor("bob");
  r.from = "<sip:alice@example.test>;tag=f1";
  r = answered(r, "WWW-Authenticate", "Authorization", "alice", "alice-pw");
  Run out = run(r);
  EXPECT_EQ(status(out.outcome), 403);
  EXPECT_FALSE(out.ctx.authenticated_user.has_value());
}

TEST_F(DigestAuthenticatorTest, UserCallingAsAnotherUserIsRefused403) {
  Run out = run(answered(inviteFrom("bob"), "Proxy-Authenticate", "Proxy-Authorization", "alice", "alice-pw"));
  EXPECT_EQ(status(out.outcome), 403);
}

TEST_F(DigestAuthenticatorTest, AdminMayRegisterForAnotherUser) {
  RequestSpec r = registerFor("bob");
  r.from = "<sip:root@example.test>;tag=f1";
  Run out = run(answered(r, "WWW-Authenticate", "Authorization", "root", "root-pw"));
  EXPECT_TRUE(out.outcome.isNext()) << status(out.outcome);
  ASSERT_TRUE(out.ctx.authenticated_user.has_value());
  EXPECT_EQ(out.ctx.authenticated_user->role, "admin");
}

TEST_F(DigestAuthenticatorTest, AdminMayNotCallAsAnotherUser) {
  Run out = run(answered(inviteFrom("bob"), "Proxy-Authenticate", "Proxy-Authorization", "root", "root-pw"));
  EXPECT_EQ(status(out.outcome), 403);
}

TEST_F(DigestAuthenticatorTest, EscapedUserPartMatchesTheAuthenticatedUser) {
  RequestSpec r = registerFor("alice");
  r.to = "<sip:%61lice@example.test>";  // %61 = 'a' (RFC 3261 §19.1.4)
  Run out = run(answered(r, "WWW-Authenticate", "Authorization", "alice", "alice-pw"));
  EXPECT_TRUE(out.outcome.isNext()) << status(out.outcome);
}

TEST_F(DigestAuthenticatorTest, OurRealmsProxyAuthorizationIsConsumedOthersAreKept) {
  RequestSpec r = inviteFrom("alice");
  r.headers = {"Proxy-Authorization: Digest username=\"alice\", realm=\"other.test\", nonce=\"n\", "
               "uri=\"sip:bob@example.test\", response=\"00000000000000000000000000000000\""};
  r = answered(r, "Proxy-Authenticate", "Proxy-Authorization", "alice", "alice-pw");
  Run out = run(r);
  ASSERT_TRUE(out.outcome.isNext()) << status(out.outcome);
  auto left = out.ctx.request().headerValues("Proxy-Authorization");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0]->find("other.test"), std::string::npos);
}

TEST_F(DigestAuthenticatorTest, RegistrarAuthorizationIsNotStripped) {
  // WWW mode: the Authorization header is for us as UAS and the request is not forwarded.
  Run out = run(answered(registerFor("alice"), "WWW-Authenticate", "Authorization", "alice", "alice-pw"));
  ASSERT_TRUE(out.outcome.isNext());
  EXPECT_EQ(out.ctx.request().headerValues("Authorization").size(), 1u);
}

}  // namespace
}  // namespace insip::proxy
