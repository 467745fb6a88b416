// SPDX-License-Identifier: Apache-2.0
//
// message.hpp — the SIP message value (RFC 3261 §7, §20). Pure: no I/O, no threads.
// A Message that exists is well-formed (CONVENTIONS R2): the parser fills the typed fields of the
// headers the core needs eagerly (Via, From, To, Call-ID, CSeq, Max-Forwards, Contact, Route,
// Record-Route, Expires, Content-Type) and keeps every other header, in order, as a name/value
// pair with its name in canonical long form (compact forms expanded, RFC 3261 §7.3.3).
// Content-Length is not stored: the serializer writes the body's real length.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/uri.hpp"

namespace insip::sip {

enum class Method {
  Invite, Ack, Bye, Cancel, Options, Register, Prack, Subscribe, Notify, Publish, Info, Refer,
  Message, Update,
  Unknown  // an extension method: Message::method_text holds it (case-sensitive, §7.1)
};
std::string_view methodName(Method m);  // "INVITE", ... ; "" for Unknown
/// Exact (case-sensitive) match of a method token; Unknown for extensions.
Method methodFromToken(std::string_view token);

struct Via {
  std::string protocol = "SIP/2.0";  // protocol-name "/" version
  std::string transport = "UDP";     // upper-cased
  std::string host;                  // IPv6 keeps brackets
  std::optional<std::uint16_t> port;
  Params params;

  std::optional<std::string_view> branch() const { return paramValue(params, "branch"); }
  std::string str() const;
  bool operator==(const Via&) const = default;
};
util::Result<Via> parseVia(std::string_view one_via);

struct CSeq {
  std::uint32_t seq = 0;
  Method method = Method::Unknown;
  std::string method_text;  // as written (needed for extension methods)
  bool operator==(const CSeq&) const = default;
};

struct HeaderField {
  std::string name;   // canonical long form ("Call-ID", "Content-Type", "Proxy-Authorization")
  std::string value;  // unfolded, surrounding whitespace trimmed
  bool operator==(const HeaderField&) const = default;
};

struct Message {
  // --- start line ---
  bool is_request = true;
  Method method = Method::Unknown;  // requests only
  std::string method_text;          // requests only: the method token as written
  Uri request_uri;                  // requests only
  int status = 0;                   // responses only
  std::string reason;               // responses only

  // --- typed headers (eagerly parsed and validated) ---
  std::vector<Via> vias;            // topmost first; comma lists and repeated headers flattened
  NameAddr from;
  NameAddr to;
  std::string call_id;
  CSeq cseq;
  std::optional<int> max_forwards;  // 0..255 when present
  std::vector<NameAddr> contacts;
  bool contact_star = false;        // "Contact: *"
  std::vector<NameAddr> routes;
  std::vector<NameAddr> record_routes;
  std::optional<std::uint32_t> expires;   // Expires header
  std::optional<std::string> content_type;  // as written (media type and params)

  // --- everything else, in order of appearance ---
  std::vector<HeaderField> headers;

  std::string body;

  // Accessors for `headers` (case-insensitive on canonical names; compact names accepted too).
  const std::string* header(std::string_view name) const;  // first, or nullptr
  std::vector<const std::string*> headerValues(std::string_view name) const;
  /// All comma-separated tokens of a list header (Require, Proxy-Require, Supported, Allow...),
  /// trimmed, across all occurrences.
  std::vector<std::string> tokenList(std::string_view name) const;
  void addHeader(std::string name, std::string value);
  void setHeader(std::string_view name, std::string value);  // replaces all of that name
  std::size_t removeHeader(std::string_view name);           // returns how many removed

  /// The method this message is about: the request method, or CSeq's method for responses.
  Method cseqMethod() const { return cseq.method; }
  const Via* topVia() const { return vias.empty() ? nullptr : &vias.front(); }

  bool operator==(const Message&) const = default;
};

/// Canonical long name for a header name (compact forms expanded, known names case-normalised;
/// unknown names returned as written).
std::string canonicalHeaderName(std::string_view name);

/// Serializes to wire form with CRLF line ends and a correct Content-Length.
std::string serialize(const Message& m);
/// Appends the wire form to `out` (avoids an allocation on the hot path).
void serializeTo(const Message& m, std::string& out);

/// RFC 3261 §8.2.6.2 / §16.7: builds a response to `request`: copies Via, From, To, Call-ID,
/// CSeq; adds `to_tag` to To if To has no tag and to_tag is non-empty. Reason defaults to the
/// standard phrase for the code.
Message makeResponse(const Message& request, int status, std::string_view reason = {},
                     std::string_view to_tag = {});
std::string_view defaultReason(int status);

}  // namespace insip::sip
