// SPDX-License-Identifier: Apache-2.0
//
// fuzz_message.cpp — libFuzzer target: the whole-message parser sip::parseMessage (RFC 3261 §7,
// §25) and the serializer. Invariants: no crash/UB/leak on any bytes; if a message parses, its
// serialization re-parses to an equal Message and serializes to the same bytes (fixed point);
// if a failed request came with a `partial` message, a stateless response built from it
// serializes to something that parses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "sip/message.hpp"
#include "sip/parser.hpp"

using namespace insip;

namespace {

/// Serialization may legitimately grow a message (compact names expanded, one Via per line,
/// Content-Length added), so re-parsing uses roomier limits; the counts that matter stay equal.
sip::ParseLimits roomy(const sip::ParseLimits& l) {
  sip::ParseLimits r = l;
  r.max_message_bytes = l.max_message_bytes * 4;
  r.max_headers = l.max_headers + l.max_vias + 64;
  r.max_line_bytes = l.max_line_bytes * 4;
  r.max_body_bytes = l.max_body_bytes;
  r.max_uri_bytes = l.max_uri_bytes * 2;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const sip::ParseLimits limits;
  sip::ParseFailure failure;
  auto parsed = sip::parseMessage(in, limits, &failure);
  if (!parsed) {
    INSIP_FUZZ_CHECK(static_cast<bool>(failure.code));
    if (failure.partial) {
      const sip::Message response = sip::makeResponse(*failure.partial, 400, "Bad Request", "fz");
      const std::string wire = sip::serialize(response);
      auto again = sip::parseMessage(wire, roomy(limits));
      INSIP_FUZZ_CHECK(again.has_value(), "stateless 400 from a partial message does not parse", wire);
    }
    return 0;
  }
  const std::string wire = sip::serialize(*parsed);
  sip::ParseFailure failure2;
  auto again = sip::parseMessage(wire, roomy(limits), &failure2);
  if (!again) {
    fuzz::fail(("serialized message does not re-parse: " + failure2.code.message() + " [" +
                failure2.header + "]"), {in, wire});
  }
  if (!(*again == *parsed)) {
    fuzz::fail("re-parsed message differs from the original", {wire, sip::serialize(*again)});
  }
  const std::string wire2 = sip::serialize(*again);
  INSIP_FUZZ_CHECK(wire2 == wire, wire, wire2);
  return 0;
}
