// SPDX-License-Identifier: Apache-2.0
//
// message_sanity.hpp — request chain, first step. Request validation a proxy owes before anything
// else (RFC 3261 §16.3 steps 2, 3 and 5, §8.2.2): Request-URI scheme (416), Max-Forwards 0 (483;
// an ACK is dropped instead, it has no response), Proxy-Require naming extensions we lack
// (420 with Unsupported), and, where we are the UAS (Request-URI names this proxy or REGISTER to
// our domain), Require naming extensions we lack (420) and unknown methods (501).
// Loop detection needs the proxy's branch scheme and lives in ProxyCore.
// Writes nothing in the context. Pure.
#pragma once

#include "proxy/local_identity.hpp"
#include "proxy/processor.hpp"

namespace insip::proxy {

class MessageSanity final : public RequestProcessor {
 public:
  /// `identity` must outlive the processor.
  explicit MessageSanity(const LocalIdentity& identity) : identity_(identity) {}
  std::string_view name() const override { return "message_sanity"; }
  Outcome onRequest(RequestContext& ctx) override;

 private:
  const LocalIdentity& identity_;
};

}  // namespace insip::proxy
