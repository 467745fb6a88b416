// SPDX-License-Identifier: Apache-2.0
//
// keys_test.cpp — the caches behind Certificate::fromDer and TrustStore::validate must never change
// an answer: a remembered success holds only inside the validity windows of the chain and the CRLs
// (times read with OpenSSL's own ASN1 API from the test certificates), and loading a CRL forgets it.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <memory>
#include <optional>

#include "wssec/errors.hpp"
#include "wssec/keys.hpp"

namespace insip::wssec {
namespace {

using std::chrono::seconds;

const std::string kKeys = std::string(INSIP_TEST_DATA) + "/xmlsec/keys/";

util::SystemTime toSystem(const ASN1_TIME* t) {
  std::tm tm{};
  EXPECT_EQ(ASN1_TIME_to_tm(t, &tm), 1);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

util::SystemTime crlLastUpdate(const std::string& file) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(file.c_str(), "r"), &std::fclose);
  EXPECT_NE(f, nullptr);
  X509_CRL* crl = PEM_read_X509_CRL(f.get(), nullptr, nullptr, nullptr);
  EXPECT_NE(crl, nullptr);
  const auto t = toSystem(X509_CRL_get0_lastUpdate(crl));
  X509_CRL_free(crl);
  return t;
}

class TrustCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(trust_.addAnchorsPemFile(kKeys + "ca.pem"));
    auto c = Certificate::fromPemFile(kKeys + "alice-ec.pem");
    ASSERT_TRUE(c);
    alice_.emplace(*c);
    auto ca = Certificate::fromPemFile(kKeys + "ca.pem");
    ASSERT_TRUE(ca);
    not_before_ = std::max(toSystem(X509_get0_notBefore(alice_->get())), toSystem(X509_get0_notBefore(ca->get())));
    // The chain is valid while both are (the test CA happens to expire a second before alice).
    not_after_ = std::min(toSystem(X509_get0_notAfter(alice_->get())), toSystem(X509_get0_notAfter(ca->get())));
    middle_ = not_before_ + (not_after_ - not_before_) / 2;
  }
  TrustStore trust_;
  std::optional<Certificate> alice_;
  util::SystemTime not_before_, not_after_, middle_;
};

TEST_F(TrustCacheTest, ARememberedSuccessStillExpiresWhenTheFirstCertificateOfTheChainDoes) {
  ASSERT_TRUE(trust_.validate(*alice_, middle_));
  EXPECT_TRUE(trust_.validate(*alice_, not_after_));
  EXPECT_EQ(trust_.validate(*alice_, not_after_ + seconds(1)).error(),
            make_error_code(WssErrc::CertificateNotValidNow));
  EXPECT_TRUE(trust_.validate(*alice_, middle_));
}

TEST_F(TrustCacheTest, ARememberedSuccessDoesNotHoldBeforeTheChainIsValid) {
  ASSERT_TRUE(trust_.validate(*alice_, middle_));
  EXPECT_TRUE(trust_.validate(*alice_, not_before_));
  EXPECT_EQ(trust_.validate(*alice_, not_before_ - seconds(1)).error(),
            make_error_code(WssErrc::CertificateNotValidNow));
}

TEST_F(TrustCacheTest, LoadingACrlForgetsEarlierSuccesses) {
  ASSERT_TRUE(trust_.validate(*alice_, middle_));
  ASSERT_TRUE(trust_.addCrlPemFile(kKeys + "crl-alice-ec-revoked.pem"));
  EXPECT_EQ(trust_.validate(*alice_, middle_).error(), make_error_code(WssErrc::CertificateRevoked));
}

TEST_F(TrustCacheTest, ARememberedSuccessWithCrlsHoldsOnlyInsideTheCrlWindow) {
  const std::string crl = kKeys + "crl-empty.pem";
  const auto last_update = crlLastUpdate(crl);
  ASSERT_GT(last_update, not_before_);  // the test needs a time the certificate covers but the CRL not
  ASSERT_TRUE(trust_.addCrlPemFile(crl));
  ASSERT_TRUE(trust_.validate(*alice_, middle_));
  EXPECT_FALSE(trust_.validate(*alice_, last_update - seconds(1)));
  EXPECT_TRUE(trust_.validate(*alice_, last_update));
}

TEST_F(TrustCacheTest, ACopySharingTheStoreForgetsWhenTheOriginalLoadsACrl) {
  TrustStore copy = trust_;
  ASSERT_TRUE(copy.validate(*alice_, middle_));
  ASSERT_TRUE(trust_.addCrlPemFile(kKeys + "crl-alice-ec-revoked.pem"));
  ASSERT_TRUE(copy.addCrlPemFile(kKeys + "crl-alice-ec-revoked.pem"));
  EXPECT_EQ(copy.validate(*alice_, middle_).error(), make_error_code(WssErrc::CertificateRevoked));
}

TEST(CertificateCacheTest, TheSameDerGivesTheSameParsedCertificateAndGarbageIsStillRefused) {
  auto pem = Certificate::fromPemFile(kKeys + "scp-rsa.pem");
  ASSERT_TRUE(pem);
  const std::string der = pem->der();
  auto a = Certificate::fromDer(der);
  auto b = Certificate::fromDer(der);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ(a->sha256FingerprintHex(), pem->sha256FingerprintHex());
  EXPECT_EQ(Certificate::fromDer(der + std::string(1, '\0')).error(), make_error_code(WssErrc::MalformedToken));
  EXPECT_EQ(Certificate::fromDer(der.substr(0, der.size() - 1)).error(), make_error_code(WssErrc::MalformedToken));
}

}  // namespace
}  // namespace insip::wssec
