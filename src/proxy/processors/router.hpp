// SPDX-License-Identifier: Apache-2.0
//
// router.hpp — request chain, last step: target selection (RFC 3261 §16.5).
//   * Request-URI in our domains with a user part: the location service (registrar bindings; the
//     registered Contact is the target, stream bindings also reuse their connection;
//     highest q first; all of them are tried in parallel). No binding: 480, whether or not the user
//     exists (no account enumeration by response code).
//   * Request-URI naming this proxy without user part: 501 for unknown methods (we are the UAS),
//     404 otherwise (OPTIONS and REGISTER were answered earlier).
//   * Anything else (another domain, a pre-loaded Route): forwarded only for an authenticated
//     user of ours, or when proxy.allow_foreign_relay (fail-open, logged at start-up); otherwise
//     403 — no open relay.
// Writes: ctx.targets. Reads: ctx.authenticated_user.
#pragma once

#include "auth/credential_store.hpp"
#include "proxy/local_identity.hpp"
#include "proxy/processor.hpp"
#include "registrar/binding_store.hpp"

namespace insip::proxy {

class Router final : public RequestProcessor {
 public:
  Router(const registrar::BindingStore& bindings, const auth::CredentialStore& users,
         const LocalIdentity& identity, std::string realm, bool allow_foreign_relay)
      : bindings_(bindings),
        users_(users),
        identity_(identity),
        realm_(std::move(realm)),
        allow_foreign_relay_(allow_foreign_relay) {}
  std::string_view name() const override { return "router"; }
  Outcome onRequest(RequestContext& ctx) override;

 private:
  const registrar::BindingStore& bindings_;
  const auth::CredentialStore& users_;
  const LocalIdentity& identity_;
  std::string realm_;
  bool allow_foreign_relay_;
};

/// Parses a util::Flow::str() value ("udp:127.0.0.1:5060", "tcp:[::1]:5060").
std::optional<util::Flow> parseFlow(std::string_view text);

}  // namespace insip::proxy
