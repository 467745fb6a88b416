// SPDX-License-Identifier: Apache-2.0
//
// corpus_test.cpp — runs the verifier over every row of tests/data/xmlsec/attacks/INDEX.tsv (the
// shared attack/interop corpus, verdicts fixed by independent policy verifiers: xml-crypto and the
// JDK) and checks the verdict and, for INVALID rows, the specific rejection reason.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "util/fake_clock.hpp"
#include "wssec/datetime.hpp"
#include "wssec/errors.hpp"
#include "wssec/wss.hpp"

namespace insip::wssec {
namespace {

const std::string kKit = std::string(INSIP_TEST_DATA) + "/xmlsec/";

std::string readFile(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Row {
  std::string file, attack_class, expected, what, context;
};

std::vector<Row> loadIndex() {
  std::vector<Row> rows;
  std::istringstream in(readFile(kKit + "attacks/INDEX.tsv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::string col;
    std::istringstream ls(line);
    while (std::getline(ls, col, '\t')) cols.push_back(col);
    cols.resize(5);
    rows.push_back({cols[0], cols[1], cols[2], cols[3], cols[4]});
  }
  return rows;
}

// The specific reason each INVALID row must be rejected with (our reading of INDEX.tsv's
// "what a correct verifier must do").
const std::map<std::string, WssErrc> kExpectedReason = {
    {"wrap-02-body-in-security-header.xml", WssErrc::ReferenceNotAllowed},
    {"wrap-03-body-in-ds-object.xml", WssErrc::MalformedSignature},
    {"wrap-04-dup-id-original-in-header.xml", WssErrc::DuplicateId},
    {"wrap-06-timestamp-wrapping.xml", WssErrc::DuplicateId},
    {"wrap-08-only-body-child-signed.xml", WssErrc::ReferenceNotAllowed},
    {"wrap-09-two-security-headers.xml", WssErrc::MultipleSecurityHeaders},
    {"wrap-10-id-vs-wsu-id.xml", WssErrc::DuplicateId},
    {"sig-02-signature-stripped.xml", WssErrc::NoSignature},
    {"sig-03-security-header-stripped.xml", WssErrc::NoSecurityHeader},
    {"sig-04-body-tampered.xml", WssErrc::DigestMismatch},
    {"ts-01-expired.xml", WssErrc::TimestampExpired},
    {"ts-02-created-in-future.xml", WssErrc::TimestampInFuture},
    {"replay-01-identical.xml", WssErrc::Replay},
    {"xxe-01-external-entity-file.xml", WssErrc::DoctypeForbidden},
    {"xxe-02-external-dtd.xml", WssErrc::DoctypeForbidden},
    {"dos-01-billion-laughs.xml", WssErrc::DoctypeForbidden},
    {"dtd-01-doctype-benign.xml", WssErrc::DoctypeForbidden},
    {"dos-03-deep-nesting.xml", WssErrc::TooDeep},
    {"c14n-06-whitespace-inside-signed-body.xml", WssErrc::DigestMismatch},
    {"c14n-07-cr-character-reference.xml", WssErrc::DigestMismatch},
    {"key-02-untrusted-x509data.xml", WssErrc::UntrustedCertificate},
    {"key-04-same-key-selfsigned-cert.xml", WssErrc::UntrustedCertificate},
    {"alg-02-hmac-outputlength-0.xml", WssErrc::HmacTruncation},
    {"alg-03-hmac-key-confusion.xml", WssErrc::AlgorithmNotAllowed},
    {"enc-02-gcm-ciphertext-bitflip.xml", WssErrc::DecryptionFailed},
    {"enc-05-cbc-padding-valid-garbage.xml", WssErrc::DecryptionFailed},
    {"enc-07-cbc-iv-only.xml", WssErrc::DecryptionFailed},
    {"enc-08-oaep-encryptedkey-tampered.xml", WssErrc::DecryptionFailed},
    {"enc-09-rsa15-key-transport.xml", WssErrc::KeyTransportNotAllowed},
    {"enc-10-body-substituted-reencrypted.xml", WssErrc::DigestMismatch},
};

class CorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.setSystem(*parseXsdDateTime("2030-06-01T12:01:00Z"));
    ASSERT_TRUE(trust_.addAnchorsPemFile(kKit + "keys/ca.pem"));
  }
  Verifier makeVerifier(ReplayCache* cache, bool decrypt) {
    Verifier v(trust_, VerifyPolicy{}, clock_, cache);
    if (decrypt) {
      auto key = PrivateKey::fromPemFile(kKit + "keys/scp-rsa.key");
      auto cert = Certificate::fromPemFile(kKit + "keys/scp-rsa.pem");
      EXPECT_TRUE(key && cert);
      v.setDecryptionKey(*key, *cert);
    }
    return v;
  }
  util::FakeClock clock_;
  TrustStore trust_;
};

TEST_F(CorpusTest, EveryIndexRowGetsTheExpectedVerdictAndReason) {
  auto rows = loadIndex();
  ASSERT_GE(rows.size(), 45u);
  int checked = 0;
  for (const auto& row : rows) {
    SCOPED_TRACE(row.file);
    MemoryReplayCache cache;
    const bool decrypt = row.context.find("decrypt") != std::string::npos;
    Verifier v = makeVerifier(&cache, decrypt);
    if (row.context.rfind("after ", 0) == 0) {
      std::string first = row.context.substr(6, row.context.find(' ', 6) - 6);
      std::string d;
      auto r = v.verify(readFile(kKit + "attacks/" + first), &d);
      ASSERT_TRUE(r) << first << ": " << r.error().message() << " " << d;
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::string detail;
    auto r = v.verify(readFile(kKit + "attacks/" + row.file), &detail);
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(elapsed, std::chrono::seconds(2));
    if (row.expected == "VALID") {
      EXPECT_TRUE(r) << (r ? "" : r.error().message() + " " + detail);
      if (r && row.file.rfind("c14n-03", 0) == 0) {
        // the application reads all text nodes, not the part before the comment
        EXPECT_EQ(r->envelope.bodyText("urn:example:test:in-scp:1", "CalledParty"), "sip:bob@example.test");
      }
    } else {
      ASSERT_EQ(row.expected, "INVALID");
      ASSERT_FALSE(r) << "accepted an attack";
      auto it = kExpectedReason.find(row.file);
      ASSERT_NE(it, kExpectedReason.end()) << "no expected reason recorded";
      EXPECT_EQ(r.error(), make_error_code(it->second)) << r.error().message() << " " << detail;
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(rows.size()));
}

}  // namespace
}  // namespace insip::wssec
