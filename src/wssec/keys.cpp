// SPDX-License-Identifier: Apache-2.0
#include "wssec/keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>

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

// Parsed certificates by their exact DER bytes. d2i_X509 (with OpenSSL 3's decoder-based public
// key import) is the largest single cost of verifying a message; a peer sends the same token
// every time. Bounded: emptied when full. Leaked on purpose (no destruction after OPENSSL_cleanup).
struct CertCache {
  static constexpr std::size_t kMaxEntries = 256;
  static constexpr std::size_t kMaxDerBytes = 16 * 1024;  // typical tokens are 0.5-2 KB; bounds memory
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<X509>> by_der;
};
CertCache& certCache() {
  static auto* cache = new CertCache;
  return *cache;
}

std::optional<std::time_t> toTimeT(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return timegm(&tm);
}

// The times at which a successful path validation stays valid: the intersection of the validity
// periods of the whole verified chain (leaf, intermediates, anchor) and, when CRLs are checked, of
// the thisUpdate..nextUpdate of every CRL in the store (conservative: more than the one used).
// nullopt when a time cannot be read: then nothing is remembered.
std::optional<std::pair<std::time_t, std::time_t>> validityWindow(X509_STORE_CTX* ctx, X509_STORE* store,
                                                                  bool crl_check) {
  std::time_t from = std::numeric_limits<std::time_t>::min();
  std::time_t until = std::numeric_limits<std::time_t>::max();
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  if (chain == nullptr || sk_X509_num(chain) < 1) return std::nullopt;
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* x = sk_X509_value(chain, i);
    auto nb = toTimeT(X509_get0_notBefore(x));
    auto na = toTimeT(X509_get0_notAfter(x));
    if (!nb || !na) return std::nullopt;
    from = std::max(from, *nb);
    until = std::min(until, *na);
  }
  if (crl_check) {
    if (X509_STORE_lock(store) != 1) return std::nullopt;
    bool readable = true;
    STACK_OF(X509_OBJECT)* objs = X509_STORE_get0_objects(store);
    for (int i = 0; readable && i < sk_X509_OBJECT_num(objs); ++i) {
      X509_CRL* crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objs, i));
      if (crl == nullptr) continue;
      auto last = toTimeT(X509_CRL_get0_lastUpdate(crl));
      if (!last) readable = false;
      else from = std::max(from, *last);
      if (const ASN1_TIME* next_update = X509_CRL_get0_nextUpdate(crl)) {
        auto next = toTimeT(next_update);
        if (!next) readable = false;
        else until = std::min(until, *next);
      }
    }
    X509_STORE_unlock(store);
    if (!readable) return std::nullopt;
  }
  if (from > until) return std::nullopt;
  return std::make_pair(from, until);
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
  CertCache& cache = certCache();
  const bool cacheable = der.size() <= CertCache::kMaxDerBytes;
  if (cacheable) {
    std::lock_guard lock(cache.mu);
    if (auto it = cache.by_der.find(std::string(der)); it != cache.by_der.end()) return Certificate(it->second);
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) return util::fail(WssErrc::MalformedToken);
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    X509_free(x);
    return util::fail(WssErrc::MalformedToken);  // trailing garbage
  }
  std::shared_ptr<X509> parsed(x, X509Deleter{});
  if (cacheable) {
    std::lock_guard lock(cache.mu);
    if (cache.by_der.size() >= CertCache::kMaxEntries) cache.by_der.clear();
    cache.by_der.emplace(std::string(der), parsed);
  }
  return Certificate(std::move(parsed));
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

struct TrustStore::ValidationCache {
  static constexpr std::size_t kMaxEntries = 1024;
  static constexpr std::size_t kMaxKeyBytes = 16 * 1024 + 1;
  struct Window {
    std::time_t from;
    std::time_t until;
  };
  std::mutex mu;
  std::unordered_map<std::string, Window> valid;  // key: CRL-mode byte + certificate DER

  void clear() {
    std::lock_guard lock(mu);
    valid.clear();
  }
};

TrustStore::TrustStore()
    : store_(X509_STORE_new(), X509StoreDeleter{}), cache_(std::make_shared<ValidationCache>()) {}

util::Result<void> TrustStore::addAnchor(const Certificate& cert) {
  if (cache_) cache_->clear();
  if (!store_ || X509_STORE_add_cert(store_.get(), cert.get()) != 1) return util::fail(WssErrc::KeyLoadFailed);
  ++anchors_;
  return {};
}

util::Result<void> TrustStore::addAnchorsPemFile(const std::filesystem::path& path) {
  if (cache_) cache_->clear();
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
  if (cache_) cache_->clear();
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
  if (!store_ || !cache_ || anchors_ == 0) return util::fail(WssErrc::UntrustedCertificate);
  const std::time_t at_t = std::chrono::system_clock::to_time_t(at);
  std::string key = crl_check_ ? "C" : "-";
  key += cert.der();
  {
    std::lock_guard lock(cache_->mu);
    if (auto it = cache_->valid.find(key); it != cache_->valid.end()) {
      if (at_t >= it->second.from && at_t <= it->second.until) return {};
    }
  }
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
  std::optional<std::pair<std::time_t, std::time_t>> window;
  if (ok == 1) window = validityWindow(ctx, store_.get(), crl_check_);
  X509_STORE_CTX_free(ctx);
  if (ok == 1) {
    if (window && window->first <= at_t && at_t <= window->second && key.size() <= ValidationCache::kMaxKeyBytes) {
      std::lock_guard lock(cache_->mu);
      if (cache_->valid.size() >= ValidationCache::kMaxEntries) cache_->valid.clear();
      cache_->valid.insert_or_assign(std::move(key), ValidationCache::Window{window->first, window->second});
    }
    return {};
  }
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
