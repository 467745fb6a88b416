// SPDX-License-Identifier: Apache-2.0
#include "proxy/processors/registrar_processor.hpp"

#include "registrar/aor.hpp"

namespace insip::proxy {

Outcome RegistrarProcessor::onRequest(RequestContext& ctx) {
  const sip::Message& req = ctx.request();
  if (req.method != sip::Method::Register || !identity_.isLocalUri(req.request_uri)) {
    return Outcome::next();
  }
  if (!ctx.authenticated_user) {
    return Outcome::reply(sip::makeResponse(req, 403, "Not Authenticated"));  // fail closed
  }
  if (!identity_.isOurDomain(req.to.uri.host)) {
    return Outcome::reply(sip::makeResponse(req, 403, "Not Our Domain"));
  }
  const std::string aor = registrar::aorFromUri(req.to.uri);
  if (aor.empty()) {
    return Outcome::reply(sip::makeResponse(req, 404));
  }
  sip::Message r = registrar_.handle(req, aor, ctx.source());
  if (r.status == 200) {
    ++stats_.registrations;
  }
  return Outcome::reply(std::move(r));
}

}  // namespace insip::proxy
