// SPDX-License-Identifier: Apache-2.0
#include "proxy/local_identity.hpp"

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
                             std::vector<std::string> domains)
    : hosts_(std::move(hosts)), port_(port), domains_(std::move(domains)) {
  if (hosts_.empty()) {
    hosts_.push_back("127.0.0.1");
  }
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
