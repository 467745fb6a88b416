// SPDX-License-Identifier: Apache-2.0
//
// message_test.cpp — Message accessors, method tokens, canonical header names (RFC 3261 §7.3.3),
// makeResponse (RFC 3261 §8.2.6) and default reason phrases (RFC 3261 §21).
#include <gtest/gtest.h>

#include "sip/parser.hpp"

namespace insip::sip {
namespace {

TEST(Methods, TokensAreCaseSensitive) {
  EXPECT_EQ(methodFromToken("INVITE"), Method::Invite);
  EXPECT_EQ(methodFromToken("UPDATE"), Method::Update);
  EXPECT_EQ(methodFromToken("invite"), Method::Unknown);
  EXPECT_EQ(methodFromToken("FOO"), Method::Unknown);
  EXPECT_EQ(methodName(Method::Subscribe), "SUBSCRIBE");
  EXPECT_EQ(methodName(Method::Unknown), "");
}

TEST(HeaderNames, CompactFormsExpandToCanonicalNames) {
  const std::pair<const char*, const char*> cases[] = {
      {"i", "Call-ID"}, {"M", "Contact"}, {"e", "Content-Encoding"}, {"l", "Content-Length"},
      {"c", "Content-Type"}, {"f", "From"}, {"s", "Subject"}, {"k", "Supported"}, {"t", "To"},
      {"v", "Via"}, {"o", "Event"}, {"u", "Allow-Events"}, {"r", "Refer-To"},
      {"b", "Referred-By"}, {"x", "Session-Expires"}, {"y", "Identity"},
      {"call-id", "Call-ID"}, {"CSEQ", "CSeq"}, {"www-authenticate", "WWW-Authenticate"},
      {"max-forwards", "Max-Forwards"}, {"X-Unknown-thing", "X-Unknown-thing"}, {"z", "z"}};
  for (auto [in, out] : cases) EXPECT_EQ(canonicalHeaderName(in), out) << in;
}

TEST(Message, HeaderAccessorsAreCaseInsensitiveAndAcceptCompactNames) {
  Message m;
  m.addHeader("supported", "100rel, timer");
  m.addHeader("k", "path");
  m.addHeader("Require", "foo");
  EXPECT_EQ(m.headers[0].name, "Supported");
  ASSERT_NE(m.header("K"), nullptr);
  EXPECT_EQ(*m.header("k"), "100rel, timer");
  EXPECT_EQ(m.headerValues("SUPPORTED").size(), 2u);
  EXPECT_EQ(m.tokenList("Supported"), (std::vector<std::string>{"100rel", "timer", "path"}));
  m.setHeader("supported", "gruu");
  EXPECT_EQ(m.headerValues("Supported").size(), 1u);
  EXPECT_EQ(*m.header("Supported"), "gruu");
  m.setHeader("Subject", "new");
  EXPECT_EQ(*m.header("s"), "new");
  EXPECT_EQ(m.removeHeader("require"), 1u);
  EXPECT_EQ(m.header("Require"), nullptr);
  EXPECT_EQ(m.removeHeader("Require"), 0u);
  EXPECT_TRUE(m.tokenList("Proxy-Require").empty());
}

Message parsedInvite() {
  std::string s =
      "INVITE sip:bob@example.test SIP/2.0\r\n"
      "Via: SIP/2.0/UDP p1.example.test;branch=z9hG4bK-p1\r\n"
      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ua;received=192.0.2.99\r\n"
      "Max-Forwards: 69\r\n"
      "From: \"Alice\" <sip:alice@example.test>;tag=a1\r\n"
      "To: <sip:bob@example.test>\r\n"
      "Call-ID: mr1@192.0.2.10\r\nCSeq: 314 INVITE\r\n"
      "Contact: <sip:alice@192.0.2.10>\r\nRecord-Route: <sip:p1.example.test;lr>\r\n"
      "Content-Type: application/sdp\r\nContent-Length: 3\r\n\r\nv=0";
  auto r = parseMessage(s, ParseLimits{});
  EXPECT_TRUE(r);
  return *r;
}

TEST(MakeResponse, CopiesViasFromToCallIdCSeqAndAddsTheToTag) {
  Message req = parsedInvite();
  Message r = makeResponse(req, 486, {}, "b-tag");
  EXPECT_FALSE(r.is_request);
  EXPECT_EQ(r.status, 486);
  EXPECT_EQ(r.reason, "Busy Here");
  EXPECT_EQ(r.vias, req.vias);
  EXPECT_EQ(r.from, req.from);
  EXPECT_EQ(r.to.uri, req.to.uri);
  EXPECT_EQ(r.to.tag(), "b-tag");
  EXPECT_EQ(r.call_id, req.call_id);
  EXPECT_EQ(r.cseq, req.cseq);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.contacts.empty());
  EXPECT_TRUE(r.record_routes.empty());
  EXPECT_FALSE(r.max_forwards);
  // It serializes to a parsable response.
  auto back = parseMessage(serialize(r), ParseLimits{});
  ASSERT_TRUE(back) << serialize(r);
  EXPECT_EQ(*back, r);
}

TEST(MakeResponse, KeepsAnExistingToTagAndUsesTheGivenReason) {
  Message req = parsedInvite();
  req.to.params.push_back(Param{"tag", std::string("existing")});
  Message r = makeResponse(req, 400, "Bad Via", "new");
  EXPECT_EQ(r.reason, "Bad Via");
  EXPECT_EQ(r.to.tag(), "existing");
  EXPECT_EQ(r.to.params.size(), 1u);
  Message r2 = makeResponse(parsedInvite(), 100);
  EXPECT_EQ(r2.reason, "Trying");
  EXPECT_FALSE(r2.to.tag());
}

TEST(DefaultReason, CoversRfc3261AndLaterCodes) {
  EXPECT_EQ(defaultReason(200), "OK");
  EXPECT_EQ(defaultReason(404), "Not Found");
  EXPECT_EQ(defaultReason(407), "Proxy Authentication Required");
  EXPECT_EQ(defaultReason(416), "Unsupported URI Scheme");
  EXPECT_EQ(defaultReason(420), "Bad Extension");
  EXPECT_EQ(defaultReason(423), "Interval Too Brief");
  EXPECT_EQ(defaultReason(429), "Provide Referrer Identity");
  EXPECT_EQ(defaultReason(481), "Call/Transaction Does Not Exist");
  EXPECT_EQ(defaultReason(483), "Too Many Hops");
  EXPECT_EQ(defaultReason(494), "Security Agreement Required");
  EXPECT_EQ(defaultReason(505), "Version Not Supported");
  EXPECT_EQ(defaultReason(513), "Message Too Large");
  EXPECT_EQ(defaultReason(603), "Decline");
  EXPECT_EQ(defaultReason(499), "Bad Request");  // unknown: the class's x00 phrase
  EXPECT_EQ(defaultReason(42), "Unknown");
}

TEST(ErrorCategory, HasANameAndMessagesForEveryCode) {
  std::error_code ec = ParseErrc::BadVia;
  EXPECT_STREQ(ec.category().name(), "insip.sip.parse");
  EXPECT_EQ(ec.message(), "bad Via");
  for (int i = static_cast<int>(ParseErrc::Truncated); i <= static_cast<int>(ParseErrc::UriTooLong); ++i)
    EXPECT_NE(parseCategory().message(i), "unknown sip parse error") << i;
  EXPECT_EQ(parseCategory().message(999), "unknown sip parse error");
}

}  // namespace
}  // namespace insip::sip
