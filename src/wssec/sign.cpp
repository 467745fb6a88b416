// SPDX-License-Identifier: Apache-2.0
#include <openssl/rand.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>

#include "wssec/datetime.hpp"
#include "wssec/errors.hpp"
#include "wssec/wss.hpp"
#include "wssec/wss_internal.hpp"
#include "wssec/xml.hpp"

namespace insip::wssec {

std::string_view algorithmUri(SignatureAlgorithm a) noexcept {
  switch (a) {
    case SignatureAlgorithm::RsaSha256: return "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    case SignatureAlgorithm::EcdsaP256Sha256: return "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    case SignatureAlgorithm::HmacSha256: return "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
  }
  return "";
}

namespace {

struct DSigCtxDeleter {
  void operator()(xmlSecDSigCtx* c) const noexcept { xmlSecDSigCtxDestroy(c); }
};

// Inserts `n` into Security before the first xenc:EncryptedKey (encrypt-then-sign order), else last.
void insertBeforeEncryptedKey(xmlNode* security, xmlNode* n) {
  if (xmlNode* ek = firstChildElement(security, ns::kXenc, "EncryptedKey")) {
    xmlAddPrevSibling(ek, n);
  } else {
    xmlAddChild(security, n);
  }
}

util::Result<void> signImpl(Envelope& env, SignatureAlgorithm alg, xmlSecKeyPtr key, const Certificate* cert,
                            const util::Clock& clock, const SignOptions& options) {
  if (key == nullptr) return util::fail(WssErrc::KeyLoadFailed);
  std::unique_ptr<xmlSecDSigCtx, DSigCtxDeleter> ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) {
    xmlSecKeyDestroy(key);
    return util::fail(WssErrc::CryptoFailure);
  }
  ctx->signKey = key;  // owned by ctx from here
  if (options.ttl.count() <= 0) return util::fail(WssErrc::InvalidArgument);

  xmlNode* header = env.ensureHeader();
  auto secs = detail::securityHeaders(header);
  if (secs.size() > 1) return util::fail(WssErrc::MultipleSecurityHeaders);
  xmlNode* sec = secs.empty() ? detail::createSecurityHeader(env) : secs.front();
  if (firstChildElement(sec, ns::kDs, "Signature") != nullptr) return util::fail(WssErrc::MultipleSignatures);
  xmlNs* wsse = detail::ensureNs(sec, ns::kWsse, "wsse");
  xmlNs* wsu = detail::ensureNs(sec, ns::kWsu, "wsu");

  // Timestamp (reuse an unsigned one only if it is there already: encrypt-then-sign flows).
  xmlNode* ts = firstChildElement(sec, ns::kWsu, "Timestamp");
  if (ts == nullptr) {
    const auto now = clock.systemNow();
    ts = xmlNewDocNode(env.doc(), wsu, BAD_CAST "Timestamp", nullptr);
    if (sec->children != nullptr) {
      xmlAddPrevSibling(sec->children, ts);
    } else {
      xmlAddChild(sec, ts);
    }
    xmlNewTextChild(ts, wsu, BAD_CAST "Created", BAD_CAST formatXsdDateTime(now).c_str());
    xmlNewTextChild(ts, wsu, BAD_CAST "Expires", BAD_CAST formatXsdDateTime(now + options.ttl).c_str());
  }
  const std::string ts_id = detail::ensureWsuId(ts, "TS");

  // Nonce (replay detection): reuse the one already there (it must be signed), else add a fresh one.
  xmlNode* nonce = nullptr;
  for (xmlNode* c : childElements(sec)) {
    if (!isElement(c, ns::kWsse, "Nonce")) continue;
    if (nonce != nullptr) return util::fail(WssErrc::MultipleNonces);
    nonce = c;
  }
  if (nonce == nullptr && options.nonce) {
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1) return util::fail(WssErrc::CryptoFailure);
    const std::string b64 = base64Encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
    nonce = xmlNewDocNode(env.doc(), wsse, BAD_CAST "Nonce", BAD_CAST b64.c_str());
    xmlSetProp(nonce, BAD_CAST "EncodingType", BAD_CAST ns::kBase64Binary);
    xmlAddNextSibling(ts, nonce);
  }
  const std::string body_id = detail::ensureWsuId(env.body(), "Body");
  std::vector<std::string> ids{body_id, ts_id};
  if (nonce != nullptr) ids.push_back(detail::ensureWsuId(nonce, "NONCE"));
  for (const QName& q : options.sign_headers) {
    for (xmlNode* h : childElements(header)) {
      if (h != sec && isElement(h, q.ns_uri.c_str(), q.local.c_str())) ids.push_back(detail::ensureWsuId(h, "H"));
    }
  }

  std::string bst_id;
  if (cert != nullptr) {
    bst_id = "X509-" + uniqueIdSuffix();
    const std::string b64 = base64Encode(cert->der());
    xmlNode* bst = xmlNewDocNode(env.doc(), wsse, BAD_CAST "BinarySecurityToken", BAD_CAST b64.c_str());
    xmlSetProp(bst, BAD_CAST "EncodingType", BAD_CAST ns::kBase64Binary);
    xmlSetProp(bst, BAD_CAST "ValueType", BAD_CAST ns::kX509v3);
    xmlSetNsProp(bst, wsu, BAD_CAST "Id", BAD_CAST bst_id.c_str());
    insertBeforeEncryptedKey(sec, bst);
  }

  xmlSecTransformId sig_id = alg == SignatureAlgorithm::RsaSha256         ? xmlSecTransformRsaSha256Id
                             : alg == SignatureAlgorithm::EcdsaP256Sha256 ? xmlSecTransformEcdsaSha256Id
                                                                          : xmlSecTransformHmacSha256Id;
  const std::string sig_xml_id = "SIG-" + uniqueIdSuffix();
  xmlNode* sig = xmlSecTmplSignatureCreateNsPref(env.doc(), xmlSecTransformExclC14NId, sig_id,
                                                 BAD_CAST sig_xml_id.c_str(), BAD_CAST "ds");
  if (sig == nullptr) return util::fail(WssErrc::CryptoFailure);
  insertBeforeEncryptedKey(sec, sig);
  for (const auto& id : ids) {
    const std::string uri = "#" + id;
    xmlNode* ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr, BAD_CAST uri.c_str(), nullptr);
    if (ref == nullptr || xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == nullptr) {
      return util::fail(WssErrc::CryptoFailure);
    }
  }
  if (cert != nullptr) {
    xmlNode* ki = xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr);
    if (ki == nullptr) return util::fail(WssErrc::CryptoFailure);
    xmlNode* str = xmlNewChild(ki, wsse, BAD_CAST "SecurityTokenReference", nullptr);
    xmlNode* r = xmlNewChild(str, wsse, BAD_CAST "Reference", nullptr);
    const std::string uri = "#" + bst_id;
    xmlSetProp(r, BAD_CAST "URI", BAD_CAST uri.c_str());
    xmlSetProp(r, BAD_CAST "ValueType", BAD_CAST ns::kX509v3);
  }
  std::string detail_unused;
  auto idx = detail::indexIds(env.doc(), 1u << 20, &detail_unused);
  if (!idx) return idx.error();  // a duplicate id in the caller's document: refuse to sign
  for (auto& [value, node] : idx->by_value) detail::registerId(node);

  if (xmlSecDSigCtxSign(ctx.get(), sig) < 0 || ctx->status != xmlSecDSigStatusSucceeded) {
    return util::fail(WssErrc::CryptoFailure);
  }
  return {};
}

}  // namespace

util::Result<void> signEnvelope(Envelope& env, const PrivateKey& key, const Certificate& cert,
                                const util::Clock& clock, const SignOptions& options) {
  if (!ensureXmlsecInitialized()) return util::fail(WssErrc::CryptoFailure);
  SignatureAlgorithm alg;
  switch (key.keyType()) {
    case KeyType::Rsa:
      if (EVP_PKEY_get_bits(key.get()) < 2048) return util::fail(WssErrc::WeakKey);
      alg = SignatureAlgorithm::RsaSha256;
      break;
    case KeyType::EcP256:
      alg = SignatureAlgorithm::EcdsaP256Sha256;
      break;
    default:
      return util::fail(WssErrc::KeyAlgorithmMismatch);
  }
  if (EVP_PKEY_eq(key.get(), cert.publicKey()) != 1) return util::fail(WssErrc::KeyAlgorithmMismatch);
  return signImpl(env, alg, detail::xmlsecKeyFromEvp(key.get()), &cert, clock, options);
}

util::Result<void> signEnvelopeHmac(Envelope& env, std::string_view shared_key, const util::Clock& clock,
                                    const SignOptions& options) {
  if (!ensureXmlsecInitialized()) return util::fail(WssErrc::CryptoFailure);
  if (shared_key.size() < 32) return util::fail(WssErrc::WeakKey);
  return signImpl(env, SignatureAlgorithm::HmacSha256, detail::xmlsecHmacKey(shared_key), nullptr, clock, options);
}

}  // namespace insip::wssec
