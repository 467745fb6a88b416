// SPDX-License-Identifier: Apache-2.0
//
// errors.hpp — wssec::WssErrc: every reason the WS-Security library rejects a message or an
// operation, registered as a std::error_category ("insip.wssec"). Each value names one specific
// check (OASIS WSS 1.1 SOAP Message Security §6-§10, XML-DSig 1.1 §3.2, XML-Enc 1.1 §4.2) so that
// `insip wss verify` prints a precise `INVALID: <reason>`, and maps to the WS-Security SOAP fault
// subcode of WSS 1.1 §12 (wsse:InvalidSecurity, wsse:FailedCheck, ...), see faultSubcode().
#pragma once

#include <string_view>
#include <system_error>

namespace insip::wssec {

enum class WssErrc {
  // Hardened parsing (SOAP 1.2 Part 1 §5: no DTD, no PI)
  TooLarge = 1,
  NotWellFormed,
  DoctypeForbidden,
  ProcessingInstructionForbidden,
  TooDeep,
  TooManyNodes,
  // SOAP 1.2 envelope
  NotSoapEnvelope,
  BadEnvelopeStructure,
  // Security header
  NoSecurityHeader,
  MultipleSecurityHeaders,
  NoSignature,
  MultipleSignatures,
  SignatureMisplaced,
  MalformedSignature,
  AlgorithmNotAllowed,
  HmacTruncation,
  DuplicateId,
  UnresolvedReference,
  ReferenceNotAllowed,
  BodyNotSigned,
  TimestampNotSigned,
  // Timestamp
  NoTimestamp,
  MultipleTimestamps,
  MalformedTimestamp,
  TimestampExpired,
  TimestampInFuture,
  TimestampTooLong,
  // wsse:Nonce as a Security child (Username Token Profile 1.1 §3.1 element; WSS 1.1 §13 replay)
  MultipleNonces,
  MalformedNonce,
  NonceNotSigned,
  // Keys and trust
  NoSecurityToken,
  KeySourceNotAllowed,
  MalformedToken,
  KeyAlgorithmMismatch,
  WeakKey,
  UntrustedCertificate,
  CertificateNotValidNow,
  CertificateRevoked,
  // Cryptographic checks
  DigestMismatch,
  SignatureMismatch,
  Replay,
  ReplayCacheFull,
  // Encryption
  DecryptionKeyMissing,
  KeyTransportNotAllowed,
  DataEncryptionNotAllowed,
  MalformedEncryption,
  RecipientMismatch,
  DecryptionFailed,
  MalformedEncryptedHeader,
  // Operations (sign/encrypt/setup)
  InvalidArgument,
  KeyLoadFailed,
  CryptoFailure,
  IoError,
};

const std::error_category& wssCategory() noexcept;

inline std::error_code make_error_code(WssErrc e) noexcept {
  return {static_cast<int>(e), wssCategory()};
}

/// The WS-Security 1.1 §12 fault subcode (qualified name with the `wsse:`/`wsu:` prefix) that a
/// SOAP Fault reporting this error carries, e.g. "wsse:FailedCheck".
std::string_view faultSubcode(WssErrc e) noexcept;

/// faultSubcode() for an error_code of wssCategory(); "wsse:InvalidSecurity" for any other code.
std::string_view faultSubcode(const std::error_code& ec) noexcept;

}  // namespace insip::wssec

template <>
struct std::is_error_code_enum<insip::wssec::WssErrc> : std::true_type {};
