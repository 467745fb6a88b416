// SPDX-License-Identifier: Apache-2.0
//
// in_dialog_router.hpp — request chain, after OptionsResponder. Loose routing (RFC 3261 §16.4,
// §16.12): removes the Route entries that name this proxy (one or two: RFC 5658 double
// record-routing), restores a Request-URI rewritten by a strict router, and forwards in-dialog
// requests (To tag present) along their route set. An in-dialog request that was not routed
// through us is answered 404 (an ACK is dropped): we never act as an open relay for dialogs we did
// not record-route.
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
  const LocalIdentity& identity_;
};

}  // namespace insip::proxy
