// SPDX-License-Identifier: Apache-2.0
//
// local_identity.hpp — "is this us?" (RFC 3261 §16.4: Route entries naming this proxy; §10.3 and
// §16.5: Request-URIs in the domains we are responsible for). Pure value built at start-up from
// the config and the transport's bound address.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/hmac.hpp"
#include "sip/uri.hpp"

namespace insip::proxy {

class LocalIdentity {
 public:
  /// @param hosts addresses/names this proxy is reached at (listen address, advertised host).
  /// @param domains domains we are responsible for (registrar, authentication).
  /// @param route_secret key for routeToken(); empty = a random key for this process only (tokens
  ///        then do not survive a restart: pass a persistent secret in production).
  LocalIdentity(std::vector<std::string> hosts, std::uint16_t port, std::vector<std::string> domains,
                std::string route_secret = {});

  /// The URI names this proxy itself (host:port), e.g. a Route entry or the Request-URI of an
  /// OPTIONS ping. A domain name with no port also counts.
  bool isUs(const sip::Uri& uri) const;
  /// The host is one of our domains (or one of our own addresses).
  bool isOurDomain(std::string_view host) const;
  /// The Request-URI is handled by our location service / registrar.
  bool isLocalUri(const sip::Uri& uri) const;

  const std::string& host() const { return hosts_.front(); }
  std::uint16_t port() const { return port_; }
  /// "host:port" for Via sent-by and Record-Route.
  std::string hostport() const;
  /// The token we put in our Record-Route entries (parameter kRouteTokenParam): HMAC-SHA256 of the
  /// Call-ID under our secret, 16 hex digits. An in-dialog request is only relayed if a Route entry
  /// naming us carries it, so nobody can use a forged "dialog" to make us an open relay.
  std::string routeToken(std::string_view call_id) const;
  static constexpr std::string_view kRouteTokenParam = "itok";

 private:
  bool isOwnHost(std::string_view host) const;
  std::vector<std::string> hosts_;
  std::uint16_t port_;
  std::vector<std::string> domains_;
  std::string route_secret_;
  std::shared_ptr<const auth::HmacSha256> route_key_;  // keyed with route_secret_
};

}  // namespace insip::proxy
