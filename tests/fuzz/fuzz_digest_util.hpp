// SPDX-License-Identifier: Apache-2.0
//
// fuzz_digest_util.hpp — helpers shared by the fuzz targets that drive Digest authentication
// (RFC 7616 §3.4.1-3.4.3): computes the correct response for a credentials header value so that
// the fuzzer can reach the code behind the response check (it cannot forge a response itself).
#pragma once

#include <string>
#include <string_view>

#include "auth/credentials_header.hpp"
#include "auth/digest.hpp"

namespace insip::fuzz {

inline void replaceAll(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

/// The correct `response` for the parameters of `line` with password "pw", or "" if it has none.
inline std::string correctResponse(const std::string& line, std::string_view method, std::string_view body) {
  auto creds = auth::parseCredentials(line);
  if (!creds) return {};
  auto alg = auth::parseAlgorithm(creds->algorithm.empty() ? "MD5" : creds->algorithm);
  if (!alg) return {};
  auth::Qop qop = auth::Qop::None;
  if (creds->qop == "auth") qop = auth::Qop::Auth;
  if (creds->qop == "auth-int") qop = auth::Qop::AuthInt;
  std::string ha1 = auth::computeHa1(auth::baseAlgorithm(*alg), creds->username, creds->realm, "pw");
  if (auth::isSession(*alg)) ha1 = auth::sessionHa1(*alg, ha1, creds->nonce, creds->cnonce);
  const std::string ha2 = auth::computeHa2(*alg, qop, method, creds->uri, body);
  return auth::computeResponse(*alg, ha1, creds->nonce, creds->nc, creds->cnonce, qop, ha2);
}

}  // namespace insip::fuzz
