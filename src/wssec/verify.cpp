// SPDX-License-Identifier: Apache-2.0
#include <xmlsec/crypto.h>
#include <xmlsec/list.h>
#include <xmlsec/xmldsig.h>

#include <cstring>

#include "wssec/datetime.hpp"
#include "wssec/errors.hpp"
#include "wssec/wss.hpp"
#include "wssec/wss_internal.hpp"
#include "wssec/xml.hpp"

namespace insip::wssec {
namespace {

constexpr const char* kRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
constexpr const char* kEcdsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
constexpr const char* kHmacSha256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
constexpr const char* kSha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
constexpr const char* kSha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
constexpr const char* kSha512 = "http://www.w3.org/2001/04/xmlenc#sha512";

struct DSigCtxDeleter {
  void operator()(xmlSecDSigCtx* c) const noexcept { xmlSecDSigCtxDestroy(c); }
};

util::Result<void> failWith(WssErrc e, std::string* detail, std::string text) {
  if (detail != nullptr && !text.empty()) *detail = std::move(text);
  return util::fail(e);
}

std::vector<xmlNode*> findAll(xmlDoc* doc, const char* ns_uri, const char* local) {
  return detail::findElements(doc, ns_uri, local);
}

// Algorithm child check: only an optional ec:InclusiveNamespaces is allowed under exc-c14n.
bool onlyInclusiveNamespaces(xmlNode* n) {
  for (xmlNode* c : childElements(n)) {
    if (!isElement(c, ns::kExcC14n, "InclusiveNamespaces")) return false;
  }
  return true;
}

struct SignedInfoCheck {
  SignatureAlgorithm alg{};
  struct Ref {
    std::string id;
    xmlNode* target = nullptr;
    std::string digest_value;
  };
  std::vector<Ref> refs;
};

util::Result<SignedInfoCheck> checkSignedInfo(xmlNode* sig, const VerifyPolicy& policy, const detail::IdIndex& ids,
                                              std::string* detail) {
  SignedInfoCheck out;
  auto kids = childElements(sig);
  // Signature = SignedInfo, SignatureValue, KeyInfo?  (no ds:Object: nothing else is covered)
  if (kids.size() < 2 || kids.size() > 3 || !isElement(kids[0], ns::kDs, "SignedInfo") ||
      !isElement(kids[1], ns::kDs, "SignatureValue") ||
      (kids.size() == 3 && !isElement(kids[2], ns::kDs, "KeyInfo"))) {
    failWith(WssErrc::MalformedSignature, detail, "ds:Signature must hold SignedInfo, SignatureValue, KeyInfo only");
    return util::fail(WssErrc::MalformedSignature);
  }
  auto si = childElements(kids[0]);
  if (si.size() < 3 || !isElement(si[0], ns::kDs, "CanonicalizationMethod") ||
      !isElement(si[1], ns::kDs, "SignatureMethod")) {
    return util::fail(WssErrc::MalformedSignature);
  }
  std::string alg;
  getAttr(si[0], "Algorithm", nullptr, alg);
  if (alg != ns::kExcC14n || !onlyInclusiveNamespaces(si[0])) {
    if (detail) *detail = "CanonicalizationMethod " + alg;
    return util::fail(WssErrc::AlgorithmNotAllowed);
  }
  getAttr(si[1], "Algorithm", nullptr, alg);
  for (xmlNode* c : childElements(si[1])) {
    if (isElement(c, ns::kDs, "HMACOutputLength")) return util::fail(WssErrc::HmacTruncation);
    return util::fail(WssErrc::MalformedSignature);
  }
  if (alg == kRsaSha256 && policy.allow_rsa) {
    out.alg = SignatureAlgorithm::RsaSha256;
  } else if (alg == kEcdsaSha256 && policy.allow_ecdsa) {
    out.alg = SignatureAlgorithm::EcdsaP256Sha256;
  } else if (alg == kHmacSha256 && policy.hmac_key.has_value()) {
    out.alg = SignatureAlgorithm::HmacSha256;
  } else {
    if (detail) *detail = "SignatureMethod " + alg;
    return util::fail(WssErrc::AlgorithmNotAllowed);
  }
  for (std::size_t i = 2; i < si.size(); ++i) {
    xmlNode* ref = si[i];
    if (!isElement(ref, ns::kDs, "Reference")) return util::fail(WssErrc::MalformedSignature);
    std::string uri;
    if (!getAttr(ref, "URI", nullptr, uri) || uri.size() < 2 || uri[0] != '#') {
      if (detail) *detail = "Reference URI '" + uri + "' is not a same-document #id";
      return util::fail(WssErrc::ReferenceNotAllowed);
    }
    auto rk = childElements(ref);
    if (rk.size() != 3 || !isElement(rk[0], ns::kDs, "Transforms") || !isElement(rk[1], ns::kDs, "DigestMethod") ||
        !isElement(rk[2], ns::kDs, "DigestValue")) {
      return util::fail(WssErrc::MalformedSignature);
    }
    auto tr = childElements(rk[0]);
    std::string talg;
    if (tr.size() != 1 || !isElement(tr[0], ns::kDs, "Transform") || !getAttr(tr[0], "Algorithm", nullptr, talg) ||
        talg != ns::kExcC14n || !onlyInclusiveNamespaces(tr[0])) {
      if (detail) *detail = "Reference transforms must be exactly exc-c14n";
      return util::fail(WssErrc::AlgorithmNotAllowed);
    }
    std::string dalg;
    getAttr(rk[1], "Algorithm", nullptr, dalg);
    if (dalg != kSha256 && dalg != kSha384 && dalg != kSha512) {
      if (detail) *detail = "DigestMethod " + dalg;
      return util::fail(WssErrc::AlgorithmNotAllowed);
    }
    SignedInfoCheck::Ref r;
    r.id = uri.substr(1);
    auto it = ids.by_value.find(r.id);
    if (it == ids.by_value.end()) {
      if (detail) *detail = "no element with id '" + r.id + "'";
      return util::fail(WssErrc::UnresolvedReference);
    }
    r.target = it->second;
    r.digest_value = textContent(rk[2]);
    out.refs.push_back(std::move(r));
  }
  return out;
}

// Resolves the signing certificate from KeyInfo: STR -> BST in this Security header (by
// wsse:Reference, ThumbprintSHA1/SKI KeyIdentifier or X509IssuerSerial), or X509Data/X509Certificate.
util::Result<Certificate> resolveSigner(xmlNode* sig, xmlNode* security, const detail::IdIndex& ids,
                                        std::string* detail) {
  xmlNode* ki = firstChildElement(sig, ns::kDs, "KeyInfo");
  auto kc = childElements(ki);
  if (kc.size() != 1) {
    if (detail) *detail = "KeyInfo must hold exactly one SecurityTokenReference or X509Data";
    return util::fail(ki == nullptr ? WssErrc::NoSecurityToken : WssErrc::KeySourceNotAllowed);
  }
  auto bsts = [&] {
    std::vector<Certificate> out;
    for (xmlNode* c : childElements(security)) {
      if (!isElement(c, ns::kWsse, "BinarySecurityToken")) continue;
      std::string vt, der;
      getAttr(c, "ValueType", nullptr, vt);
      if (vt != ns::kX509v3 || !base64Decode(textContent(c), der)) continue;
      if (auto cert = Certificate::fromDer(der)) out.push_back(*cert);
    }
    return out;
  };
  auto fromX509Data = [&](xmlNode* xd, bool allow_inline) -> util::Result<Certificate> {
    auto xk = childElements(xd);
    if (xk.size() != 1) return util::fail(WssErrc::KeySourceNotAllowed);
    if (allow_inline && isElement(xk[0], ns::kDs, "X509Certificate")) {
      std::string der;
      if (!base64Decode(textContent(xk[0]), der)) return util::fail(WssErrc::MalformedToken);
      return Certificate::fromDer(der);
    }
    if (isElement(xk[0], ns::kDs, "X509IssuerSerial")) {
      std::string serial = textContent(firstChildElement(xk[0], ns::kDs, "X509SerialNumber"));
      for (auto& c : bsts()) {
        if (c.serialDecimal() == serial) return c;
      }
      return util::fail(WssErrc::NoSecurityToken);
    }
    return util::fail(WssErrc::KeySourceNotAllowed);
  };
  xmlNode* k = kc[0];
  if (isElement(k, ns::kDs, "X509Data")) return fromX509Data(k, true);
  if (!isElement(k, ns::kWsse, "SecurityTokenReference")) {
    if (detail) *detail = std::string("KeyInfo child ") + reinterpret_cast<const char*>(k->name) + " refused";
    return util::fail(WssErrc::KeySourceNotAllowed);
  }
  auto sc = childElements(k);
  if (sc.size() != 1) return util::fail(WssErrc::MalformedToken);
  xmlNode* s = sc[0];
  if (isElement(s, ns::kWsse, "Reference")) {
    std::string uri, vt;
    if (!getAttr(s, "URI", nullptr, uri) || uri.size() < 2 || uri[0] != '#') return util::fail(WssErrc::NoSecurityToken);
    auto it = ids.by_value.find(uri.substr(1));
    if (it == ids.by_value.end()) return util::fail(WssErrc::NoSecurityToken);
    xmlNode* bst = it->second;
    if (!isElement(bst, ns::kWsse, "BinarySecurityToken") || bst->parent != security) {
      if (detail) *detail = "STR must point to a BinarySecurityToken in this Security header";
      return util::fail(WssErrc::NoSecurityToken);
    }
    std::string bvt, enc, der;
    getAttr(bst, "ValueType", nullptr, bvt);
    if (bvt != ns::kX509v3) return util::fail(WssErrc::MalformedToken);
    if (getAttr(bst, "EncodingType", nullptr, enc) && enc != ns::kBase64Binary) return util::fail(WssErrc::MalformedToken);
    if (!base64Decode(textContent(bst), der)) return util::fail(WssErrc::MalformedToken);
    return Certificate::fromDer(der);
  }
  if (isElement(s, ns::kWsse, "KeyIdentifier")) {
    std::string vt, raw;
    getAttr(s, "ValueType", nullptr, vt);
    if (!base64Decode(textContent(s), raw)) return util::fail(WssErrc::MalformedToken);
    for (auto& c : bsts()) {
      if ((vt == ns::kThumbprintSha1 && c.sha1Thumbprint() == raw) ||
          (vt == ns::kSki && !raw.empty() && c.subjectKeyIdentifier() == raw)) {
        return c;
      }
    }
    return util::fail(WssErrc::NoSecurityToken);
  }
  if (isElement(s, ns::kDs, "X509Data")) return fromX509Data(s, false);
  return util::fail(WssErrc::KeySourceNotAllowed);
}

util::Result<void> checkTimestamp(xmlNode* ts, const VerifyPolicy& policy, util::SystemTime now,
                                  util::SystemTime& created, util::SystemTime& expires, std::string* detail) {
  auto kids = childElements(ts);
  if (kids.size() != 2 || !isElement(kids[0], ns::kWsu, "Created") || !isElement(kids[1], ns::kWsu, "Expires")) {
    return util::fail(WssErrc::MalformedTimestamp);
  }
  auto c = parseXsdDateTime(textContent(kids[0]));
  auto e = parseXsdDateTime(textContent(kids[1]));
  if (!c || !e || *e <= *c) return util::fail(WssErrc::MalformedTimestamp);
  created = *c;
  expires = *e;
  if (*e - *c > policy.max_ttl) return util::fail(WssErrc::TimestampTooLong);
  if (*c > now + policy.max_skew) {
    if (detail) *detail = "Created " + formatXsdDateTime(*c) + " > now " + formatXsdDateTime(now);
    return util::fail(WssErrc::TimestampInFuture);
  }
  if (*e + policy.max_skew < now) {
    if (detail) *detail = "Expires " + formatXsdDateTime(*e) + " < now " + formatXsdDateTime(now);
    return util::fail(WssErrc::TimestampExpired);
  }
  return {};
}

struct SignatureOutcome {
  SignatureAlgorithm alg{};
  SignerIdentity signer;
  std::vector<std::string> signed_ids;
  std::vector<QName> signed_headers;
  std::string replay_key;
  std::string nonce_id;
};

// The single wsse:Nonce child of the Security header (nullptr if none) and its decoded value.
// Username Token Profile 1.1 §3.1: EncodingType defaults to Base64Binary, the only one accepted.
util::Result<xmlNode*> findNonce(xmlNode* security, std::string& value) {
  xmlNode* nonce = nullptr;
  for (xmlNode* c : childElements(security)) {
    if (!isElement(c, ns::kWsse, "Nonce")) continue;
    if (nonce != nullptr) return util::fail(WssErrc::MultipleNonces);
    nonce = c;
  }
  if (nonce == nullptr) return nonce;
  std::string enc;
  if (getAttr(nonce, "EncodingType", nullptr, enc) && enc != ns::kBase64Binary) return util::fail(WssErrc::MalformedNonce);
  if (!childElements(nonce).empty() || !base64Decode(textContent(nonce), value) || value.empty()) {
    return util::fail(WssErrc::MalformedNonce);
  }
  return nonce;
}

// Full policy + cryptographic check of the single ds:Signature in `security`.
util::Result<SignatureOutcome> verifySignature(Envelope& env, xmlNode* security, xmlNode* ts, xmlNode* nonce,
                                               const detail::IdIndex& ids, const VerifyPolicy& policy,
                                               const TrustStore& trust, util::SystemTime now, std::string* detail) {
  auto sigs = findAll(env.doc(), ns::kDs, "Signature");
  if (sigs.empty()) return util::fail(WssErrc::NoSignature);
  if (sigs.size() > 1) return util::fail(WssErrc::MultipleSignatures);
  xmlNode* sig = sigs.front();
  if (sig->parent != security) return util::fail(WssErrc::SignatureMisplaced);

  auto si = checkSignedInfo(sig, policy, ids, detail);
  if (!si) return si.error();

  SignatureOutcome out;
  out.alg = si->alg;
  xmlNode* header = env.header();
  bool body_signed = false, ts_signed = false, nonce_signed = false;
  std::string replay_material = std::string(algorithmUri(si->alg));
  for (const auto& r : si->refs) {
    replay_material += "|" + r.id + "=" + r.digest_value;
    if (r.target == env.body()) {
      body_signed = true;
    } else if (r.target == ts) {
      ts_signed = true;
    } else if (nonce != nullptr && r.target == nonce) {
      nonce_signed = true;
      out.nonce_id = r.id;
    } else if (r.target->parent == header && r.target != security) {
      out.signed_headers.push_back(QName{r.target->ns ? reinterpret_cast<const char*>(r.target->ns->href) : "",
                                         reinterpret_cast<const char*>(r.target->name)});
    } else if (r.target->parent == security && isElement(r.target, ns::kWsse, "BinarySecurityToken")) {
      // signing the token itself is allowed (WSS 1.1 §8.3), it proves nothing extra
    } else {
      if (detail) *detail = "reference #" + r.id + " targets <" + reinterpret_cast<const char*>(r.target->name) + ">";
      return util::fail(WssErrc::ReferenceNotAllowed);
    }
    out.signed_ids.push_back(r.id);
  }
  if (!body_signed) return util::fail(WssErrc::BodyNotSigned);
  if (!ts_signed) return util::fail(WssErrc::TimestampNotSigned);
  if (nonce != nullptr && !nonce_signed) return util::fail(WssErrc::NonceNotSigned);

  xmlSecKeyPtr key = nullptr;
  if (si->alg == SignatureAlgorithm::HmacSha256) {
    key = detail::xmlsecHmacKey(*policy.hmac_key);
    out.signer.subject = "hmac:shared-key";
  } else {
    auto cert = resolveSigner(sig, security, ids, detail);
    if (!cert) return cert.error();
    const KeyType kt = cert->keyType();
    if (si->alg == SignatureAlgorithm::RsaSha256) {
      if (kt != KeyType::Rsa) return util::fail(WssErrc::KeyAlgorithmMismatch);
      if (cert->keyBits() < policy.min_rsa_bits) return util::fail(WssErrc::WeakKey);
    } else if (kt != KeyType::EcP256) {
      return util::fail(WssErrc::KeyAlgorithmMismatch);
    }
    if (auto t = trust.validate(*cert, now); !t) {
      if (detail) *detail = "signer " + cert->subject() + " issued by " + cert->issuer();
      return t.error();
    }
    out.signer = SignerIdentity{cert->subject(), cert->issuer(), cert->serialDecimal(), cert->sha256FingerprintHex()};
    key = detail::xmlsecKeyFromEvp(cert->publicKey());
  }
  if (key == nullptr) return util::fail(WssErrc::CryptoFailure);

  std::unique_ptr<xmlSecDSigCtx, DSigCtxDeleter> ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) {
    xmlSecKeyDestroy(key);
    return util::fail(WssErrc::CryptoFailure);
  }
  ctx->signKey = key;  // KeyInfo is never consulted when signKey is set
  ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
  ctx->keyInfoReadCtx.flags |= 0;
  xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformExclC14NId);
  xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha256Id);
  xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha384Id);
  xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha512Id);
  xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformExclC14NId);
  xmlSecDSigCtxEnableSignatureTransform(ctx.get(), si->alg == SignatureAlgorithm::RsaSha256 ? xmlSecTransformRsaSha256Id
                                                   : si->alg == SignatureAlgorithm::EcdsaP256Sha256
                                                       ? xmlSecTransformEcdsaSha256Id
                                                       : xmlSecTransformHmacSha256Id);
  for (auto& [value, node] : ids.by_value) detail::registerId(node);
  if (xmlSecDSigCtxVerify(ctx.get(), sig) < 0) {
    // Processing error: digest of an unresolvable/odd reference, bad base64, wrong sig length...
    for (xmlSecSize i = 0; i < xmlSecPtrListGetSize(&ctx->signedInfoReferences); ++i) {
      auto* rc = static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
      if (rc != nullptr && rc->status == xmlSecDSigStatusInvalid) return util::fail(WssErrc::DigestMismatch);
    }
    return util::fail(WssErrc::SignatureMismatch);
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    for (xmlSecSize i = 0; i < xmlSecPtrListGetSize(&ctx->signedInfoReferences); ++i) {
      auto* rc = static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
      if (rc != nullptr && rc->status != xmlSecDSigStatusSucceeded) {
        if (detail && rc->uri) *detail = std::string("digest mismatch for ") + reinterpret_cast<const char*>(rc->uri);
        return util::fail(WssErrc::DigestMismatch);
      }
    }
    return util::fail(WssErrc::SignatureMismatch);
  }
  // Replay key: the signed statement itself (algorithm + every reference digest, which includes
  // the Timestamp), so a re-encoded or (ECDSA-)malleated SignatureValue is still the same message.
  out.replay_key = "wss-si:" + detail::sha256(replay_material);
  return out;
}

}  // namespace

Verifier::Verifier(TrustStore trust, VerifyPolicy policy, const util::Clock& clock, ReplayCache* replay)
    : trust_(std::move(trust)), policy_(std::move(policy)), clock_(clock), replay_(replay) {}

void Verifier::setDecryptionKey(PrivateKey key, std::optional<Certificate> cert) {
  decrypt_key_ = std::move(key);
  decrypt_cert_ = std::move(cert);
}

util::Result<VerifiedMessage> Verifier::verify(std::string_view message, std::string* detail) const {
  if (!ensureXmlsecInitialized()) return util::fail(WssErrc::CryptoFailure);
  const util::SystemTime now = clock_.systemNow();
  auto env = Envelope::parse(message, policy_.limits);
  if (!env) return env.error();
  xmlNode* header = env->header();
  if (header == nullptr) return util::fail(WssErrc::NoSecurityHeader);
  auto secs = detail::securityHeaders(header);
  if (secs.empty()) return util::fail(WssErrc::NoSecurityHeader);
  if (secs.size() > 1) return util::fail(WssErrc::MultipleSecurityHeaders);
  xmlNode* security = secs.front();

  auto ids = detail::indexIds(env->doc(), policy_.limits.max_depth, detail);
  if (!ids) return ids.error();

  // Timestamp: exactly one, direct child of this Security header.
  xmlNode* ts = nullptr;
  for (xmlNode* c : childElements(security)) {
    if (!isElement(c, ns::kWsu, "Timestamp")) continue;
    if (ts != nullptr) return util::fail(WssErrc::MultipleTimestamps);
    ts = c;
  }
  if (ts == nullptr) return util::fail(WssErrc::NoTimestamp);
  util::SystemTime created{}, expires{};
  if (auto t = checkTimestamp(ts, policy_, now, created, expires, detail); !t) return t.error();
  std::string nonce_value;
  auto nonce = findNonce(security, nonce_value);
  if (!nonce) return nonce.error();

  // Processing order (WSS 1.1 §5): whichever of ds:Signature / xenc:EncryptedKey comes first.
  int sig_pos = -1, ek_pos = -1, pos = 0;
  for (xmlNode* c : childElements(security)) {
    if (sig_pos < 0 && isElement(c, ns::kDs, "Signature")) sig_pos = pos;
    if (ek_pos < 0 && isElement(c, ns::kXenc, "EncryptedKey")) ek_pos = pos;
    ++pos;
  }
  const bool encrypted = ek_pos >= 0 || !findAll(env->doc(), ns::kXenc, "EncryptedData").empty();
  if (encrypted && !decrypt_key_) return util::fail(WssErrc::DecryptionKeyMissing);

  util::Result<SignatureOutcome> sig = util::fail(WssErrc::NoSignature);
  if (encrypted && sig_pos >= 0 && (ek_pos < 0 || sig_pos < ek_pos)) {
    // encrypt-then-sign: verify over the ciphertext, then decrypt
    sig = verifySignature(*env, security, ts, *nonce, *ids, policy_, trust_, now, detail);
    if (!sig) return sig.error();
    auto d = decryptEnvelope(*env, *decrypt_key_, decrypt_cert_ ? &*decrypt_cert_ : nullptr, policy_.decrypt);
    if (!d) return d.error();
    auto ids2 = detail::indexIds(env->doc(), policy_.limits.max_depth, detail);
    if (!ids2) return ids2.error();
  } else {
    if (encrypted) {
      auto d = decryptEnvelope(*env, *decrypt_key_, decrypt_cert_ ? &*decrypt_cert_ : nullptr, policy_.decrypt);
      if (!d) return d.error();
      ids = detail::indexIds(env->doc(), policy_.limits.max_depth, detail);
      if (!ids) return ids.error();
    }
    sig = verifySignature(*env, security, ts, *nonce, *ids, policy_, trust_, now, detail);
    if (!sig) return sig.error();
  }
  if (!findAll(env->doc(), ns::kXenc, "EncryptedData").empty()) return util::fail(WssErrc::MalformedEncryption);
  if (!findAll(env->doc(), ns::kWsse11, "EncryptedHeader").empty()) return util::fail(WssErrc::MalformedEncryptedHeader);

  if (replay_ != nullptr) {
    if (auto r = replay_->checkAndRemember(sig->replay_key, expires + policy_.max_skew, now); !r) return r.error();
    if (*nonce != nullptr) {
      // Same Created + Nonce under a different signed statement is still the same message.
      const std::string material = "ts-nonce" + formatXsdDateTime(created) + nonce_value;
      if (auto r = replay_->checkAndRemember("wss-tn:" + detail::sha256(material), expires + policy_.max_skew, now);
          !r) {
        if (detail != nullptr) *detail = "Timestamp Created + Nonce seen before";
        return r.error();
      }
    }
  }

  VerifiedMessage out{std::move(*env), std::move(sig->signer), sig->alg, std::move(sig->signed_ids), {}, {},
                      std::move(sig->signed_headers), created, expires, encrypted, std::move(sig->nonce_id)};
  std::string v;
  if (getAttr(out.envelope.body(), "Id", ns::kWsu, v) || getAttr(out.envelope.body(), "Id", nullptr, v)) out.body_id = v;
  v.clear();
  if (getAttr(ts, "Id", ns::kWsu, v) || getAttr(ts, "Id", nullptr, v)) out.timestamp_id = v;
  return out;
}

}  // namespace insip::wssec
