// SPDX-License-Identifier: Apache-2.0
//
// transaction_test.cpp — RFC 3261 §17 client and server transactions, with the RFC 6026
// Accepted state, driven by a FakeTimerService (no sleeps). Expected timer values come from
// RFC 3261 §17 and Table 4 (T1 = 500 ms, T2 = 4 s, T4 = 5 s).
#include "txn/transaction.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sip_builder.hpp"
#include "util/fake_clock.hpp"

namespace insip::txn {
namespace {

using testsupport::parse;
using testsupport::RequestSpec;
using testsupport::ResponseSpec;
using util::Millis;

struct TimedSend {
  util::Flow to;
  std::string bytes;
  long long at_ms;  // since the test started
};

class TransactionTest : public ::testing::Test {
 protected:
  TransactionTest() : start_(timers_.clock().steadyNow()) {}

  void advance(long long ms) { timers_.advance(Millis(ms)); }
  long long nowMs() const {
    return std::chrono::duration_cast<Millis>(timers_.clock().steadyNow() - start_).count();
  }
  std::vector<long long> sendTimes() const {
    std::vector<long long> v;
    for (const auto& s : sent_) {
      v.push_back(s.at_ms);
    }
    return v;
  }

  // --- client side ---
  sip::Message clientRequest(const std::string& method) {
    RequestSpec r;
    r.method = method;
    r.ruri = "sip:bob@192.0.2.20:5060";
    r.via_host = "192.0.2.10";
    r.branch = "z9hG4bKc1";
    r.routes = {"<sip:192.0.2.30;lr>"};
    return parse(r.wire());
  }
  std::unique_ptr<ClientTransaction> makeClient(const std::string& method,
                                                util::Flow to = testsupport::udpFlow("192.0.2.20", 5060)) {
    ClientTransaction::Callbacks cb;
    cb.on_response = [this](const sip::Message& m) { responses_.push_back(m.status); };
    cb.on_timeout = [this] { ++timeouts_; };
    cb.on_terminated = [this] { ++terminated_; };
    return std::make_unique<ClientTransaction>(env_, clientRequest(method), std::move(to), std::move(cb));
  }
  sip::Message downstreamResponse(int status, const std::string& method, const std::string& to_tag = "tb1") {
    ResponseSpec r;
    r.status = status;
    r.reason = "Whatever";
    r.vias = {"SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKc1"};
    r.to = "<sip:bob@example.test>" + (to_tag.empty() ? std::string() : ";tag=" + to_tag);
    r.cseq_method = method;
    return parse(r.wire());
  }

  // --- server side ---
  RequestSpec serverSpec(const std::string& method) {
    RequestSpec r;
    r.method = method;
    r.branch = "z9hG4bKs1";
    return r;
  }
  std::unique_ptr<ServerTransaction> makeServer(const std::string& method,
                                                util::Flow from = testsupport::udpFlow("192.0.2.1", 5060)) {
    ServerTransaction::Callbacks cb;
    cb.on_no_ack = [this] { ++no_ack_; };
    cb.on_terminated = [this] { ++terminated_; };
    request_ = parse(serverSpec(method).wire());
    return std::make_unique<ServerTransaction>(env_, request_, std::move(from), std::move(cb));
  }
  sip::Message ackForServer() {
    RequestSpec r = serverSpec("ACK");
    r.to = "<sip:bob@example.test>;tag=srv";
    return parse(r.wire());
  }
  sip::Message responseFor(int status) {
    return sip::makeResponse(request_, status, {}, status == 100 ? "" : "srv");
  }

  util::FakeTimerService timers_;
  util::SteadyTime start_;
  std::vector<TimedSend> sent_;
  Env env_{timers_,
           [this](const util::Flow& to, const std::string& b) { sent_.push_back({to, b, nowMs()}); },
           TimerValues{}};
  sip::Message request_;
  std::vector<int> responses_;
  int timeouts_ = 0;
  int terminated_ = 0;
  int no_ack_ = 0;
};

// =============================================================================================
// Client INVITE (§17.1.1)

TEST_F(TransactionTest, ClientInviteRetransmitsWithTimerADoublingFromT1WithoutCap) {
  auto t = makeClient("INVITE");
  EXPECT_EQ(t->state(), State::Calling);
  advance(31999);
  EXPECT_EQ(sendTimes(), (std::vector<long long>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  for (const auto& s : sent_) {
    EXPECT_EQ(s.bytes, sent_.front().bytes);
    EXPECT_EQ(s.to, testsupport::udpFlow("192.0.2.20", 5060));
  }
  EXPECT_TRUE(sent_.front().bytes.starts_with("INVITE sip:bob@192.0.2.20:5060 SIP/2.0\r\n"));
}

TEST_F(TransactionTest, ClientInviteTimerBFiresAt64T1AndReportsTimeout) {
  auto t = makeClient("INVITE");
  advance(31999);
  EXPECT_EQ(timeouts_, 0);
  EXPECT_EQ(t->state(), State::Calling);
  advance(1);
  EXPECT_EQ(timeouts_, 1);
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(terminated_, 1);
  const auto n = sent_.size();
  advance(100000);
  EXPECT_EQ(sent_.size(), n);
  EXPECT_EQ(timeouts_, 1);
}

TEST_F(TransactionTest, ClientInviteProvisionalMovesToProceedingAndStopsTimerA) {
  auto t = makeClient("INVITE");
  advance(600);
  ASSERT_EQ(sent_.size(), 2u);
  t->onResponse(downstreamResponse(180, "INVITE"));
  EXPECT_EQ(t->state(), State::Proceeding);
  EXPECT_EQ(responses_, std::vector<int>{180});
  advance(100000);
  EXPECT_EQ(sent_.size(), 2u);
  EXPECT_EQ(timeouts_, 0);  // Timer B only matters in Calling
  EXPECT_EQ(t->state(), State::Proceeding);
  t->onResponse(downstreamResponse(183, "INVITE"));
  EXPECT_EQ(responses_, (std::vector<int>{180, 183}));
}

TEST_F(TransactionTest, ClientInviteNonSuccessFinalIsAcknowledgedPerSection17113) {
  auto t = makeClient("INVITE");
  const sip::Message invite = t->request();
  t->onResponse(downstreamResponse(180, "INVITE"));
  t->onResponse(downstreamResponse(486, "INVITE", "tb9"));
  EXPECT_EQ(t->state(), State::Completed);
  EXPECT_EQ(responses_, (std::vector<int>{180, 486}));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].to, testsupport::udpFlow("192.0.2.20", 5060));
  const sip::Message ack = parse(sent_[1].bytes);
  EXPECT_EQ(ack.method, sip::Method::Ack);
  EXPECT_EQ(ack.request_uri, invite.request_uri);
  ASSERT_EQ(ack.vias.size(), 1u);
  EXPECT_EQ(ack.vias[0].branch().value_or(""), "z9hG4bKc1");  // same branch as the INVITE
  EXPECT_EQ(ack.vias[0].host, "192.0.2.10");
  EXPECT_EQ(ack.to.tag().value_or(""), "tb9");                // the response's To tag
  EXPECT_EQ(ack.from, invite.from);
  EXPECT_EQ(ack.call_id, invite.call_id);
  EXPECT_EQ(ack.cseq.seq, invite.cseq.seq);
  EXPECT_EQ(ack.cseq.method, sip::Method::Ack);
  ASSERT_EQ(ack.routes.size(), 1u);  // the INVITE's Route set
  EXPECT_EQ(ack.routes[0].uri.host, "192.0.2.30");
}

TEST_F(TransactionTest, ClientInviteRetransmittedFinalIsAckedAgainButNotPassedUp) {
  auto t = makeClient("INVITE");
  t->onResponse(downstreamResponse(486, "INVITE", "tb9"));
  ASSERT_EQ(sent_.size(), 2u);
  t->onResponse(downstreamResponse(486, "INVITE", "tb9"));
  ASSERT_EQ(sent_.size(), 3u);
  EXPECT_EQ(sent_[2].bytes, sent_[1].bytes);
  EXPECT_EQ(responses_, std::vector<int>{486});
}

TEST_F(TransactionTest, ClientInviteFinalStopsTimerAAndTimerB) {
  auto t = makeClient("INVITE");
  t->onResponse(downstreamResponse(603, "INVITE"));
  advance(31000);
  EXPECT_EQ(sent_.size(), 2u);  // INVITE + ACK, no INVITE retransmission
  EXPECT_EQ(timeouts_, 0);
}

TEST_F(TransactionTest, ClientInviteTimerDKeepsCompletedFor32sOverUdp) {
  auto t = makeClient("INVITE");
  t->onResponse(downstreamResponse(404, "INVITE"));
  advance(31999);
  EXPECT_EQ(t->state(), State::Completed);
  advance(1);
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(terminated_, 1);
  EXPECT_EQ(timeouts_, 0);
}

TEST_F(TransactionTest, ClientInvite2xxMovesToAcceptedWithoutAck) {
  auto t = makeClient("INVITE");
  t->onResponse(downstreamResponse(200, "INVITE"));
  EXPECT_EQ(t->state(), State::Accepted);
  EXPECT_EQ(responses_, std::vector<int>{200});
  EXPECT_EQ(sent_.size(), 1u);  // the ACK for a 2xx is the TU's (§13.2.2.4)
  advance(10000);
  EXPECT_EQ(sent_.size(), 1u);  // and no INVITE retransmission
}

TEST_F(TransactionTest, ClientInviteAcceptedPassesEvery2xxRetransmissionUp) {
  auto t = makeClient("INVITE");
  t->onResponse(downstreamResponse(200, "INVITE"));
  t->onResponse(downstreamResponse(200, "INVITE"));
  t->onResponse(downstreamResponse(200, "INVITE", "other-fork"));
  EXPECT_EQ(responses_, (std::vector<int>{200, 200, 200}));
  t->onResponse(downstreamResponse(486, "INVITE"));  // a non-2xx after a 2xx is not passed up
  EXPECT_EQ(responses_.size(), 3u);
}

TEST_F(TransactionTest, ClientInviteTimerMTerminatesAcceptedAfter64T1) {
  auto t = makeClient("INVITE");
  t->onResponse(downstreamResponse(200, "INVITE"));
  advance(31999);
  EXPECT_EQ(t->state(), State::Accepted);
  advance(1);
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(terminated_, 1);
  t->onResponse(downstreamResponse(200, "INVITE"));
  EXPECT_EQ(responses_.size(), 1u);
}

TEST_F(TransactionTest, ClientInviteOverTcpDoesNotRetransmitButTimerBStillFires) {
  auto t = makeClient("INVITE", testsupport::tcpFlow("192.0.2.20", 5060));
  advance(31999);
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_EQ(timeouts_, 0);
  advance(1);
  EXPECT_EQ(timeouts_, 1);
  EXPECT_EQ(t->state(), State::Terminated);
}

TEST_F(TransactionTest, ClientInviteOverTcpAcksNonSuccessAndTerminatesAtOnce) {
  auto t = makeClient("INVITE", testsupport::tcpFlow("192.0.2.20", 5060));
  t->onResponse(downstreamResponse(486, "INVITE"));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(parse(sent_[1].bytes).method, sip::Method::Ack);
  EXPECT_EQ(responses_, std::vector<int>{486});
  EXPECT_EQ(t->state(), State::Terminated);  // Timer D = 0
  EXPECT_EQ(terminated_, 1);
}

// =============================================================================================
// Client non-INVITE (§17.1.2)

TEST_F(TransactionTest, ClientNonInviteTimerEDoublesUpToT2) {
  auto t = makeClient("OPTIONS");
  EXPECT_EQ(t->state(), State::Trying);
  advance(31999);
  EXPECT_EQ(sendTimes(), (std::vector<long long>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500,
                                                 23500, 27500, 31500}));
  EXPECT_EQ(timeouts_, 0);
}

TEST_F(TransactionTest, ClientNonInviteTimerFReportsTimeoutAt64T1) {
  auto t = makeClient("OPTIONS");
  advance(31999);
  EXPECT_EQ(timeouts_, 0);
  advance(1);
  EXPECT_EQ(timeouts_, 1);
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(terminated_, 1);
}

TEST_F(TransactionTest, ClientNonInviteInProceedingRetransmitsEveryT2AndTimerFStillFires) {
  auto t = makeClient("BYE");
  advance(100);
  t->onResponse(downstreamResponse(100, "BYE", ""));
  EXPECT_EQ(t->state(), State::Proceeding);
  EXPECT_EQ(responses_, std::vector<int>{100});
  advance(8900);  // to t = 9000
  EXPECT_EQ(sendTimes(), (std::vector<long long>{0, 500, 4500, 8500}));
  advance(22999);  // t = 31999
  EXPECT_EQ(timeouts_, 0);
  advance(1);
  EXPECT_EQ(timeouts_, 1);
  EXPECT_EQ(t->state(), State::Terminated);
}

TEST_F(TransactionTest, ClientNonInviteFinalCompletesAndAbsorbsRetransmissionsUntilTimerK) {
  auto t = makeClient("BYE");
  advance(600);
  t->onResponse(downstreamResponse(200, "BYE"));
  EXPECT_EQ(t->state(), State::Completed);
  const auto n = sent_.size();
  t->onResponse(downstreamResponse(200, "BYE"));
  EXPECT_EQ(responses_, std::vector<int>{200});
  advance(4999);
  EXPECT_EQ(sent_.size(), n);  // no retransmission in Completed
  EXPECT_EQ(t->state(), State::Completed);
  advance(1);  // Timer K = T4
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(timeouts_, 0);
}

TEST_F(TransactionTest, ClientNonInviteOverTcpHasNoTimerEAndTimerKIsZero) {
  auto t = makeClient("BYE", testsupport::tcpFlow("192.0.2.20", 5060));
  advance(20000);
  EXPECT_EQ(sent_.size(), 1u);
  t->onResponse(downstreamResponse(404, "BYE"));
  EXPECT_EQ(responses_, std::vector<int>{404});
  EXPECT_EQ(t->state(), State::Terminated);
}

TEST_F(TransactionTest, ClientNonInviteOverTcpStillTimesOutWithTimerF) {
  auto t = makeClient("BYE", testsupport::tcpFlow("192.0.2.20", 5060));
  advance(32000);
  EXPECT_EQ(timeouts_, 1);
}

TEST_F(TransactionTest, AbandonedClientStopsRetransmittingWithoutReportingTimeout) {
  auto t = makeClient("INVITE");
  t->abandon();
  EXPECT_EQ(t->state(), State::Terminated);
  advance(64000);
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_EQ(timeouts_, 0);
}

// =============================================================================================
// Server INVITE (§17.2.1, RFC 6026 §7.1)

TEST_F(TransactionTest, ServerInviteStartsInProceedingAndResendsLastProvisional) {
  auto t = makeServer("INVITE");
  EXPECT_EQ(t->state(), State::Proceeding);
  EXPECT_TRUE(t->onRetransmission(request_));
  EXPECT_TRUE(sent_.empty());
  t->sendResponse(responseFor(100));
  t->sendResponse(responseFor(180));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_TRUE(t->onRetransmission(request_));
  ASSERT_EQ(sent_.size(), 3u);
  EXPECT_EQ(sent_[2].bytes, sent_[1].bytes);
  EXPECT_TRUE(sent_[2].bytes.starts_with("SIP/2.0 180 "));
  EXPECT_EQ(sent_[2].to, testsupport::udpFlow("192.0.2.1", 5060));
  EXPECT_EQ(t->state(), State::Proceeding);
}

TEST_F(TransactionTest, ServerInviteNonSuccessFinalIsRetransmittedByTimerGDoublingToT2) {
  auto t = makeServer("INVITE");
  t->sendResponse(responseFor(486));
  EXPECT_EQ(t->state(), State::Completed);
  EXPECT_EQ(t->lastStatus(), 486);
  advance(31999);
  EXPECT_EQ(sendTimes(), (std::vector<long long>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500,
                                                 23500, 27500, 31500}));
  for (const auto& s : sent_) {
    EXPECT_EQ(s.bytes, sent_.front().bytes);
  }
  EXPECT_EQ(no_ack_, 0);
}

TEST_F(TransactionTest, ServerInviteTimerHReportsMissingAckAt64T1) {
  auto t = makeServer("INVITE");
  t->sendResponse(responseFor(486));
  advance(31999);
  EXPECT_EQ(no_ack_, 0);
  EXPECT_EQ(t->state(), State::Completed);
  advance(1);
  EXPECT_EQ(no_ack_, 1);
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(terminated_, 1);
  const auto n = sent_.size();
  advance(60000);
  EXPECT_EQ(sent_.size(), n);
}

TEST_F(TransactionTest, ServerInviteRetransmissionInCompletedResendsTheFinal) {
  auto t = makeServer("INVITE");
  t->sendResponse(responseFor(404));
  EXPECT_TRUE(t->onRetransmission(request_));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].bytes, sent_[0].bytes);
}

TEST_F(TransactionTest, ServerInviteFinalIsFixedOnceCompleted) {
  auto t = makeServer("INVITE");
  t->sendResponse(responseFor(404));
  t->sendResponse(responseFor(200));
  t->sendResponse(responseFor(180));
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_EQ(t->lastStatus(), 404);
}

TEST_F(TransactionTest, ServerInviteAckMovesToConfirmedStopsGAndTimerITerminates) {
  auto t = makeServer("INVITE");
  t->sendResponse(responseFor(486));
  advance(600);
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_TRUE(t->onRetransmission(ackForServer()));
  EXPECT_EQ(t->state(), State::Confirmed);
  EXPECT_TRUE(t->onRetransmission(ackForServer()));  // ACK retransmission absorbed
  EXPECT_TRUE(t->onRetransmission(request_));        // INVITE retransmission: nothing resent
  advance(4999);
  EXPECT_EQ(sent_.size(), 2u);
  EXPECT_EQ(t->state(), State::Confirmed);
  advance(1);  // Timer I = T4
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(no_ack_, 0);
  EXPECT_EQ(terminated_, 1);
}

TEST_F(TransactionTest, ServerInvite2xxMovesToAcceptedWithoutOwnRetransmissions) {
  auto t = makeServer("INVITE");
  t->sendResponse(responseFor(200));
  EXPECT_EQ(t->state(), State::Accepted);
  advance(20000);
  EXPECT_EQ(sent_.size(), 1u);  // 2xx retransmission is the TU's job
}

TEST_F(TransactionTest, ServerInviteAcceptedAbsorbsInviteAndPassesAckAndTu2xx) {
  auto t = makeServer("INVITE");
  t->sendResponse(responseFor(200));
  EXPECT_TRUE(t->onRetransmission(request_));
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_FALSE(t->onRetransmission(ackForServer()));  // ACK for 2xx goes to the TU
  t->sendResponse(responseFor(200));                  // TU retransmits the 2xx
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_TRUE(sent_[1].bytes.starts_with("SIP/2.0 200 "));
  t->sendResponse(responseFor(500));                  // not a 2xx: not sent
  EXPECT_EQ(sent_.size(), 2u);
}

TEST_F(TransactionTest, ServerInviteTimerLTerminatesAcceptedAfter64T1) {
  auto t = makeServer("INVITE");
  t->sendResponse(responseFor(200));
  advance(31999);
  EXPECT_EQ(t->state(), State::Accepted);
  advance(1);
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(terminated_, 1);
}

TEST_F(TransactionTest, ServerInviteOverTcpHasNoTimerGAndTimerIIsZero) {
  auto t = makeServer("INVITE", testsupport::tcpFlow("192.0.2.1", 5060));
  t->sendResponse(responseFor(486));
  advance(10000);
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_TRUE(t->onRetransmission(ackForServer()));
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(no_ack_, 0);
}

TEST_F(TransactionTest, ServerInviteOverTcpStillReportsMissingAckWithTimerH) {
  auto t = makeServer("INVITE", testsupport::tcpFlow("192.0.2.1", 5060));
  t->sendResponse(responseFor(486));
  advance(32000);
  EXPECT_EQ(no_ack_, 1);
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_EQ(t->state(), State::Terminated);
}

// =============================================================================================
// Server non-INVITE (§17.2.2)

TEST_F(TransactionTest, ServerNonInviteInTryingDiscardsRetransmissions) {
  auto t = makeServer("BYE");
  EXPECT_EQ(t->state(), State::Trying);
  EXPECT_TRUE(t->onRetransmission(request_));
  EXPECT_TRUE(sent_.empty());
}

TEST_F(TransactionTest, ServerNonInviteInProceedingResendsTheProvisional) {
  auto t = makeServer("BYE");
  t->sendResponse(responseFor(100));
  EXPECT_EQ(t->state(), State::Proceeding);
  EXPECT_TRUE(t->onRetransmission(request_));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].bytes, sent_[0].bytes);
}

TEST_F(TransactionTest, ServerNonInviteCompletedResendsFinalUntilTimerJ) {
  auto t = makeServer("BYE");
  t->sendResponse(responseFor(200));
  EXPECT_EQ(t->state(), State::Completed);
  advance(10000);
  EXPECT_EQ(sent_.size(), 1u);  // a non-INVITE server never retransmits on its own
  EXPECT_TRUE(t->onRetransmission(request_));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].bytes, sent_[0].bytes);
  t->sendResponse(responseFor(500));  // later finals from the TU are discarded
  EXPECT_EQ(sent_.size(), 2u);
  advance(21999);  // t = 31999
  EXPECT_EQ(t->state(), State::Completed);
  advance(1);  // Timer J = 64*T1
  EXPECT_EQ(t->state(), State::Terminated);
  EXPECT_EQ(terminated_, 1);
}

TEST_F(TransactionTest, ServerNonInviteOverTcpTimerJIsZero) {
  auto t = makeServer("BYE", testsupport::tcpFlow("192.0.2.1", 5060));
  t->sendResponse(responseFor(200));
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_EQ(t->state(), State::Terminated);
}

TEST_F(TransactionTest, DestroyingATransactionCancelsItsTimers) {
  {
    auto t = makeServer("INVITE");
    t->sendResponse(responseFor(486));
  }
  EXPECT_EQ(timers_.pending(), 0u);
  advance(64000);
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_EQ(no_ack_, 0);
}

// =============================================================================================
// Matching (§17.1.3, §17.2.3)

std::string keyOf(const RequestSpec& r) { return serverKey(parse(r.wire())); }

TEST(TransactionKeyTest, AckForNonSuccessMatchesTheInviteServerTransaction) {
  RequestSpec invite;
  RequestSpec ack = invite;
  ack.method = "ACK";
  ack.to += ";tag=x";
  EXPECT_FALSE(keyOf(invite).empty());
  EXPECT_EQ(keyOf(ack), keyOf(invite));
}

TEST(TransactionKeyTest, CancelIsItsOwnServerTransaction) {
  RequestSpec invite;
  RequestSpec cancel = invite;
  cancel.method = "CANCEL";
  EXPECT_FALSE(keyOf(cancel).empty());
  EXPECT_NE(keyOf(cancel), keyOf(invite));
}

TEST(TransactionKeyTest, SameBranchFromAnotherSentByIsAnotherTransaction) {
  RequestSpec a;
  RequestSpec other_host = a;
  other_host.via_host = "192.0.2.99";
  RequestSpec other_port = a;
  other_port.via_port = 5070;
  EXPECT_NE(keyOf(other_host), keyOf(a));
  EXPECT_NE(keyOf(other_port), keyOf(a));
}

TEST(TransactionKeyTest, DifferentBranchIsAnotherTransaction) {
  RequestSpec a;
  RequestSpec b = a;
  b.branch = "z9hG4bKuac2";
  EXPECT_NE(keyOf(a), keyOf(b));
}

TEST(TransactionKeyTest, DifferentMethodWithSameBranchIsAnotherTransaction) {
  RequestSpec a;
  a.method = "OPTIONS";
  RequestSpec b = a;
  b.method = "INFO";
  EXPECT_NE(keyOf(a), keyOf(b));
}

TEST(TransactionKeyTest, BranchWithoutMagicCookieGivesNoKey) {
  RequestSpec r;
  r.branch = "1234abcd";
  EXPECT_EQ(keyOf(r), "");
}

TEST(TransactionKeyTest, ResponseMatchesClientKeyByBranchAndCSeqMethod) {
  ResponseSpec r;
  r.vias = {"SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKc1", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx"};
  r.cseq_method = "INVITE";
  EXPECT_EQ(clientKeyOfResponse(parse(r.wire())), clientKey("z9hG4bKc1", sip::Method::Invite, "INVITE"));
  ResponseSpec c = r;
  c.cseq_method = "CANCEL";
  EXPECT_EQ(clientKeyOfResponse(parse(c.wire())), clientKey("z9hG4bKc1", sip::Method::Cancel, "CANCEL"));
  EXPECT_NE(clientKeyOfResponse(parse(c.wire())), clientKeyOfResponse(parse(r.wire())));
  ResponseSpec other = r;
  other.vias = {"SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKc2"};
  EXPECT_NE(clientKeyOfResponse(parse(other.wire())), clientKeyOfResponse(parse(r.wire())));
}

}  // namespace
}  // namespace insip::txn
