// SPDX-License-Identifier: Apache-2.0
//
// serializer.cpp — Message to wire form (RFC 3261 §7): CRLF line ends, one header line per Via /
// Route / Record-Route / Contact value, Content-Length computed from the body. No iostreams.
#include "sip/message.hpp"
#include "sip/syntax.hpp"

namespace insip::sip {

using namespace detail;

namespace {

std::size_t estimateSize(const Message& m) {
  std::size_t n = 128 + m.body.size() + m.call_id.size();
  n += m.vias.size() * 96 + (m.routes.size() + m.record_routes.size() + m.contacts.size()) * 80;
  for (const auto& h : m.headers) n += h.name.size() + h.value.size() + 4;
  return n + 160;
}

void line(std::string& out, std::string_view name) {
  out.append(name);
  out.append(": ");
}

}  // namespace

void serializeTo(const Message& m, std::string& out) {
  out.reserve(out.size() + estimateSize(m));
  if (m.is_request) {
    out.append(m.method_text.empty() ? methodName(m.method) : std::string_view(m.method_text));
    out.push_back(' ');
    appendUri(out, m.request_uri);
    out.append(" SIP/2.0\r\n");
  } else {
    out.append("SIP/2.0 ");
    appendUnsigned(out, static_cast<std::uint64_t>(m.status < 0 ? 0 : m.status));
    out.push_back(' ');
    out.append(m.reason);
    out.append("\r\n");
  }
  for (const auto& v : m.vias) {
    line(out, "Via");
    appendVia(out, v);
    out.append("\r\n");
  }
  for (const auto& r : m.routes) {
    line(out, "Route");
    appendNameAddr(out, r);
    out.append("\r\n");
  }
  for (const auto& r : m.record_routes) {
    line(out, "Record-Route");
    appendNameAddr(out, r);
    out.append("\r\n");
  }
  line(out, "From");
  appendNameAddr(out, m.from);
  out.append("\r\n");
  line(out, "To");
  appendNameAddr(out, m.to);
  out.append("\r\n");
  line(out, "Call-ID");
  out.append(m.call_id);
  out.append("\r\n");
  line(out, "CSeq");
  appendUnsigned(out, m.cseq.seq);
  out.push_back(' ');
  out.append(m.cseq.method_text.empty() ? methodName(m.cseq.method)
                                        : std::string_view(m.cseq.method_text));
  out.append("\r\n");
  if (m.max_forwards) {
    line(out, "Max-Forwards");
    appendUnsigned(out, static_cast<std::uint64_t>(*m.max_forwards));
    out.append("\r\n");
  }
  if (m.contact_star) {
    out.append("Contact: *\r\n");
  } else {
    for (const auto& c : m.contacts) {
      line(out, "Contact");
      appendNameAddr(out, c);
      out.append("\r\n");
    }
  }
  if (m.expires) {
    line(out, "Expires");
    appendUnsigned(out, *m.expires);
    out.append("\r\n");
  }
  for (const auto& h : m.headers) {
    line(out, h.name);
    out.append(h.value);
    out.append("\r\n");
  }
  if (m.content_type) {
    line(out, "Content-Type");
    out.append(*m.content_type);
    out.append("\r\n");
  }
  line(out, "Content-Length");
  appendUnsigned(out, m.body.size());
  out.append("\r\n\r\n");
  out.append(m.body);
}

std::string serialize(const Message& m) {
  std::string out;
  serializeTo(m, out);
  return out;
}

}  // namespace insip::sip
