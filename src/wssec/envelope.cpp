// SPDX-License-Identifier: Apache-2.0
#include "wssec/envelope.hpp"

#include <libxml/parser.h>

#include <cstring>

#include "wssec/errors.hpp"

namespace insip::wssec {
namespace {

bool validStructure(xmlDoc* doc) {
  xmlNode* root = xmlDocGetRootElement(doc);
  auto kids = childElements(root);
  if (kids.size() == 2) {
    return isElement(kids[0], ns::kSoap12, "Header") && isElement(kids[1], ns::kSoap12, "Body");
  }
  return kids.size() == 1 && isElement(kids[0], ns::kSoap12, "Body");
}

}  // namespace

util::Result<Envelope> Envelope::parse(std::string_view bytes, const ParseLimits& limits) {
  auto doc = parseXml(bytes, limits);
  if (!doc) return doc.error();
  xmlNode* root = xmlDocGetRootElement(doc->get());
  if (!isElement(root, ns::kSoap12, "Envelope")) return util::fail(WssErrc::NotSoapEnvelope);
  if (!validStructure(doc->get())) return util::fail(WssErrc::BadEnvelopeStructure);
  return Envelope(std::move(*doc));
}

util::Result<Envelope> Envelope::create(std::string_view body_content_xml, const ParseLimits& limits) {
  std::string text = "<soap:Envelope xmlns:soap=\"";
  text += ns::kSoap12;
  text += "\"><soap:Header/><soap:Body>";
  text += body_content_xml;
  text += "</soap:Body></soap:Envelope>";
  return parse(text, limits);
}

xmlNode* Envelope::root() const noexcept { return xmlDocGetRootElement(doc_.get()); }

xmlNode* Envelope::header() const noexcept { return firstChildElement(root(), ns::kSoap12, "Header"); }

xmlNode* Envelope::body() const noexcept { return firstChildElement(root(), ns::kSoap12, "Body"); }

xmlNode* Envelope::ensureHeader() {
  if (xmlNode* h = header()) return h;
  xmlNode* r = root();
  xmlNode* h = xmlNewDocNode(doc_.get(), r->ns, BAD_CAST "Header", nullptr);
  xmlNode* b = body();
  if (b != nullptr) {
    xmlAddPrevSibling(b, h);
  } else {
    xmlAddChild(r, h);
  }
  return h;
}

std::string Envelope::serialize() const {
  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc_.get(), &mem, &size, "UTF-8");
  std::string out;
  if (mem != nullptr) out.assign(reinterpret_cast<const char*>(mem), static_cast<std::size_t>(size));
  xmlFree(mem);
  return out;
}

std::string Envelope::bodyContent() const {
  std::string out;
  xmlNode* b = body();
  if (b == nullptr) return out;
  for (xmlNode* c = b->children; c != nullptr; c = c->next) out += serializeNode(doc_.get(), c);
  return out;
}

std::optional<std::string> Envelope::bodyText(std::string_view ns_uri, std::string_view local) const {
  xmlNode* b = body();
  if (b == nullptr) return std::nullopt;
  const std::string uri(ns_uri);
  const std::string name(local);
  const xmlNode* cur = b->children;
  while (cur != nullptr) {
    if (isElement(cur, uri.c_str(), name.c_str())) return textContent(cur);
    if (cur->type == XML_ELEMENT_NODE && cur->children != nullptr) {
      cur = cur->children;
      continue;
    }
    while (cur != nullptr && cur->next == nullptr) {
      cur = cur->parent;
      if (cur == b) return std::nullopt;
    }
    if (cur != nullptr) cur = cur->next;
  }
  return std::nullopt;
}

std::string buildFault(FaultCode code, std::string_view subcode_qname, std::string_view reason,
                       std::string_view lang) {
  ensureXmlsecInitialized();
  static constexpr const char* kCodes[] = {"VersionMismatch", "MustUnderstand", "DataEncodingUnknown",
                                           "Sender", "Receiver"};
  XmlDocPtr doc(xmlNewDoc(BAD_CAST "1.0"));
  xmlNode* env = xmlNewDocNode(doc.get(), nullptr, BAD_CAST "Envelope", nullptr);
  xmlDocSetRootElement(doc.get(), env);
  xmlNs* soap = xmlNewNs(env, BAD_CAST ns::kSoap12, BAD_CAST "env");
  xmlSetNs(env, soap);
  xmlNewNs(env, BAD_CAST ns::kWsse, BAD_CAST "wsse");
  xmlNewNs(env, BAD_CAST ns::kWsu, BAD_CAST "wsu");
  xmlNode* body = xmlNewChild(env, soap, BAD_CAST "Body", nullptr);
  xmlNode* fault = xmlNewChild(body, soap, BAD_CAST "Fault", nullptr);
  xmlNode* c = xmlNewChild(fault, soap, BAD_CAST "Code", nullptr);
  std::string value = std::string("env:") + kCodes[static_cast<int>(code)];
  xmlNewTextChild(c, soap, BAD_CAST "Value", BAD_CAST value.c_str());
  if (!subcode_qname.empty()) {
    xmlNode* sc = xmlNewChild(c, soap, BAD_CAST "Subcode", nullptr);
    std::string q(subcode_qname);
    xmlNewTextChild(sc, soap, BAD_CAST "Value", BAD_CAST q.c_str());
  }
  xmlNode* r = xmlNewChild(fault, soap, BAD_CAST "Reason", nullptr);
  std::string reason_s(reason);
  xmlNode* t = xmlNewTextChild(r, soap, BAD_CAST "Text", BAD_CAST reason_s.c_str());
  std::string lang_s(lang);
  xmlNodeSetLang(t, BAD_CAST lang_s.c_str());
  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc.get(), &mem, &size, "UTF-8");
  std::string out;
  if (mem != nullptr) out.assign(reinterpret_cast<const char*>(mem), static_cast<std::size_t>(size));
  xmlFree(mem);
  return out;
}

std::string buildSecurityFault(const std::error_code& ec) {
  return buildFault(FaultCode::Sender, faultSubcode(ec), ec.message());
}

}  // namespace insip::wssec
