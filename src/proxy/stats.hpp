// SPDX-License-Identifier: Apache-2.0
//
// stats.hpp — the proxy's counters. Single-threaded (the SIP loop), so plain integers. Printed as
// one `STATS k=v ...` line at shutdown and on demand.
#pragma once

#include <cstdint>
#include <string>

namespace insip::proxy {

struct Stats {
  std::uint64_t requests_in = 0;
  std::uint64_t responses_in = 0;
  std::uint64_t retransmissions_absorbed = 0;
  std::uint64_t parse_errors = 0;
  std::uint64_t dropped = 0;              // unanswerable input (no readable Via), bad responses
  std::uint64_t stateless_replies = 0;    // 4xx/5xx sent without a transaction
  std::uint64_t auth_challenges = 0;      // 401/407 sent
  std::uint64_t auth_ok = 0;
  std::uint64_t auth_failures = 0;        // wrong response for a (possibly unknown) user
  std::uint64_t auth_replays = 0;         // nonce-count reuse
  std::uint64_t auth_stale = 0;
  std::uint64_t auth_locked = 0;          // 403 after too many failures
  std::uint64_t registrations = 0;        // 200 OK to REGISTER
  std::uint64_t suspended = 0;            // requests whose answer came later (Outcome::suspend)
  std::uint64_t calls_forwarded = 0;      // INVITEs forwarded
  std::uint64_t calls_answered = 0;       // 2xx to INVITE relayed upstream
  std::uint64_t cancels = 0;
  std::uint64_t loops_detected = 0;
  std::uint64_t timeouts_408 = 0;
  std::uint64_t transactions_rejected = 0;  // 503: transaction table full
  std::uint64_t responses_forwarded = 0;
  std::uint64_t stray_responses = 0;        // forwarded statelessly (§16.7 no match)
  // Hostile input (issue 3): one counter per configurable limit, plus lost stream framing.
  std::uint64_t limit_message_bytes = 0;    // limits.max_message_bytes
  std::uint64_t limit_headers = 0;          // limits.max_headers
  std::uint64_t limit_line_bytes = 0;       // limits.max_line_bytes
  std::uint64_t limit_body_bytes = 0;       // limits.max_body_bytes
  std::uint64_t limit_uri_bytes = 0;        // limits.max_uri_bytes
  std::uint64_t limit_vias = 0;             // limits.max_vias
  std::uint64_t framing_errors = 0;         // stream framing lost (answered 400 or dropped)
  std::uint64_t bad_responses = 0;          // unparsable responses discarded

  std::string line() const;
};

}  // namespace insip::proxy
