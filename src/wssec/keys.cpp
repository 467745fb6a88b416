// SPDX-License-Identifier: Apache-2.0
#include "wssec/keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "wssec/errors.hpp"

namespace insip::wssec {
namespace {

std::string nameString(X509_NAME* n) {
  std::string out;
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return out;
  if (X509_NAME_print_ex(bio, n, 0, XN_FLAG_RFC2253) >= 0) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    if (len > 0) out.assign(data, static_cast<std::size_t>(len));
  }
  BIO_free(bio);
  return out;
}

util::Result<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return util::fail(WssErrc::IoError);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

KeyType keyTypeOf(EVP_PKEY* k) noexcept {
  if (k == nullptr) return KeyType::Other;
  if (EVP_PKEY_is_a(k, "RSA")) return KeyType::Rsa;
  if (EVP_PKEY_is_a(k, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) == 1 &&
        (std::string_view(group) == "prime256v1" || std::string_view(group) == "P-256")) {
      return KeyType::EcP256;
    }
  }
  return KeyType::Other;
}

util::Result<Certificate> Certificate::fromPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return util::fail(WssErrc::CryptoFailure);
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (x == nullptr) return util::fail(WssErrc::KeyLoadFailed);
  return Certificate(std::shared_ptr<X509>(x, X509Deleter{}));
}

util::Result<Certificate> Certificate::fromPemFile(const std::filesystem::path& path) {
  auto text = readFile(path);
  if (!text) return text.error();
  return fromPem(*text);
}

util::Result<Certificate> Certificate::fromDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) return util::fail(WssErrc::MalformedToken);
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    X509_free(x);
    return util::fail(WssErrc::MalformedToken);  // trailing garbage
  }
  return Certificate(std::shared_ptr<X509>(x, X509Deleter{}));
}

EVP_PKEY* Certificate::publicKey() const noexcept { return X509_get0_pubkey(x509_.get()); }
KeyType Certificate::keyType() const noexcept { return keyTypeOf(publicKey()); }
int Certificate::keyBits() const noexcept { return publicKey() ? EVP_PKEY_get_bits(publicKey()) : 0; }

std::string Certificate::der() const {
  unsigned char* buf = nullptr;
  int len = i2d_X509(x509_.get(), &buf);
  std::string out;
  if (len > 0) out.assign(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string Certificate::subject() const { return nameString(X509_get_subject_name(x509_.get())); }
std::string Certificate::issuer() const { return nameString(X509_get_issuer_name(x509_.get())); }

std::string Certificate::serialDecimal() const {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509_.get()), nullptr);
  std::string out;
  if (bn != nullptr) {
    char* s = BN_bn2dec(bn);
    if (s != nullptr) out = s;
    OPENSSL_free(s);
    BN_free(bn);
  }
  return out;
}

std::string Certificate::sha256FingerprintHex() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(x509_.get(), EVP_sha256(), md, &n);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string Certificate::sha1Thumbprint() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(x509_.get(), EVP_sha1(), md, &n);
  return std::string(reinterpret_cast<char*>(md), n);
}

std::string Certificate::subjectKeyIdentifier() const {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x509_.get());
  if (ski == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)),
                     static_cast<std::size_t>(ASN1_STRING_length(ski)));
}

util::Result<PrivateKey> PrivateKey::fromPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return util::fail(WssErrc::CryptoFailure);
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (k == nullptr) return util::fail(WssErrc::KeyLoadFailed);
  return PrivateKey(std::shared_ptr<EVP_PKEY>(k, EvpPkeyDeleter{}));
}

util::Result<PrivateKey> PrivateKey::fromPemFile(const std::filesystem::path& path) {
  auto text = readFile(path);
  if (!text) return text.error();
  return fromPem(*text);
}

KeyType PrivateKey::keyType() const noexcept { return keyTypeOf(key_.get()); }

std::string PrivateKey::pem() const {
  std::string out;
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return out;
  if (PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    if (len > 0) out.assign(data, static_cast<std::size_t>(len));
  }
  BIO_free(bio);
  return out;
}

TrustStore::TrustStore() : store_(X509_STORE_new(), X509StoreDeleter{}) {}

util::Result<void> TrustStore::addAnchor(const Certificate& cert) {
  if (!store_ || X509_STORE_add_cert(store_.get(), cert.get()) != 1) return util::fail(WssErrc::KeyLoadFailed);
  ++anchors_;
  return {};
}

util::Result<void> TrustStore::addAnchorsPemFile(const std::filesystem::path& path) {
  auto text = readFile(path);
  if (!text) return text.error();
  BIO* bio = BIO_new_mem_buf(text->data(), static_cast<int>(text->size()));
  if (bio == nullptr) return util::fail(WssErrc::CryptoFailure);
  int added = 0;
  while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store_.get(), x) == 1) ++added;
    X509_free(x);
  }
  BIO_free(bio);
  if (added == 0) return util::fail(WssErrc::KeyLoadFailed);
  anchors_ += added;
  return {};
}

util::Result<void> TrustStore::addCrlPemFile(const std::filesystem::path& path) {
  auto text = readFile(path);
  if (!text) return text.error();
  BIO* bio = BIO_new_mem_buf(text->data(), static_cast<int>(text->size()));
  if (bio == nullptr) return util::fail(WssErrc::CryptoFailure);
  int added = 0;
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_crl(store_.get(), crl) == 1) ++added;
    X509_CRL_free(crl);
  }
  BIO_free(bio);
  if (added == 0) return util::fail(WssErrc::KeyLoadFailed);
  crl_check_ = true;
  return {};
}

util::Result<void> TrustStore::validate(const Certificate& cert, util::SystemTime at) const {
  if (!store_ || anchors_ == 0) return util::fail(WssErrc::UntrustedCertificate);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  if (ctx == nullptr) return util::fail(WssErrc::CryptoFailure);
  if (X509_STORE_CTX_init(ctx, store_.get(), cert.get(), nullptr) != 1) {
    X509_STORE_CTX_free(ctx);
    return util::fail(WssErrc::CryptoFailure);
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(std::chrono::system_clock::to_time_t(at)));
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_X509_STRICT;  // pinned leaves allowed
  if (crl_check_) flags |= X509_V_FLAG_CRL_CHECK;
  X509_VERIFY_PARAM_set_flags(param, flags);
  const int ok = X509_verify_cert(ctx);
  const int err = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  if (ok == 1) return {};
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return util::fail(WssErrc::CertificateNotValidNow);
    case X509_V_ERR_CERT_REVOKED:
      return util::fail(WssErrc::CertificateRevoked);
    default:
      return util::fail(WssErrc::UntrustedCertificate);
  }
}

}  // namespace insip::wssec
