// SPDX-License-Identifier: Apache-2.0
//
// digest_authenticator.hpp — request chain, after InDialogRouter. Digest authentication
// (RFC 3261 §22; RFC 7616; RFC 8760):
//   * REGISTER to one of our domains: 401 + WWW-Authenticate (we are the registrar, §22.2);
//   * other out-of-dialog requests whose From names one of our domains: 407 + Proxy-Authenticate
//     (§22.3) — a caller claiming to be our user must prove it;
//   * ACK, CANCEL and in-dialog requests are never challenged (§22.1, §9.2); requests from
//     foreign domains pass unauthenticated and the Router limits where they may go.
// The decision itself is auth::DigestVerifier's (nonces, replay, lockout, enumeration resistance).
// On success it checks that the authenticated user is the identity the request claims (To for
// REGISTER, From otherwise; an admin may register for others) — 403 otherwise — and removes our
// realm's Proxy-Authorization so credentials never reach the next hop.
// Writes: ctx.authenticated_user. Reads: ctx.in_dialog.
#pragma once

#include "auth/credential_store.hpp"
#include "auth/digest_verifier.hpp"
#include "proxy/local_identity.hpp"
#include "proxy/processor.hpp"
#include "proxy/stats.hpp"

namespace insip::proxy {

class DigestAuthenticator final : public RequestProcessor {
 public:
  /// All references must outlive the processor.
  DigestAuthenticator(auth::DigestVerifier& verifier, const LocalIdentity& identity, Stats& stats)
      : verifier_(verifier), identity_(identity), stats_(stats) {}
  std::string_view name() const override { return "digest_authenticator"; }
  Outcome onRequest(RequestContext& ctx) override;

 private:
  auth::DigestVerifier& verifier_;
  const LocalIdentity& identity_;
  Stats& stats_;
};

}  // namespace insip::proxy
