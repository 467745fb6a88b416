// SPDX-License-Identifier: Apache-2.0
//
// sip_builder.hpp — test-only helpers: write SIP requests/responses as wire text from a few
// fields (RFC 3261 §7, §20 header layout), parse them with the production parser, and capture
// what a component sends. Header-only; used by the txn and proxy tests.
// The wire text is written by hand here (not by sip::serialize), so tests exercise the parser
// on input that does not depend on the serializer under test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message.hpp"
#include "sip/parser.hpp"
#include "util/flow.hpp"

namespace insip::testsupport {

/// A request written field by field. Defaults: an INVITE from alice@example.test (UDP,
/// 192.0.2.1:5060) to bob@example.test.
struct RequestSpec {
  std::string method = "INVITE";
  std::string ruri = "sip:bob@example.test";
  std::string via_transport = "UDP";
  std::string via_host = "192.0.2.1";
  std::optional<std::uint16_t> via_port = 5060;
  std::string branch = "z9hG4bKuac1";
  std::string via_extra_params;            // appended after the branch, e.g. ";rport"
  std::vector<std::string> more_vias;      // full values of further Via headers, below the top one
  std::string from = "<sip:alice@example.test>;tag=fa1";
  std::string to = "<sip:bob@example.test>";
  std::string call_id = "call-1@192.0.2.1";
  std::uint32_t cseq = 1;
  std::string cseq_method;                 // defaults to `method`
  std::optional<int> max_forwards = 70;
  std::vector<std::string> routes;         // one Route header each, e.g. "<sip:192.0.2.10;lr>"
  std::vector<std::string> headers;        // extra full lines "Name: value"
  std::string body;

  std::string topVia() const {
    std::string v = "SIP/2.0/" + via_transport + " " + via_host;
    if (via_port) {
      v += ":" + std::to_string(*via_port);
    }
    v += ";branch=" + branch + via_extra_params;
    return v;
  }

  std::string wire() const {
    std::string m = method + " " + ruri + " SIP/2.0\r\n";
    m += "Via: " + topVia() + "\r\n";
    for (const auto& v : more_vias) {
      m += "Via: " + v + "\r\n";
    }
    if (max_forwards) {
      m += "Max-Forwards: " + std::to_string(*max_forwards) + "\r\n";
    }
    for (const auto& r : routes) {
      m += "Route: " + r + "\r\n";
    }
    m += "From: " + from + "\r\n";
    m += "To: " + to + "\r\n";
    m += "Call-ID: " + call_id + "\r\n";
    m += "CSeq: " + std::to_string(cseq) + " " + (cseq_method.empty() ? method : cseq_method) +
         "\r\n";
    for (const auto& h : headers) {
      m += h + "\r\n";
    }
    m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    m += body;
    return m;
  }
};

/// A response written field by field.
struct ResponseSpec {
  int status = 200;
  std::string reason = "OK";
  std::vector<std::string> vias;  // full Via values, topmost first
  std::string from = "<sip:alice@example.test>;tag=fa1";
  std::string to = "<sip:bob@example.test>;tag=tb1";
  std::string call_id = "call-1@192.0.2.1";
  std::uint32_t cseq = 1;
  std::string cseq_method = "INVITE";
  std::vector<std::string> headers;
  std::string body;

  std::string wire() const {
    std::string m = "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\n";
    for (const auto& v : vias) {
      m += "Via: " + v + "\r\n";
    }
    m += "From: " + from + "\r\n";
    m += "To: " + to + "\r\n";
    m += "Call-ID: " + call_id + "\r\n";
    m += "CSeq: " + std::to_string(cseq) + " " + cseq_method + "\r\n";
    for (const auto& h : headers) {
      m += h + "\r\n";
    }
    m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    m += body;
    return m;
  }
};

/// Parses wire text with default limits; a failure is a test failure (returns an empty Message).
inline sip::Message parse(std::string_view wire) {
  auto r = sip::parseMessage(wire, sip::ParseLimits{});
  if (!r) {
    ADD_FAILURE() << "test message does not parse (" << r.error().message() << "):\n" << wire;
    return {};
  }
  return std::move(*r);
}

/// Wire text of the response a UAS/next hop would send to `request` (all Vias copied, §8.2.6.2),
/// built by hand from the parsed request's header lines so it does not depend on makeResponse().
inline std::string responseTo(std::string_view request_wire, int status, std::string_view reason,
                              std::string_view to_tag = {},
                              const std::vector<std::string>& extra = {}) {
  std::string out = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  std::size_t pos = request_wire.find("\r\n") + 2;  // skip the request line
  while (pos < request_wire.size()) {
    std::size_t eol = request_wire.find("\r\n", pos);
    if (eol == std::string_view::npos || eol == pos) {
      break;
    }
    std::string_view line = request_wire.substr(pos, eol - pos);
    pos = eol + 2;
    std::string_view name = line.substr(0, line.find(':'));
    auto is = [&](std::string_view a, std::string_view b) { return sip::iequals(name, a) || sip::iequals(name, b); };
    if (is("Via", "v") || is("From", "f") || is("Call-ID", "i") || is("CSeq", "CSeq") ||
        is("Record-Route", "Record-Route")) {
      out += std::string(line) + "\r\n";
    } else if (is("To", "t")) {
      out += std::string(line);
      if (!to_tag.empty() && line.find(";tag=") == std::string_view::npos) {
        out += ";tag=" + std::string(to_tag);
      }
      out += "\r\n";
    }
  }
  for (const auto& h : extra) {
    out += h + "\r\n";
  }
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

/// One message a component sent.
struct Sent {
  util::Flow to;
  std::string bytes;
  sip::Message msg() const { return parse(bytes); }
  /// "SIP/2.0 180 Ringing" -> 180; requests -> 0.
  int status() const {
    if (!bytes.starts_with("SIP/2.0 ")) {
      return 0;
    }
    return std::stoi(bytes.substr(8, 3));
  }
  /// The method of a request ("INVITE"); "" for responses.
  std::string method() const {
    if (bytes.starts_with("SIP/2.0 ")) {
      return {};
    }
    return bytes.substr(0, bytes.find(' '));
  }
};

inline util::Flow udpFlow(std::string ip, std::uint16_t port) {
  return util::Flow{util::Protocol::Udp, std::move(ip), port, 0};
}
inline util::Flow tcpFlow(std::string ip, std::uint16_t port, std::uint64_t conn = 1) {
  return util::Flow{util::Protocol::Tcp, std::move(ip), port, conn};
}

/// Value of a header line in wire text (first occurrence, long name only); "" if absent.
inline std::string headerOf(std::string_view wire, std::string_view name) {
  std::size_t pos = 0;
  while (pos < wire.size()) {
    std::size_t eol = wire.find("\r\n", pos);
    if (eol == std::string_view::npos || eol == pos) {
      break;
    }
    std::string_view line = wire.substr(pos, eol - pos);
    pos = eol + 2;
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && sip::iequals(line.substr(0, colon), name)) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') {
        v.remove_prefix(1);
      }
      return std::string(v);
    }
  }
  return {};
}

}  // namespace insip::testsupport
