// SPDX-License-Identifier: Apache-2.0
//
// xml.hpp — the hardened XML layer of wssec: one parse entry point for every XML the library reads
// (SOAP 1.2 Part 1 §5: no DTD and no processing instructions; no entity expansion, no network, no
// XInclude; size, depth and node-count limits enforced while parsing, so a hostile document is
// rejected in bounded time and memory), the RAII document handle, the namespace URIs of SOAP 1.2,
// WSS 1.1, XML-DSig and XML-Enc, and small DOM helpers. Also owns the one-time libxml2/xmlsec1
// initialisation (ensureXmlsecInitialized()).
#pragma once

#include <libxml/tree.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace insip::wssec {

namespace ns {
inline constexpr const char* kSoap12 = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr const char* kWsse =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
inline constexpr const char* kWsse11 = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
inline constexpr const char* kWsu =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
inline constexpr const char* kDs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr const char* kXenc = "http://www.w3.org/2001/04/xmlenc#";
inline constexpr const char* kXenc11 = "http://www.w3.org/2009/xmlenc11#";
inline constexpr const char* kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
inline constexpr const char* kX509v3 =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
inline constexpr const char* kBase64Binary =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
inline constexpr const char* kSki =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509SubjectKeyIdentifier";
inline constexpr const char* kThumbprintSha1 =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1";
inline constexpr const char* kUltimateReceiver = "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver";
inline constexpr const char* kNextRole = "http://www.w3.org/2003/05/soap-envelope/role/next";
}  // namespace ns

/// Limits applied while parsing (defaults fit SOAP messages of the IN services).
struct ParseLimits {
  std::size_t max_bytes = 1024 * 1024;
  std::size_t max_depth = 64;
  std::size_t max_nodes = 20000;
};

struct XmlDocDeleter {
  void operator()(xmlDoc* d) const noexcept;
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;

/// Initialises libxml2, xmlsec1 and its OpenSSL backend once per process (thread-safe) and
/// silences their stderr error printing. Returns false if xmlsec1 could not be initialised.
bool ensureXmlsecInitialized();

/// Parses `bytes` as a standalone XML document under `limits`: rejects any DOCTYPE (so no entity
/// declarations, no external DTD), processing instructions, excess size/depth/nodes; never fetches
/// anything. Errors: TooLarge, DoctypeForbidden, ProcessingInstructionForbidden, TooDeep,
/// TooManyNodes, NotWellFormed.
util::Result<XmlDocPtr> parseXml(std::string_view bytes, const ParseLimits& limits);

// ---- DOM helpers (element-only views; nullptr-safe) ----
bool isElement(const xmlNode* n, const char* ns_uri, const char* local) noexcept;
std::vector<xmlNode*> childElements(const xmlNode* parent);
xmlNode* firstChildElement(const xmlNode* parent, const char* ns_uri, const char* local);
/// Attribute value (namespace nullptr = unqualified attribute); empty optional if absent.
bool getAttr(const xmlNode* n, const char* local, const char* ns_uri, std::string& out);
/// Concatenation of all text/CDATA descendants (comments and PIs skipped), as C14N sees the text.
std::string textContent(const xmlNode* n);
/// Serialises one node (element and descendants) without reformatting.
std::string serializeNode(xmlDoc* doc, xmlNode* n);
/// Base64 helpers (OpenSSL EVP, whitespace in input ignored). decode returns false on bad input.
bool base64Decode(std::string_view in, std::string& out);
std::string base64Encode(std::string_view in);
/// Identifier suffix (16 hex digits) for wsu:Id values: unique within the process (a counter from a
/// random start drawn once), not secret — ids only need to differ within a document and between
/// messages; the replay-relevant randomness is the wsse:Nonce, which is drawn per message.
std::string uniqueIdSuffix();

}  // namespace insip::wssec
