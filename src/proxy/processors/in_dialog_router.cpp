// SPDX-License-Identifier: Apache-2.0
#include "proxy/processors/in_dialog_router.hpp"

namespace insip::proxy {

bool InDialogRouter::carriesToken(const sip::Uri& uri, std::string_view call_id) const {
  auto token = sip::paramValue(uri.params, LocalIdentity::kRouteTokenParam);
  const std::string expected = identity_.routeToken(call_id);
  return !expected.empty() && token && *token == expected;  // no token computed: fail closed
}

Outcome InDialogRouter::onRequest(RequestContext& ctx) {
  sip::Message& req = ctx.request();
  bool token_ok = false;  // a Route entry naming us carried our Record-Route token
  // §16.4: a Request-URI holding a value we placed in Record-Route (always written with ;lr) means
  // the previous hop was a strict router: the real Request-URI is the last Route entry. A
  // Request-URI naming our domain (e.g. REGISTER through an outbound-proxy Route) is not one.
  if (identity_.isUs(req.request_uri) && req.request_uri.user.empty() && !req.routes.empty() &&
      sip::findParam(req.request_uri.params, "lr") != nullptr) {
    token_ok = carriesToken(req.request_uri, req.call_id);
    req.request_uri = req.routes.back().uri;
    req.routes.pop_back();
    ctx.routed_to_us = true;
  }
  // §16.4: pop every top Route entry that names us.
  while (!req.routes.empty() && identity_.isUs(req.routes.front().uri)) {
    token_ok = token_ok || carriesToken(req.routes.front().uri, req.call_id);
    req.routes.erase(req.routes.begin());
    ctx.routed_to_us = true;
  }
  ctx.in_dialog = req.to.tag().has_value();
  if (!ctx.in_dialog) {
    if (req.method == sip::Method::Ack) {
      return Outcome::drop("ACK without To tag matching no transaction");
    }
    return Outcome::next();
  }
  if (ctx.routed_to_us && token_ok) {
    ctx.targets.push_back(Target{req.request_uri, std::nullopt});
    return Outcome::forward();
  }
  if (req.method == sip::Method::Ack) {
    return Outcome::drop("in-dialog ACK not routed through us");
  }
  return Outcome::reply(sip::makeResponse(req, 404, "Not Here"));
}

}  // namespace insip::proxy
