// SPDX-License-Identifier: Apache-2.0
//
// parser.hpp — eager, bounded SIP message parser (RFC 3261 §7, §25). Never throws on input, never
// reads past the buffer; returns Result<Message>. On failure, ParseError says which header was at
// fault (for the 400 reason phrase) and, if the top Via could be read, enough of the message to
// answer statelessly.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace insip::sip {

struct ParseLimits {
  std::size_t max_message_bytes = 65535;
  std::size_t max_headers = 128;
  std::size_t max_line_bytes = 8192;
  std::size_t max_body_bytes = 60000;
  std::size_t max_uri_bytes = 4096;
  std::size_t max_vias = 70;  // RFC 4475 longreq (valid) carries 34 Via values
};

/// Details of a failed parse.
struct ParseFailure {
  std::error_code code;
  std::string header;  // canonical name of the offending header ("" for start line / framing)
  /// When the message is a request whose start line, top Via, From, To, Call-ID and CSeq could be
  /// read, a partially filled Message usable with makeResponse() for a stateless 4xx/5xx.
  std::shared_ptr<const Message> partial;
};

/// Parses one complete message (a UDP datagram or a framed stream message). Content-Length, when
/// present, must not exceed the available body; trailing bytes beyond it are ignored on datagrams.
util::Result<Message> parseMessage(std::string_view bytes, const ParseLimits& limits,
                                   ParseFailure* failure = nullptr);

/// One part of a multipart body (RFC 2046 §5.1, RFC 5621).
struct BodyPart {
  std::vector<HeaderField> headers;  // e.g. Content-Type, Content-Disposition
  std::string body;
  const std::string* header(std::string_view name) const;
};

/// Splits a multipart body using the boundary parameter of `content_type`.
util::Result<std::vector<BodyPart>> parseMultipart(std::string_view content_type,
                                                   std::string_view body);

}  // namespace insip::sip
