// SPDX-License-Identifier: Apache-2.0
//
// transaction.hpp — RFC 3261 §17 transactions, with the RFC 6026 "Accepted" state for INVITE 2xx.
// Layer: txn (above transport, below the proxy core). Pure state machines: no sockets. Bytes leave
// through the injected `Send` function, time comes from util::TimerService, so tests drive every
// timer (A, B, D, E, F, G, H, I, J, K, L, M) with a FakeTimerService and no sleeps.
//
// Ownership: a TransactionTable owns the transactions by key; a transaction never deletes itself,
// it reports `terminated` and the table removes it after the current callback returns.
// Thread affinity: the loop thread of the TimerService.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sip/message.hpp"
#include "util/clock.hpp"
#include "util/flow.hpp"

namespace insip::txn {

struct TimerValues {
  util::Millis t1{500};
  util::Millis t2{4000};
  util::Millis t4{5000};
};

using Send = std::function<void(const util::Flow& to, const std::string& bytes)>;

/// Shared environment of all transactions of one stack.
struct Env {
  util::TimerService& timers;
  Send send;
  TimerValues values;
};

enum class State { Calling, Trying, Proceeding, Completed, Confirmed, Accepted, Terminated };
std::string_view stateName(State s);

/// Server transaction key (RFC 3261 §17.2.3): branch + sent-by + method, ACK folded into INVITE.
/// Returns "" when the top Via has no RFC 3261 branch (magic cookie); such requests are matched by
/// the caller's own rules (we do not support RFC 2543 matching: they are treated as new).
std::string serverKey(const sip::Message& request);
/// Client transaction key: our branch + CSeq method (CANCEL shares the INVITE's branch).
std::string clientKey(std::string_view branch, sip::Method method, std::string_view method_text);
/// Client key of a received response (top Via branch + CSeq method).
std::string clientKeyOfResponse(const sip::Message& response);

class ServerTransaction {
 public:
  struct Callbacks {
    /// Timer H fired: a non-2xx final response to INVITE was never acknowledged.
    std::function<void()> on_no_ack;
    std::function<void()> on_terminated;
  };
  ServerTransaction(Env& env, const sip::Message& request, util::Flow source, Callbacks cb);
  ~ServerTransaction();
  ServerTransaction(const ServerTransaction&) = delete;
  ServerTransaction& operator=(const ServerTransaction&) = delete;

  /// A retransmission of the request (or, for INVITE, an ACK to a non-2xx). Returns true when the
  /// message was absorbed; false means: pass it on (an ACK while Accepted belongs to the dialog).
  bool onRetransmission(const sip::Message& request);
  /// The TU sends a response through the transaction.
  void sendResponse(const sip::Message& response);
  void sendResponseBytes(int status, std::string bytes);

  State state() const { return state_; }
  bool isInvite() const { return invite_; }
  const util::Flow& source() const { return source_; }
  int lastStatus() const { return last_status_; }
  bool terminated() const { return state_ == State::Terminated; }

 private:
  void terminate();
  void armG(util::Millis interval);
  void cancelTimers();

  Env& env_;
  Callbacks cb_;
  util::Flow source_;
  bool invite_;
  bool reliable_;
  State state_;
  int last_status_ = 0;
  std::string last_response_;
  util::TimerService::Id timer_retrans_ = 0;  // G
  util::TimerService::Id timer_end_ = 0;      // H, I, J, L
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

class ClientTransaction {
 public:
  struct Callbacks {
    /// Every response the TU must see (1xx, first final, 2xx retransmissions while Accepted).
    std::function<void(const sip::Message&)> on_response;
    /// Timer B / F fired, or the transport failed: the TU synthesises 408 (§16.7 step 1).
    std::function<void()> on_timeout;
    std::function<void()> on_terminated;
  };
  /// Sends `request` (already carrying our top Via with `branch`) to `to` and starts the timers.
  ClientTransaction(Env& env, sip::Message request, util::Flow to, Callbacks cb);
  ~ClientTransaction();
  ClientTransaction(const ClientTransaction&) = delete;
  ClientTransaction& operator=(const ClientTransaction&) = delete;

  void onResponse(const sip::Message& response);
  /// Stops retransmitting and terminates silently (e.g. after the TU gave up on the branch).
  void abandon();

  State state() const { return state_; }
  const sip::Message& request() const { return request_; }
  const util::Flow& destination() const { return to_; }
  bool terminated() const { return state_ == State::Terminated; }

 private:
  void retransmit(util::Millis interval);
  void sendAck(const sip::Message& response);
  void terminate();
  void cancelTimers();

  Env& env_;
  sip::Message request_;
  std::string bytes_;
  util::Flow to_;
  Callbacks cb_;
  bool invite_;
  bool reliable_;
  State state_;
  std::string ack_bytes_;
  util::TimerService::Id timer_retrans_ = 0;  // A, E
  util::TimerService::Id timer_timeout_ = 0;  // B, F
  util::TimerService::Id timer_end_ = 0;      // D, K, M
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace insip::txn
