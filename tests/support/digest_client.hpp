// SPDX-License-Identifier: Apache-2.0
//
// digest_client.hpp — test-only: what a SIP UA does with a Digest challenge, computed
// independently of src/auth (OpenSSL EVP directly, the RFC 7616 §3.4.1 formulas written out):
//   HA1 = H(user ":" realm ":" password), HA2 = H(method ":" uri),
//   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2).
// Header-only; the test binary links OpenSSL through insip_auth.
#pragma once

#include <openssl/evp.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

namespace insip::testsupport {

/// Lower-case hex of `data` hashed with "MD5" or "SHA-256" (RFC 7616 algorithm names).
inline std::string digestHex(std::string_view algorithm, std::string_view data) {
  const EVP_MD* md = algorithm == "SHA-256" ? EVP_sha256() : EVP_md5();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", out[i]);
    hex += buf;
  }
  return hex;
}

/// The auth-params of one challenge ("Digest realm="x", nonce="y", algorithm=MD5, qop="auth"),
/// quotes removed. Keys lower-cased.
inline std::map<std::string, std::string> challengeParams(std::string_view header) {
  std::map<std::string, std::string> out;
  std::size_t pos = header.find(' ');
  if (pos == std::string_view::npos) {
    return out;
  }
  ++pos;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ',')) {
      ++pos;
    }
    std::size_t eq = header.find('=', pos);
    if (eq == std::string_view::npos) {
      break;
    }
    std::string key(header.substr(pos, eq - pos));
    for (char& c : key) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    pos = eq + 1;
    std::string value;
    if (pos < header.size() && header[pos] == '"') {
      ++pos;
      while (pos < header.size() && header[pos] != '"') {
        if (header[pos] == '\\' && pos + 1 < header.size()) {
          ++pos;
        }
        value += header[pos++];
      }
      ++pos;
    } else {
      std::size_t end = header.find(',', pos);
      if (end == std::string_view::npos) {
        end = header.size();
      }
      value = std::string(header.substr(pos, end - pos));
      pos = end;
    }
    out[key] = value;
  }
  return out;
}

/// A correct Digest credentials value (qop=auth) answering `challenge` for one request.
inline std::string digestCredentials(std::string_view challenge, std::string_view user,
                                     std::string_view password, std::string_view method,
                                     std::string_view uri, std::string_view nc = "00000001",
                                     std::string_view cnonce = "0a4f113b") {
  auto p = challengeParams(challenge);
  const std::string alg = p.count("algorithm") ? p["algorithm"] : "MD5";
  const std::string ha1 =
      digestHex(alg, std::string(user) + ":" + p["realm"] + ":" + std::string(password));
  const std::string ha2 = digestHex(alg, std::string(method) + ":" + std::string(uri));
  const std::string response =
      digestHex(alg, ha1 + ":" + p["nonce"] + ":" + std::string(nc) + ":" + std::string(cnonce) +
                         ":auth:" + ha2);
  return "Digest username=\"" + std::string(user) + "\", realm=\"" + p["realm"] + "\", nonce=\"" +
         p["nonce"] + "\", uri=\"" + std::string(uri) + "\", response=\"" + response +
         "\", algorithm=" + alg + ", qop=auth, nc=" + std::string(nc) + ", cnonce=\"" +
         std::string(cnonce) + "\"";
}

}  // namespace insip::testsupport
