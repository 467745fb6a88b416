// SPDX-License-Identifier: Apache-2.0
#include "auth/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace insip::auth {

namespace {
EVP_MAC* hmacAlgorithm() {
  // Fetched once per process; EVP_MAC objects are reference counted and thread-safe to share.
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}
}  // namespace

void HmacSha256::CtxFree::operator()(void* p) const {
  EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(p));
}

HmacSha256::HmacSha256(std::span<const unsigned char> key) {
  EVP_MAC* mac = hmacAlgorithm();
  if (mac == nullptr) return;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  if (ctx == nullptr) return;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
  // HMAC needs a key object even when it is empty: point at a byte, pass length 0.
  static const unsigned char kNone = 0;
  const unsigned char* k = key.empty() ? &kNone : key.data();
  if (EVP_MAC_init(ctx, k, key.size(), params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return;
  }
  keyed_.reset(ctx);
  // compute() relies on a key-less EVP_MAC_init restarting from the key pads (OpenSSL 3.0.3 and
  // later; openssl#17811). Check it once: two MACs of the same input must agree, or the object
  // stays unusable and every caller fails closed.
  static const unsigned char kProbe[] = {'i', 'n', 's', 'i', 'p'};
  Mac first{}, second{};
  if (!compute({std::span<const unsigned char>(kProbe)}, first) ||
      !compute({std::span<const unsigned char>(kProbe)}, second) || first != second) {
    keyed_.reset();
  }
}

HmacSha256::~HmacSha256() = default;

HmacSha256::HmacSha256(const HmacSha256& other) {
  std::lock_guard lock(other.mutex_);
  if (other.keyed_) keyed_.reset(EVP_MAC_CTX_dup(static_cast<EVP_MAC_CTX*>(other.keyed_.get())));
}

bool HmacSha256::compute(std::initializer_list<std::span<const unsigned char>> parts,
                         Mac& out) const {
  if (!keyed_) return false;
  std::lock_guard lock(mutex_);
  auto* ctx = static_cast<EVP_MAC_CTX*>(keyed_.get());
  // No key: HMAC starts again from the key pads prepared by the constructor.
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) return false;
  for (auto p : parts) {
    if (!p.empty() && EVP_MAC_update(ctx, p.data(), p.size()) != 1) return false;
  }
  std::size_t len = 0;
  return EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == kSize;
}

}  // namespace insip::auth
