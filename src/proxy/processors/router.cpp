// SPDX-License-Identifier: Apache-2.0
#include "proxy/processors/router.hpp"

#include <charconv>

#include "registrar/aor.hpp"

namespace insip::proxy {

std::optional<util::Flow> parseFlow(std::string_view text) {
  util::Flow f;
  if (text.starts_with("udp:")) {
    f.protocol = util::Protocol::Udp;
  } else if (text.starts_with("tcp:")) {
    f.protocol = util::Protocol::Tcp;
  } else if (text.starts_with("tls:")) {
    f.protocol = util::Protocol::Tls;
  } else {
    return std::nullopt;
  }
  text.remove_prefix(4);
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p == 0 || p > 65535) {
    return std::nullopt;
  }
  f.remote_ip = std::string(host);
  f.remote_port = static_cast<std::uint16_t>(p);
  return f;
}

Outcome Router::onRequest(RequestContext& ctx) {
  const sip::Message& req = ctx.request();
  const sip::Uri& ruri = req.request_uri;
  if (req.routes.empty() && identity_.isLocalUri(ruri)) {
    if (ruri.user.empty()) {
      return Outcome::reply(sip::makeResponse(req, req.method == sip::Method::Unknown ? 501 : 404));
    }
    const std::string aor = registrar::aorFromUri(ruri);
    std::vector<registrar::Binding> found = bindings_.lookup(aor);
    if (found.empty()) {
      // The same answer whether or not the user exists: a 480/404 difference would let a
      // scanner (sipvicious svwar -m INVITE) enumerate the accounts of the domain.
      return Outcome::reply(sip::makeResponse(req, 480));
    }
    for (const registrar::Binding& b : found) {
      auto uri = sip::parseUri(b.contact);
      if (!uri) {
        continue;
      }
      // The registered Contact is the destination (RFC 3261 §16.5). A stream binding also keeps
      // its connection id so the request reuses the connection the UA registered on (§18.2.2);
      // if that connection is gone the transport connects to the Contact address.
      Target t{std::move(*uri), std::nullopt};
      auto reg_flow = parseFlow(b.flow);
      if (reg_flow && reg_flow->protocol != util::Protocol::Udp && b.connection_id != 0 &&
          t.uri.scheme != sip::Scheme::Other && t.uri.port) {
        util::Flow f;
        f.protocol = reg_flow->protocol;
        f.remote_ip = t.uri.host.size() > 2 && t.uri.host.front() == '['
                          ? t.uri.host.substr(1, t.uri.host.size() - 2)
                          : t.uri.host;
        f.remote_port = *t.uri.port;
        f.connection_id = b.connection_id;
        t.flow = std::move(f);
      }
      ctx.targets.push_back(std::move(t));
    }
    if (ctx.targets.empty()) {
      return Outcome::reply(sip::makeResponse(req, 480));
    }
    return Outcome::forward();
  }
  // Another domain, or a pre-loaded route to another hop.
  if (!ctx.authenticated_user && !allow_foreign_relay_) {
    return Outcome::reply(sip::makeResponse(req, 403, "Relaying Denied"));
  }
  ctx.targets.push_back(Target{ruri, std::nullopt});
  return Outcome::forward();
}

}  // namespace insip::proxy
