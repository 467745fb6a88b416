// SPDX-License-Identifier: Apache-2.0
//
// registrar_processor_test.cpp — the REGISTER step of the chain (RFC 3261 §10.3): which
// REGISTERs it answers, fail-closed without authentication, AOR domain check.
#include "proxy/processors/registrar_processor.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "registrar/memory_binding_store.hpp"
#include "sip_builder.hpp"
#include "util/fake_clock.hpp"

namespace insip::proxy {
namespace {

using testsupport::parse;
using testsupport::RequestSpec;

class RegistrarProcessorTest : public ::testing::Test {
 protected:
  static RequestSpec registerFor(const std::string& aor_user, const std::string& domain = "example.test") {
    RequestSpec r;
    r.method = "REGISTER";
    r.ruri = "sip:example.test";
    r.from = "<sip:" + aor_user + "@" + domain + ">;tag=f1";
    r.to = "<sip:" + aor_user + "@" + domain + ">";
    r.headers = {"Contact: <sip:" + aor_user + "@192.0.2.1:5060>", "Expires: 600"};
    return r;
  }
  struct Run {
    Outcome outcome;
    RequestContext ctx;
  };
  Run run(const RequestSpec& r, bool authenticated = true) {
    RequestContext ctx(parse(r.wire()), testsupport::udpFlow("192.0.2.1", 5060));
    if (authenticated) {
      ctx.authenticated_user = AuthenticatedUser{"alice", "example.test", "subscriber"};
    }
    Outcome o = processor_.onRequest(ctx);
    // A REGISTER that changes bindings is answered once the store has the change (suspended);
    // the memory store completes at once, so the Resume comes before start() returns.
    if (Outcome::Start* start = o.suspended()) {
      std::optional<Outcome> resumed;
      (*start)(ctx, [&](Outcome r) { resumed.emplace(std::move(r)); });
      EXPECT_TRUE(resumed.has_value()) << "suspended REGISTER never resumed";
      if (resumed) o = std::move(*resumed);
    }
    return Run{std::move(o), std::move(ctx)};
  }
  static int status(const Outcome& o) { return o.response() != nullptr ? o.response()->status : 0; }

  util::FakeClock clock_;
  config::Registrar cfg_;
  registrar::MemoryBindingStore store_{clock_};
  registrar::Registrar registrar_{cfg_, store_, clock_};
  LocalIdentity identity_{{"192.0.2.10"}, 5060, {"example.test"}};
  Stats stats_;
  RegistrarProcessor processor_{registrar_, identity_, stats_};
};

TEST_F(RegistrarProcessorTest, OtherMethodsPass) {
  RequestSpec r;
  EXPECT_TRUE(run(r).outcome.isNext());
}

TEST_F(RegistrarProcessorTest, RegisterForAnotherDomainsRegistrarPasses) {
  RequestSpec r = registerFor("carol", "foreign.test");
  r.ruri = "sip:foreign.test";
  EXPECT_TRUE(run(r, false).outcome.isNext());
}

TEST_F(RegistrarProcessorTest, UnauthenticatedRegisterIsRefused403) {
  Run r = run(registerFor("alice"), /*authenticated=*/false);
  EXPECT_EQ(status(r.outcome), 403);  // fail closed
  EXPECT_TRUE(store_.lookup("sip:alice@example.test").empty());
}

TEST_F(RegistrarProcessorTest, AddressOfRecordOutsideOurDomainsIsRefused403) {
  Run r = run(registerFor("alice", "foreign.test"));
  EXPECT_EQ(status(r.outcome), 403);
  EXPECT_EQ(store_.count(), 0u);
}

TEST_F(RegistrarProcessorTest, AuthenticatedRegisterIsAnswered200AndStoresTheBinding) {
  Run r = run(registerFor("alice"));
  ASSERT_EQ(status(r.outcome), 200);
  EXPECT_FALSE(r.outcome.response()->contacts.empty());  // §10.3 step 8: current bindings
  auto b = store_.lookup("sip:alice@example.test");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].contact, "sip:alice@192.0.2.1:5060");
  EXPECT_EQ(b[0].flow, "udp:192.0.2.1:5060");  // the flow it arrived on
  EXPECT_EQ(stats_.registrations, 1u);
}

TEST_F(RegistrarProcessorTest, RegisterToOurAddressIsHandledToo) {
  RequestSpec r = registerFor("alice");
  r.ruri = "sip:192.0.2.10";
  EXPECT_EQ(status(run(r).outcome), 200);
}

TEST_F(RegistrarProcessorTest, RegistrarRefusalIsPassedOnAndNotCounted) {
  RequestSpec r = registerFor("alice");
  r.headers = {"Contact: <sip:alice@192.0.2.1:5060>", "Expires: 1"};  // below min_expires 60
  Run out = run(r);
  ASSERT_EQ(status(out.outcome), 423);
  EXPECT_NE(out.outcome.response()->header("Min-Expires"), nullptr);
  EXPECT_EQ(stats_.registrations, 0u);
}

}  // namespace
}  // namespace insip::proxy
