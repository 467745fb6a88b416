// SPDX-License-Identifier: Apache-2.0
//
// wss.hpp — WS-Security 1.1 for SOAP 1.2 on libxml2 + xmlsec1 (OpenSSL): the public API.
//  * signEnvelope / signEnvelopeHmac — wsse:Security with wsu:Timestamp, an X.509 v3
//    BinarySecurityToken and a ds:Signature (exclusive C14N, SHA-256 digests, RSA-SHA256,
//    ECDSA-P256-SHA256 or HMAC-SHA256) over soap:Body, the Timestamp and named header blocks,
//    referenced by wsu:Id (WSS 1.1 SOAP Message Security §8, X.509 Token Profile 1.1 §3).
//    By default a signed wsse:Nonce (16 random bytes) is added for replay detection (WSS 1.1 §13).
//  * encryptEnvelope / encryptBody / decryptEnvelope — XML-Enc 1.1 Body content and named header
//    block encryption (AES-256-GCM) under one RSA-OAEP EncryptedKey with ReferenceList in
//    wsse:Security (WSS 1.1 §9); header blocks become wsse11:EncryptedHeader (WSS 1.1 §9.3).
//  * Verifier — strict policy verification that returns WHAT was verified (signer identity,
//    signed element ids), with signature-wrapping defences, algorithm allow-list, PKIX trust,
//    timestamp freshness and a replay cache (signed statement; Timestamp Created + Nonce).
//    Never throws on input; every rejection is a WssErrc.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/clock.hpp"
#include "util/result.hpp"
#include "wssec/envelope.hpp"
#include "wssec/keys.hpp"
#include "wssec/replay_cache.hpp"

namespace insip::wssec {

enum class SignatureAlgorithm { RsaSha256, EcdsaP256Sha256, HmacSha256 };
std::string_view algorithmUri(SignatureAlgorithm a) noexcept;

struct QName {
  std::string ns_uri;
  std::string local;
};

struct SignOptions {
  std::chrono::seconds ttl{300};          // wsu:Expires = Created + ttl
  std::vector<QName> sign_headers;        // additional soap:Header children to sign (all matches)
  /// Add <wsse:Nonce EncodingType="...#Base64Binary" wsu:Id> (16 random bytes) to wsse:Security and
  /// sign it. A Nonce already in the Security header is reused and signed whatever this says.
  bool nonce = true;
};

/// Signs `env` in place with an X.509 key (RSA >= 2048 -> rsa-sha256, EC P-256 -> ecdsa-sha256).
/// Adds (or reuses) the ultimate receiver's wsse:Security, a fresh Timestamp (clock.systemNow()),
/// the Nonce (SignOptions::nonce), the BinarySecurityToken and the Signature. An existing Timestamp
/// or Nonce in the Security header is reused (and signed). If the Security header already holds an
/// EncryptedKey (encrypt-then-sign), the Signature is placed before it, as WSS 1.1 §5 orders it.
util::Result<void> signEnvelope(Envelope& env, const PrivateKey& key, const Certificate& cert,
                                const util::Clock& clock, const SignOptions& options = {});
/// Same with HMAC-SHA256 under a shared secret (>= 32 bytes); no token, no HMACOutputLength.
util::Result<void> signEnvelopeHmac(Envelope& env, std::string_view shared_key, const util::Clock& clock,
                                    const SignOptions& options = {});

enum class DataAlgorithm { Aes256Gcm, Aes128Gcm };
enum class KeyTransport { RsaOaepMgf1pSha1, RsaOaepMgf1pSha256 };
enum class RecipientRef { IssuerSerial, Thumbprint, SubjectKeyIdentifier };

struct EncryptOptions {
  DataAlgorithm data = DataAlgorithm::Aes256Gcm;
  // rsa-oaep-mgf1p with SHA-1 digest is what libxmlsec1 1.2.37 peers can decrypt; SHA-256 is
  // accepted by Santuario/WSS4J/xml-encryption.
  KeyTransport key_transport = KeyTransport::RsaOaepMgf1pSha1;
  RecipientRef recipient_ref = RecipientRef::IssuerSerial;
  bool encrypt_body = true;               // the Body content (EncryptedData Type=#Content)
  /// soap:Header children to encrypt as whole elements (every match; never a wsse:Security or an
  /// already encrypted header). Each becomes <wsse11:EncryptedHeader wsu:Id> wrapping an
  /// EncryptedData Type=#Element, carrying the original soap:mustUnderstand/role/relay (§9.3).
  std::vector<QName> encrypt_headers;
};

/// Encrypts the Body content (if options.encrypt_body) and the named header blocks for
/// `recipient` under one session key: one EncryptedKey with a DataReference per EncryptedData in
/// wsse:Security, before any ds:Signature (sign-then-encrypt). InvalidArgument if nothing matches
/// (empty Body and no header found).
util::Result<void> encryptEnvelope(Envelope& env, const Certificate& recipient, const EncryptOptions& options);
/// encryptEnvelope() with encrypt_body forced on (header blocks per options.encrypt_headers).
util::Result<void> encryptBody(Envelope& env, const Certificate& recipient, const EncryptOptions& options = {});

struct DecryptPolicy {
  bool allow_cbc = true;  // AES-CBC data (interop); GCM is always allowed
};

/// Decrypts every EncryptedData that the Security header's EncryptedKeys reference (RSA-OAEP only,
/// SHA-1/SHA-256 digests and MGF1 variants; rsa-1_5 is refused) and removes those EncryptedKeys.
/// EncryptedData may sit in soap:Body or alone in a wsse11:EncryptedHeader (a soap:Header child,
/// Type #Element, decrypting to exactly one element that replaces the wrapper); any other
/// EncryptedHeader, or one that no EncryptedKey references, fails with MalformedEncryptedHeader.
/// `recipient` (optional) must match the EncryptedKey's STR (issuer-serial, SKI or thumbprint).
/// All cryptographic failures give the same DecryptionFailed. Returns the decrypted EncryptedData
/// ids (Id attributes of the xenc:EncryptedData elements, in DataReference order).
util::Result<std::vector<std::string>> decryptEnvelope(Envelope& env, const PrivateKey& key,
                                                       const Certificate* recipient = nullptr,
                                                       const DecryptPolicy& policy = {});

struct VerifyPolicy {
  std::chrono::seconds max_skew{60};
  std::chrono::seconds max_ttl{3600};
  int min_rsa_bits = 2048;
  bool allow_rsa = true;
  bool allow_ecdsa = true;
  std::optional<std::string> hmac_key;  // enables hmac-sha256 (no truncation) with this secret
  ParseLimits limits;
  DecryptPolicy decrypt;
};

struct SignerIdentity {
  std::string subject;        // RFC 2253; "hmac:shared-key" for HMAC
  std::string issuer;
  std::string serial;         // decimal
  std::string sha256_fingerprint;
};

/// What a successful verify() proved. Act only on `envelope`'s elements listed here.
struct VerifiedMessage {
  Envelope envelope;                     // decrypted, as verified
  SignerIdentity signer;
  SignatureAlgorithm algorithm;
  std::vector<std::string> signed_ids;   // wsu:Id of every verified reference target
  std::string body_id;                   // the soap:Body's id (always among signed_ids)
  std::string timestamp_id;
  std::vector<QName> signed_headers;     // other signed soap:Header children (after decryption)
  util::SystemTime created;
  util::SystemTime expires;
  bool was_encrypted = false;
  std::string nonce_id;                  // wsu:Id of the signed wsse:Nonce ("" if none was sent)
};

/// Replay keys (ReplayCache): "wss-si:" + SHA-256 of the signed statement (algorithm and every
/// reference digest) and, when the Security header holds a signed wsse:Nonce, also
/// "wss-tn:" + SHA-256("ts-nonce" || Created || Nonce) where Created is the canonical
/// formatXsdDateTime() of wsu:Created and Nonce the decoded nonce bytes; both kept until Expires.
/// A wsse:Nonce must be signed (NonceNotSigned); more than one is MultipleNonces.
class Verifier {
 public:
  Verifier(TrustStore trust, VerifyPolicy policy, const util::Clock& clock, ReplayCache* replay = nullptr);
  /// Decrypt encrypted messages with this key (and check the STR against `cert` if given).
  void setDecryptionKey(PrivateKey key, std::optional<Certificate> cert = std::nullopt);
  /// Strict verification; `detail` (optional) receives a human-readable elaboration.
  util::Result<VerifiedMessage> verify(std::string_view message, std::string* detail = nullptr) const;

 private:
  TrustStore trust_;
  VerifyPolicy policy_;
  const util::Clock& clock_;
  ReplayCache* replay_;
  std::optional<PrivateKey> decrypt_key_;
  std::optional<Certificate> decrypt_cert_;
};

}  // namespace insip::wssec
