// SPDX-License-Identifier: Apache-2.0
//
// uri_test.cpp — SIP/SIPS/tel/other URIs, name-addr / addr-spec (RFC 3261 §19.1, §20.10,
// §25.1; RFC 3966; RFC 5118) and the string helpers.
#include <gtest/gtest.h>

#include "sip/uri.hpp"

namespace insip::sip {
namespace {

TEST(Uri, ParsesAllSipUriComponents) {
  auto u = parseUri("sips:alice:secret@Example.COM:5061;transport=tcp;lr?Subject=hi&Priority=urgent");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, Scheme::Sips);
  EXPECT_EQ(u->scheme_text, "sips");
  EXPECT_EQ(u->user, "alice");
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->host, "Example.COM");
  EXPECT_EQ(u->port, 5061);
  ASSERT_EQ(u->params.size(), 2u);
  EXPECT_EQ(paramValue(u->params, "TRANSPORT"), "tcp");
  ASSERT_TRUE(paramValue(u->params, "lr"));
  EXPECT_EQ(*paramValue(u->params, "lr"), "");
  EXPECT_FALSE(findParam(u->params, "lr")->value);
  ASSERT_EQ(u->headers.size(), 2u);
  EXPECT_EQ(u->headers[1].first, "Priority");
  EXPECT_EQ(u->headers[1].second, "urgent");
  EXPECT_EQ(u->str(), "sips:alice:secret@Example.COM:5061;transport=tcp;lr?Subject=hi&Priority=urgent");
  EXPECT_EQ(u->hostport(), "Example.COM:5061");
}

TEST(Uri, UserPartMayHoldSemicolonsAndQuestionMarks) {
  auto u = parseUri("sip:user;par=u%40example.net@example.com");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user, "user;par=u%40example.net");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_TRUE(u->params.empty());
  EXPECT_EQ(unescape(u->user), "user;par=u@example.net");
  auto w = parseUri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(w->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(w->host, "example.com");
}

TEST(Uri, ParsesIpv6References) {
  auto a = parseUri("sip:[2001:db8::10]:5070");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "[2001:db8::10]");
  EXPECT_EQ(a->port, 5070);
  EXPECT_EQ(a->hostport(), "[2001:db8::10]:5070");
  auto b = parseUri("sip:[2001:db8::10:5070]");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->port);
  EXPECT_TRUE(parseUri("sip:u@[2001:db8::192.0.2.1]"));
  EXPECT_FALSE(parseUri("sip:u@[2001:db8:::192.0.2.1]"));  // RFC 5118 §4.9: three colons
  EXPECT_FALSE(parseUri("sip:2001:db8::10"));
  EXPECT_FALSE(parseUri("sip:[2001:db8::10"));
  EXPECT_FALSE(parseUri("sip:[2001:db8::10]5060"));
}

TEST(Uri, RejectsMalformedSipUris) {
  for (const char* s : {"", "sip", "sip:", ":x", "1sip:a@b", "sip:a@", "sip:@h", "sip:a@h:",
                        "sip:a@h:70000", "sip:a@h:5x", "sip:a@h;", "sip:a@h;;lr", "sip:a@h;=x",
                        "sip:a@h;x=", "sip:a@h?", "sip:a@h?=v", "sip:a b@h", "sip:a@h>",
                        "sip:a@ho st", "sip:a@h\x01", "<sip:a@h>", "sip:a@h/x"}) {
    SCOPED_TRACE(s);
    auto u = parseUri(s);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error(), make_error_code(ParseErrc::BadUri));
  }
}

TEST(Uri, ParsesTelAndKeepsOtherSchemesOpaque) {
  auto t = parseUri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scheme, Scheme::Tel);
  EXPECT_EQ(t->user, "+1-201-555-0123");
  EXPECT_EQ(paramValue(t->params, "phone-context"), "example.com");
  EXPECT_EQ(t->str(), "tel:+1-201-555-0123;phone-context=example.com");
  EXPECT_FALSE(parseUri("tel:"));
  auto o = parseUri("soap.beep://192.0.2.103:3002");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->scheme, Scheme::Other);
  EXPECT_EQ(o->scheme_text, "soap.beep");
  EXPECT_EQ(o->opaque, "//192.0.2.103:3002");
  EXPECT_EQ(o->str(), "soap.beep://192.0.2.103:3002");
  auto c = parseUri("nobodyKnowsThisScheme:totallyopaquecontent");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme_text, "nobodyknowsthisscheme");  // schemes are case-insensitive
}

TEST(Uri, EquivalenceFollowsRfc3261Section19_1_4) {
  auto eq = [](const char* a, const char* b) {
    auto ua = parseUri(a);
    auto ub = parseUri(b);
    EXPECT_TRUE(ua && ub);
    return ua->equivalent(*ub) && ub->equivalent(*ua);
  };
  // RFC 3261 §19.1.4 examples: equivalent
  EXPECT_TRUE(eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
  EXPECT_TRUE(eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
  EXPECT_TRUE(eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5"));
  EXPECT_TRUE(eq("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                 "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
  EXPECT_TRUE(eq("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                 "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
  // not equivalent
  EXPECT_FALSE(eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
  EXPECT_FALSE(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
  EXPECT_FALSE(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
  EXPECT_FALSE(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
  EXPECT_FALSE(eq("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
  EXPECT_FALSE(eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
  EXPECT_FALSE(eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
  EXPECT_FALSE(eq("sip:a@h", "sips:a@h"));
}

TEST(NameAddr, ParsesQuotedDisplayNameAndHeaderParams) {
  auto na = parseNameAddr("\"Alice \\\"A\\\"\" <sip:alice@example.test>;tag=88sja8x;x");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->display_name, "\"Alice \\\"A\\\"\"");
  EXPECT_EQ(unquote(*na->display_name), "Alice \"A\"");
  EXPECT_EQ(na->uri.user, "alice");
  EXPECT_TRUE(na->angle);
  EXPECT_EQ(na->tag(), "88sja8x");
  EXPECT_EQ(na->str(), "\"Alice \\\"A\\\"\" <sip:alice@example.test>;tag=88sja8x;x");
}

TEST(NameAddr, ParsesTokenDisplayNamesWithAndWithoutSpace) {
  auto a = parseNameAddr("caller<sip:caller@example.com>;tag=323");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->display_name, "caller");
  auto b = parseNameAddr("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_FALSE(parseNameAddr("Bell, Alexander <sip:a.g.bell@example.com>"));
}

TEST(NameAddr, AddrSpecParamsBelongToTheHeader) {
  auto na = parseNameAddr("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
  ASSERT_TRUE(na);
  EXPECT_FALSE(na->angle);
  EXPECT_TRUE(na->uri.params.empty());
  EXPECT_EQ(na->tag(), "1918181833n");
  EXPECT_EQ(na->str(), "sip:vivekg@chair-dnrc.example.com;tag=1918181833n");
  EXPECT_FALSE(parseNameAddr("sip:user@example.com?Route=%3Csip:sip.example.com%3E"));
  EXPECT_FALSE(parseNameAddr("sip:a,b@example.com"));
}

TEST(NameAddr, RejectsBrokenForms) {
  for (const char* s : {"", "<sip:a@h", "\"x <sip:a@h>", "\"x\" sip:a@h", "< sip:a@h >",
                        "<sip:>", "<sip:a@h>;tag=", "<sip:a@h>;", "<sip:a@h> junk",
                        "<sip:a@h>;tag=\"unterminated"}) {
    SCOPED_TRACE(s);
    EXPECT_FALSE(parseNameAddr(s));
  }
}

TEST(NameAddr, QuotedParamValuesKeepQuotes) {
  auto na = parseNameAddr("<sip:a@h>;p=\"a;b,c\";q=0.7");
  ASSERT_TRUE(na);
  EXPECT_EQ(paramValue(na->params, "p"), "\"a;b,c\"");
  EXPECT_EQ(unquote(*paramValue(na->params, "p")), "a;b,c");
  EXPECT_EQ(paramValue(na->params, "q"), "0.7");
}

TEST(NameAddr, SerializationAddsAnglesWhenTheUriNeedsThem) {
  NameAddr na;
  na.angle = false;
  na.uri = *parseUri("sip:a@h;lr");
  EXPECT_EQ(na.str(), "<sip:a@h;lr>");
  na.uri.params.clear();
  na.params.push_back(Param{"tag", std::string("x")});
  EXPECT_EQ(na.str(), "sip:a@h;tag=x");
}

TEST(Params, SetFindAndRemoveAreCaseInsensitive) {
  Params p;
  setParam(p, "Branch", std::string("z9hG4bK1"));
  setParam(p, "lr", std::nullopt);
  setParam(p, "BRANCH", std::string("z9hG4bK2"));
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(paramValue(p, "branch"), "z9hG4bK2");
  EXPECT_EQ(p[0].name, "Branch");
  EXPECT_FALSE(paramValue(p, "maddr"));
  EXPECT_EQ(findParam(p, "maddr"), nullptr);
  p.push_back(Param{"LR", std::nullopt});
  EXPECT_EQ(removeParam(p, "lr"), 2u);
  EXPECT_EQ(p.size(), 1u);
}

TEST(Strings, QuoteUnquoteIequalsUnescape) {
  EXPECT_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(unquote("\"a\\\"b\\\\c\""), "a\"b\\c");
  EXPECT_EQ(unquote("plain"), "plain");
  EXPECT_EQ(unquote(quote("round \"trip\" \\")), "round \"trip\" \\");
  EXPECT_TRUE(iequals("Call-ID", "call-id"));
  EXPECT_FALSE(iequals("Call-ID", "Call-IDs"));
  EXPECT_EQ(unescape("%61lice%40x"), "alice@x");
  EXPECT_EQ(unescape("100%"), "100%");
  EXPECT_EQ(unescape("%Z%45"), "%ZE");
  EXPECT_EQ(unescape("%4"), "%4");
}

}  // namespace
}  // namespace insip::sip

// Regression tests for fuzzer findings (tests/fuzz; the inputs are in tests/fuzz/corpus/).
namespace insip::sip {
namespace {

// fuzz_uri: with a parameter name repeated (RFC 3261 §19.1.1 forbids it, the parser keeps both),
// equivalent() compared the second occurrence in one URI with the first in the other, so a URI
// was not equivalent to itself (contacts and Route entries would never match themselves).
TEST(UriFuzzRegression, AUriWithARepeatedParameterIsEquivalentToItself) {
  auto u = parseUri("sip:atlanta.com;boundary=ed;boundary=od");
  ASSERT_TRUE(u);
  ASSERT_EQ(u->params.size(), 2u);
  EXPECT_TRUE(u->equivalent(*u));
  auto same = parseUri("sip:atlanta.com;boundary=ed;boundary=od");
  ASSERT_TRUE(same);
  EXPECT_TRUE(u->equivalent(*same));
  // The first occurrence is the one that counts, as for findParam().
  auto other = parseUri("sip:atlanta.com;boundary=od");
  ASSERT_TRUE(other);
  EXPECT_FALSE(u->equivalent(*other));
}

}  // namespace
}  // namespace insip::sip
