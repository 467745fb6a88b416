// SPDX-License-Identifier: Apache-2.0
#include "wssec/xml.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/xmlsec.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "wssec/errors.hpp"

namespace insip::wssec {
namespace {

void silentGeneric(void*, const char*, ...) {}
void silentStructured(void*, xmlErrorPtr) {}
void silentXmlsec(const char*, int, const char*, const char*, const char*, int, const char*) {}

struct ParseState {
  ParseLimits limits;
  std::size_t nodes = 0;
  WssErrc error{};
  bool failed = false;
  startElementNsSAX2Func start = nullptr;
  charactersSAXFunc characters = nullptr;
};

void stopWith(xmlParserCtxtPtr ctxt, WssErrc e) {
  auto* st = static_cast<ParseState*>(ctxt->_private);
  if (!st->failed) {
    st->failed = true;
    st->error = e;
  }
  xmlStopParser(ctxt);
}

void onInternalSubset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  stopWith(static_cast<xmlParserCtxtPtr>(ctx), WssErrc::DoctypeForbidden);
}
void onEntityDecl(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
  stopWith(static_cast<xmlParserCtxtPtr>(ctx), WssErrc::DoctypeForbidden);
}
xmlParserInputPtr onResolveEntity(void* ctx, const xmlChar*, const xmlChar*) {
  stopWith(static_cast<xmlParserCtxtPtr>(ctx), WssErrc::DoctypeForbidden);
  return nullptr;
}
void onPi(void* ctx, const xmlChar*, const xmlChar*) {
  stopWith(static_cast<xmlParserCtxtPtr>(ctx), WssErrc::ProcessingInstructionForbidden);
}
void onReference(void* ctx, const xmlChar*) {
  // Only predefined/character references reach the tree; a named entity reference means a DTD.
  stopWith(static_cast<xmlParserCtxtPtr>(ctx), WssErrc::DoctypeForbidden);
}
void onStartElementNs(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                      int nb_namespaces, const xmlChar** namespaces, int nb_attributes,
                      int nb_defaulted, const xmlChar** attributes) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  auto* st = static_cast<ParseState*>(ctxt->_private);
  if (st->failed) return;
  if (static_cast<std::size_t>(ctxt->nameNr) > st->limits.max_depth) {
    stopWith(ctxt, WssErrc::TooDeep);
    return;
  }
  st->nodes += 1 + static_cast<std::size_t>(nb_attributes);
  if (st->nodes > st->limits.max_nodes) {
    stopWith(ctxt, WssErrc::TooManyNodes);
    return;
  }
  st->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
            attributes);
}
void onCharacters(void* ctx, const xmlChar* ch, int len) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  auto* st = static_cast<ParseState*>(ctxt->_private);
  if (st->failed) return;
  if (++st->nodes > st->limits.max_nodes * 4) {  // text chunks: generous, but bounded
    stopWith(ctxt, WssErrc::TooManyNodes);
    return;
  }
  st->characters(ctx, ch, len);
}

void silenceThread() {
  xmlSetGenericErrorFunc(nullptr, silentGeneric);
  xmlSetStructuredErrorFunc(nullptr, silentStructured);
}

}  // namespace

void XmlDocDeleter::operator()(xmlDoc* d) const noexcept {
  if (d != nullptr) xmlFreeDoc(d);
}

bool ensureXmlsecInitialized() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    xmlInitParser();
    silenceThread();
    if (xmlSecInit() < 0) return;
    xmlSecErrorsSetCallback(silentXmlsec);
    if (xmlSecCheckVersion() != 1) return;
    if (xmlSecCryptoAppInit(nullptr) < 0) return;
    if (xmlSecCryptoInit() < 0) return;
    ok = true;
  });
  silenceThread();  // libxml2 error handlers are per thread
  return ok;
}

util::Result<XmlDocPtr> parseXml(std::string_view bytes, const ParseLimits& limits) {
  ensureXmlsecInitialized();
  if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<std::size_t>(INT32_MAX)) {
    return util::fail(WssErrc::TooLarge);
  }
  if (bytes.empty()) return util::fail(WssErrc::NotWellFormed);
  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(bytes.data(), static_cast<int>(bytes.size()));
  if (ctxt == nullptr) return util::fail(WssErrc::CryptoFailure);
  ParseState st;
  st.limits = limits;
  xmlSAXHandlerPtr sax = ctxt->sax;
  st.start = sax->startElementNs;
  st.characters = sax->characters;
  sax->internalSubset = onInternalSubset;
  sax->externalSubset = nullptr;
  sax->entityDecl = onEntityDecl;
  sax->resolveEntity = onResolveEntity;
  sax->reference = onReference;
  sax->processingInstruction = onPi;
  sax->startElementNs = onStartElementNs;
  sax->characters = onCharacters;
  sax->cdataBlock = sax->cdataBlock;  // CDATA is ordinary text for C14N
  ctxt->_private = &st;
  // No NOENT (no substitution), no DTDLOAD/DTDATTR/DTDVALID, no XINCLUDE, no HUGE; NONET.
  xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  ctxt->replaceEntities = 0;
  ctxt->loadsubset = 0;
  ctxt->validate = 0;
  xmlParseDocument(ctxt);
  XmlDocPtr doc(ctxt->myDoc);
  ctxt->myDoc = nullptr;
  const bool well_formed = ctxt->wellFormed != 0;
  ctxt->_private = nullptr;
  xmlFreeParserCtxt(ctxt);
  if (st.failed) return util::fail(st.error);
  if (!well_formed || !doc) return util::fail(WssErrc::NotWellFormed);
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) return util::fail(WssErrc::DoctypeForbidden);
  if (xmlDocGetRootElement(doc.get()) == nullptr) return util::fail(WssErrc::NotWellFormed);
  // Top-level comments are harmless; PIs were rejected by the SAX hook.
  return doc;
}

bool isElement(const xmlNode* n, const char* ns_uri, const char* local) noexcept {
  if (n == nullptr || n->type != XML_ELEMENT_NODE) return false;
  if (std::strcmp(reinterpret_cast<const char*>(n->name), local) != 0) return false;
  if (ns_uri == nullptr) return n->ns == nullptr;
  return n->ns != nullptr && n->ns->href != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns_uri) == 0;
}

std::vector<xmlNode*> childElements(const xmlNode* parent) {
  std::vector<xmlNode*> out;
  if (parent == nullptr) return out;
  for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

xmlNode* firstChildElement(const xmlNode* parent, const char* ns_uri, const char* local) {
  if (parent == nullptr) return nullptr;
  for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (isElement(c, ns_uri, local)) return c;
  }
  return nullptr;
}

bool getAttr(const xmlNode* n, const char* local, const char* ns_uri, std::string& out) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE) return false;
  for (xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (std::strcmp(reinterpret_cast<const char*>(a->name), local) != 0) continue;
    const bool match = ns_uri == nullptr ? a->ns == nullptr
                                         : (a->ns != nullptr && a->ns->href != nullptr &&
                                            std::strcmp(reinterpret_cast<const char*>(a->ns->href), ns_uri) == 0);
    if (!match) continue;
    xmlChar* v = xmlNodeListGetString(n->doc, a->children, 1);
    out = v != nullptr ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    return true;
  }
  return false;
}

std::string textContent(const xmlNode* n) {
  std::string out;
  if (n == nullptr) return out;
  // Iterative pre-order walk (depth is bounded by the parser, but never recurse on input).
  const xmlNode* cur = n->children;
  while (cur != nullptr) {
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      if (cur->content != nullptr) out += reinterpret_cast<const char*>(cur->content);
    }
    if (cur->type == XML_ELEMENT_NODE && cur->children != nullptr) {
      cur = cur->children;
      continue;
    }
    while (cur != nullptr && cur->next == nullptr) {
      cur = cur->parent;
      if (cur == n) return out;
    }
    if (cur != nullptr) cur = cur->next;
  }
  return out;
}

std::string serializeNode(xmlDoc* doc, xmlNode* n) {
  std::string out;
  xmlBufferPtr buf = xmlBufferCreate();
  if (buf == nullptr) return out;
  if (xmlNodeDump(buf, doc, n, 0, 0) >= 0) {
    out.assign(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<std::size_t>(xmlBufferLength(buf)));
  }
  xmlBufferFree(buf);
  return out;
}

bool base64Decode(std::string_view in, std::string& out) {
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return false;
  out.assign(clean.size() / 4 * 3, '\0');
  if (clean.empty()) return true;
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return false;
  std::size_t pad = 0;
  if (clean.back() == '=') ++pad;
  if (clean.size() >= 2 && clean[clean.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return true;
}

std::string base64Encode(std::string_view in) {
  std::string out(((in.size() + 2) / 3) * 4 + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

std::string uniqueIdSuffix() {
  // One DRBG call per process instead of one per id (RAND_bytes was 7 % of a signature).
  static std::atomic<std::uint64_t> next = [] {
    std::uint64_t start = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&start), sizeof start) != 1) start = 0;
    return start;
  }();
  std::uint64_t v = next.fetch_add(1, std::memory_order_relaxed);
  static const char* kHex = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = kHex[v & 15];
  return s;
}

}  // namespace insip::wssec
