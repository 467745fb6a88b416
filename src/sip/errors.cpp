// SPDX-License-Identifier: Apache-2.0
#include "sip/errors.hpp"

#include <string>

namespace insip::sip {
namespace {

class ParseCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "insip.sip.parse"; }
  std::string message(int ev) const override {
    switch (static_cast<ParseErrc>(ev)) {
      case ParseErrc::Truncated: return "message truncated";
      case ParseErrc::MessageTooLarge: return "message too large";
      case ParseErrc::BadStartLine: return "bad start line";
      case ParseErrc::BadVersion: return "unsupported SIP version";
      case ParseErrc::HeaderTooLong: return "header line too long";
      case ParseErrc::TooManyHeaders: return "too many headers";
      case ParseErrc::BadHeaderSyntax: return "bad header syntax";
      case ParseErrc::MissingMandatoryHeader: return "missing mandatory header";
      case ParseErrc::BadVia: return "bad Via";
      case ParseErrc::BadCSeq: return "bad CSeq";
      case ParseErrc::BadNameAddr: return "bad name-addr";
      case ParseErrc::BadUri: return "bad URI";
      case ParseErrc::UnsupportedScheme: return "unsupported URI scheme";
      case ParseErrc::BadContentLength: return "bad Content-Length";
      case ParseErrc::BodyLengthMismatch: return "body shorter than Content-Length";
      case ParseErrc::BodyTooLarge: return "body too large";
      case ParseErrc::BadMaxForwards: return "bad Max-Forwards";
      case ParseErrc::BadExpires: return "bad Expires";
      case ParseErrc::BadMultipart: return "bad multipart body";
      case ParseErrc::BadParam: return "bad parameter";
      case ParseErrc::TooManyVias: return "too many Via values";
      case ParseErrc::UriTooLong: return "URI too long";
    }
    return "unknown sip parse error";
  }
};

}  // namespace

const std::error_category& parseCategory() noexcept {
  static const ParseCategory category;
  return category;
}

}  // namespace insip::sip
