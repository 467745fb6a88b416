// SPDX-License-Identifier: Apache-2.0
//
// fuzz_uri.cpp — libFuzzer target: sip::parseUri, sip::parseNameAddr, sip::parseVia and the
// quoting helpers (RFC 3261 §19.1, §20.42, §25.1; RFC 3966; RFC 5118). Invariants: no crash/UB;
// whatever parses prints (str()) to text that parses back to an equal value; quote/unquote
// round-trip; unescape never grows the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "sip/message.hpp"
#include "sip/uri.hpp"

using namespace insip;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto uri = sip::parseUri(in)) {
    const std::string text = uri->str();
    auto again = sip::parseUri(text);
    INSIP_FUZZ_CHECK(again.has_value(), "Uri::str() does not re-parse", in, text);
    INSIP_FUZZ_CHECK(*again == *uri, "Uri re-parse differs", text, again->str());
    INSIP_FUZZ_CHECK(again->equivalent(*uri), "Uri not equivalent to itself", text);
    (void)uri->hostport();
  }
  if (auto na = sip::parseNameAddr(in)) {
    const std::string text = na->str();
    auto again = sip::parseNameAddr(text);
    INSIP_FUZZ_CHECK(again.has_value(), "NameAddr::str() does not re-parse", in, text);
    INSIP_FUZZ_CHECK(again->uri == na->uri && again->params == na->params &&
                         again->display_name == na->display_name,
                     "NameAddr re-parse differs", text, again->str());
  }
  if (auto via = sip::parseVia(in)) {
    const std::string text = via->str();
    auto again = sip::parseVia(text);
    INSIP_FUZZ_CHECK(again.has_value(), "Via::str() does not re-parse", in, text);
    INSIP_FUZZ_CHECK(*again == *via, "Via re-parse differs", text, again->str());
  }
  const std::string q = sip::quote(in);
  INSIP_FUZZ_CHECK(sip::unquote(q) == in, "unquote(quote(x)) != x", in, q);
  (void)sip::unquote(in);
  INSIP_FUZZ_CHECK(sip::unescape(in).size() <= in.size());
  return 0;
}
