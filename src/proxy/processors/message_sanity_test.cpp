// SPDX-License-Identifier: Apache-2.0
//
// message_sanity_test.cpp — RFC 3261 §16.3 steps 2, 3, 5 and §8.2.2 checks of MessageSanity.
#include "proxy/processors/message_sanity.hpp"

#include <gtest/gtest.h>

#include "sip_builder.hpp"

namespace insip::proxy {
namespace {

using testsupport::parse;
using testsupport::RequestSpec;

class MessageSanityTest : public ::testing::Test {
 protected:
  Outcome run(const RequestSpec& r) {
    RequestContext ctx(parse(r.wire()), testsupport::udpFlow("192.0.2.1", 5060));
    return sanity_.onRequest(ctx);
  }
  static int status(const Outcome& o) { return o.response() != nullptr ? o.response()->status : 0; }

  LocalIdentity identity_{{"192.0.2.10"}, 5060, {"example.test"}};
  MessageSanity sanity_{identity_};
};

TEST_F(MessageSanityTest, OrdinaryRequestPasses) {
  EXPECT_TRUE(run(RequestSpec{}).isNext());
}

TEST_F(MessageSanityTest, UnsupportedRequestUriSchemeIsAnswered416) {
  RequestSpec r;
  r.ruri = "tel:+15551234567";
  EXPECT_EQ(status(run(r)), 416);
}

TEST_F(MessageSanityTest, AckWithUnsupportedSchemeIsDroppedNotAnswered) {
  RequestSpec r;
  r.method = "ACK";
  r.ruri = "tel:+15551234567";
  Outcome o = run(r);
  EXPECT_NE(o.dropReason(), nullptr);
  EXPECT_EQ(o.response(), nullptr);
}

TEST_F(MessageSanityTest, SipsRequestUriIsAccepted) {
  RequestSpec r;
  r.ruri = "sips:bob@example.test";
  EXPECT_TRUE(run(r).isNext());
}

TEST_F(MessageSanityTest, MaxForwardsZeroIsAnswered483) {
  RequestSpec r;
  r.max_forwards = 0;
  Outcome o = run(r);
  ASSERT_NE(o.response(), nullptr);
  EXPECT_EQ(o.response()->status, 483);
  EXPECT_EQ(o.response()->cseq.method, sip::Method::Invite);
}

TEST_F(MessageSanityTest, AckWithMaxForwardsZeroIsDropped) {
  RequestSpec r;
  r.method = "ACK";
  r.max_forwards = 0;
  EXPECT_NE(run(r).dropReason(), nullptr);
}

TEST_F(MessageSanityTest, MaxForwardsOneOrAbsentPasses) {
  RequestSpec one;
  one.max_forwards = 1;
  EXPECT_TRUE(run(one).isNext());
  RequestSpec none;
  none.max_forwards.reset();
  EXPECT_TRUE(run(none).isNext());  // §16.3 step 3: no Max-Forwards passes the check
}

TEST_F(MessageSanityTest, ProxyRequireIsAnswered420ListingEveryUnsupportedOption) {
  RequestSpec r;
  r.headers = {"Proxy-Require: foo, bar", "Proxy-Require: baz"};
  Outcome o = run(r);
  ASSERT_NE(o.response(), nullptr);
  EXPECT_EQ(o.response()->status, 420);
  const std::string* u = o.response()->header("Unsupported");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(*u, "foo, bar, baz");
}

TEST_F(MessageSanityTest, ProxyRequireOnAckOrCancelIsIgnored) {
  for (const char* m : {"ACK", "CANCEL"}) {
    RequestSpec r;
    r.method = m;
    r.headers = {"Proxy-Require: foo"};
    EXPECT_TRUE(run(r).isNext()) << m;
  }
}

TEST_F(MessageSanityTest, RequireIsNotAProxysBusinessWhenForwarding) {
  RequestSpec r;  // to bob: we only forward
  r.headers = {"Require: 100rel"};
  EXPECT_TRUE(run(r).isNext());
}

TEST_F(MessageSanityTest, RequireOnARequestToUsIsAnswered420) {
  RequestSpec r;
  r.method = "REGISTER";
  r.ruri = "sip:example.test";
  r.to = "<sip:alice@example.test>";
  r.headers = {"Require: gruu"};
  Outcome o = run(r);
  ASSERT_NE(o.response(), nullptr);
  EXPECT_EQ(o.response()->status, 420);
  ASSERT_NE(o.response()->header("Unsupported"), nullptr);
  EXPECT_EQ(*o.response()->header("Unsupported"), "gruu");
}

TEST_F(MessageSanityTest, UnknownMethodToUsIsAnswered501WithAllow) {
  RequestSpec r;
  r.method = "FROBNICATE";
  r.ruri = "sip:192.0.2.10";
  Outcome o = run(r);
  ASSERT_NE(o.response(), nullptr);
  EXPECT_EQ(o.response()->status, 501);
  const std::string* allow = o.response()->header("Allow");
  ASSERT_NE(allow, nullptr);
  EXPECT_NE(allow->find("INVITE"), std::string::npos);
  EXPECT_NE(allow->find("REGISTER"), std::string::npos);
}

TEST_F(MessageSanityTest, UnknownMethodToAUserIsForwardedNotRejected) {
  RequestSpec r;
  r.method = "FROBNICATE";  // §16.3: a proxy forwards methods it does not understand
  EXPECT_TRUE(run(r).isNext());
}

TEST_F(MessageSanityTest, InDialogOrRoutedRequestIsNotTreatedAsAddressedToUs) {
  RequestSpec in_dialog;
  in_dialog.method = "FROBNICATE";
  in_dialog.ruri = "sip:192.0.2.10";
  in_dialog.to = "<sip:bob@example.test>;tag=x";
  EXPECT_TRUE(run(in_dialog).isNext());
  RequestSpec routed = in_dialog;
  routed.to = "<sip:bob@example.test>";
  routed.routes = {"<sip:192.0.2.30;lr>"};
  EXPECT_TRUE(run(routed).isNext());
}

}  // namespace
}  // namespace insip::proxy
