// SPDX-License-Identifier: Apache-2.0
//
// envelope.hpp — SOAP 1.2 envelope model (W3C SOAP 1.2 Part 1 §5: Envelope, Header, Body; media
// type application/soap+xml, RFC 3902) on top of the hardened parser, and the SOAP Fault builder
// (Part 1 §5.4) used for every WS-Security rejection (WSS 1.1 §12 fault subcodes).
// An Envelope that exists is structurally valid: its root is soap:Envelope whose element children
// are an optional soap:Header followed by exactly one soap:Body.
#pragma once

#include <libxml/tree.h>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "util/result.hpp"
#include "wssec/xml.hpp"

namespace insip::wssec {

inline constexpr std::string_view kSoapMediaType = "application/soap+xml";

class Envelope {
 public:
  /// Hardened parse + SOAP 1.2 structure check (NotSoapEnvelope, BadEnvelopeStructure, parse errors).
  static util::Result<Envelope> parse(std::string_view bytes, const ParseLimits& limits = {});
  /// A new envelope with an empty Header whose Body holds `body_content_xml` (one or more
  /// elements, parsed with the same hardened parser; "" gives an empty Body).
  static util::Result<Envelope> create(std::string_view body_content_xml, const ParseLimits& limits = {});

  Envelope(Envelope&&) noexcept = default;
  Envelope& operator=(Envelope&&) noexcept = default;

  xmlDoc* doc() const noexcept { return doc_.get(); }
  xmlNode* root() const noexcept;
  /// soap:Header, or nullptr if absent.
  xmlNode* header() const noexcept;
  /// soap:Header, created (as first child of Envelope) if absent.
  xmlNode* ensureHeader();
  xmlNode* body() const noexcept;

  /// The whole document as UTF-8 bytes (with XML declaration), without reformatting.
  std::string serialize() const;
  /// The serialised children of soap:Body.
  std::string bodyContent() const;
  /// Full text (all text nodes, comments skipped) of the first element named {ns_uri}local inside
  /// the Body, or nullopt.
  std::optional<std::string> bodyText(std::string_view ns_uri, std::string_view local) const;

 private:
  explicit Envelope(XmlDocPtr doc) : doc_(std::move(doc)) {}
  XmlDocPtr doc_;
};

/// SOAP 1.2 fault codes (Part 1 §5.4.6).
enum class FaultCode { VersionMismatch, MustUnderstand, DataEncodingUnknown, Sender, Receiver };

/// A complete SOAP 1.2 Fault envelope. `subcode_qname` (optional) is a prefixed QName whose prefix
/// is `wsse` or `wsu` (declared with the WSS namespaces) or unprefixed-empty; `reason` is escaped.
std::string buildFault(FaultCode code, std::string_view subcode_qname, std::string_view reason,
                       std::string_view lang = "en");

/// The fault to send for a wssec rejection: env:Sender with the WSS 1.1 subcode of `ec` and the
/// error message (never message content) as reason.
std::string buildSecurityFault(const std::error_code& ec);

}  // namespace insip::wssec
