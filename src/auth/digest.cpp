// SPDX-License-Identifier: Apache-2.0
#include "auth/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <initializer_list>
#include <memory>

namespace insip::auth {
namespace {

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Fetched once (explicit fetch avoids a provider lookup per hash on the hot path). EVP_MD objects
// are immutable after fetch and safe to share between threads.
const EVP_MD* digestFor(Algorithm algorithm) {
  static const std::array<std::unique_ptr<EVP_MD, MdFree>, 3> kDigests = {
      std::unique_ptr<EVP_MD, MdFree>(EVP_MD_fetch(nullptr, "MD5", nullptr)),
      std::unique_ptr<EVP_MD, MdFree>(EVP_MD_fetch(nullptr, "SHA2-256", nullptr)),
      // FIPS 180-4 SHA-512/256 (own initial hash values), same as EVP_sha512_256().
      std::unique_ptr<EVP_MD, MdFree>(EVP_MD_fetch(nullptr, "SHA2-512/256", nullptr)),
  };
  switch (baseAlgorithm(algorithm)) {
    case Algorithm::Md5:
      return kDigests[0].get();
    case Algorithm::Sha256:
      return kDigests[1].get();
    default:
      return kDigests[2].get();
  }
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// H(p0 ":" p1 ":" ... ) without building the joined string.
std::string hashJoined(Algorithm algorithm, std::initializer_list<std::string_view> parts) {
  const EVP_MD* md = digestFor(algorithm);
  if (md == nullptr) {
    return {};
  }
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) {
    return {};
  }
  bool first = true;
  for (std::string_view part : parts) {
    if (!first && EVP_DigestUpdate(ctx.get(), ":", 1) != 1) {
      return {};
    }
    first = false;
    if (!part.empty() && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) {
      return {};
    }
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int out_len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &out_len) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(static_cast<std::size_t>(out_len) * 2, '\0');
  for (unsigned int i = 0; i < out_len; ++i) {
    hex[2 * i] = kHex[out[i] >> 4];
    hex[2 * i + 1] = kHex[out[i] & 0x0f];
  }
  return hex;
}

}  // namespace

std::optional<Algorithm> parseAlgorithm(std::string_view token) {
  static constexpr std::array kAll = {Algorithm::Md5,        Algorithm::Md5Sess,
                                      Algorithm::Sha256,     Algorithm::Sha256Sess,
                                      Algorithm::Sha512_256, Algorithm::Sha512_256Sess};
  for (Algorithm a : kAll) {
    if (equalsIgnoreCase(token, name(a))) {
      return a;
    }
  }
  return std::nullopt;
}

std::string_view name(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::Md5:
      return "MD5";
    case Algorithm::Md5Sess:
      return "MD5-sess";
    case Algorithm::Sha256:
      return "SHA-256";
    case Algorithm::Sha256Sess:
      return "SHA-256-sess";
    case Algorithm::Sha512_256:
      return "SHA-512-256";
    case Algorithm::Sha512_256Sess:
      return "SHA-512-256-sess";
  }
  return "MD5";
}

bool isSession(Algorithm algorithm) {
  return algorithm == Algorithm::Md5Sess || algorithm == Algorithm::Sha256Sess ||
         algorithm == Algorithm::Sha512_256Sess;
}

Algorithm baseAlgorithm(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::Md5:
    case Algorithm::Md5Sess:
      return Algorithm::Md5;
    case Algorithm::Sha256:
    case Algorithm::Sha256Sess:
      return Algorithm::Sha256;
    case Algorithm::Sha512_256:
    case Algorithm::Sha512_256Sess:
      return Algorithm::Sha512_256;
  }
  return Algorithm::Md5;
}

std::size_t hexLength(Algorithm algorithm) {
  return baseAlgorithm(algorithm) == Algorithm::Md5 ? 32 : 64;
}

std::string hashHex(Algorithm algorithm, std::string_view data) {
  return hashJoined(algorithm, {data});
}

std::string computeHa1(Algorithm algorithm, std::string_view username, std::string_view realm,
                       std::string_view password) {
  return hashJoined(algorithm, {username, realm, password});
}

std::string sessionHa1(Algorithm algorithm, std::string_view ha1, std::string_view nonce,
                       std::string_view cnonce) {
  return hashJoined(algorithm, {ha1, nonce, cnonce});
}

std::string computeHa2(Algorithm algorithm, Qop qop, std::string_view method, std::string_view uri,
                       std::string_view body) {
  if (qop == Qop::AuthInt) {
    const std::string body_hash = hashHex(algorithm, body);
    return hashJoined(algorithm, {method, uri, body_hash});
  }
  return hashJoined(algorithm, {method, uri});
}

std::string computeResponse(Algorithm algorithm, std::string_view ha1, std::string_view nonce,
                            std::string_view nc, std::string_view cnonce, Qop qop,
                            std::string_view ha2) {
  if (qop == Qop::None) {
    return hashJoined(algorithm, {ha1, nonce, ha2});
  }
  return hashJoined(algorithm, {ha1, nonce, nc, cnonce, qopToken(qop), ha2});
}

std::string computeUserhash(Algorithm algorithm, std::string_view username,
                            std::string_view realm) {
  return hashJoined(algorithm, {username, realm});
}

std::string_view qopToken(Qop qop) {
  switch (qop) {
    case Qop::Auth:
      return "auth";
    case Qop::AuthInt:
      return "auth-int";
    case Qop::None:
      return {};
  }
  return {};
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace insip::auth
