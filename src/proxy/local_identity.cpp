// SPDX-License-Identifier: Apache-2.0
#include "proxy/local_identity.hpp"


#include <random>

namespace insip::proxy {
namespace {

std::string_view stripBrackets(std::string_view h) {
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    return h.substr(1, h.size() - 2);
  }
  return h;
}

}  // namespace

LocalIdentity::LocalIdentity(std::vector<std::string> hosts, std::uint16_t port,
                             std::vector<std::string> domains, std::string route_secret)
    : hosts_(std::move(hosts)),
      port_(port),
      domains_(std::move(domains)),
      route_secret_(std::move(route_secret)) {
  if (hosts_.empty()) {
    hosts_.push_back("127.0.0.1");
  }
  if (route_secret_.empty()) {
    std::random_device rd;
    for (int i = 0; i < 32; ++i) {
      route_secret_.push_back(static_cast<char>(rd() & 0xff));
    }
  }
  route_key_ = std::make_shared<const auth::HmacSha256>(auth::bytesOf(route_secret_));
}

std::string LocalIdentity::routeToken(std::string_view call_id) const {
  auth::HmacSha256::Mac mac{};
  if (!route_key_->compute({auth::bytesOf(call_id)}, mac)) {
    return {};  // no token: in-dialog requests naming us are then refused (fail closed)
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 8; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0xf]);
  }
  return out;
}

bool LocalIdentity::isOwnHost(std::string_view host) const {
  host = stripBrackets(host);
  for (const auto& h : hosts_) {
    if (sip::iequals(stripBrackets(h), host)) {
      return true;
    }
  }
  return false;
}

bool LocalIdentity::isOurDomain(std::string_view host) const {
  for (const auto& d : domains_) {
    if (sip::iequals(d, host)) {
      return true;
    }
  }
  return isOwnHost(host);
}

bool LocalIdentity::isUs(const sip::Uri& uri) const {
  if (uri.scheme != sip::Scheme::Sip && uri.scheme != sip::Scheme::Sips) {
    return false;
  }
  const std::uint16_t port = uri.port.value_or(5060);
  if (isOwnHost(uri.host)) {
    return port == port_;
  }
  for (const auto& d : domains_) {
    if (sip::iequals(d, uri.host)) {
      return !uri.port || *uri.port == port_;
    }
  }
  return false;
}

bool LocalIdentity::isLocalUri(const sip::Uri& uri) const {
  if (uri.scheme != sip::Scheme::Sip && uri.scheme != sip::Scheme::Sips) {
    return false;
  }
  for (const auto& d : domains_) {
    if (sip::iequals(d, uri.host)) {
      return true;
    }
  }
  return isUs(uri);
}

std::string LocalIdentity::hostport() const {
  return hosts_.front() + ":" + std::to_string(port_);
}

}  // namespace insip::proxy
