// SPDX-License-Identifier: Apache-2.0
//
// build_pipeline.cpp — read top to bottom: this IS the routing policy of `insip proxy`.
#include "app/build_pipeline.hpp"

#include "proxy/processors/digest_authenticator.hpp"
#include "proxy/processors/in_dialog_router.hpp"
#include "proxy/processors/message_sanity.hpp"
#include "proxy/processors/options_responder.hpp"
#include "proxy/processors/registrar_processor.hpp"
#include "proxy/processors/router.hpp"

namespace insip::app {

proxy::Pipeline buildPipeline(const config::Config& cfg, Ports& ports) {
  using namespace insip::proxy;
  Pipeline p;
  p.request<MessageSanity>(ports.identity);                    // 416 / 483 / 420 / 501
  p.request<InDialogRouter>(ports.identity);                   // Route pop; in-dialog forward
  p.request<OptionsResponder>(ports.identity);                 // OPTIONS to us -> 200
  p.request<DigestAuthenticator>(ports.verifier, ports.identity,
                                 ports.stats);                 // 401 / 407 / 403 / 400
  p.request<RegistrarProcessor>(ports.registrar, ports.identity, ports.stats);  // REGISTER -> 200
  p.request<Router>(ports.bindings, ports.credentials, ports.identity, cfg.auth.realm,
                    cfg.proxy.allow_foreign_relay);            // location / relay policy
  return p;
}

}  // namespace insip::app
