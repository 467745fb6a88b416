// SPDX-License-Identifier: Apache-2.0
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmlenc.h>

#include <cstring>
#include <set>

#include "wssec/errors.hpp"
#include "wssec/wss.hpp"
#include "wssec/wss_internal.hpp"
#include "wssec/xml.hpp"

namespace insip::wssec {
namespace {

constexpr const char* kRsaOaepMgf1p = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
constexpr const char* kRsaOaep11 = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
constexpr const char* kSha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
constexpr const char* kSha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
constexpr const char* kSha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
constexpr const char* kSha512 = "http://www.w3.org/2001/04/xmlenc#sha512";
constexpr const char* kAes128Cbc = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
constexpr const char* kAes256Cbc = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
constexpr const char* kAes128Gcm = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
constexpr const char* kAes256Gcm = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
constexpr const char* kTypeContent = "http://www.w3.org/2001/04/xmlenc#Content";
constexpr const char* kTypeElement = "http://www.w3.org/2001/04/xmlenc#Element";

struct EncCtxDeleter {
  void operator()(xmlSecEncCtx* c) const noexcept { xmlSecEncCtxDestroy(c); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};

const EVP_MD* digestFor(const std::string& uri) {
  if (uri == kSha1) return EVP_sha1();
  if (uri == kSha256) return EVP_sha256();
  if (uri == kSha384) return EVP_sha384();
  if (uri == kSha512) return EVP_sha512();
  return nullptr;
}

const EVP_MD* mgfFor(const std::string& uri) {
  const std::string p = std::string(ns::kXenc11) + "mgf1";
  if (uri == p + "sha1") return EVP_sha1();
  if (uri == p + "sha256") return EVP_sha256();
  if (uri == p + "sha384") return EVP_sha384();
  if (uri == p + "sha512") return EVP_sha512();
  return nullptr;
}

// RSA-OAEP key transport parameters of an EncryptedKey's EncryptionMethod (XML-Enc 1.1 §5.5.2).
struct OaepParams {
  const EVP_MD* md = nullptr;
  const EVP_MD* mgf = nullptr;
  std::string label;
};

util::Result<OaepParams> oaepParams(xmlNode* method) {
  std::string alg;
  getAttr(method, "Algorithm", nullptr, alg);
  const bool v10 = alg == kRsaOaepMgf1p;
  const bool v11 = alg == kRsaOaep11;
  if (!v10 && !v11) return util::fail(WssErrc::KeyTransportNotAllowed);  // rsa-1_5 and anything else
  OaepParams p{EVP_sha1(), EVP_sha1(), {}};
  for (xmlNode* c : childElements(method)) {
    std::string a;
    if (isElement(c, ns::kDs, "DigestMethod")) {
      getAttr(c, "Algorithm", nullptr, a);
      p.md = digestFor(a);
      if (p.md == nullptr) return util::fail(WssErrc::KeyTransportNotAllowed);
    } else if (v11 && isElement(c, ns::kXenc11, "MGF")) {
      getAttr(c, "Algorithm", nullptr, a);
      p.mgf = mgfFor(a);
      if (p.mgf == nullptr) return util::fail(WssErrc::KeyTransportNotAllowed);
    } else if (isElement(c, ns::kXenc, "OAEPparams")) {
      if (!base64Decode(textContent(c), p.label)) return util::fail(WssErrc::MalformedEncryption);
    } else if (isElement(c, ns::kXenc, "KeySize")) {
      // informational
    } else {
      return util::fail(WssErrc::MalformedEncryption);
    }
  }
  return p;
}

bool rsaOaep(EVP_PKEY* key, const OaepParams& p, bool encrypt, std::string_view in, std::string& out) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx) return false;
  if ((encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) != 1) return false;
  if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), p.md) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), p.mgf) != 1) {
    return false;
  }
  if (!p.label.empty()) {
    auto* l = static_cast<unsigned char*>(OPENSSL_memdup(p.label.data(), p.label.size()));
    if (l == nullptr || EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), l, static_cast<int>(p.label.size())) != 1) {
      OPENSSL_free(l);
      return false;
    }
  }
  size_t len = 0;
  const auto* inp = reinterpret_cast<const unsigned char*>(in.data());
  if ((encrypt ? EVP_PKEY_encrypt(ctx.get(), nullptr, &len, inp, in.size())
               : EVP_PKEY_decrypt(ctx.get(), nullptr, &len, inp, in.size())) != 1) {
    return false;
  }
  out.assign(len, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if ((encrypt ? EVP_PKEY_encrypt(ctx.get(), o, &len, inp, in.size())
               : EVP_PKEY_decrypt(ctx.get(), o, &len, inp, in.size())) != 1) {
    return false;
  }
  out.resize(len);
  return true;
}

// Does the EncryptedKey's KeyInfo name `cert`? (STR with X509IssuerSerial, SKI or thumbprint,
// or a plain X509Data.) Unknown forms do not match.
bool namesRecipient(xmlNode* ek, const Certificate& cert) {
  xmlNode* ki = firstChildElement(ek, ns::kDs, "KeyInfo");
  if (ki == nullptr) return false;
  for (xmlNode* c : childElements(ki)) {
    xmlNode* holder = c;
    if (isElement(c, ns::kWsse, "SecurityTokenReference")) {
      for (xmlNode* s : childElements(c)) {
        if (isElement(s, ns::kWsse, "KeyIdentifier")) {
          std::string vt, raw;
          getAttr(s, "ValueType", nullptr, vt);
          if (!base64Decode(textContent(s), raw)) continue;
          if (vt == ns::kThumbprintSha1 && raw == cert.sha1Thumbprint()) return true;
          if (vt == ns::kSki && !raw.empty() && raw == cert.subjectKeyIdentifier()) return true;
        } else if (isElement(s, ns::kDs, "X509Data")) {
          holder = s;
        }
      }
    }
    if (isElement(holder, ns::kDs, "X509Data")) {
      for (xmlNode* x : childElements(holder)) {
        if (isElement(x, ns::kDs, "X509IssuerSerial")) {
          if (textContent(firstChildElement(x, ns::kDs, "X509SerialNumber")) == cert.serialDecimal()) return true;
        } else if (isElement(x, ns::kDs, "X509Certificate")) {
          std::string der;
          if (base64Decode(textContent(x), der) && der == cert.der()) return true;
        }
      }
    }
  }
  return false;
}

struct DataAlg {
  std::size_t key_len;
  bool gcm;
};

bool dataAlg(const std::string& uri, DataAlg& out) {
  if (uri == kAes256Gcm) out = {32, true};
  else if (uri == kAes128Gcm) out = {16, true};
  else if (uri == kAes256Cbc) out = {32, false};
  else if (uri == kAes128Cbc) out = {16, false};
  else return false;
  return true;
}

// The soap:Header child `n` is a wsse11:EncryptedHeader (WSS 1.1 §9.3).
bool isEncryptedHeader(const xmlNode* n, const xmlNode* header) {
  return n != nullptr && header != nullptr && n->parent == header && isElement(n, ns::kWsse11, "EncryptedHeader");
}

// One EncryptedKey, fully resolved before anything in the document is changed.
struct KeyJob {
  xmlNode* ek = nullptr;
  OaepParams params;
  std::string wrapped;
  std::vector<std::pair<xmlNode*, DataAlg>> targets;
};

// After decrypting the EncryptedData of `eh`: checks that it yielded exactly one header element
// and puts that element where the wrapper was.
util::Result<void> unwrapEncryptedHeader(xmlNode* eh) {
  xmlNode* restored = nullptr;
  for (xmlNode* c = eh->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      if (restored != nullptr) return util::fail(WssErrc::MalformedEncryptedHeader);
      restored = c;
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (xmlIsBlankNode(c) == 0) return util::fail(WssErrc::MalformedEncryptedHeader);
    } else if (c->type != XML_COMMENT_NODE) {
      return util::fail(WssErrc::MalformedEncryptedHeader);
    }
  }
  if (restored == nullptr || isElement(restored, ns::kWsse, "Security") ||
      isElement(restored, ns::kWsse11, "EncryptedHeader") || isElement(restored, ns::kXenc, "EncryptedData")) {
    return util::fail(WssErrc::MalformedEncryptedHeader);
  }
  xmlReplaceNode(eh, restored);
  // Namespace references into the wrapper's declarations must not dangle once it is freed.
  if (xmlDOMWrapReconcileNamespaces(nullptr, restored, 0) != 0) return util::fail(WssErrc::MalformedEncryptedHeader);
  xmlFreeNode(eh);
  return {};
}

}  // namespace

util::Result<std::vector<std::string>> decryptEnvelope(Envelope& env, const PrivateKey& key,
                                                       const Certificate* recipient, const DecryptPolicy& policy) {
  if (!ensureXmlsecInitialized()) return util::fail(WssErrc::CryptoFailure);
  xmlNode* header = env.header();
  auto secs = detail::securityHeaders(header);
  if (secs.empty()) return util::fail(WssErrc::NoSecurityHeader);
  if (secs.size() > 1) return util::fail(WssErrc::MultipleSecurityHeaders);
  xmlNode* security = secs.front();
  auto ids = detail::indexIds(env.doc(), 1u << 20, nullptr);
  if (!ids) return ids.error();

  std::vector<xmlNode*> keys;
  for (xmlNode* c : childElements(security)) {
    if (isElement(c, ns::kXenc, "EncryptedKey")) keys.push_back(c);
  }
  // Every EncryptedHeader (anywhere): a soap:Header child wrapping exactly one EncryptedData of
  // Type #Element that one of our EncryptedKeys references (WSS 1.1 §9.3).
  std::set<std::string> referenced;
  for (xmlNode* ek : keys) {
    for (xmlNode* dr : childElements(firstChildElement(ek, ns::kXenc, "ReferenceList"))) {
      std::string uri;
      if (isElement(dr, ns::kXenc, "DataReference") && getAttr(dr, "URI", nullptr, uri) && uri.size() > 1 &&
          uri[0] == '#') {
        referenced.insert(uri.substr(1));
      }
    }
  }
  for (xmlNode* eh : detail::findElements(env.doc(), ns::kWsse11, "EncryptedHeader")) {
    auto kids = childElements(eh);
    std::string type, id;
    if (!isEncryptedHeader(eh, header) || kids.size() != 1 || !isElement(kids[0], ns::kXenc, "EncryptedData") ||
        !getAttr(kids[0], "Type", nullptr, type) || type != kTypeElement || !getAttr(kids[0], "Id", nullptr, id) ||
        referenced.count(id) == 0) {
      return util::fail(WssErrc::MalformedEncryptedHeader);
    }
  }
  if (keys.empty()) return util::fail(WssErrc::MalformedEncryption);

  // Phase 1: resolve every EncryptedKey and DataReference while the document is untouched (no
  // pointer into the index may dangle later), each EncryptedData at most once.
  std::vector<KeyJob> jobs;
  std::set<xmlNode*> claimed;
  for (xmlNode* ek : keys) {
    KeyJob job;
    job.ek = ek;
    xmlNode* method = firstChildElement(ek, ns::kXenc, "EncryptionMethod");
    xmlNode* cdata = firstChildElement(ek, ns::kXenc, "CipherData");
    xmlNode* cval = firstChildElement(cdata, ns::kXenc, "CipherValue");
    xmlNode* rlist = firstChildElement(ek, ns::kXenc, "ReferenceList");
    if (method == nullptr || cval == nullptr || rlist == nullptr || childElements(cdata).size() != 1) {
      return util::fail(WssErrc::MalformedEncryption);
    }
    auto params = oaepParams(method);
    if (!params) return params.error();
    job.params = *params;
    if (recipient != nullptr && !namesRecipient(ek, *recipient)) return util::fail(WssErrc::RecipientMismatch);
    if (!base64Decode(textContent(cval), job.wrapped)) return util::fail(WssErrc::MalformedEncryption);

    for (xmlNode* dr : childElements(rlist)) {
      std::string uri, alg;
      if (!isElement(dr, ns::kXenc, "DataReference") || !getAttr(dr, "URI", nullptr, uri) || uri.size() < 2 ||
          uri[0] != '#') {
        return util::fail(WssErrc::MalformedEncryption);
      }
      auto it = ids->by_value.find(uri.substr(1));
      if (it == ids->by_value.end() || !isElement(it->second, ns::kXenc, "EncryptedData")) {
        return util::fail(WssErrc::MalformedEncryption);
      }
      xmlNode* ed = it->second;
      const bool in_header = isEncryptedHeader(ed->parent, header);
      if ((ed->parent != env.body() && !in_header) || !claimed.insert(ed).second) {
        return util::fail(WssErrc::MalformedEncryption);
      }
      std::string type;
      getAttr(ed, "Type", nullptr, type);
      if (in_header && type != kTypeElement) return util::fail(WssErrc::MalformedEncryptedHeader);
      if (type != kTypeContent && type != kTypeElement) return util::fail(WssErrc::MalformedEncryption);
      xmlNode* em = firstChildElement(ed, ns::kXenc, "EncryptionMethod");
      xmlNode* cd = firstChildElement(ed, ns::kXenc, "CipherData");
      auto cdk = childElements(cd);
      if (em == nullptr || cdk.size() != 1 || !isElement(cdk[0], ns::kXenc, "CipherValue")) {
        return util::fail(WssErrc::MalformedEncryption);  // CipherReference (external fetch) refused
      }
      getAttr(em, "Algorithm", nullptr, alg);
      DataAlg da{};
      if (!dataAlg(alg, da) || (!da.gcm && !policy.allow_cbc)) return util::fail(WssErrc::DataEncryptionNotAllowed);
      job.targets.emplace_back(ed, da);
    }
    if (job.targets.empty()) return util::fail(WssErrc::MalformedEncryption);
    jobs.push_back(std::move(job));
  }

  // Phase 2: unwrap each session key and decrypt its EncryptedData (Body content or header element).
  std::vector<std::string> done;
  for (KeyJob& job : jobs) {
    std::string session;
    const bool unwrapped = rsaOaep(key.get(), job.params, false, job.wrapped, session);
    // Same path whether OAEP failed or the key has the wrong size: continue with a random key so
    // the failure surfaces only as the generic DecryptionFailed of the data step (no oracle).
    if (!unwrapped || session.size() != job.targets.front().second.key_len) {
      session.assign(job.targets.front().second.key_len, '\0');
      RAND_bytes(reinterpret_cast<unsigned char*>(session.data()), static_cast<int>(session.size()));
    }
    for (auto& [ed, da] : job.targets) {
      if (session.size() != da.key_len) return util::fail(WssErrc::DecryptionFailed);
      std::unique_ptr<xmlSecEncCtx, EncCtxDeleter> ctx(xmlSecEncCtxCreate(nullptr));
      if (!ctx) return util::fail(WssErrc::CryptoFailure);
      ctx->encKey = detail::xmlsecAesKey(session);
      if (ctx->encKey == nullptr) return util::fail(WssErrc::CryptoFailure);
      ctx->transformCtx.enabledUris = xmlSecTransformUriTypeNone;
      std::string id;
      getAttr(ed, "Id", nullptr, id);
      xmlNode* wrapper = isEncryptedHeader(ed->parent, header) ? ed->parent : nullptr;
      if (xmlSecEncCtxDecrypt(ctx.get(), ed) < 0 || ctx->result == nullptr) return util::fail(WssErrc::DecryptionFailed);
      if (wrapper != nullptr) {
        if (auto u = unwrapEncryptedHeader(wrapper); !u) return u.error();
      }
      done.push_back(id);
    }
    OPENSSL_cleanse(session.data(), session.size());
    xmlUnlinkNode(job.ek);
    xmlFreeNode(job.ek);
  }
  return done;
}

namespace {

using EncTemplateOk = util::Result<std::string>;

// Encrypts `node` (its content for Body, the whole element for a header block) under `session`
// with an xmlsec template; returns the EncryptedData Id. xmlsec puts the EncryptedData in place.
EncTemplateOk encryptNode(xmlDoc* doc, xmlNode* node, bool element, bool gcm256, const std::string& session) {
  const std::string ed_id = "ED-" + uniqueIdSuffix();
  xmlNode* tmpl = xmlSecTmplEncDataCreate(doc, gcm256 ? xmlSecTransformAes256GcmId : xmlSecTransformAes128GcmId,
                                          BAD_CAST ed_id.c_str(), element ? xmlSecTypeEncElement : xmlSecTypeEncContent,
                                          nullptr, nullptr);
  if (tmpl == nullptr) return util::fail(WssErrc::CryptoFailure);
  if (xmlSecTmplEncDataEnsureCipherValue(tmpl) == nullptr) {
    xmlFreeNode(tmpl);
    return util::fail(WssErrc::CryptoFailure);
  }
  std::unique_ptr<xmlSecEncCtx, EncCtxDeleter> ctx(xmlSecEncCtxCreate(nullptr));
  if (!ctx) {
    xmlFreeNode(tmpl);
    return util::fail(WssErrc::CryptoFailure);
  }
  ctx->encKey = detail::xmlsecAesKey(session);
  if (ctx->encKey == nullptr || xmlSecEncCtxXmlEncrypt(ctx.get(), tmpl, node) < 0) {
    if (tmpl->parent == nullptr) xmlFreeNode(tmpl);
    return util::fail(WssErrc::CryptoFailure);
  }
  return ed_id;
}

// Replaces the EncryptedData `ed` (which took the place of header block `h`) by
// <wsse11:EncryptedHeader wsu:Id> wrapping it, with the block's SOAP attributes (WSS 1.1 §9.3).
void wrapEncryptedHeader(xmlDoc* doc, xmlNode* ed, const std::vector<std::pair<std::string, std::string>>& soap_attrs) {
  xmlNode* eh = xmlNewDocNode(doc, nullptr, BAD_CAST "EncryptedHeader", nullptr);
  xmlAddPrevSibling(ed, eh);
  xmlUnlinkNode(ed);
  xmlAddChild(eh, ed);
  xmlSetNs(eh, xmlNewNs(eh, BAD_CAST ns::kWsse11, BAD_CAST "wsse11"));
  detail::ensureWsuId(eh, "EH");
  if (!soap_attrs.empty()) {
    xmlNs* soap = detail::ensureNs(eh, ns::kSoap12, "soap");
    for (const auto& [name, value] : soap_attrs) xmlSetNsProp(eh, soap, BAD_CAST name.c_str(), BAD_CAST value.c_str());
  }
}

}  // namespace

util::Result<void> encryptEnvelope(Envelope& env, const Certificate& recipient, const EncryptOptions& options) {
  if (!ensureXmlsecInitialized()) return util::fail(WssErrc::CryptoFailure);
  if (recipient.keyType() != KeyType::Rsa || recipient.keyBits() < 2048) return util::fail(WssErrc::WeakKey);
  xmlNode* body = env.body();
  if (options.encrypt_body && childElements(body).empty()) return util::fail(WssErrc::InvalidArgument);
  std::vector<xmlNode*> blocks;
  if (xmlNode* header = env.header(); header != nullptr) {
    for (xmlNode* h : childElements(header)) {
      if (isElement(h, ns::kWsse, "Security") || isElement(h, ns::kWsse11, "EncryptedHeader")) continue;
      for (const QName& q : options.encrypt_headers) {
        if (isElement(h, q.ns_uri.c_str(), q.local.c_str())) {
          blocks.push_back(h);
          break;
        }
      }
    }
  }
  if (!options.encrypt_body && blocks.empty()) return util::fail(WssErrc::InvalidArgument);
  const bool tp = options.recipient_ref == RecipientRef::Thumbprint;
  const std::string key_id_raw = options.recipient_ref == RecipientRef::IssuerSerial ? std::string()
                                 : tp ? recipient.sha1Thumbprint() : recipient.subjectKeyIdentifier();
  if (options.recipient_ref != RecipientRef::IssuerSerial && key_id_raw.empty()) {
    return util::fail(WssErrc::InvalidArgument);
  }
  auto secs = detail::securityHeaders(env.ensureHeader());
  if (secs.size() > 1) return util::fail(WssErrc::MultipleSecurityHeaders);

  const bool gcm256 = options.data == DataAlgorithm::Aes256Gcm;
  std::string session(gcm256 ? 32 : 16, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(session.data()), static_cast<int>(session.size())) != 1) {
    return util::fail(WssErrc::CryptoFailure);
  }
  std::vector<std::string> ed_ids;
  auto fail_clean = [&](const std::error_code& e) {
    OPENSSL_cleanse(session.data(), session.size());
    return util::Result<void>(e);
  };
  if (options.encrypt_body) {
    auto id = encryptNode(env.doc(), body, false, gcm256, session);
    if (!id) return fail_clean(id.error());
    ed_ids.push_back(*id);
  }
  for (xmlNode* h : blocks) {
    std::vector<std::pair<std::string, std::string>> soap_attrs;
    for (const char* name : {"mustUnderstand", "role", "relay"}) {
      std::string v;
      if (getAttr(h, name, ns::kSoap12, v)) soap_attrs.emplace_back(name, v);
    }
    detail::declareInScopeNamespaces(h);  // the ciphertext must be a namespace-complete element
    xmlNode* prev = h->prev;
    xmlNode* parent = h->parent;
    auto id = encryptNode(env.doc(), h, true, gcm256, session);
    if (!id) return fail_clean(id.error());
    xmlNode* ed = prev != nullptr ? prev->next : parent->children;  // xmlsec replaced h in place
    if (!isElement(ed, ns::kXenc, "EncryptedData")) return fail_clean(make_error_code(WssErrc::CryptoFailure));
    wrapEncryptedHeader(env.doc(), ed, soap_attrs);
    ed_ids.push_back(*id);
  }
  OaepParams p{options.key_transport == KeyTransport::RsaOaepMgf1pSha256 ? EVP_sha256() : EVP_sha1(), EVP_sha1(), {}};
  std::string wrapped;
  const bool ok = rsaOaep(recipient.publicKey(), p, true, session, wrapped);
  OPENSSL_cleanse(session.data(), session.size());
  if (!ok) return util::fail(WssErrc::CryptoFailure);

  xmlNode* sec = secs.empty() ? detail::createSecurityHeader(env) : secs.front();
  xmlNode* ek = xmlNewDocNode(env.doc(), nullptr, BAD_CAST "EncryptedKey", nullptr);
  if (xmlNode* sig = firstChildElement(sec, ns::kDs, "Signature")) {
    xmlAddPrevSibling(sig, ek);  // sign-then-encrypt: the receiver decrypts first
  } else {
    xmlAddChild(sec, ek);
  }
  xmlNs* xenc = xmlNewNs(ek, BAD_CAST ns::kXenc, BAD_CAST "xenc");
  xmlNs* ds = xmlNewNs(ek, BAD_CAST ns::kDs, BAD_CAST "ds");
  xmlNs* wsse = detail::ensureNs(sec, ns::kWsse, "wsse");
  xmlSetNs(ek, xenc);
  const std::string ek_id = "EK-" + uniqueIdSuffix();
  xmlSetProp(ek, BAD_CAST "Id", BAD_CAST ek_id.c_str());
  xmlNode* em = xmlNewChild(ek, xenc, BAD_CAST "EncryptionMethod", nullptr);
  xmlSetProp(em, BAD_CAST "Algorithm", BAD_CAST kRsaOaepMgf1p);
  xmlNode* dm = xmlNewChild(em, ds, BAD_CAST "DigestMethod", nullptr);
  xmlSetProp(dm, BAD_CAST "Algorithm", BAD_CAST(options.key_transport == KeyTransport::RsaOaepMgf1pSha256 ? kSha256 : kSha1));
  xmlNode* ki = xmlNewChild(ek, ds, BAD_CAST "KeyInfo", nullptr);
  xmlNode* str = xmlNewChild(ki, wsse, BAD_CAST "SecurityTokenReference", nullptr);
  if (options.recipient_ref == RecipientRef::IssuerSerial) {
    xmlNode* xd = xmlNewChild(str, ds, BAD_CAST "X509Data", nullptr);
    xmlNode* is = xmlNewChild(xd, ds, BAD_CAST "X509IssuerSerial", nullptr);
    xmlNewTextChild(is, ds, BAD_CAST "X509IssuerName", BAD_CAST recipient.issuer().c_str());
    xmlNewTextChild(is, ds, BAD_CAST "X509SerialNumber", BAD_CAST recipient.serialDecimal().c_str());
  } else {
    xmlNode* kid = xmlNewTextChild(str, wsse, BAD_CAST "KeyIdentifier", BAD_CAST base64Encode(key_id_raw).c_str());
    xmlSetProp(kid, BAD_CAST "EncodingType", BAD_CAST ns::kBase64Binary);
    xmlSetProp(kid, BAD_CAST "ValueType", BAD_CAST(tp ? ns::kThumbprintSha1 : ns::kSki));
  }
  xmlNode* cd = xmlNewChild(ek, xenc, BAD_CAST "CipherData", nullptr);
  xmlNewTextChild(cd, xenc, BAD_CAST "CipherValue", BAD_CAST base64Encode(wrapped).c_str());
  xmlNode* rl = xmlNewChild(ek, xenc, BAD_CAST "ReferenceList", nullptr);
  for (const std::string& id : ed_ids) {
    xmlNode* dr = xmlNewChild(rl, xenc, BAD_CAST "DataReference", nullptr);
    const std::string uri = "#" + id;
    xmlSetProp(dr, BAD_CAST "URI", BAD_CAST uri.c_str());
  }
  return {};
}

util::Result<void> encryptBody(Envelope& env, const Certificate& recipient, const EncryptOptions& options) {
  EncryptOptions o = options;
  o.encrypt_body = true;
  return encryptEnvelope(env, recipient, o);
}

}  // namespace insip::wssec
