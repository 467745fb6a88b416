// SPDX-License-Identifier: Apache-2.0
//
// proxy_core_test.cpp — the stateful proxy (RFC 3261 §16) driven through onBytes() with the real
// request chain (the order of app/build_pipeline.cpp), in-memory stores and a FakeTimerService.
// Everything the core sends is captured as (flow, bytes) and parsed back.
// Addresses: proxy 192.0.2.10:5060 (domain example.test), caller 192.0.2.1:5060, bob's contacts
// 192.0.2.20:5062 and 192.0.2.21:5064, a downstream proxy 192.0.2.30:5070.
#include "proxy/proxy_core.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "auth/digest_verifier.hpp"
#include "auth/lockout.hpp"
#include "auth/memory_credential_store.hpp"
#include "auth/nonce.hpp"
#include "digest_client.hpp"
#include "proxy/processors/digest_authenticator.hpp"
#include "proxy/processors/in_dialog_router.hpp"
#include "proxy/processors/message_sanity.hpp"
#include "proxy/processors/options_responder.hpp"
#include "proxy/processors/registrar_processor.hpp"
#include "proxy/processors/router.hpp"
#include "registrar/memory_binding_store.hpp"
#include "registrar/registrar.hpp"
#include "sip_builder.hpp"
#include "util/fake_clock.hpp"

namespace insip::proxy {
namespace {

using testsupport::headerOf;
using testsupport::parse;
using testsupport::RequestSpec;
using testsupport::responseTo;
using testsupport::Sent;
using testsupport::udpFlow;
using util::Millis;

const util::Flow kCaller = udpFlow("192.0.2.1", 5060);
const util::Flow kBob = udpFlow("192.0.2.20", 5062);
const util::Flow kBob2 = udpFlow("192.0.2.21", 5064);
const util::Flow kNextProxy = udpFlow("192.0.2.30", 5070);

/// Counts how often the chain runs (first processor), then passes.
class CountingProcessor final : public RequestProcessor {
 public:
  explicit CountingProcessor(int& runs) : runs_(runs) {}
  std::string_view name() const override { return "counting"; }
  Outcome onRequest(RequestContext&) override {
    ++runs_;
    return Outcome::next();
  }

 private:
  int& runs_;
};

/// All Via header values of a wire message, topmost first (one Via per line in our output).
std::vector<std::string> viaLines(std::string_view wire) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < wire.size()) {
    std::size_t eol = wire.find("\r\n", pos);
    if (eol == std::string_view::npos || eol == pos) {
      break;
    }
    std::string_view line = wire.substr(pos, eol - pos);
    if (line.starts_with("Via: ")) {
      out.emplace_back(line.substr(5));
    }
    pos = eol + 2;
  }
  return out;
}

class ProxyCoreTest : public ::testing::Test {
 protected:
  ProxyCoreTest() {
    cfg_.proxy.domains = {"example.test"};
    creds_.addUser("alice", "example.test", "alice-pw");
    creds_.addUser("bob", "example.test", "bob-pw");
    pipeline_.request<CountingProcessor>(pipeline_runs_);
    pipeline_.request<MessageSanity>(identity_);
    pipeline_.request<OptionsResponder>(identity_);
    pipeline_.request<InDialogRouter>(identity_);
    pipeline_.request<DigestAuthenticator>(verifier_, identity_, stats_);
    pipeline_.request<RegistrarProcessor>(registrar_, identity_, stats_);
    pipeline_.request<Router>(bindings_, creds_, identity_, "example.test", false);
  }

  ProxyCore& core() {
    if (!core_) {
      core_ = std::make_unique<ProxyCore>(cfg_, pipeline_, identity_, timers_, stats_,
                                          [this](const util::Flow& to, std::string_view b) {
                                            sent_.push_back({to, std::string(b)});
                                          });
    }
    return *core_;
  }
  void in(const std::string& wire, const util::Flow& from) { core().onBytes(wire, from); }
  void advance(long long ms) { timers_.advance(Millis(ms)); }
  std::vector<Sent> take() {
    std::vector<Sent> out;
    out.swap(sent_);
    return out;
  }
  static std::vector<Sent> to(const std::vector<Sent>& v, const util::Flow& f) {
    std::vector<Sent> out;
    std::copy_if(v.begin(), v.end(), std::back_inserter(out),
                 [&](const Sent& s) { return s.to.remote_ip == f.remote_ip && s.to.remote_port == f.remote_port; });
    return out;
  }

  void addBinding(const std::string& aor, const std::string& contact, const util::Flow& flow,
                  std::uint16_t q_milli = 1000) {
    registrar::Binding b;
    b.aor = aor;
    b.contact = contact;
    b.call_id = "reg-" + contact;
    b.cseq = 1;
    b.expires_at = timers_.clock().systemNow() + std::chrono::hours(1);
    b.q_milli = q_milli;
    b.flow = flow.str();
    b.updated_at = timers_.clock().systemNow();
    ASSERT_TRUE(bindings_.apply(aor, registrar::BindingChanges{{}, {b}}));
  }
  void bobAt(const util::Flow& f, std::uint16_t port_in_contact, std::uint16_t q = 1000) {
    addBinding("sip:bob@example.test",
               "sip:bob@" + f.remote_ip + ":" + std::to_string(port_in_contact), f, q);
  }

  /// INVITE from a foreign caller (no authentication needed) to bob@example.test.
  static RequestSpec callerInvite() {
    RequestSpec r;
    r.from = "<sip:carol@foreign.test>;tag=fc1";
    return r;
  }

  /// Sends `inv` from the caller; returns the copies forwarded downstream (100 Trying checked).
  std::vector<Sent> forward(const RequestSpec& inv = callerInvite()) {
    in(inv.wire(), kCaller);
    auto out = take();
    std::vector<Sent> downstream;
    bool trying = false;
    for (auto& s : out) {
      if (s.to == kCaller && s.status() == 100) {
        trying = true;
      } else if (s.status() == 0) {
        downstream.push_back(s);
      } else {
        ADD_FAILURE() << "unexpected message to " << s.to.str() << ":\n" << s.bytes;
      }
    }
    EXPECT_TRUE(trying) << "no 100 Trying upstream";
    return downstream;
  }

  config::Config cfg_;
  LocalIdentity identity_{{"192.0.2.10"}, 5060, {"example.test"}};
  util::FakeTimerService timers_;
  auth::MemoryCredentialStore creds_;
  auth::NonceManager nonces_{std::vector<unsigned char>(32, 0x5a), timers_.clock()};
  auth::LockoutTracker lockout_{5, std::chrono::seconds(300), timers_.clock()};
  auth::DigestVerifier verifier_{auth::VerifierConfig{}, creds_, nonces_, lockout_};
  registrar::MemoryBindingStore bindings_{timers_.clock()};
  registrar::Registrar registrar_{cfg_.registrar, bindings_, timers_.clock()};
  Stats stats_;
  int pipeline_runs_ = 0;
  Pipeline pipeline_;
  std::vector<Sent> sent_;
  std::unique_ptr<ProxyCore> core_;
};

// =============================================================================================
// Requests answered by the proxy itself

TEST_F(ProxyCoreTest, OptionsToTheProxyIsAnswered200WithATag) {
  RequestSpec r;
  r.method = "OPTIONS";
  r.ruri = "sip:192.0.2.10";
  r.to = "<sip:192.0.2.10>";
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 200);
  sip::Message m = out[0].msg();
  ASSERT_EQ(m.vias.size(), 1u);
  EXPECT_EQ(m.vias[0].branch().value_or(""), "z9hG4bKuac1");
  EXPECT_EQ(m.cseq.method, sip::Method::Options);
  EXPECT_NE(m.header("Allow"), nullptr);
  // RFC 3261 §8.2.6.2: a UAS adds a To tag to every response but 100.
  EXPECT_TRUE(m.to.tag().has_value());
}

TEST_F(ProxyCoreTest, RegisterWithoutCredentialsIsChallenged401) {
  RequestSpec r;
  r.method = "REGISTER";
  r.ruri = "sip:example.test";
  r.to = "<sip:alice@example.test>";
  r.headers = {"Contact: <sip:alice@192.0.2.1:5060>"};
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 401);
  sip::Message m = out[0].msg();
  auto challenges = m.headerValues("WWW-Authenticate");
  ASSERT_FALSE(challenges.empty());
  auto p = testsupport::challengeParams(*challenges[0]);
  EXPECT_EQ(p["realm"], "example.test");
  EXPECT_FALSE(p["nonce"].empty());
  EXPECT_EQ(p["qop"], "auth");
  EXPECT_TRUE(m.to.tag().has_value());  // §8.2.6.2
  EXPECT_EQ(stats_.auth_challenges, 1u);
  EXPECT_TRUE(bindings_.lookup("sip:alice@example.test").empty());
}

TEST_F(ProxyCoreTest, RegisterAnsweringTheChallengeIsAccepted200AndStoresTheBinding) {
  RequestSpec r;
  r.method = "REGISTER";
  r.ruri = "sip:example.test";
  r.to = "<sip:alice@example.test>";
  r.headers = {"Contact: <sip:alice@192.0.2.1:5060>", "Expires: 600"};
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  const std::string challenge = headerOf(out[0].bytes, "WWW-Authenticate");
  ASSERT_FALSE(challenge.empty());
  r.branch = "z9hG4bKuac2";
  r.cseq = 2;
  r.headers.push_back("Authorization: " + testsupport::digestCredentials(
                                              challenge, "alice", "alice-pw", "REGISTER",
                                              "sip:example.test"));
  in(r.wire(), kCaller);
  out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 200) << out[0].bytes;
  auto b = bindings_.lookup("sip:alice@example.test");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].contact, "sip:alice@192.0.2.1:5060");
  EXPECT_EQ(stats_.registrations, 1u);
}

TEST_F(ProxyCoreTest, RegisterThroughAnOutboundProxyRouteIsAccepted) {
  // §8.1.2: a UA with this proxy as outbound proxy pre-loads Route: <sip:proxy;lr>.
  RequestSpec r;
  r.method = "REGISTER";
  r.ruri = "sip:example.test";
  r.to = "<sip:alice@example.test>";
  r.routes = {"<sip:192.0.2.10;lr>"};
  r.headers = {"Contact: <sip:alice@192.0.2.1:5060>"};
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].status(), 401);
  r.branch = "z9hG4bKuac2";
  r.cseq = 2;
  r.headers.push_back("Authorization: " + testsupport::digestCredentials(
                                              headerOf(out[0].bytes, "WWW-Authenticate"), "alice",
                                              "alice-pw", "REGISTER", "sip:example.test"));
  in(r.wire(), kCaller);
  out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 200) << out[0].bytes;
  EXPECT_EQ(bindings_.lookup("sip:alice@example.test").size(), 1u);
}

TEST_F(ProxyCoreTest, RetransmittedRequestIsAbsorbedAndAnsweredWithTheSameResponse) {
  RequestSpec r;
  r.method = "OPTIONS";
  r.ruri = "sip:example.test";
  r.to = "<sip:example.test>";
  in(r.wire(), kCaller);
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].status(), 200);
  EXPECT_EQ(out[1].bytes, out[0].bytes);  // the transaction resent its response
  EXPECT_EQ(pipeline_runs_, 1);
  EXPECT_EQ(stats_.retransmissions_absorbed, 1u);
}

TEST_F(ProxyCoreTest, ChallengesAreStatelessSoRetransmissionsGetAFreshOneAndNoStateIsKept) {
  // RFC 3261 §26.3.2.4: no transaction state for unauthenticated senders.
  RequestSpec r;
  r.method = "REGISTER";
  r.ruri = "sip:example.test";
  r.to = "<sip:alice@example.test>";
  in(r.wire(), kCaller);
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].status(), 401);
  EXPECT_EQ(out[1].status(), 401);
  EXPECT_EQ(pipeline_runs_, 2);
  EXPECT_EQ(stats_.retransmissions_absorbed, 0u);
  EXPECT_EQ(stats_.auth_challenges, 2u);
  EXPECT_EQ(core_->serverTransactions(), 0u);
}

TEST_F(ProxyCoreTest, MaxForwardsZeroIsAnswered483AndNotForwarded) {
  bobAt(kBob, 5062);
  RequestSpec r = callerInvite();
  r.max_forwards = 0;
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 483);
  EXPECT_TRUE(out[0].msg().to.tag().has_value());
}

TEST_F(ProxyCoreTest, UnparsableRequestWithReadableViaGets400NamingTheHeader) {
  RequestSpec r = callerInvite();
  r.max_forwards.reset();
  r.headers = {"Max-Forwards: seventy"};
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 400);
  sip::Message m = out[0].msg();
  EXPECT_NE(m.reason.find("Max-Forwards"), std::string::npos) << m.reason;
  ASSERT_EQ(m.vias.size(), 1u);
  EXPECT_EQ(m.vias[0].branch().value_or(""), "z9hG4bKuac1");
  EXPECT_EQ(stats_.parse_errors, 1u);
  EXPECT_EQ(pipeline_runs_, 0);
}

TEST_F(ProxyCoreTest, UnparsableRequestWithoutViaIsDroppedAndCounted) {
  const std::string wire =
      "INVITE sip:bob@example.test SIP/2.0\r\n"
      "From: <sip:carol@foreign.test>;tag=1\r\n"
      "To: <sip:bob@example.test>\r\n"
      "Call-ID: novia@192.0.2.1\r\n"
      "CSeq: 1 INVITE\r\n"
      "Content-Length: 0\r\n\r\n";
  in(wire, kCaller);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(stats_.parse_errors, 1u);
  EXPECT_EQ(stats_.dropped, 1u);
}

TEST_F(ProxyCoreTest, NewTransactionBeyondMaxTransactionsIsAnswered503) {
  cfg_.limits.max_transactions = 1;
  bobAt(kBob, 5062);
  ASSERT_EQ(forward().size(), 1u);
  RequestSpec second = callerInvite();
  second.branch = "z9hG4bKuac9";
  second.call_id = "call-9@192.0.2.1";
  in(second.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 503);
  EXPECT_NE(out[0].msg().header("Retry-After"), nullptr);
  EXPECT_EQ(stats_.transactions_rejected, 1u);
}

// =============================================================================================
// Forwarding (§16.6) and response relay (§16.7)

TEST_F(ProxyCoreTest, InviteToARegisteredUserIsForwardedPerSection166) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].to.remote_ip, "192.0.2.20");
  EXPECT_EQ(down[0].to.remote_port, 5062);
  sip::Message f = down[0].msg();
  EXPECT_EQ(f.method, sip::Method::Invite);
  EXPECT_EQ(f.request_uri.str(), "sip:bob@192.0.2.20:5062");  // step 2: the target
  ASSERT_EQ(f.vias.size(), 2u);                                // step 8: our Via on top
  EXPECT_EQ(f.vias[0].host, "192.0.2.10");
  EXPECT_EQ(f.vias[0].port.value_or(5060), 5060);
  EXPECT_EQ(f.vias[0].transport, "UDP");
  EXPECT_TRUE(f.vias[0].branch().value_or("").starts_with("z9hG4bK"));
  EXPECT_EQ(f.vias[1].branch().value_or(""), "z9hG4bKuac1");
  EXPECT_EQ(f.max_forwards, 69);                                // step 3
  ASSERT_FALSE(f.record_routes.empty());                        // step 4
  EXPECT_EQ(f.record_routes[0].uri.host, "192.0.2.10");
  EXPECT_NE(sip::findParam(f.record_routes[0].uri.params, "lr"), nullptr);
  EXPECT_EQ(f.call_id, "call-1@192.0.2.1");
  EXPECT_EQ(f.from.tag().value_or(""), "fc1");
  EXPECT_FALSE(f.to.tag().has_value());
  EXPECT_EQ(stats_.calls_forwarded, 1u);
}

TEST_F(ProxyCoreTest, InviteFromTcpToUdpIsDoubleRecordRoutedAndAnsweredOnTheConnection) {
  bobAt(kBob, 5062);
  const util::Flow caller_tcp = testsupport::tcpFlow("192.0.2.1", 40001, 3);
  RequestSpec r = callerInvite();
  r.via_transport = "TCP";
  in(r.wire(), caller_tcp);
  auto out = take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].to, caller_tcp);  // 100 Trying on the same connection (§18.2.2)
  EXPECT_EQ(out[0].status(), 100);
  sip::Message f = out[1].msg();
  ASSERT_EQ(f.record_routes.size(), 2u);  // RFC 5658: one entry per leg, downstream leg on top
  EXPECT_EQ(sip::findParam(f.record_routes[0].uri.params, "transport"), nullptr);
  EXPECT_EQ(sip::paramValue(f.record_routes[1].uri.params, "transport").value_or(""), "tcp");
  EXPECT_NE(sip::findParam(f.record_routes[1].uri.params, "lr"), nullptr);
  EXPECT_EQ(f.vias[0].transport, "UDP");
  in(responseTo(out[1].bytes, 180, "Ringing", "bt1"), kBob);
  out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, caller_tcp);
}

TEST_F(ProxyCoreTest, AuthenticatedInviteIsForwardedWithoutOurRealmsCredentials) {
  bobAt(kBob, 5062);
  RequestSpec r;  // alice@example.test calling bob: must authenticate (407)
  in(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].status(), 407);
  EXPECT_TRUE(out[0].msg().to.tag().has_value());
  const std::string challenge = headerOf(out[0].bytes, "Proxy-Authenticate");
  ASSERT_FALSE(challenge.empty());
  // The ACK for the 407 is absorbed by the server transaction.
  RequestSpec ack = r;
  ack.method = "ACK";
  ack.to = "<sip:bob@example.test>;tag=" + std::string(out[0].msg().to.tag().value_or("x"));
  in(ack.wire(), kCaller);
  EXPECT_TRUE(take().empty());

  r.branch = "z9hG4bKuac2";
  r.cseq = 2;
  const std::string other_realm =
      "Proxy-Authorization: Digest username=\"alice\", realm=\"other.test\", nonce=\"abc\", "
      "uri=\"sip:bob@example.test\", response=\"0123456789abcdef0123456789abcdef\"";
  r.headers = {"Proxy-Authorization: " + testsupport::digestCredentials(challenge, "alice", "alice-pw",
                                                                        "INVITE", "sip:bob@example.test"),
               other_realm};
  auto down = forward(r);
  ASSERT_EQ(down.size(), 1u);
  sip::Message f = down[0].msg();
  auto pa = f.headerValues("Proxy-Authorization");
  ASSERT_EQ(pa.size(), 1u);  // §22.3: ours consumed, the other realm's passed on
  EXPECT_NE(pa[0]->find("other.test"), std::string::npos);
  EXPECT_EQ(stats_.auth_ok, 1u);
}

TEST_F(ProxyCoreTest, ProvisionalAndFinalResponsesAreRelayedWithOurViaRemoved) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(responseTo(down[0].bytes, 180, "Ringing", "bt1"), kBob);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 180);
  sip::Message m = out[0].msg();
  ASSERT_EQ(m.vias.size(), 1u);
  EXPECT_EQ(m.vias[0].host, "192.0.2.1");
  EXPECT_EQ(m.vias[0].branch().value_or(""), "z9hG4bKuac1");
  EXPECT_EQ(m.to.tag().value_or(""), "bt1");

  in(responseTo(down[0].bytes, 200, "OK", "bt1"), kBob);
  out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 200);
  m = out[0].msg();
  ASSERT_EQ(m.vias.size(), 1u);
  EXPECT_EQ(m.vias[0].branch().value_or(""), "z9hG4bKuac1");
  EXPECT_FALSE(m.record_routes.empty());  // the Record-Route the UAS copied stays
  EXPECT_EQ(stats_.calls_answered, 1u);
}

TEST_F(ProxyCoreTest, RetransmittedTwoHundredIsRelayedAgain) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(responseTo(down[0].bytes, 200, "OK", "bt1"), kBob);
  in(responseTo(down[0].bytes, 200, "OK", "bt1"), kBob);
  auto out = take();
  ASSERT_EQ(out.size(), 2u);  // §16.7 step 5: every 2xx to INVITE is forwarded
  EXPECT_EQ(out[1].status(), 200);
  EXPECT_EQ(out[1].to, kCaller);
}

TEST_F(ProxyCoreTest, HundredTryingFromDownstreamIsNotRelayed) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(responseTo(down[0].bytes, 100, "Trying"), kBob);
  EXPECT_TRUE(take().empty());
}

TEST_F(ProxyCoreTest, RetransmittedInviteResendsTryingAndIsNotForwardedAgain) {
  bobAt(kBob, 5062);
  ASSERT_EQ(forward().size(), 1u);
  in(callerInvite().wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 100);
  EXPECT_EQ(pipeline_runs_, 1);
}

TEST_F(ProxyCoreTest, ResponseWhoseTopViaIsNotOursIsDropped) {
  testsupport::ResponseSpec r;
  r.status = 200;
  r.vias = {"SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKzz", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKuac1"};
  in(r.wire(), kBob);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(stats_.dropped, 1u);
}

// =============================================================================================
// In-dialog requests (§16.4, §16.11, §16.12)

TEST_F(ProxyCoreTest, AckForTwoHundredRoutedThroughUsIsForwardedStatelessly) {
  RequestSpec ack = callerInvite();
  ack.method = "ACK";
  ack.ruri = "sip:bob@192.0.2.20:5062";
  ack.branch = "z9hG4bKack1";
  ack.to = "<sip:bob@example.test>;tag=bt1";
  ack.routes = {"<sip:192.0.2.10:5060;lr;itok=" + identity_.routeToken(ack.call_id) + ">"};
  in(ack.wire(), kCaller);
  in(ack.wire(), kCaller);  // retransmitted by the UAC
  auto out = take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].to.remote_ip, "192.0.2.20");
  EXPECT_EQ(out[0].to.remote_port, 5062);
  sip::Message f = out[0].msg();
  EXPECT_EQ(f.method, sip::Method::Ack);
  EXPECT_EQ(f.request_uri.str(), "sip:bob@192.0.2.20:5062");
  ASSERT_EQ(f.vias.size(), 2u);
  EXPECT_EQ(f.vias[0].host, "192.0.2.10");
  EXPECT_TRUE(f.vias[0].branch().value_or("").starts_with("z9hG4bK"));
  EXPECT_TRUE(f.routes.empty());  // our Route entry popped
  EXPECT_EQ(f.max_forwards, 69);
  EXPECT_EQ(core().serverTransactions(), 0u);
  // §16.11: a stateless forward derives the same branch for the same ACK.
  EXPECT_EQ(out[1].msg().vias[0].branch(), f.vias[0].branch());
}

TEST_F(ProxyCoreTest, OurRealmsCredentialsNeverLeaveOnInDialogRequests) {
  // RFC 3261 §22.3: UAs resend cached Proxy-Authorization on BYE; it must not reach the callee.
  RequestSpec bye = callerInvite();
  bye.method = "BYE";
  bye.ruri = "sip:bob@192.0.2.20:5062";
  bye.branch = "z9hG4bKbye2";
  bye.cseq = 2;
  bye.to = "<sip:bob@example.test>;tag=bt1";
  bye.routes = {"<sip:192.0.2.10:5060;lr;itok=" + identity_.routeToken(bye.call_id) + ">"};
  bye.headers = {"Proxy-Authorization: Digest username=\"alice\", realm=\"example.test\", "
                 "nonce=\"n1\", uri=\"sip:bob@example.test\", response=\"0123\"",
                 "Proxy-Authorization: Digest username=\"alice\", realm=\"other.test\", "
                 "nonce=\"n2\", uri=\"sip:bob@example.test\", response=\"4567\""};
  in(bye.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  sip::Message f = out[0].msg();
  auto left = f.headerValues("Proxy-Authorization");
  ASSERT_EQ(left.size(), 1u);  // another realm's credentials are for a proxy further on
  EXPECT_NE(left[0]->find("other.test"), std::string::npos);
}

TEST_F(ProxyCoreTest, AckToOurStatelessChallengeIsAbsorbedEvenWithARouteToUs) {
  // The ACK for a 407 carries our To tag; with an outbound-proxy Route it names us, but it
  // belongs to our challenge and must not be forwarded.
  bobAt(kBob, 5062);
  RequestSpec inv;  // from our domain, no credentials: challenged
  inv.routes = {"<sip:192.0.2.10:5060;lr>"};
  in(inv.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].status(), 407);
  RequestSpec ack = inv;
  ack.method = "ACK";
  ack.to = out[0].msg().to.str();
  in(ack.wire(), kCaller);
  EXPECT_TRUE(take().empty());
}

TEST_F(ProxyCoreTest, InDialogByeFollowsTheRouteSet) {
  RequestSpec bye = callerInvite();
  bye.method = "BYE";
  bye.ruri = "sip:bob@192.0.2.20:5062";
  bye.branch = "z9hG4bKbye1";
  bye.cseq = 2;
  bye.to = "<sip:bob@example.test>;tag=bt1";
  bye.routes = {"<sip:192.0.2.10:5060;lr;itok=" + identity_.routeToken(bye.call_id) + ">", "<sip:192.0.2.30:5070;lr>"};
  in(bye.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to.remote_ip, "192.0.2.30");
  EXPECT_EQ(out[0].to.remote_port, 5070);
  sip::Message f = out[0].msg();
  EXPECT_EQ(f.method, sip::Method::Bye);
  EXPECT_EQ(f.request_uri.str(), "sip:bob@192.0.2.20:5062");  // loose routing keeps the R-URI
  ASSERT_EQ(f.routes.size(), 1u);
  EXPECT_EQ(f.routes[0].uri.host, "192.0.2.30");
  EXPECT_TRUE(f.record_routes.empty());  // no Record-Route inside a dialog
  ASSERT_EQ(f.vias.size(), 2u);
  EXPECT_EQ(f.vias[0].host, "192.0.2.10");

  in(responseTo(out[0].bytes, 200, "OK"), kNextProxy);
  out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 200);
  EXPECT_EQ(out[0].msg().cseq.method, sip::Method::Bye);
  EXPECT_EQ(out[0].msg().vias.size(), 1u);
}

// =============================================================================================
// CANCEL (§16.10, §9.1)

RequestSpec cancelFor(const RequestSpec& inv) {
  RequestSpec c = inv;
  c.method = "CANCEL";
  c.headers.clear();
  return c;
}

TEST_F(ProxyCoreTest, CancelAfterProvisionalIsAnswered200AndCancelsTheBranch) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(responseTo(down[0].bytes, 180, "Ringing", "bt1"), kBob);
  ASSERT_EQ(take().size(), 1u);

  in(cancelFor(callerInvite()).wire(), kCaller);
  auto out = take();
  auto up = to(out, kCaller);
  auto dn = to(out, kBob);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 200);
  EXPECT_EQ(up[0].msg().cseq.method, sip::Method::Cancel);
  ASSERT_EQ(dn.size(), 1u);
  sip::Message c = dn[0].msg();
  const sip::Message inv = down[0].msg();
  EXPECT_EQ(c.method, sip::Method::Cancel);
  EXPECT_EQ(c.request_uri, inv.request_uri);  // §9.1: same Request-URI, Call-ID, To, From, CSeq number
  ASSERT_EQ(c.vias.size(), 1u);               // §9.1: only the top Via of the request cancelled
  EXPECT_EQ(c.vias[0].branch(), inv.vias[0].branch());
  EXPECT_EQ(c.call_id, inv.call_id);
  EXPECT_EQ(c.cseq.seq, inv.cseq.seq);
  EXPECT_EQ(c.cseq.method, sip::Method::Cancel);
  EXPECT_EQ(c.from, inv.from);
  EXPECT_FALSE(c.to.tag().has_value());

  // Bob answers the CANCEL (absorbed) and the INVITE with 487 (relayed; hop-by-hop ACK).
  in(responseTo(dn[0].bytes, 200, "OK", "bt1"), kBob);
  EXPECT_TRUE(take().empty());
  in(responseTo(down[0].bytes, 487, "Request Terminated", "bt1"), kBob);
  out = take();
  up = to(out, kCaller);
  dn = to(out, kBob);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 487);
  EXPECT_EQ(up[0].msg().cseq.method, sip::Method::Invite);
  EXPECT_EQ(up[0].msg().vias.size(), 1u);
  ASSERT_EQ(dn.size(), 1u);
  EXPECT_EQ(dn[0].method(), "ACK");
  EXPECT_EQ(dn[0].msg().vias[0].branch(), inv.vias[0].branch());
}

TEST_F(ProxyCoreTest, CancelBeforeAnyProvisionalIsHeldBackUntilOneArrives) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(cancelFor(callerInvite()).wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);  // 200 to the CANCEL only: §9.1 forbids a CANCEL before a 1xx
  EXPECT_EQ(out[0].to, kCaller);
  EXPECT_EQ(out[0].status(), 200);

  in(responseTo(down[0].bytes, 100, "Trying"), kBob);
  out = take();
  auto dn = to(out, kBob);
  ASSERT_EQ(dn.size(), 1u);
  EXPECT_EQ(dn[0].method(), "CANCEL");
  EXPECT_TRUE(to(out, kCaller).empty());

  in(responseTo(down[0].bytes, 487, "Request Terminated", "bt1"), kBob);
  auto up = to(take(), kCaller);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 487);
}

TEST_F(ProxyCoreTest, CancelBeforeAnyProvisionalEndsWith487WhenTheBranchNeverAnswers) {
  bobAt(kBob, 5062);
  ASSERT_EQ(forward().size(), 1u);
  in(cancelFor(callerInvite()).wire(), kCaller);
  ASSERT_EQ(take().size(), 1u);
  advance(32000);  // Timer B on the branch
  auto out = take();
  auto up = to(out, kCaller);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 487);
  for (const auto& s : to(out, kBob)) {
    EXPECT_EQ(s.method(), "INVITE");  // only retransmissions; never a CANCEL without a 1xx
  }
}

TEST_F(ProxyCoreTest, CancelAfterTheFinalResponseIsAnswered200AndChangesNothing) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(responseTo(down[0].bytes, 486, "Busy Here", "bt1"), kBob);
  ASSERT_EQ(to(take(), kCaller).size(), 1u);
  in(cancelFor(callerInvite()).wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);  // §9.2: the CANCEL is answered, the final response stands
  EXPECT_EQ(out[0].status(), 200);
  EXPECT_EQ(out[0].msg().cseq.method, sip::Method::Cancel);
}

TEST_F(ProxyCoreTest, CancelForAnUnknownTransactionIsAnswered481) {
  in(cancelFor(callerInvite()).wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 481);
}

// =============================================================================================
// Timeouts (§16.7 step 1 / Timer B, §16.8 Timer C)

TEST_F(ProxyCoreTest, BranchThatNeverAnswersGives408UpstreamAfterTimerB) {
  bobAt(kBob, 5062);
  ASSERT_EQ(forward().size(), 1u);
  advance(31999);
  auto out = take();
  EXPECT_EQ(to(out, kCaller).size(), 0u);
  EXPECT_EQ(to(out, kBob).size(), 6u);  // Timer A retransmissions at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s
  advance(1);
  out = take();
  auto up = to(out, kCaller);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 408);
  EXPECT_TRUE(up[0].msg().to.tag().has_value());
  EXPECT_EQ(stats_.timeouts_408, 1u);
}

TEST_F(ProxyCoreTest, TimerCCancelsARingingBranchAndThen408IsSentUpstream) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(responseTo(down[0].bytes, 180, "Ringing", "bt1"), kBob);
  ASSERT_EQ(take().size(), 1u);
  advance(184999);
  EXPECT_TRUE(take().empty());
  advance(1);  // Timer C = 185 s (> 3 min, §16.6 step 11)
  auto out = take();
  auto dn = to(out, kBob);
  ASSERT_EQ(dn.size(), 1u);
  EXPECT_EQ(dn[0].method(), "CANCEL");
  EXPECT_TRUE(to(out, kCaller).empty());
  advance(32000);  // the branch never answers the CANCEL nor the INVITE
  auto up = to(take(), kCaller);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 408);
}

TEST_F(ProxyCoreTest, ProvisionalsAfterTheTimerCCancelDoNotKeepTheBranchAlive) {
  // Found by fuzz_proxy: a callee that keeps sending 180 after our CANCEL must not pin state.
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(responseTo(down[0].bytes, 180, "Ringing", "bt1"), kBob);
  take();
  advance(185000);  // Timer C: CANCEL sent
  ASSERT_EQ(to(take(), kBob).size(), 1u);
  for (int i = 0; i < 3; ++i) {
    advance(10000);
    in(responseTo(down[0].bytes, 180, "Ringing", "bt1"), kBob);
  }
  advance(2000);  // 32 s after the CANCEL: the branch is given up
  auto up = to(take(), kCaller);
  ASSERT_FALSE(up.empty());
  EXPECT_EQ(up.back().status(), 408);
  advance(64000);  // every transaction ends (Timer H / D / K over UDP)
  EXPECT_EQ(core_->serverTransactions(), 0u);
  EXPECT_EQ(core_->clientTransactions(), 0u);
}

TEST_F(ProxyCoreTest, EveryProvisionalResetsTimerC) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  in(responseTo(down[0].bytes, 180, "Ringing", "bt1"), kBob);
  advance(100000);
  in(responseTo(down[0].bytes, 183, "Session Progress", "bt1"), kBob);
  take();
  advance(184999);
  EXPECT_TRUE(to(take(), kBob).empty());
  advance(1);
  auto dn = to(take(), kBob);
  ASSERT_EQ(dn.size(), 1u);
  EXPECT_EQ(dn[0].method(), "CANCEL");
}

// =============================================================================================
// Loops (§16.3 step 4)

TEST_F(ProxyCoreTest, RequestThatComesBackUnchangedIsALoopAnswered482) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  auto vias = viaLines(down[0].bytes);
  ASSERT_EQ(vias.size(), 2u);
  // A downstream element sends the same request (same Request-URI) back to us.
  RequestSpec looped = callerInvite();
  looped.via_host = "192.0.2.20";
  looped.via_port = 5062;
  looped.branch = "z9hG4bKdown1";
  looped.more_vias = vias;
  looped.max_forwards = 68;
  in(looped.wire(), kBob);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, kBob);
  EXPECT_EQ(out[0].status(), 482);
  EXPECT_EQ(stats_.loops_detected, 1u);
}

TEST_F(ProxyCoreTest, RequestThatComesBackWithAnotherRequestUriIsASpiralNotALoop) {
  bobAt(kBob, 5062);
  auto down = forward();
  ASSERT_EQ(down.size(), 1u);
  auto vias = viaLines(down[0].bytes);
  RequestSpec spiral = callerInvite();
  spiral.ruri = "sip:bob@192.0.2.10";  // retargeted at us by a downstream element
  spiral.to = "<sip:bob@example.test>";
  spiral.via_host = "192.0.2.20";
  spiral.via_port = 5062;
  spiral.branch = "z9hG4bKdown2";
  spiral.more_vias = vias;
  in(spiral.wire(), kBob);
  for (const auto& s : take()) {
    EXPECT_NE(s.status(), 482);
  }
  EXPECT_EQ(stats_.loops_detected, 0u);
}

// =============================================================================================
// Forking and best response (§16.7 steps 5-6)

class ForkingTest : public ProxyCoreTest {
 protected:
  void SetUp() override {
    bobAt(kBob, 5062, 1000);
    bobAt(kBob2, 5064, 500);
    down_ = forward();
    ASSERT_EQ(down_.size(), 2u);
    std::sort(down_.begin(), down_.end(),
              [](const Sent& a, const Sent& b) { return a.to.remote_port < b.to.remote_port; });
    ASSERT_EQ(down_[0].to.remote_port, 5062);
    ASSERT_EQ(down_[1].to.remote_port, 5064);
  }
  std::vector<Sent> answer(std::size_t branch, int status, const std::string& reason) {
    in(responseTo(down_[branch].bytes, status, reason, "t" + std::to_string(branch)),
       branch == 0 ? kBob : kBob2);
    return to(take(), kCaller);
  }
  std::vector<Sent> down_;
};

TEST_F(ForkingTest, EachBranchGetsItsOwnBranchParameter) {
  EXPECT_NE(down_[0].msg().vias[0].branch(), down_[1].msg().vias[0].branch());
  EXPECT_EQ(down_[0].msg().request_uri.str(), "sip:bob@192.0.2.20:5062");
  EXPECT_EQ(down_[1].msg().request_uri.str(), "sip:bob@192.0.2.21:5064");
}

TEST_F(ForkingTest, FinalIsHeldUntilEveryBranchAnswered) {
  EXPECT_TRUE(answer(0, 486, "Busy Here").empty());
  auto up = answer(1, 404, "Not Found");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 486);  // same class: the first one is kept
}

TEST_F(ForkingTest, SameClassKeepsTheFirstResponse) {
  EXPECT_TRUE(answer(1, 404, "Not Found").empty());
  auto up = answer(0, 486, "Busy Here");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 404);
}

TEST_F(ForkingTest, LowestClassWins) {
  EXPECT_TRUE(answer(0, 503, "Service Unavailable").empty());
  auto up = answer(1, 486, "Busy Here");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 486);
}

TEST_F(ForkingTest, SixHundredClassBeatsLowerClasses) {
  EXPECT_TRUE(answer(0, 486, "Busy Here").empty());
  auto up = answer(1, 603, "Decline");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 603);
}

TEST_F(ForkingTest, Only503sBecome500Upstream) {
  EXPECT_TRUE(answer(0, 503, "Service Unavailable").empty());
  auto up = answer(1, 503, "Service Unavailable");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 500);  // §16.7 step 6
}

TEST_F(ForkingTest, SuccessIsRelayedAtOnceAndRingingBranchesAreCancelled) {
  in(responseTo(down_[1].bytes, 180, "Ringing", "t1"), kBob2);
  ASSERT_EQ(to(take(), kCaller).size(), 1u);
  in(responseTo(down_[0].bytes, 200, "OK", "t0"), kBob);
  auto out = take();
  auto up = to(out, kCaller);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 200);
  auto dn = to(out, kBob2);
  ASSERT_EQ(dn.size(), 1u);
  EXPECT_EQ(dn[0].method(), "CANCEL");
  // The cancelled branch's 487 is not relayed after the 2xx.
  EXPECT_TRUE(answer(1, 487, "Request Terminated").empty());
}

TEST_F(ForkingTest, TimedOutBranchCountsAs408InTheSelection) {
  // §16.7 step 1 / §16.8: a branch without a final response behaves as if it received 408, and
  // 408 (class 4) is a lower class than 503 (class 5).
  EXPECT_TRUE(answer(0, 503, "Service Unavailable").empty());
  advance(32000);  // Timer B on branch 1
  auto up = to(take(), kCaller);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].status(), 408);
}

// =============================================================================================
// Suspended requests (Outcome::suspend): the answer comes later, the transaction is kept.

/// Suspends every request; keeps the Resume for the test to call (or answers 202 at once).
class SuspendingProcessor final : public RequestProcessor {
 public:
  SuspendingProcessor(std::vector<Outcome::Resume>& held, bool immediate)
      : held_(held), immediate_(immediate) {}
  std::string_view name() const override { return "suspending"; }
  Outcome onRequest(RequestContext&) override {
    return Outcome::suspend([this](RequestContext& ctx, Outcome::Resume resume) {
      if (immediate_) {
        resume(Outcome::reply(sip::makeResponse(ctx.request(), 202)));
        resume(Outcome::reply(sip::makeResponse(ctx.request(), 500)));  // ignored: one answer
      } else {
        held_.push_back(std::move(resume));
      }
    });
  }

 private:
  std::vector<Outcome::Resume>& held_;
  bool immediate_;
};

class SuspendTest : public ::testing::Test {
 protected:
  void build(bool immediate) {
    cfg_.proxy.domains = {"example.test"};
    pipeline_.request<CountingProcessor>(runs_);
    pipeline_.request<SuspendingProcessor>(held_, immediate);
    core_ = std::make_unique<ProxyCore>(cfg_, pipeline_, identity_, timers_, stats_,
                                        [this](const util::Flow& to, std::string_view b) {
                                          sent_.push_back({to, std::string(b)});
                                        });
  }
  static RequestSpec message() {
    RequestSpec r;
    r.method = "MESSAGE";
    return r;
  }
  std::vector<Sent> take() {
    std::vector<Sent> out;
    out.swap(sent_);
    return out;
  }
  sip::Message request(const RequestSpec& r) { return parse(r.wire()); }

  config::Config cfg_;
  LocalIdentity identity_{{"192.0.2.10"}, 5060, {"example.test"}};
  util::FakeTimerService timers_;
  Stats stats_;
  int runs_ = 0;
  std::vector<Outcome::Resume> held_;
  Pipeline pipeline_;
  std::vector<Sent> sent_;
  std::unique_ptr<ProxyCore> core_;
};

TEST_F(SuspendTest, TheAnswerIsSentWhenResumedAndRetransmissionsMeanwhileAreAbsorbed) {
  build(false);
  const RequestSpec r = message();
  core_->onBytes(r.wire(), kCaller);
  EXPECT_TRUE(take().empty());  // nothing yet (a non-INVITE gets no provisional)
  core_->onBytes(r.wire(), kCaller);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(runs_, 1);  // the retransmission matched the kept transaction
  EXPECT_EQ(core_->serverTransactions(), 1u);
  ASSERT_EQ(held_.size(), 1u);

  held_[0](Outcome::reply(sip::makeResponse(request(r), 488, "Not Acceptable Here")));
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 488);
  EXPECT_TRUE(out[0].to == kCaller);
  // A second Resume does nothing; a later retransmission gets the same answer again.
  held_[0](Outcome::reply(sip::makeResponse(request(r), 200)));
  EXPECT_TRUE(take().empty());
  core_->onBytes(r.wire(), kCaller);
  out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 488);
  EXPECT_EQ(stats_.suspended, 1u);
}

TEST_F(SuspendTest, ASuspendedInviteGetsOneHundredTryingAtOnce) {
  build(false);
  RequestSpec r;  // INVITE
  core_->onBytes(r.wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 100);
  held_.at(0)(Outcome::reply(sip::makeResponse(request(r), 486, "Busy Here")));
  out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 486);
}

TEST_F(SuspendTest, AResumeCalledFromInsideStartIsActedOnOnce) {
  build(true);
  core_->onBytes(message().wire(), kCaller);
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 202);
}

TEST_F(SuspendTest, ADropResumeEndsTheTransactionWithoutAnAnswer) {
  build(false);
  core_->onBytes(message().wire(), kCaller);
  held_.at(0)(Outcome::drop("test"));
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(core_->serverTransactions(), 0u);
  EXPECT_EQ(stats_.dropped, 1u);
}

TEST_F(SuspendTest, AResumeAfterTheCoreIsGoneDoesNothing) {
  build(false);
  core_->onBytes(message().wire(), kCaller);
  ASSERT_EQ(held_.size(), 1u);
  core_.reset();
  held_[0](Outcome::reply(sip::makeResponse(request(message()), 200)));  // must not crash
  EXPECT_TRUE(take().empty());
}

}  // namespace
}  // namespace insip::proxy
