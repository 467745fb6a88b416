// SPDX-License-Identifier: Apache-2.0
//
// in_dialog_router_test.cpp — loose routing and in-dialog forwarding (RFC 3261 §16.4, §16.12,
// §12.2.1.1 strict routing; RFC 5658 double Record-Route).
#include "proxy/processors/in_dialog_router.hpp"

#include <gtest/gtest.h>

#include "sip_builder.hpp"

namespace insip::proxy {
namespace {

using testsupport::parse;
using testsupport::RequestSpec;

class InDialogRouterTest : public ::testing::Test {
 protected:
  static RequestSpec inDialog(const std::string& method = "BYE") {
    RequestSpec r;
    r.method = method;
    r.ruri = "sip:bob@192.0.2.20:5062";
    r.to = "<sip:bob@example.test>;tag=bt1";
    r.cseq = 2;
    return r;
  }
  RequestContext ctx(const RequestSpec& r) {
    return RequestContext(parse(r.wire()), testsupport::udpFlow("192.0.2.1", 5060));
  }

  /// The Record-Route token we would have written for the default Call-ID.
  std::string tok() const {
    return ";" + std::string(LocalIdentity::kRouteTokenParam) + "=" +
           identity_.routeToken(RequestSpec{}.call_id);
  }

  LocalIdentity identity_{{"192.0.2.10"}, 5060, {"example.test"}};
  InDialogRouter router_{identity_};
};

TEST_F(InDialogRouterTest, InDialogRequestRoutedThroughUsIsForwardedToTheRequestUri) {
  RequestSpec r = inDialog();
  r.routes = {"<sip:192.0.2.10:5060;lr" + tok() + ">", "<sip:192.0.2.30:5070;lr>"};
  RequestContext c = ctx(r);
  Outcome o = router_.onRequest(c);
  EXPECT_TRUE(o.isForward());
  EXPECT_TRUE(c.in_dialog);
  EXPECT_TRUE(c.routed_to_us);
  ASSERT_EQ(c.request().routes.size(), 1u);  // only our own entry removed
  EXPECT_EQ(c.request().routes[0].uri.host, "192.0.2.30");
  ASSERT_EQ(c.targets.size(), 1u);
  EXPECT_EQ(c.targets[0].uri.str(), "sip:bob@192.0.2.20:5062");
  EXPECT_FALSE(c.targets[0].flow.has_value());
}

TEST_F(InDialogRouterTest, RouteWithoutPortNamesUsOnTheDefaultPort) {
  RequestSpec r = inDialog();
  r.routes = {"<sip:192.0.2.10;lr" + tok() + ">"};
  RequestContext c = ctx(r);
  EXPECT_TRUE(router_.onRequest(c).isForward());
  EXPECT_TRUE(c.request().routes.empty());
}

TEST_F(InDialogRouterTest, BothEntriesOfADoubleRecordRouteArePopped) {
  RequestSpec r = inDialog();
  r.routes = {"<sip:192.0.2.10:5060;lr" + tok() + ">",
              "<sip:192.0.2.10:5060;transport=tcp;lr" + tok() + ">"};
  RequestContext c = ctx(r);
  EXPECT_TRUE(router_.onRequest(c).isForward());
  EXPECT_TRUE(c.request().routes.empty());
}

TEST_F(InDialogRouterTest, RouteNamingAnotherHopIsLeftAlone) {
  RequestSpec r = inDialog();
  r.routes = {"<sip:192.0.2.10:5070;lr>"};  // our address, another port: not us
  RequestContext c = ctx(r);
  Outcome o = router_.onRequest(c);
  EXPECT_FALSE(c.routed_to_us);
  EXPECT_EQ(c.request().routes.size(), 1u);
  ASSERT_NE(o.response(), nullptr);
  EXPECT_EQ(o.response()->status, 404);  // in dialog, not through us: no open relay
}

TEST_F(InDialogRouterTest, ForgedDialogWithoutOurRecordRouteTokenIsNotRelayed) {
  // In-dialog requests are not authenticated: a made-up To tag and a Route naming us must not
  // make us relay to an arbitrary Request-URI (toll fraud through an open relay).
  for (const std::string& route : {std::string("<sip:192.0.2.10;lr>"),
                                   std::string("<sip:192.0.2.10;lr;itok=0123456789abcdef>")}) {
    RequestSpec r = inDialog();
    r.ruri = "sip:+19005550100@203.0.113.9";
    r.routes = {route};
    RequestContext c = ctx(r);
    Outcome o = router_.onRequest(c);
    ASSERT_NE(o.response(), nullptr) << route;
    EXPECT_EQ(o.response()->status, 404);
    EXPECT_TRUE(c.targets.empty());
  }
  // The token is bound to the Call-ID: a token from another call does not open this one.
  RequestSpec r = inDialog();
  r.call_id = "other-call@192.0.2.1";
  r.routes = {"<sip:192.0.2.10;lr" + tok() + ">"};
  RequestContext c = ctx(r);
  EXPECT_NE(router_.onRequest(c).response(), nullptr);
}

TEST_F(InDialogRouterTest, InDialogRequestNotRoutedThroughUsIsAnswered404) {
  RequestContext c = ctx(inDialog());
  Outcome o = router_.onRequest(c);
  ASSERT_NE(o.response(), nullptr);
  EXPECT_EQ(o.response()->status, 404);
  EXPECT_TRUE(c.in_dialog);
}

TEST_F(InDialogRouterTest, InDialogAckNotRoutedThroughUsIsDropped) {
  RequestContext c = ctx(inDialog("ACK"));
  Outcome o = router_.onRequest(c);
  EXPECT_NE(o.dropReason(), nullptr);
  EXPECT_EQ(o.response(), nullptr);
}

TEST_F(InDialogRouterTest, InDialogAckRoutedThroughUsIsForwarded) {
  RequestSpec r = inDialog("ACK");
  r.cseq = 1;
  r.routes = {"<sip:192.0.2.10;lr" + tok() + ">"};
  RequestContext c = ctx(r);
  EXPECT_TRUE(router_.onRequest(c).isForward());
}

TEST_F(InDialogRouterTest, OutOfDialogRequestPassesAfterPoppingOurRoute) {
  RequestSpec r;  // INVITE with a pre-loaded route to us (outbound proxy)
  r.routes = {"<sip:192.0.2.10;lr>"};
  RequestContext c = ctx(r);
  EXPECT_TRUE(router_.onRequest(c).isNext());
  EXPECT_FALSE(c.in_dialog);
  EXPECT_TRUE(c.routed_to_us);
  EXPECT_TRUE(c.request().routes.empty());
  EXPECT_EQ(c.request().request_uri.str(), "sip:bob@example.test");
  EXPECT_TRUE(c.targets.empty());
}

TEST_F(InDialogRouterTest, OutOfDialogAckIsDropped) {
  RequestSpec r;
  r.method = "ACK";
  RequestContext c = ctx(r);
  EXPECT_NE(router_.onRequest(c).dropReason(), nullptr);
}

TEST_F(InDialogRouterTest, RequestUriRewrittenByAStrictRouterIsRestored) {
  // §16.4: the Request-URI holds the value we put in Record-Route (with ;lr, as we always write
  // it); the real Request-URI is the last Route entry.
  RequestSpec r = inDialog();
  r.ruri = "sip:192.0.2.10:5060;lr" + tok();
  r.routes = {"<sip:192.0.2.30:5070>", "<sip:bob@192.0.2.20:5062>"};
  RequestContext c = ctx(r);
  EXPECT_TRUE(router_.onRequest(c).isForward());
  EXPECT_TRUE(c.routed_to_us);
  EXPECT_EQ(c.request().request_uri.str(), "sip:bob@192.0.2.20:5062");
  ASSERT_EQ(c.request().routes.size(), 1u);
  EXPECT_EQ(c.request().routes[0].uri.host, "192.0.2.30");
  ASSERT_EQ(c.targets.size(), 1u);
  EXPECT_EQ(c.targets[0].uri.str(), "sip:bob@192.0.2.20:5062");
}

TEST_F(InDialogRouterTest, RegisterToOurDomainThroughAnOutboundRouteKeepsItsRequestUri) {
  // A UA configured with this proxy as outbound proxy (§8.1.2 pre-loaded route). The Request-URI
  // names our domain, not a value we Record-Routed: it must not be replaced (the digest uri
  // directive is checked against it).
  RequestSpec r;
  r.method = "REGISTER";
  r.ruri = "sip:example.test";
  r.to = "<sip:alice@example.test>";
  r.routes = {"<sip:192.0.2.10;lr>"};
  RequestContext c = ctx(r);
  EXPECT_TRUE(router_.onRequest(c).isNext());
  EXPECT_EQ(c.request().request_uri.str(), "sip:example.test");
  EXPECT_TRUE(c.request().routes.empty());
  EXPECT_TRUE(c.routed_to_us);
}

}  // namespace
}  // namespace insip::proxy
