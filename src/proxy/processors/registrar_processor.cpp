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
  // The answer waits for the binding store: a 200 only once the registration is durable.
  return Outcome::suspend([this, aor](RequestContext& held, Outcome::Resume resume) {
    registrar_.handleAsync(held.request(), aor, held.source(), [this, resume](sip::Message r) {
      if (r.status == 200) {
        ++stats_.registrations;
      }
      resume(Outcome::reply(std::move(r)));
    });
  });
}

}  // namespace insip::proxy
