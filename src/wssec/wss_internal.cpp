// SPDX-License-Identifier: Apache-2.0
#include "wssec/wss_internal.hpp"

#include <libxml/valid.h>
#include <openssl/evp.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/crypto.h>

#include <cstring>

#include "wssec/errors.hpp"
#include "wssec/xml.hpp"

namespace insip::wssec::detail {

std::vector<xmlNode*> securityHeaders(xmlNode* header) {
  std::vector<xmlNode*> out;
  for (xmlNode* c : childElements(header)) {
    if (!isElement(c, ns::kWsse, "Security")) continue;
    std::string role;
    if (getAttr(c, "role", ns::kSoap12, role) && role != ns::kUltimateReceiver && role != ns::kNextRole) continue;
    out.push_back(c);
  }
  return out;
}

xmlNs* ensureNs(xmlNode* n, const char* href, const char* prefix) {
  if (xmlNs* found = xmlSearchNsByHref(n->doc, n, BAD_CAST href)) {
    if (found->prefix != nullptr) return found;
  }
  // Prefix may be in use for another URI higher up; declaring on n shadows it locally, fine.
  return xmlNewNs(n, BAD_CAST href, BAD_CAST prefix);
}

std::vector<xmlNode*> findElements(xmlDoc* doc, const char* ns_uri, const char* local) {
  std::vector<xmlNode*> out;
  xmlNode* root = xmlDocGetRootElement(doc);
  xmlNode* cur = root;
  while (cur != nullptr) {
    if (isElement(cur, ns_uri, local)) out.push_back(cur);
    if (cur->type == XML_ELEMENT_NODE && cur->children != nullptr) {
      cur = cur->children;
      continue;
    }
    while (cur != nullptr && cur->next == nullptr) {
      cur = cur->parent;
      if (cur == root || cur == nullptr) return out;
    }
    if (cur != nullptr) cur = cur->next;
  }
  return out;
}

void declareInScopeNamespaces(xmlNode* n) {
  xmlNs** list = xmlGetNsList(n->doc, n);  // nearest declaration of each prefix, self included
  if (list == nullptr) return;
  for (xmlNs** p = list; *p != nullptr; ++p) {
    const xmlNs* x = *p;
    if (x->href == nullptr || x->href[0] == '\0') continue;
    bool here = false;
    for (const xmlNs* d = n->nsDef; d != nullptr && !here; d = d->next) here = xmlStrEqual(d->prefix, x->prefix) != 0;
    if (!here) xmlNewNs(n, x->href, x->prefix);
  }
  xmlFree(list);
}

xmlNode* createSecurityHeader(Envelope& env) {
  xmlNode* header = env.ensureHeader();
  xmlNode* sec = xmlNewDocNode(env.doc(), nullptr, BAD_CAST "Security", nullptr);
  if (header->children != nullptr) {
    xmlAddPrevSibling(header->children, sec);
  } else {
    xmlAddChild(header, sec);
  }
  xmlNs* wsse = xmlNewNs(sec, BAD_CAST ns::kWsse, BAD_CAST "wsse");
  xmlNewNs(sec, BAD_CAST ns::kWsu, BAD_CAST "wsu");
  xmlSetNs(sec, wsse);
  xmlSetNsProp(sec, env.root()->ns, BAD_CAST "mustUnderstand", BAD_CAST "true");
  return sec;
}

util::Result<IdIndex> indexIds(xmlDoc* doc, std::size_t max_depth, std::string* detail) {
  IdIndex idx;
  xmlNode* root = xmlDocGetRootElement(doc);
  xmlNode* cur = root;
  std::size_t depth = 1;
  while (cur != nullptr) {
    if (cur->type == XML_PI_NODE) return util::fail(WssErrc::ProcessingInstructionForbidden);
    if (cur->type == XML_ENTITY_REF_NODE || cur->type == XML_DTD_NODE) return util::fail(WssErrc::DoctypeForbidden);
    if (cur->type == XML_ELEMENT_NODE) {
      if (depth > max_depth) return util::fail(WssErrc::TooDeep);
      for (xmlAttr* a = cur->properties; a != nullptr; a = a->next) {
        const char* name = reinterpret_cast<const char*>(a->name);
        if (std::strcmp(name, "Id") != 0 && std::strcmp(name, "ID") != 0 && std::strcmp(name, "id") != 0) continue;
        xmlChar* v = xmlNodeListGetString(doc, a->children, 1);
        std::string value = v != nullptr ? reinterpret_cast<const char*>(v) : "";
        xmlFree(v);
        if (!idx.by_value.emplace(value, cur).second) {
          if (detail != nullptr) *detail = "duplicate id '" + value + "'";
          return util::fail(WssErrc::DuplicateId);
        }
      }
      if (cur->children != nullptr) {
        cur = cur->children;
        ++depth;
        continue;
      }
    }
    while (cur != nullptr && cur->next == nullptr) {
      cur = cur->parent;
      --depth;
      if (cur == root || cur == nullptr || cur->type == XML_DOCUMENT_NODE) return idx;
    }
    if (cur != nullptr) cur = cur->next;
  }
  return idx;
}

void registerId(xmlNode* n) {
  for (xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    const char* name = reinterpret_cast<const char*>(a->name);
    if (std::strcmp(name, "Id") != 0 && std::strcmp(name, "ID") != 0 && std::strcmp(name, "id") != 0) continue;
    xmlChar* v = xmlNodeListGetString(n->doc, a->children, 1);
    if (v != nullptr) {
      xmlAttrPtr existing = xmlGetID(n->doc, v);
      if (existing == nullptr) xmlAddID(nullptr, n->doc, v, a);
      xmlFree(v);
    }
  }
}

std::string ensureWsuId(xmlNode* n, const char* prefix) {
  std::string v;
  if (getAttr(n, "Id", ns::kWsu, v) || getAttr(n, "Id", nullptr, v)) return v;
  v = std::string(prefix) + "-" + uniqueIdSuffix();
  xmlNs* wsu = ensureNs(n, ns::kWsu, "wsu");
  xmlSetNsProp(n, wsu, BAD_CAST "Id", BAD_CAST v.c_str());
  return v;
}

xmlSecKeyPtr xmlsecKeyFromEvp(EVP_PKEY* k) {
  if (k == nullptr || EVP_PKEY_up_ref(k) != 1) return nullptr;
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(k);
  if (data == nullptr) {
    EVP_PKEY_free(k);
    return nullptr;
  }
  xmlSecKeyPtr key = xmlSecKeyCreate();
  if (key == nullptr || xmlSecKeySetValue(key, data) < 0) {
    xmlSecKeyDataDestroy(data);
    if (key != nullptr) xmlSecKeyDestroy(key);
    return nullptr;
  }
  return key;
}

namespace {
xmlSecKeyPtr binaryKey(xmlSecKeyDataId id, std::string_view bytes) {
  xmlSecKeyDataPtr data = xmlSecKeyDataCreate(id);
  if (data == nullptr) return nullptr;
  if (xmlSecKeyDataBinaryValueSetBuffer(data, reinterpret_cast<const xmlSecByte*>(bytes.data()),
                                        static_cast<xmlSecSize>(bytes.size())) < 0) {
    xmlSecKeyDataDestroy(data);
    return nullptr;
  }
  xmlSecKeyPtr key = xmlSecKeyCreate();
  if (key == nullptr || xmlSecKeySetValue(key, data) < 0) {
    xmlSecKeyDataDestroy(data);
    if (key != nullptr) xmlSecKeyDestroy(key);
    return nullptr;
  }
  return key;
}
}  // namespace

xmlSecKeyPtr xmlsecHmacKey(std::string_view secret) { return binaryKey(xmlSecKeyDataHmacId, secret); }

xmlSecKeyPtr xmlsecAesKey(std::string_view key) { return binaryKey(xmlSecKeyDataAesId, key); }

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), n);
}

}  // namespace insip::wssec::detail
