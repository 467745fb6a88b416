// SPDX-License-Identifier: Apache-2.0
#include "auth/digest_verifier.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/memory_credential_store.hpp"
#include "util/fake_clock.hpp"

namespace insip::auth {
namespace {

using namespace std::chrono_literals;

std::string param(std::string_view header, std::string_view key) {
  auto creds = parseCredentials(std::string(header) + ", username=\"-\", uri=\"-\", response=\"-\"");
  if (!creds) {
    return {};
  }
  if (key == "nonce") {
    return creds->nonce;
  }
  if (key == "realm") {
    return creds->realm;
  }
  if (key == "algorithm") {
    return creds->algorithm;
  }
  if (key == "qop") {
    return creds->qop;
  }
  return {};
}

struct Answer {
  std::string user = "alice";
  std::string password = "wonderland-7";
  std::string realm = "example.test";
  Algorithm algorithm = Algorithm::Sha256;
  std::string method = "REGISTER";
  std::string uri = "sip:example.test";
  std::string nc = "00000001";
  std::string cnonce = "0a1b2c3d";
  Qop qop = Qop::Auth;
  std::string body;
  std::string algorithm_token;  // overrides name(algorithm) on the wire when set

  // What a correct client would send for `nonce`.
  std::string header(const std::string& nonce) const {
    std::string ha1 = computeHa1(algorithm, user, realm, password);
    if (isSession(algorithm)) {
      ha1 = sessionHa1(algorithm, ha1, nonce, cnonce);
    }
    const std::string ha2 = computeHa2(algorithm, qop, method, uri, body);
    const std::string response = computeResponse(algorithm, ha1, nonce, nc, cnonce, qop, ha2);
    std::string h = "Digest username=" + quoteString(user) + ", realm=" + quoteString(realm) +
                    ", nonce=\"" + nonce + "\", uri=\"" + uri + "\", response=\"" + response +
                    "\", algorithm=" +
                    (algorithm_token.empty() ? std::string(name(algorithm)) : algorithm_token);
    if (qop != Qop::None) {
      h += ", qop=" + std::string(qopToken(qop)) + ", nc=" + nc + ", cnonce=\"" + cnonce + "\"";
    }
    return h;
  }
};

class DigestVerifierTest : public ::testing::Test {
 protected:
  DigestVerifierTest() {
    store_.addUser("alice", "example.test", "wonderland-7");
    store_.addUser("ali\"ce", "example.test", "wonderland-7");
  }

  DigestVerifier makeVerifier(VerifierConfig config = {}) {
    return DigestVerifier(std::move(config), store_, nonces_, lockout_);
  }

  Verdict run(DigestVerifier& v, const Answer& a, const std::vector<std::string>& headers,
              ChallengeMode mode = ChallengeMode::Www) {
    std::vector<std::string_view> views(headers.begin(), headers.end());
    return v.verify(VerifyInput{a.method, a.uri, a.body, views, mode});
  }

  Verdict answer(DigestVerifier& v, const Answer& a, const std::string& nonce) {
    return run(v, a, {a.header(nonce)});
  }

  std::string freshNonce(DigestVerifier& v) { return param(v.challengeHeaders(false)[0], "nonce"); }

  util::FakeClock clock_;
  MemoryCredentialStore store_;
  NonceManager nonces_{std::vector<unsigned char>(32, 42), clock_,
                       NonceManager::Options{30s, 1000}};
  LockoutTracker lockout_{3, 60s, clock_};
};

TEST_F(DigestVerifierTest, ChallengesARequestWithoutCredentialsWithOneHeaderPerAlgorithm) {
  auto v = makeVerifier();
  const Answer a;
  auto verdict = run(v, a, {});
  auto* c = std::get_if<Challenge>(&verdict);
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->stale);
  EXPECT_EQ(c->reason, ChallengeReason::NoCredentials);
  EXPECT_EQ(c->status_code, 401);
  EXPECT_EQ(c->header_name, "WWW-Authenticate");
  ASSERT_EQ(c->headers.size(), 2u);
  EXPECT_EQ(param(c->headers[0], "algorithm"), "SHA-256");
  EXPECT_EQ(param(c->headers[1], "algorithm"), "MD5");
  EXPECT_EQ(param(c->headers[0], "nonce"), param(c->headers[1], "nonce"));
  EXPECT_EQ(param(c->headers[0], "realm"), "example.test");
  EXPECT_EQ(param(c->headers[0], "qop"), "auth");
  EXPECT_EQ(nonces_.verify(param(c->headers[0], "nonce"), "example.test"), NonceStatus::Valid);
}

TEST_F(DigestVerifierTest, ChallengesWith407InProxyMode) {
  auto v = makeVerifier();
  auto verdict = run(v, Answer{}, {}, ChallengeMode::Proxy);
  auto* c = std::get_if<Challenge>(&verdict);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status_code, 407);
  EXPECT_EQ(c->header_name, "Proxy-Authenticate");
  EXPECT_EQ(credentialsHeaderName(ChallengeMode::Proxy), "Proxy-Authorization");
}

TEST_F(DigestVerifierTest, AuthenticatesACorrectSha256Answer) {
  auto v = makeVerifier();
  auto verdict = answer(v, Answer{}, freshNonce(v));
  auto* ok = std::get_if<Authenticated>(&verdict);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->user, "alice");
  EXPECT_EQ(ok->algorithm, Algorithm::Sha256);
}

TEST_F(DigestVerifierTest, AuthenticatesMd5WrittenInLowerCase) {
  auto v = makeVerifier();
  Answer a;
  a.algorithm = Algorithm::Md5;
  a.algorithm_token = "md5";
  auto verdict = answer(v, a, freshNonce(v));
  ASSERT_TRUE(std::holds_alternative<Authenticated>(verdict));
}

TEST_F(DigestVerifierTest, AuthenticatesAnEscapedUserName) {
  auto v = makeVerifier();
  Answer a;
  a.user = "ali\"ce";
  auto verdict = answer(v, a, freshNonce(v));
  auto* ok = std::get_if<Authenticated>(&verdict);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->user, "ali\"ce");
}

TEST_F(DigestVerifierTest, AuthenticatesSessAndSha512_256WhenConfigured) {
  auto v = makeVerifier(VerifierConfig{
      "example.test", {Algorithm::Sha512_256, Algorithm::Md5Sess, Algorithm::Sha256Sess}, true});
  for (Algorithm alg : {Algorithm::Sha512_256, Algorithm::Md5Sess, Algorithm::Sha256Sess}) {
    SCOPED_TRACE(std::string(name(alg)));
    Answer a;
    a.algorithm = alg;
    auto verdict = answer(v, a, freshNonce(v));
    auto* ok = std::get_if<Authenticated>(&verdict);
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->algorithm, alg);
  }
}

TEST_F(DigestVerifierTest, AuthIntCoversTheBody) {
  auto v = makeVerifier();
  Answer a;
  a.method = "MESSAGE";
  a.qop = Qop::AuthInt;
  a.body = "Hello Bob,\r\nsee you at 10.\r\n";
  const std::string nonce = freshNonce(v);
  const std::string header = a.header(nonce);
  Answer tampered = a;
  tampered.body = "Hello Bob,\r\nsee you at 11.\r\n";
  auto bad = run(v, tampered, {header});
  auto* c = std::get_if<Challenge>(&bad);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->reason, ChallengeReason::WrongCredentials);
  EXPECT_TRUE(std::holds_alternative<Authenticated>(run(v, a, {header})));
}

TEST_F(DigestVerifierTest, ChallengesAWrongPasswordAndLocksOutAfterMaxFailures) {
  auto v = makeVerifier();
  Answer wrong;
  wrong.password = "guess";
  for (int i = 0; i < 2; ++i) {
    auto verdict = answer(v, wrong, freshNonce(v));
    auto* c = std::get_if<Challenge>(&verdict);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->stale);
    EXPECT_EQ(c->reason, ChallengeReason::WrongCredentials);
  }
  auto third = answer(v, wrong, freshNonce(v));
  ASSERT_TRUE(std::holds_alternative<Forbidden>(third));
  // Even the right password is refused while locked...
  auto locked = answer(v, Answer{}, freshNonce(v));
  ASSERT_TRUE(std::holds_alternative<Forbidden>(locked));
  EXPECT_EQ(std::get<Forbidden>(locked).user, "alice");
  // ...and accepted once the lockout has passed (with a nonce issued after it).
  clock_.advance(61s);
  EXPECT_TRUE(std::holds_alternative<Authenticated>(answer(v, Answer{}, freshNonce(v))));
}

TEST_F(DigestVerifierTest, TreatsUnknownUsersExactlyLikeWrongPasswords) {
  auto v = makeVerifier();
  Answer unknown;
  unknown.user = "mallory";
  Answer wrong;
  wrong.password = "guess";
  auto u = answer(v, unknown, freshNonce(v));
  auto w = answer(v, wrong, freshNonce(v));
  auto* cu = std::get_if<Challenge>(&u);
  auto* cw = std::get_if<Challenge>(&w);
  ASSERT_NE(cu, nullptr);
  ASSERT_NE(cw, nullptr);
  EXPECT_EQ(cu->reason, cw->reason);
  EXPECT_EQ(cu->stale, cw->stale);
  EXPECT_EQ(cu->status_code, cw->status_code);
  ASSERT_EQ(cu->headers.size(), cw->headers.size());
  for (std::size_t i = 0; i < cu->headers.size(); ++i) {
    // Identical apart from the nonce value.
    std::string hu = cu->headers[i];
    std::string hw = cw->headers[i];
    hu.replace(hu.find(param(hu, "nonce")), 43, "N");
    hw.replace(hw.find(param(hw, "nonce")), 43, "N");
    EXPECT_EQ(hu, hw);
  }
  // Unknown names are locked out like known ones (no enumeration through 403 either).
  answer(v, unknown, freshNonce(v));
  EXPECT_TRUE(std::holds_alternative<Forbidden>(answer(v, unknown, freshNonce(v))));
}

TEST_F(DigestVerifierTest, ChallengesAStaleNonceWithStaleTrueWithoutCountingAFailure) {
  auto v = makeVerifier();
  const std::string old_nonce = freshNonce(v);
  clock_.advance(31s);
  for (int i = 0; i < 5; ++i) {
    auto verdict = answer(v, Answer{}, old_nonce);
    auto* c = std::get_if<Challenge>(&verdict);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->stale);
    EXPECT_EQ(c->reason, ChallengeReason::StaleNonce);
    EXPECT_NE(c->headers[0].find("stale=true"), std::string::npos);
  }
  EXPECT_FALSE(lockout_.isLocked("alice"));
  EXPECT_TRUE(std::holds_alternative<Authenticated>(answer(v, Answer{}, freshNonce(v))));
}

TEST_F(DigestVerifierTest, AWrongPasswordOnAnExpiredNonceIsAFailureNotStale) {
  // RFC 7616 §3.3: stale=true says the credentials were right and only the nonce was old.
  auto v = makeVerifier();
  const std::string old_nonce = freshNonce(v);
  clock_.advance(31s);
  Answer wrong;
  wrong.password = "not-the-password";
  auto verdict = answer(v, wrong, old_nonce);
  auto* c = std::get_if<Challenge>(&verdict);
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->stale);
  EXPECT_EQ(c->reason, ChallengeReason::WrongCredentials);
  EXPECT_EQ(c->headers[0].find("stale=true"), std::string::npos);
}

TEST_F(DigestVerifierTest, ChallengesAForgedNonceWithoutStale) {
  auto v = makeVerifier();
  auto verdict = answer(v, Answer{}, "5f3c9a1e7b2d4c6a8e0f1a2b3c4d5e6f");
  auto* c = std::get_if<Challenge>(&verdict);
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->stale);
  EXPECT_EQ(c->reason, ChallengeReason::InvalidNonce);
}

TEST_F(DigestVerifierTest, ChallengesAReplayedNonceCountButAcceptsTheNextCount) {
  auto v = makeVerifier();
  const std::string nonce = freshNonce(v);
  Answer a;
  ASSERT_TRUE(std::holds_alternative<Authenticated>(answer(v, a, nonce)));
  auto replay = answer(v, a, nonce);
  auto* c = std::get_if<Challenge>(&replay);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->reason, ChallengeReason::Replay);
  EXPECT_TRUE(c->stale);
  a.nc = "00000002";
  EXPECT_TRUE(std::holds_alternative<Authenticated>(answer(v, a, nonce)));
  // Replays never lock the real user out.
  Answer first;
  for (int i = 0; i < 5; ++i) {
    answer(v, first, nonce);
  }
  EXPECT_FALSE(lockout_.isLocked("alice"));
}

TEST_F(DigestVerifierTest, AWrongAnswerDoesNotBurnTheVictimsNonceCount) {
  auto v = makeVerifier();
  const std::string nonce = freshNonce(v);
  Answer forger;
  forger.password = "guess";
  forger.nc = "00000009";
  answer(v, forger, nonce);
  Answer victim;
  victim.nc = "00000002";
  EXPECT_TRUE(std::holds_alternative<Authenticated>(answer(v, victim, nonce)));
}

// tests/data/digest/sip-invite-uri-params.json, negative_case: the client hashed a uri directive
// that differs from the Request-URI. Answer 400 (RFC 2617 §3.2.2.5), not another challenge.
TEST_F(DigestVerifierTest, AnswersBadRequestWhenTheUriDirectiveDiffersFromTheRequestUri) {
  std::ifstream in(std::filesystem::path(INSIP_TEST_DATA) / "digest" / "sip-invite-uri-params.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const auto vec = boost::json::parse(ss.str()).as_object();
  const auto& inputs = vec.at("inputs").as_object();
  const auto& neg = vec.at("negative_case").as_object();
  const std::string request_uri(inputs.at("uri").as_string().c_str());
  const std::string short_uri(neg.at("uri_directive").as_string().c_str());

  auto v = makeVerifier(VerifierConfig{"example.test", {Algorithm::Md5}, true});
  Answer a;
  a.algorithm = Algorithm::Md5;
  a.method = "INVITE";
  a.uri = short_uri;
  const std::string header = a.header(freshNonce(v));
  Answer as_received = a;
  as_received.uri = request_uri;
  auto verdict = run(v, as_received, {header});
  ASSERT_TRUE(std::holds_alternative<BadRequest>(verdict));
  EXPECT_NE(std::get<BadRequest>(verdict).reason.find("uri"), std::string::npos);

  // The same answer with the full Request-URI (params, port, order) is accepted.
  Answer exact = as_received;
  EXPECT_TRUE(std::holds_alternative<Authenticated>(answer(v, exact, freshNonce(v))));
}

TEST_F(DigestVerifierTest, RejectsAnAlgorithmThatWasNotOffered) {
  auto v = makeVerifier(VerifierConfig{"example.test", {Algorithm::Sha256}, true});
  Answer a;
  a.algorithm = Algorithm::Md5;  // downgrade attempt
  EXPECT_TRUE(std::holds_alternative<BadRequest>(answer(v, a, freshNonce(v))));
  Answer b;
  b.algorithm_token = "SHA-1";
  EXPECT_TRUE(std::holds_alternative<BadRequest>(answer(v, b, freshNonce(v))));
}

TEST_F(DigestVerifierTest, RequiresQopWhenItWasOffered) {
  auto v = makeVerifier();
  Answer a;
  a.qop = Qop::None;
  EXPECT_TRUE(std::holds_alternative<BadRequest>(answer(v, a, freshNonce(v))));
}

TEST_F(DigestVerifierTest, AcceptsRfc2069AnswersOncePerNonceWhenQopIsOff) {
  auto v = makeVerifier(VerifierConfig{"example.test", {Algorithm::Md5}, false});
  auto headers = v.challengeHeaders(false);
  EXPECT_EQ(headers[0].find("qop"), std::string::npos);
  Answer a;
  a.algorithm = Algorithm::Md5;
  a.qop = Qop::None;
  const std::string nonce = param(headers[0], "nonce");
  EXPECT_TRUE(std::holds_alternative<Authenticated>(answer(v, a, nonce)));
  auto again = answer(v, a, nonce);
  auto* c = std::get_if<Challenge>(&again);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->reason, ChallengeReason::Replay);
}

TEST_F(DigestVerifierTest, RejectsMalformedNonceCountAndResponse) {
  auto v = makeVerifier();
  Answer a;
  a.nc = "1";
  EXPECT_TRUE(std::holds_alternative<BadRequest>(answer(v, a, freshNonce(v))));
  const std::string nonce = freshNonce(v);
  std::string h = Answer{}.header(nonce);
  const auto pos = h.find("response=\"") + 10;
  h.replace(pos, 64, std::string(63, 'a'));
  EXPECT_TRUE(std::holds_alternative<BadRequest>(run(v, Answer{}, {h})));
}

TEST_F(DigestVerifierTest, AcceptsAnUppercaseHexResponse) {
  auto v = makeVerifier();
  std::string h = Answer{}.header(freshNonce(v));
  const auto pos = h.find("response=\"") + 10;
  for (std::size_t i = pos; i < pos + 64; ++i) {
    h[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(h[i])));
  }
  EXPECT_TRUE(std::holds_alternative<Authenticated>(run(v, Answer{}, {h})));
}

TEST_F(DigestVerifierTest, PicksTheCredentialsForOurRealmAmongSeveralHeaders) {
  auto v = makeVerifier();
  const std::string nonce = freshNonce(v);
  Answer other;
  other.realm = "upstream.test";
  const std::vector<std::string> headers = {"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
                                            other.header("whatever"), Answer{}.header(nonce)};
  EXPECT_TRUE(std::holds_alternative<Authenticated>(run(v, Answer{}, headers)));
  // Only another realm's credentials: a plain challenge for ours.
  auto verdict = run(v, Answer{}, {other.header("whatever")});
  ASSERT_TRUE(std::holds_alternative<Challenge>(verdict));
  EXPECT_EQ(std::get<Challenge>(verdict).reason, ChallengeReason::NoCredentials);
}

TEST_F(DigestVerifierTest, AnswersBadRequestForMalformedCredentials) {
  auto v = makeVerifier();
  auto verdict = run(v, Answer{}, {"Digest username=\"alice, realm=\"example.test\""});
  ASSERT_TRUE(std::holds_alternative<BadRequest>(verdict));
  EXPECT_TRUE(std::holds_alternative<BadRequest>(
      run(v, Answer{}, {Answer{}.header(freshNonce(v)) + ", userhash=true"})));
}

TEST(AlgorithmList, ParsesTheConfiguredNamesInOrder) {
  const std::vector<std::string> names = {"SHA-256", "md5", "SHA-512-256"};
  auto list = parseAlgorithmList(names);
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::vector<Algorithm>{Algorithm::Sha256, Algorithm::Md5,
                                           Algorithm::Sha512_256}));
  const std::vector<std::string> dup = {"MD5", "md5"};
  EXPECT_FALSE(parseAlgorithmList(dup));
  const std::vector<std::string> unknown = {"SHA-1"};
  EXPECT_FALSE(parseAlgorithmList(unknown));
  EXPECT_FALSE(parseAlgorithmList(std::vector<std::string>{}));
}

}  // namespace
}  // namespace insip::auth
