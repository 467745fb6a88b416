// SPDX-License-Identifier: Apache-2.0
//
// router_test.cpp — target selection (RFC 3261 §16.5): location service, 480/404, requests to the
// proxy itself, relay policy; and parseFlow().
#include "proxy/processors/router.hpp"

#include <gtest/gtest.h>

#include "auth/memory_credential_store.hpp"
#include "registrar/memory_binding_store.hpp"
#include "sip_builder.hpp"
#include "util/fake_clock.hpp"

namespace insip::proxy {
namespace {

using testsupport::parse;
using testsupport::RequestSpec;

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    users_.addUser("bob", "example.test", "bob-pw");
    users_.addUser("dave", "example.test", "dave-pw");
  }
  void bind(const std::string& aor, const std::string& contact, const std::string& flow,
            std::uint16_t q_milli = 1000, std::uint64_t conn = 0) {
    registrar::Binding b;
    b.aor = aor;
    b.contact = contact;
    b.call_id = "reg-" + contact;
    b.cseq = 1;
    b.expires_at = clock_.systemNow() + std::chrono::hours(1);
    b.q_milli = q_milli;
    b.flow = flow;
    b.connection_id = conn;
    b.updated_at = clock_.systemNow();
    ASSERT_TRUE(store_.apply(aor, registrar::BindingChanges{{}, {b}}));
  }
  struct Run {
    Outcome outcome;
    RequestContext ctx;
  };
  Run run(const RequestSpec& r, bool authenticated = false, bool relay = false) {
    Router router(store_, users_, identity_, "example.test", relay);
    RequestContext ctx(parse(r.wire()), testsupport::udpFlow("192.0.2.1", 5060));
    if (authenticated) {
      ctx.authenticated_user = AuthenticatedUser{"alice", "example.test", "subscriber"};
    }
    Outcome o = router.onRequest(ctx);
    return Run{std::move(o), std::move(ctx)};
  }
  static int status(const Outcome& o) { return o.response() != nullptr ? o.response()->status : 0; }

  util::FakeClock clock_;
  registrar::MemoryBindingStore store_{clock_};
  auth::MemoryCredentialStore users_;
  LocalIdentity identity_{{"192.0.2.10"}, 5060, {"example.test"}};
};

TEST_F(RouterTest, LocalUserIsForwardedToEveryBindingHighestQFirst) {
  bind("sip:bob@example.test", "sip:bob@192.0.2.21:5064", "udp:192.0.2.21:5064", 500);
  bind("sip:bob@example.test", "sip:bob@192.0.2.20:5062;transport=tcp", "tcp:192.0.2.20:40000", 1000, 7);
  Run r = run(RequestSpec{});
  ASSERT_TRUE(r.outcome.isForward());
  ASSERT_EQ(r.ctx.targets.size(), 2u);
  EXPECT_EQ(r.ctx.targets[0].uri.str(), "sip:bob@192.0.2.20:5062;transport=tcp");
  EXPECT_EQ(r.ctx.targets[1].uri.str(), "sip:bob@192.0.2.21:5064");
}

TEST_F(RouterTest, StreamBindingKeepsItsConnectionAndTheContactAddress) {
  // §18.2.2: reuse the connection the UA registered on; the Contact is the address to connect
  // to if that connection is gone (§16.5).
  bind("sip:bob@example.test", "sip:bob@192.0.2.20:5062;transport=tcp", "tcp:192.0.2.20:40000", 1000, 7);
  Run r = run(RequestSpec{});
  ASSERT_TRUE(r.outcome.isForward());
  ASSERT_EQ(r.ctx.targets.size(), 1u);
  ASSERT_TRUE(r.ctx.targets[0].flow.has_value());
  EXPECT_EQ(r.ctx.targets[0].flow->protocol, util::Protocol::Tcp);
  EXPECT_EQ(r.ctx.targets[0].flow->remote_ip, "192.0.2.20");
  EXPECT_EQ(r.ctx.targets[0].flow->remote_port, 5062);
  EXPECT_EQ(r.ctx.targets[0].flow->connection_id, 7u);
}

TEST_F(RouterTest, DatagramBindingIsReachedThroughItsContact) {
  bind("sip:bob@example.test", "sip:bob@192.0.2.21:5064", "udp:192.0.2.21:5064");
  Run r = run(RequestSpec{});
  ASSERT_TRUE(r.outcome.isForward());
  ASSERT_EQ(r.ctx.targets.size(), 1u);
  EXPECT_FALSE(r.ctx.targets[0].flow.has_value());
}

TEST_F(RouterTest, StreamBindingWithoutConnectionIsReachedThroughItsContact) {
  bind("sip:bob@example.test", "sip:bob@192.0.2.20:5062;transport=tcp", "tcp:192.0.2.20:40000", 1000, 0);
  Run r = run(RequestSpec{});
  ASSERT_TRUE(r.outcome.isForward());
  ASSERT_EQ(r.ctx.targets.size(), 1u);
  EXPECT_FALSE(r.ctx.targets[0].flow.has_value());
}

TEST_F(RouterTest, EscapedUserPartFindsTheBinding) {
  bind("sip:bob@example.test", "sip:bob@192.0.2.20:5062", "udp:192.0.2.20:5062");
  RequestSpec r;
  r.ruri = "sip:b%6Fb@EXAMPLE.test";  // §10.3 step 5 canonical AOR: unescaped user, host case-free
  EXPECT_TRUE(run(r).outcome.isForward());
}

TEST_F(RouterTest, KnownUserWithoutBindingIsAnswered480) {
  RequestSpec r;
  r.ruri = "sip:dave@example.test";
  EXPECT_EQ(status(run(r).outcome), 480);
}

TEST_F(RouterTest, UnknownUserGetsTheSameAnswerAsAKnownUnregisteredOne) {
  // No account enumeration: an unknown user and a known one without bindings look alike.
  RequestSpec r;
  r.ruri = "sip:nobody@example.test";
  EXPECT_EQ(status(run(r).outcome), 480);
}

TEST_F(RouterTest, BindingWithAnUnusableContactIsSkipped) {
  bind("sip:bob@example.test", "not a uri", "udp:192.0.2.20:5062");
  Run r = run(RequestSpec{});
  EXPECT_EQ(status(r.outcome), 480);
  bind("sip:bob@example.test", "sip:bob@192.0.2.21:5064", "udp:192.0.2.21:5064");
  r = run(RequestSpec{});
  ASSERT_TRUE(r.outcome.isForward());
  EXPECT_EQ(r.ctx.targets.size(), 1u);
}

TEST_F(RouterTest, BindingWithAnUnparsableFlowIsForwardedByItsContact) {
  bind("sip:bob@example.test", "sip:bob@192.0.2.20:5062", "garbage");
  Run r = run(RequestSpec{});
  ASSERT_TRUE(r.outcome.isForward());
  ASSERT_EQ(r.ctx.targets.size(), 1u);
  EXPECT_FALSE(r.ctx.targets[0].flow.has_value());
}

TEST_F(RouterTest, RequestToTheProxyWithoutUserIs404OrUnknownMethod501) {
  RequestSpec r;
  r.method = "INFO";
  r.ruri = "sip:example.test";
  EXPECT_EQ(status(run(r).outcome), 404);
  r.method = "FROBNICATE";
  EXPECT_EQ(status(run(r).outcome), 501);
}

TEST_F(RouterTest, ForeignDomainIsRefused403WithoutAuthentication) {
  RequestSpec r;
  r.ruri = "sip:carol@foreign.test";
  Run out = run(r);
  EXPECT_EQ(status(out.outcome), 403);
  EXPECT_TRUE(out.ctx.targets.empty());
}

TEST_F(RouterTest, ForeignDomainIsForwardedForAnAuthenticatedUser) {
  RequestSpec r;
  r.ruri = "sip:carol@foreign.test";
  Run out = run(r, /*authenticated=*/true);
  ASSERT_TRUE(out.outcome.isForward());
  ASSERT_EQ(out.ctx.targets.size(), 1u);
  EXPECT_EQ(out.ctx.targets[0].uri.str(), "sip:carol@foreign.test");
  EXPECT_FALSE(out.ctx.targets[0].flow.has_value());
}

TEST_F(RouterTest, ForeignDomainIsForwardedWhenOpenRelayIsConfigured) {
  RequestSpec r;
  r.ruri = "sip:carol@foreign.test";
  EXPECT_TRUE(run(r, false, /*relay=*/true).outcome.isForward());
}

TEST_F(RouterTest, PreloadedRouteToAnotherHopIsARelay) {
  bind("sip:bob@example.test", "sip:bob@192.0.2.20:5062", "udp:192.0.2.20:5062");
  RequestSpec r;
  r.routes = {"<sip:192.0.2.30:5070;lr>"};
  EXPECT_EQ(status(run(r).outcome), 403);
  Run out = run(r, /*authenticated=*/true);
  ASSERT_TRUE(out.outcome.isForward());
  ASSERT_EQ(out.ctx.targets.size(), 1u);
  EXPECT_EQ(out.ctx.targets[0].uri.str(), "sip:bob@example.test");  // R-URI kept, Route decides
}

TEST(ParseFlowTest, ReadsWhatFlowStrWrites) {
  for (const util::Flow& f : {util::Flow{util::Protocol::Udp, "127.0.0.1", 5060, 0},
                              util::Flow{util::Protocol::Tcp, "192.0.2.1", 40000, 0},
                              util::Flow{util::Protocol::Tls, "::1", 5061, 0}}) {
    auto p = parseFlow(f.str());
    ASSERT_TRUE(p.has_value()) << f.str();
    EXPECT_EQ(*p, f) << f.str();
  }
}

TEST(ParseFlowTest, AcceptsBracketedIpv6) {
  auto p = parseFlow("tcp:[2001:db8::1]:5060");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->remote_ip, "2001:db8::1");
  EXPECT_EQ(p->remote_port, 5060);
}

TEST(ParseFlowTest, RejectsMalformedText) {
  for (const char* bad : {"", "sctp:1.2.3.4:5060", "udp:1.2.3.4", "udp::5060", "udp:1.2.3.4:0",
                          "udp:1.2.3.4:65536", "udp:1.2.3.4:50a", "UDP:1.2.3.4:5060"}) {
    EXPECT_FALSE(parseFlow(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace insip::proxy
