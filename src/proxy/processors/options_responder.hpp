// SPDX-License-Identifier: Apache-2.0
//
// options_responder.hpp — request chain, after MessageSanity. Answers OPTIONS addressed to this
// proxy itself (Request-URI without user part naming us or our domain, out of dialog) with 200 and
// our capabilities (RFC 3261 §11.2), before authentication: keep-alive probes and monitoring need
// no credentials and learn nothing about users. Other requests pass. Pure.
#pragma once

#include "proxy/local_identity.hpp"
#include "proxy/processor.hpp"

namespace insip::proxy {

class OptionsResponder final : public RequestProcessor {
 public:
  explicit OptionsResponder(const LocalIdentity& identity) : identity_(identity) {}
  std::string_view name() const override { return "options_responder"; }
  Outcome onRequest(RequestContext& ctx) override;

 private:
  const LocalIdentity& identity_;
};

}  // namespace insip::proxy
