// SPDX-License-Identifier: Apache-2.0
//
// options_responder_test.cpp — OPTIONS addressed to the proxy itself (RFC 3261 §11.2).
#include "proxy/processors/options_responder.hpp"

#include <gtest/gtest.h>

#include "sip_builder.hpp"

namespace insip::proxy {
namespace {

using testsupport::parse;
using testsupport::RequestSpec;

class OptionsResponderTest : public ::testing::Test {
 protected:
  static RequestSpec options(const std::string& ruri) {
    RequestSpec r;
    r.method = "OPTIONS";
    r.ruri = ruri;
    r.to = "<" + ruri + ">";
    return r;
  }
  Outcome run(const RequestSpec& r) {
    RequestContext ctx(parse(r.wire()), testsupport::udpFlow("192.0.2.1", 5060));
    return responder_.onRequest(ctx);
  }

  LocalIdentity identity_{{"192.0.2.10"}, 5060, {"example.test"}};
  OptionsResponder responder_{identity_};
};

TEST_F(OptionsResponderTest, OptionsToOurDomainIsAnswered200WithCapabilities) {
  Outcome o = run(options("sip:example.test"));
  ASSERT_NE(o.response(), nullptr);
  const sip::Message& r = *o.response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.cseq.method, sip::Method::Options);
  ASSERT_EQ(r.vias.size(), 1u);
  EXPECT_EQ(r.vias[0].branch().value_or(""), "z9hG4bKuac1");
  ASSERT_NE(r.header("Allow"), nullptr);
  for (const char* m : {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER"}) {
    EXPECT_NE(r.header("Allow")->find(m), std::string::npos) << m;
  }
  EXPECT_NE(r.header("Accept"), nullptr);  // §11.2: Accept, Accept-Encoding/Language SHOULD
}

TEST_F(OptionsResponderTest, OptionsToOurAddressAndPortIsAnswered) {
  EXPECT_NE(run(options("sip:192.0.2.10:5060")).response(), nullptr);
  EXPECT_NE(run(options("sip:192.0.2.10")).response(), nullptr);
}

TEST_F(OptionsResponderTest, OptionsToAnotherPortOrHostPasses) {
  EXPECT_TRUE(run(options("sip:192.0.2.10:5070")).isNext());
  EXPECT_TRUE(run(options("sip:foreign.test")).isNext());
}

TEST_F(OptionsResponderTest, OptionsToAUserPasses) {
  EXPECT_TRUE(run(options("sip:bob@example.test")).isNext());
}

TEST_F(OptionsResponderTest, InDialogOptionsPasses) {
  RequestSpec r = options("sip:example.test");
  r.to += ";tag=abc";
  EXPECT_TRUE(run(r).isNext());
}

TEST_F(OptionsResponderTest, OptionsWithARouteSetPasses) {
  RequestSpec r = options("sip:example.test");
  r.routes = {"<sip:192.0.2.30;lr>"};
  EXPECT_TRUE(run(r).isNext());
}

TEST_F(OptionsResponderTest, OtherMethodsToUsPass) {
  RequestSpec r = options("sip:example.test");
  r.method = "INFO";
  EXPECT_TRUE(run(r).isNext());
}

}  // namespace
}  // namespace insip::proxy
