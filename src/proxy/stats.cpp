// SPDX-License-Identifier: Apache-2.0
#include "proxy/stats.hpp"

#include <fmt/format.h>

namespace insip::proxy {

std::string Stats::line() const {
  return fmt::format(
      "STATS requests_in={} responses_in={} retransmissions_absorbed={} parse_errors={} dropped={} "
      "stateless_replies={} auth_challenges={} auth_ok={} auth_failures={} auth_replays={} "
      "auth_stale={} auth_locked={} registrations={} suspended={} calls_forwarded={} "
      "calls_answered={} "
      "cancels={} loops_detected={} timeouts_408={} transactions_rejected={} "
      "responses_forwarded={} stray_responses={} limit_message_bytes={} limit_headers={} "
      "limit_line_bytes={} limit_body_bytes={} limit_uri_bytes={} limit_vias={} "
      "framing_errors={} bad_responses={}",
      requests_in, responses_in, retransmissions_absorbed, parse_errors, dropped, stateless_replies,
      auth_challenges, auth_ok, auth_failures, auth_replays, auth_stale, auth_locked, registrations,
      suspended,
      calls_forwarded, calls_answered, cancels, loops_detected, timeouts_408,
      transactions_rejected, responses_forwarded, stray_responses, limit_message_bytes,
      limit_headers, limit_line_bytes, limit_body_bytes, limit_uri_bytes, limit_vias,
      framing_errors, bad_responses);
}

}  // namespace insip::proxy
