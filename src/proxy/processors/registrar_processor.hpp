// SPDX-License-Identifier: Apache-2.0
//
// registrar_processor.hpp — request chain, after DigestAuthenticator: the terminal REGISTER step
// (RFC 3261 §10.3). A REGISTER whose Request-URI names one of our domains is answered here by
// registrar::Registrar; the AOR is the To URI (§10.3 step 5), which must be in our domains (403
// otherwise, step 4 is done by DigestAuthenticator's identity check). Fails closed: an
// unauthenticated REGISTER reaching this step is refused with 403.
// Reads: ctx.authenticated_user.
#pragma once

#include "proxy/local_identity.hpp"
#include "proxy/processor.hpp"
#include "proxy/stats.hpp"
#include "registrar/registrar.hpp"

namespace insip::proxy {

class RegistrarProcessor final : public RequestProcessor {
 public:
  RegistrarProcessor(registrar::Registrar& registrar, const LocalIdentity& identity, Stats& stats)
      : registrar_(registrar), identity_(identity), stats_(stats) {}
  std::string_view name() const override { return "registrar"; }
  Outcome onRequest(RequestContext& ctx) override;

 private:
  registrar::Registrar& registrar_;
  const LocalIdentity& identity_;
  Stats& stats_;
};

}  // namespace insip::proxy
