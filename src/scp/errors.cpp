// SPDX-License-Identifier: Apache-2.0
#include "scp/errors.hpp"

#include <string>

namespace insip::scp {
namespace {

class ScpCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "insip.scp"; }
  std::string message(int ev) const override {
    switch (static_cast<ScpErrc>(ev)) {
      case ScpErrc::NotWellFormed: return "document rejected by the hardened XML parser";
      case ScpErrc::NotSoapEnvelope: return "not a SOAP 1.2 Envelope with a Body";
      case ScpErrc::BodyNotSingle: return "SOAP Body must contain exactly one operation";
      case ScpErrc::WrongNamespace: return "element is not in namespace urn:insip:in:1";
      case ScpErrc::UnknownOperation: return "unknown operation";
      case ScpErrc::MissingElement: return "mandatory element missing";
      case ScpErrc::UnexpectedElement: return "unexpected, misplaced or repeated element";
      case ScpErrc::NotSimpleContent: return "value element must contain text only";
      case ScpErrc::InvalidValue: return "value does not match its type";
      case ScpErrc::OutOfRange: return "value out of range";
      case ScpErrc::StoreOpenFailed: return "service data store could not be opened";
      case ScpErrc::StoreSchemaError: return "service data store schema error";
      case ScpErrc::StoreIoError: return "service data store statement failed";
      case ScpErrc::ConstraintViolation: return "service data constraint violated";
      case ScpErrc::NotFound: return "not found";
    }
    return "unknown scp error";
  }
};

}  // namespace

const std::error_category& scpCategory() noexcept {
  static const ScpCategory category;
  return category;
}

std::error_code make_error_code(ScpErrc e) noexcept { return {static_cast<int>(e), scpCategory()}; }

}  // namespace insip::scp
