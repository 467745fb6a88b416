// SPDX-License-Identifier: Apache-2.0
#include "auth/credentials_header.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace insip::auth {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

json::object loadVector(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str()).as_object();
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string().c_str(), v->as_string().size())
                                        : std::string{};
}

TEST(CredentialsHeader, ParsesEveryVectorHeaderIntoItsInputs) {
  int parsed_count = 0;
  for (const auto& e : fs::directory_iterator(fs::path(INSIP_TEST_DATA) / "digest")) {
    if (e.path().extension() != ".json") {
      continue;
    }
    SCOPED_TRACE(e.path().filename().string());
    const auto v = loadVector(e.path());
    const auto& in = v.at("inputs").as_object();
    std::string header = str(v, "authorization_header");
    const bool userhash = header.empty();
    if (userhash) {
      header = str(v, "authorization_header_as_published");
    }
    auto creds = parseCredentials(header);
    ASSERT_TRUE(creds) << creds.error().message();
    if (!userhash) {
      EXPECT_EQ(creds->username, str(in, "username"));
    } else {
      EXPECT_TRUE(creds->userhash);
    }
    EXPECT_EQ(creds->realm, str(in, "realm"));
    EXPECT_EQ(creds->nonce, str(in, "nonce"));
    EXPECT_EQ(creds->uri, str(in, "uri"));
    EXPECT_EQ(creds->qop, str(in, "qop"));
    EXPECT_EQ(creds->nc, str(in, "nc"));
    EXPECT_EQ(creds->cnonce, str(in, "cnonce"));
    if (!creds->algorithm.empty()) {
      auto a = parseAlgorithm(creds->algorithm);
      ASSERT_TRUE(a);
      EXPECT_EQ(*a, parseAlgorithm(str(in, "algorithm")));
    }
    if (v.contains("expected_response")) {
      EXPECT_EQ(creds->response, str(v, "expected_response"));
    }
    ++parsed_count;
  }
  EXPECT_EQ(parsed_count, 13);
}

// Corpus bugs/02-digest-escaped-quote.sip and bugs/40-digest-algorithm-lowercase.sip.
TEST(CredentialsHeader, UnescapesQuotedPairsInTheBugCorpusHeader) {
  auto creds = parseCredentials(
      R"(Digest username="ali\"ce", realm="example.test", nonce="6c1d0e9f2a3b4c5d6e7f8091a2b3c4d5", uri="sip:example.test", response="11bf2ce4f8c7368005bafce29f500830", algorithm=MD5, qop=auth, nc=00000001, cnonce="7a6b5c4d")");
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->username, "ali\"ce");
  EXPECT_EQ(creds->cnonce, "7a6b5c4d");
}

TEST(CredentialsHeader, KeepsLowercaseAlgorithmTokenForCaseInsensitiveLookup) {
  auto creds = parseCredentials(
      R"(Digest username="alice", realm="example.test", nonce="6c1d0e9f2a3b4c5d6e7f8091a2b3c4d5", uri="sip:example.test", response="9518a82c47c54aa7f12f664621d93903", algorithm=md5, qop=auth, nc=00000001, cnonce="aabbccdd")");
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->algorithm, "md5");
  EXPECT_EQ(parseAlgorithm(creds->algorithm), Algorithm::Md5);
}

TEST(CredentialsHeader, AcceptsAnyOrderMixedCaseKeysAndIgnoresUnknownOnes) {
  auto creds = parseCredentials(
      "digest  RESPONSE=\"ab\" ,Nonce=\"n\",foo=bar, URI=\"sip:x\",realm=\"r\",  "
      "x-ext=\"q\\\\z\", UserName=\"u\", ,");
  ASSERT_TRUE(creds) << creds.error().message();
  EXPECT_EQ(creds->username, "u");
  EXPECT_EQ(creds->realm, "r");
  EXPECT_EQ(creds->nonce, "n");
  EXPECT_EQ(creds->uri, "sip:x");
  EXPECT_EQ(creds->response, "ab");
  EXPECT_TRUE(creds->algorithm.empty());
  EXPECT_TRUE(creds->qop.empty());
}

TEST(CredentialsHeader, AcceptsQuotedQopAndSpacesAroundEquals) {
  auto creds = parseCredentials(
      "Digest username = \"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", "
      "qop=\"auth\", nc=\"00000001\", userhash=false");
  ASSERT_TRUE(creds) << creds.error().message();
  EXPECT_EQ(creds->qop, "auth");
  EXPECT_EQ(creds->nc, "00000001");
  EXPECT_FALSE(creds->userhash);
}

TEST(CredentialsHeader, UnescapesBackslashAndKeepsUtf8) {
  auto creds = parseCredentials(
      "Digest username=\"a\\\\b\\c J\xC3\xA4s\xC3\xB8n\", realm=\"r\", nonce=\"n\", uri=\"u\", "
      "response=\"x\"");
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->username, "a\\bc J\xC3\xA4s\xC3\xB8n");
}

TEST(CredentialsHeader, RejectsDuplicateParametersEvenWithDifferentCase) {
  auto creds = parseCredentials(
      "Digest username=\"a\", Username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"");
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error(), make_error_code(AuthErrc::DuplicateParameter));
  auto unknown_twice = parseCredentials(
      "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", foo=1, FOO=2");
  ASSERT_FALSE(unknown_twice);
  EXPECT_EQ(unknown_twice.error(), make_error_code(AuthErrc::DuplicateParameter));
}

TEST(CredentialsHeader, ReportsOtherSchemesAsNotDigest) {
  auto basic = parseCredentials("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  ASSERT_FALSE(basic);
  EXPECT_EQ(basic.error(), make_error_code(AuthErrc::NotDigest));
  auto digestish = parseCredentials("DigestX username=\"a\"");
  ASSERT_FALSE(digestish);
  EXPECT_EQ(digestish.error(), make_error_code(AuthErrc::NotDigest));
}

TEST(CredentialsHeader, RequiresTheMandatoryParameters) {
  auto creds = parseCredentials("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"");
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error(), make_error_code(AuthErrc::MissingParameter));
  auto empty = parseCredentials("Digest ");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), make_error_code(AuthErrc::MissingParameter));
}

TEST(CredentialsHeader, RejectsMalformedSyntax) {
  const char* bad[] = {
      "",                                                 // nothing
      "Digest",                                           // no params, no space
      "Digest username",                                  // no '='
      "Digest username=",                                 // no value
      "Digest username=\"abc",                            // unterminated quote
      "Digest username=\"abc\\",                          // dangling backslash
      "Digest username=\"a\" realm=\"r\"",                // missing comma
      "Digest username=\"a\rb\", realm=\"r\"",            // CR inside quotes
      "Digest username=\"a\x01\", realm=\"r\"",           // control char inside quotes
      "Digest username=\"a\", userhash=maybe",            // userhash not a boolean
      "Digest =\"a\"",                                    // empty name
      "Digest username=a b",                              // junk after token
  };
  for (const char* h : bad) {
    SCOPED_TRACE(h);
    auto creds = parseCredentials(h);
    ASSERT_FALSE(creds);
    EXPECT_NE(creds.error(), make_error_code(AuthErrc::NotDigest));
  }
}

TEST(CredentialsHeader, BoundsTheNumberOfParameters) {
  std::string h = "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"";
  for (int i = 0; i < 40; ++i) {
    h += ", p" + std::to_string(i) + "=1";
  }
  auto creds = parseCredentials(h);
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error(), make_error_code(AuthErrc::TooManyParameters));
}

TEST(CredentialsHeader, FormatsAChallengeWithQopAndStale) {
  EXPECT_EQ(formatChallenge({.realm = "example.test",
                             .nonce = "abc",
                             .algorithm = Algorithm::Sha256,
                             .qop_auth = true,
                             .stale = false,
                             .opaque = {}}),
            "Digest realm=\"example.test\", nonce=\"abc\", algorithm=SHA-256, qop=\"auth\"");
  EXPECT_EQ(formatChallenge({.realm = "ex\"t",
                             .nonce = "n",
                             .algorithm = Algorithm::Md5,
                             .qop_auth = false,
                             .stale = true,
                             .opaque = "op"}),
            "Digest realm=\"ex\\\"t\", nonce=\"n\", algorithm=MD5, opaque=\"op\", stale=true");
}

TEST(CredentialsHeader, FormattedChallengeQuotingRoundTripsThroughTheParser) {
  const std::string weird = R"(a"b\c)";
  auto creds = parseCredentials("Digest username=" + quoteString(weird) +
                                ", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"");
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->username, weird);
}

}  // namespace
}  // namespace insip::auth
