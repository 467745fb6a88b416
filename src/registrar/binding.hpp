// SPDX-License-Identifier: Apache-2.0
//
// binding.hpp — one registrar binding: address-of-record -> contact address (RFC 3261 §10,
// §10.3 step 7: each binding records the Call-ID and CSeq of the REGISTER that last wrote it so
// out-of-order requests can be refused). A plain value shared by the registrar (writer), the
// BindingStore implementations (storage) and the proxy Router (reader, via BindingStore::lookup).
#pragma once

#include <cstdint>
#include <string>

#include "util/clock.hpp"

namespace insip::registrar {

struct Binding {
  /// Canonical AOR, "sip:user@domain" (no port, no params, lower-case host), see aorFromUri().
  std::string aor;
  /// The Contact URI, sip::Uri::str() form (no header params). Key within the AOR.
  std::string contact;
  /// Call-ID and CSeq of the REGISTER that last wrote this binding (RFC 3261 §10.3 step 7).
  std::string call_id;
  std::uint32_t cseq = 0;
  /// Absolute expiry (wall clock, so it survives a restart). Expired bindings are invisible.
  util::SystemTime expires_at{};
  /// q-value * 1000 (RFC 3261 §20.10), 0..1000; 1000 when the Contact has no q.
  std::uint16_t q_milli = 1000;
  /// util::Flow::str() of the transport flow the REGISTER arrived on ("udp:192.0.2.1:5060"),
  /// for NAT traversal / connection reuse (RFC 3261 §18.2.2; RFC 5626 in the future).
  std::string flow;
  /// util::Flow::connection_id of that flow (streams); 0 = none. Not meaningful after a restart:
  /// SqliteBindingStore loads it as 0.
  std::uint64_t connection_id = 0;
  /// "+sip.instance" Contact parameter as written (RFC 5626 §4.2), "" if absent. Stored for
  /// outbound/GRUU support later; echoed in the 200 OK.
  std::string instance;
  /// Path header values of the REGISTER (RFC 3327), comma-joined; reserved (stored, not yet used).
  std::string path;
  /// When the binding was last written.
  util::SystemTime updated_at{};

  bool operator==(const Binding&) const = default;
};

}  // namespace insip::registrar
