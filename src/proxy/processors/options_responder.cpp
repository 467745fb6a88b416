// SPDX-License-Identifier: Apache-2.0
#include "proxy/processors/options_responder.hpp"

namespace insip::proxy {

Outcome OptionsResponder::onRequest(RequestContext& ctx) {
  const sip::Message& req = ctx.request();
  if (req.method != sip::Method::Options || !req.request_uri.user.empty() || req.to.tag() ||
      !req.routes.empty() || !identity_.isLocalUri(req.request_uri)) {
    return Outcome::next();
  }
  sip::Message r = sip::makeResponse(req, 200);
  r.addHeader("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
  r.addHeader("Accept", "application/sdp");
  r.addHeader("Accept-Language", "en");
  return Outcome::reply(std::move(r));
}

}  // namespace insip::proxy
