// SPDX-License-Identifier: Apache-2.0
//
// errors.hpp — sip::ParseErrc, the error enum of the pure SIP library, as a std::error_category
// (the Boost.Beast error.hpp pattern). Each enumerator says what the caller will do with it.
#pragma once

#include <system_error>

namespace insip::sip {

enum class ParseErrc {
  Truncated = 1,           // message ends before headers/body complete: drop (UDP) or wait (stream)
  MessageTooLarge,         // over ParseLimits::max_message_bytes: drop/close, or 513 if Via readable
  BadStartLine,            // request/status line unreadable: 400 (or drop for responses)
  BadVersion,              // SIP-Version other than SIP/2.0: 505 for requests
  HeaderTooLong,           // a header line over max_line_bytes: 400
  TooManyHeaders,          // over max_headers: 400
  BadHeaderSyntax,         // header line without a colon, bad name, control bytes: 400
  MissingMandatoryHeader,  // To/From/Call-ID/CSeq/Via (/Max-Forwards) absent: 400
  BadVia,                  // Via unparsable: drop if it is the top one, else 400
  BadCSeq,                 // CSeq not "number method" or method mismatch: 400
  BadNameAddr,             // From/To/Contact/Route/Record-Route unparsable: 400
  BadUri,                  // Request-URI or URI unparsable: 400
  UnsupportedScheme,       // Request-URI scheme not sip/sips/tel: 416
  BadContentLength,        // non-numeric, negative, overflowing, duplicated/conflicting: 400/close
  BodyLengthMismatch,      // datagram body shorter than Content-Length: 400
  BodyTooLarge,            // body over max_body_bytes: 413
  BadMaxForwards,          // not a number 0..255: 400
  BadExpires,              // not a non-negative integer: 400
  BadMultipart,            // multipart body without boundary or with a broken structure: 400
  BadParam,                // malformed parameter list
  TooManyVias,             // over max_vias: 400
  UriTooLong,              // over max_uri_bytes: 414
};

const std::error_category& parseCategory() noexcept;

inline std::error_code make_error_code(ParseErrc e) noexcept {
  return {static_cast<int>(e), parseCategory()};
}

}  // namespace insip::sip

template <>
struct std::is_error_code_enum<insip::sip::ParseErrc> : std::true_type {};
