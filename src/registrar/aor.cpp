// SPDX-License-Identifier: Apache-2.0
#include "registrar/aor.hpp"

namespace insip::registrar {

std::string aorFromUri(const sip::Uri& uri) {
  if (uri.scheme != sip::Scheme::Sip && uri.scheme != sip::Scheme::Sips) {
    return {};
  }
  std::string out = "sip:";
  if (!uri.user.empty()) {
    out += sip::unescape(uri.user);
    out += '@';
  }
  out.reserve(out.size() + uri.host.size());
  for (char c : uri.host) {
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace insip::registrar
