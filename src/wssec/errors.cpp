// SPDX-License-Identifier: Apache-2.0
#include "wssec/errors.hpp"

#include <string>

namespace insip::wssec {
namespace {

class WssCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "insip.wssec"; }
  std::string message(int ev) const override {
    switch (static_cast<WssErrc>(ev)) {
      case WssErrc::TooLarge: return "document exceeds the size limit";
      case WssErrc::NotWellFormed: return "document is not well-formed XML";
      case WssErrc::DoctypeForbidden: return "DOCTYPE/DTD is forbidden in SOAP messages";
      case WssErrc::ProcessingInstructionForbidden: return "processing instructions are forbidden in SOAP messages";
      case WssErrc::TooDeep: return "element nesting exceeds the depth limit";
      case WssErrc::TooManyNodes: return "document exceeds the node count limit";
      case WssErrc::NotSoapEnvelope: return "root element is not a SOAP 1.2 Envelope";
      case WssErrc::BadEnvelopeStructure: return "SOAP Envelope children must be exactly Header, Body";
      case WssErrc::NoSecurityHeader: return "no wsse:Security header for this receiver";
      case WssErrc::MultipleSecurityHeaders: return "more than one wsse:Security header for this receiver";
      case WssErrc::NoSignature: return "no ds:Signature in the Security header";
      case WssErrc::MultipleSignatures: return "more than one ds:Signature in the message";
      case WssErrc::SignatureMisplaced: return "ds:Signature is not a direct child of the Security header";
      case WssErrc::MalformedSignature: return "malformed ds:Signature";
      case WssErrc::AlgorithmNotAllowed: return "algorithm not allowed by policy";
      case WssErrc::HmacTruncation: return "HMACOutputLength (truncated HMAC) is forbidden";
      case WssErrc::DuplicateId: return "duplicate ID attribute value";
      case WssErrc::UnresolvedReference: return "signature reference does not resolve";
      case WssErrc::ReferenceNotAllowed: return "signature reference points outside Body, Timestamp and header blocks";
      case WssErrc::BodyNotSigned: return "soap:Body is not signed";
      case WssErrc::TimestampNotSigned: return "wsu:Timestamp is not signed";
      case WssErrc::NoTimestamp: return "no wsu:Timestamp in the Security header";
      case WssErrc::MultipleTimestamps: return "more than one wsu:Timestamp in the Security header";
      case WssErrc::MalformedTimestamp: return "malformed wsu:Timestamp (Created and Expires are required)";
      case WssErrc::TimestampExpired: return "message expired (wsu:Expires is in the past)";
      case WssErrc::TimestampInFuture: return "wsu:Created is in the future";
      case WssErrc::TimestampTooLong: return "Timestamp lifetime exceeds the policy maximum";
      case WssErrc::MultipleNonces: return "more than one wsse:Nonce in the Security header";
      case WssErrc::MalformedNonce: return "malformed wsse:Nonce (must be non-empty Base64Binary)";
      case WssErrc::NonceNotSigned: return "wsse:Nonce is not signed";
      case WssErrc::NoSecurityToken: return "signature key reference does not resolve to a security token";
      case WssErrc::KeySourceNotAllowed: return "key source not allowed (KeyValue/KeyName/unknown KeyInfo)";
      case WssErrc::MalformedToken: return "malformed security token or certificate";
      case WssErrc::KeyAlgorithmMismatch: return "key type does not match the signature algorithm";
      case WssErrc::WeakKey: return "key too weak for policy";
      case WssErrc::UntrustedCertificate: return "signer certificate does not chain to a trusted CA";
      case WssErrc::CertificateNotValidNow: return "signer certificate is expired or not yet valid";
      case WssErrc::CertificateRevoked: return "signer certificate is revoked";
      case WssErrc::DigestMismatch: return "reference digest mismatch (signed content changed)";
      case WssErrc::SignatureMismatch: return "SignatureValue does not verify";
      case WssErrc::Replay: return "message replayed (seen before within its freshness window)";
      case WssErrc::ReplayCacheFull: return "replay cache full";
      case WssErrc::DecryptionKeyMissing: return "message is encrypted but no decryption key is configured";
      case WssErrc::KeyTransportNotAllowed: return "key transport algorithm not allowed by policy";
      case WssErrc::DataEncryptionNotAllowed: return "data encryption algorithm not allowed by policy";
      case WssErrc::MalformedEncryption: return "malformed EncryptedKey/EncryptedData";
      case WssErrc::RecipientMismatch: return "EncryptedKey is not addressed to our certificate";
      case WssErrc::DecryptionFailed: return "decryption failed";
      case WssErrc::MalformedEncryptedHeader:
        return "wsse11:EncryptedHeader must be a soap:Header child wrapping one EncryptedData of Type #Element "
               "that an EncryptedKey references";
      case WssErrc::InvalidArgument: return "invalid argument";
      case WssErrc::KeyLoadFailed: return "cannot load key or certificate";
      case WssErrc::CryptoFailure: return "cryptographic library failure";
      case WssErrc::IoError: return "I/O error";
    }
    return "unknown wssec error";
  }
};

}  // namespace

const std::error_category& wssCategory() noexcept {
  static const WssCategory category;
  return category;
}

std::string_view faultSubcode(WssErrc e) noexcept {
  switch (e) {
    case WssErrc::AlgorithmNotAllowed:
    case WssErrc::HmacTruncation:
    case WssErrc::KeyTransportNotAllowed:
    case WssErrc::DataEncryptionNotAllowed:
      return "wsse:UnsupportedAlgorithm";
    case WssErrc::NoSecurityToken:
    case WssErrc::DecryptionKeyMissing:
    case WssErrc::RecipientMismatch:
      return "wsse:SecurityTokenUnavailable";
    case WssErrc::MalformedToken:
    case WssErrc::KeySourceNotAllowed:
      return "wsse:InvalidSecurityToken";
    case WssErrc::UntrustedCertificate:
    case WssErrc::CertificateNotValidNow:
    case WssErrc::CertificateRevoked:
    case WssErrc::WeakKey:
    case WssErrc::KeyAlgorithmMismatch:
      return "wsse:FailedAuthentication";
    case WssErrc::DigestMismatch:
    case WssErrc::SignatureMismatch:
    case WssErrc::DecryptionFailed:
      return "wsse:FailedCheck";
    case WssErrc::TimestampExpired:
    case WssErrc::TimestampInFuture:
    case WssErrc::Replay:
      return "wsu:MessageExpired";
    default:
      return "wsse:InvalidSecurity";
  }
}

std::string_view faultSubcode(const std::error_code& ec) noexcept {
  if (ec.category() != wssCategory()) return "wsse:InvalidSecurity";
  return faultSubcode(static_cast<WssErrc>(ec.value()));
}

}  // namespace insip::wssec
