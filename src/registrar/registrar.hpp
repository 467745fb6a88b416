// SPDX-License-Identifier: Apache-2.0
//
// registrar.hpp — REGISTER processing (RFC 3261 §10.3 steps 5-8): Contact "*" removal, expiry
// selection (contact `expires` param > Expires header > default; 423 + Min-Expires below the
// minimum; clamped to the maximum), Call-ID/CSeq ordering per binding, q-values, a per-AOR
// contact cap, and the 200 OK listing every current binding with its `expires`.
// Chain position: terminal REGISTER step of the request chain; the caller has already
// authenticated the request (RFC 3261 §10.3 step 3) and authorised the AOR (step 4).
// Pure apart from the BindingStore port: no I/O of its own, never throws.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "config/config.hpp"
#include "registrar/aor.hpp"
#include "registrar/binding_store.hpp"
#include "sip/message.hpp"
#include "util/clock.hpp"
#include "util/flow.hpp"

namespace insip::registrar {

/// Thread affinity: any (state lives in the BindingStore, which is synchronised). Requests for one
/// AOR must not be handled concurrently (their read-modify-write would race): the SIP thread model
/// (one io_context / AOR sharding) guarantees that.
class Registrar {
 public:
  /// `store` and `clock` must outlive the Registrar; `cfg` is copied.
  Registrar(const config::Registrar& cfg, BindingStore& store, const util::Clock& clock);

  /// Answers one REGISTER. Preconditions: `request` is a REGISTER already authenticated and
  /// authorised for `aor`; `aor` is aorFromUri(To URI). `source` is the flow it arrived on.
  /// Returns the final response (never a provisional):
  ///   200 — bindings updated (or queried: no Contact); lists all current bindings.
  ///   400 — "*" misuse (§10.3 step 6) or an invalid q-value.
  ///   403 — the AOR would exceed max_contacts_per_aor (policy refusal, see registrar.cpp).
  ///   423 — an expiry below min_expires_s, with Min-Expires (§10.3 step 7).
  ///   500 — same Call-ID with a CSeq not higher than the binding's (§10.3 steps 6-7), or the
  ///         store failed (nothing was changed in either case).
  sip::Message handle(const sip::Message& request, const std::string& aor,
                      const util::Flow& source);

  /// As handle(), for a store that writes in the background (BindingStore::applyAsync): the
  /// decision is taken now, and `respond` gets the response once the change is durable (a 200
  /// is never sent for a registration a crash could still lose), or at once when nothing is
  /// written. `respond` runs on the thread the store completes on, exactly once.
  void handleAsync(const sip::Message& request, const std::string& aor, const util::Flow& source,
                   std::function<void(sip::Message)> respond);

 private:
  /// The response handle() gives if the store accepts `out` (left empty when nothing changes).
  sip::Message decide(const sip::Message& request, const std::string& aor,
                      const util::Flow& source, BindingChanges& out);
  std::string toTag(const sip::Message& request) const;
  sip::Message reply(const sip::Message& request, int status, std::string_view reason) const;

  std::uint32_t min_expires_s_;
  std::uint32_t max_expires_s_;
  std::uint32_t default_expires_s_;
  std::uint32_t max_contacts_per_aor_;
  BindingStore& store_;
  const util::Clock& clock_;
  std::uint64_t tag_salt_;
};

}  // namespace insip::registrar
