// SPDX-License-Identifier: Apache-2.0
//
// keys.hpp — X.509 certificates, private keys and the trust store used by wssec (OpenSSL 3):
// PEM/DER loading, the identifiers WS-Security uses to name a certificate (WSS X.509 Token Profile
// 1.1 §3.2: issuer+serial, SubjectKeyIdentifier, SHA-1 thumbprint), and PKIX path validation
// (RFC 5280 §6) at an injected time with optional CRL checking (RFC 5280 §6.3).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "util/clock.hpp"
#include "util/result.hpp"

namespace insip::wssec {

struct X509Deleter { void operator()(X509* x) const noexcept { X509_free(x); } };
struct EvpPkeyDeleter { void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); } };
struct X509StoreDeleter { void operator()(X509_STORE* s) const noexcept { X509_STORE_free(s); } };

enum class KeyType { Rsa, EcP256, Other };

/// Immutable certificate (shared, cheap to copy).
class Certificate {
 public:
  static util::Result<Certificate> fromPem(std::string_view pem);
  static util::Result<Certificate> fromPemFile(const std::filesystem::path& path);
  /// DER parse. Identical DER bytes seen recently give the same (immutable) parsed certificate from
  /// a bounded process-wide cache, so a peer's token is decoded once, not once per message.
  static util::Result<Certificate> fromDer(std::string_view der);

  X509* get() const noexcept { return x509_.get(); }
  EVP_PKEY* publicKey() const noexcept;  // owned by the certificate
  KeyType keyType() const noexcept;
  int keyBits() const noexcept;
  std::string der() const;
  std::string subject() const;      // RFC 2253
  std::string issuer() const;       // RFC 2253
  std::string serialDecimal() const;
  std::string sha256FingerprintHex() const;
  std::string sha1Thumbprint() const;  // raw 20 bytes
  std::string subjectKeyIdentifier() const;  // raw bytes of the SKI extension, "" if absent

 private:
  explicit Certificate(std::shared_ptr<X509> x) : x509_(std::move(x)) {}
  std::shared_ptr<X509> x509_;
};

class PrivateKey {
 public:
  static util::Result<PrivateKey> fromPem(std::string_view pem);
  static util::Result<PrivateKey> fromPemFile(const std::filesystem::path& path);
  EVP_PKEY* get() const noexcept { return key_.get(); }
  KeyType keyType() const noexcept;
  /// PEM (PKCS#8) of the private key, for handing to xmlsec1.
  std::string pem() const;

 private:
  explicit PrivateKey(std::shared_ptr<EVP_PKEY> k) : key_(std::move(k)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

/// Trust anchors (CA certificates, or pinned end-entity certificates) plus optional CRLs.
class TrustStore {
 public:
  TrustStore();
  /// Adds every certificate of a PEM file as a trust anchor.
  util::Result<void> addAnchorsPemFile(const std::filesystem::path& path);
  util::Result<void> addAnchor(const Certificate& cert);
  /// Adds the CRLs of a PEM file and turns on revocation checking of the end-entity certificate
  /// (fail closed: an issuer without a CRL then fails validation).
  util::Result<void> addCrlPemFile(const std::filesystem::path& path);
  /// PKIX validation of `cert` at time `at`. Errors: UntrustedCertificate, CertificateNotValidNow,
  /// CertificateRevoked. A success is remembered (bounded) together with the window in which it
  /// holds: the intersection of the validity periods of every certificate of the verified chain and,
  /// with CRL checking, of every loaded CRL's thisUpdate..nextUpdate; a later call for the same
  /// certificate at a time inside that window skips the path validation. Adding anchors or CRLs
  /// forgets every remembered result. Failures are never remembered.
  util::Result<void> validate(const Certificate& cert, util::SystemTime at) const;
  bool empty() const noexcept { return anchors_ == 0; }

 private:
  struct ValidationCache;  // positive results with the time window they hold for (keys.cpp)
  std::shared_ptr<X509_STORE> store_;
  std::shared_ptr<ValidationCache> cache_;  // shared by copies, like store_; cleared on every change
  int anchors_ = 0;
  bool crl_check_ = false;
};

KeyType keyTypeOf(EVP_PKEY* k) noexcept;

}  // namespace insip::wssec
