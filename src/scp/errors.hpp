// SPDX-License-Identifier: Apache-2.0
//
// errors.hpp — scp::ScpErrc: why the SCP protocol codec rejects a Body (docs/protocol/in.xsd:
// wrong namespace, unknown operation, missing/unexpected element, value out of range) and why a
// Service Data Point store operation failed; registered as the std::error_category "insip.scp".
#pragma once

#include <system_error>

namespace insip::scp {

enum class ScpErrc {
  // Envelope / document
  NotWellFormed = 1,    // hardened parse failed (see wssec::parseXml)
  NotSoapEnvelope,      // root is not soap12:Envelope or Body missing
  BodyNotSingle,        // the Body must hold exactly one operation element
  // Operation element (in.xsd)
  WrongNamespace,       // element not in urn:insip:in:1
  UnknownOperation,     // no such operation in in.xsd
  MissingElement,       // a mandatory child is absent
  UnexpectedElement,    // an extra, misplaced or repeated child
  NotSimpleContent,     // a value element has element children
  InvalidValue,         // value does not match its type (digits, enum, boolean, base64)
  OutOfRange,           // numeric value outside its range (e.g. Q.850 cause 1..127)
  // Service Data Point
  StoreOpenFailed,
  StoreSchemaError,     // unknown/newer schema version or DDL failure
  StoreIoError,         // a statement failed; the transaction was rolled back
  ConstraintViolation,  // the write breaks a data rule (duplicate line, bad rule, empty number)
  NotFound,
};

const std::error_category& scpCategory() noexcept;
std::error_code make_error_code(ScpErrc e) noexcept;

}  // namespace insip::scp

template <>
struct std::is_error_code_enum<insip::scp::ScpErrc> : std::true_type {};
