// SPDX-License-Identifier: Apache-2.0
//
// in_dialog_router.hpp — request chain, after OptionsResponder. Loose routing (RFC 3261 §16.4,
// §16.12): removes the Route entries that name this proxy (one or two: RFC 5658 double
// record-routing), restores a Request-URI rewritten by a strict router, and forwards in-dialog
// requests (To tag present) along their route set — only when a Route entry naming us carries
// the token of our Record-Route for this Call-ID (LocalIdentity::routeToken): in-dialog requests
// are not authenticated (§22), so without it anyone could forge a "dialog" and use us as an open
// relay. Other in-dialog requests are answered 404 (an ACK is dropped).
// Writes: ctx.in_dialog, ctx.routed_to_us, ctx.targets (in-dialog). Pure.
#pragma once

#include "proxy/local_identity.hpp"
#include "proxy/processor.hpp"

namespace insip::proxy {

class InDialogRouter final : public RequestProcessor {
 public:
  explicit InDialogRouter(const LocalIdentity& identity) : identity_(identity) {}
  std::string_view name() const override { return "in_dialog_router"; }
  Outcome onRequest(RequestContext& ctx) override;

 private:
  bool carriesToken(const sip::Uri& uri, std::string_view call_id) const;
  const LocalIdentity& identity_;
};

}  // namespace insip::proxy
