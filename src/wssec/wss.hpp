// SPDX-License-Identifier: Apache-2.0
//
// wss.hpp — WS-Security 1.1 for SOAP 1.2 on libxml2 + xmlsec1 (OpenSSL): the public API.
//  * signEnvelope / signEnvelopeHmac — wsse:Security with wsu:Timestamp, an X.509 v3
//    BinarySecurityToken and a ds:Signature (exclusive C14N, SHA-256 digests, RSA-SHA256,
//    ECDSA-P256-SHA256 or HMAC-SHA256) over soap:Body, the Timestamp and named header blocks,
//    referenced by wsu:Id (WSS 1.1 SOAP Message Security §8, X.509 Token Profile 1.1 §3).
//  * encryptBody / decryptEnvelope — XML-Enc 1.1 Body content encryption (AES-256-GCM) under an
//    RSA-OAEP EncryptedKey with ReferenceList in wsse:Security (WSS 1.1 §9).
//  * Verifier — strict policy verification that returns WHAT was verified (signer identity,
//    signed element ids), with signature-wrapping defences, algorithm allow-list, PKIX trust,
//    timestamp freshness and a replay cache. Never throws on input; every rejection is a WssErrc.
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
};

/// Signs `env` in place with an X.509 key (RSA >= 2048 -> rsa-sha256, EC P-256 -> ecdsa-sha256).
/// Adds (or reuses) the ultimate receiver's wsse:Security, a fresh Timestamp (clock.systemNow()),
/// the BinarySecurityToken and the Signature. If the Security header already holds an
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
};

/// Encrypts the content of soap:Body for `recipient` (EncryptedData Type=#Content in the Body,
/// EncryptedKey + ReferenceList in wsse:Security, before any ds:Signature: sign-then-encrypt).
util::Result<void> encryptBody(Envelope& env, const Certificate& recipient, const EncryptOptions& options = {});

struct DecryptPolicy {
  bool allow_cbc = true;  // AES-CBC data (interop); GCM is always allowed
};

/// Decrypts every EncryptedData that the Security header's EncryptedKeys reference (RSA-OAEP only,
/// SHA-1/SHA-256 digests and MGF1 variants; rsa-1_5 is refused) and removes those EncryptedKeys.
/// `recipient` (optional) must match the EncryptedKey's STR (issuer-serial, SKI or thumbprint).
/// All cryptographic failures give the same DecryptionFailed. Returns the decrypted EncryptedData ids.
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
  std::vector<QName> signed_headers;     // other signed soap:Header children
  util::SystemTime created;
  util::SystemTime expires;
  bool was_encrypted = false;
};

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
