// SPDX-License-Identifier: Apache-2.0
#include "txn/transaction.hpp"

#include <algorithm>
#include <cctype>

namespace insip::txn {
namespace {

constexpr std::string_view kMagicCookie = "z9hG4bK";

bool reliableProtocol(util::Protocol p) { return p != util::Protocol::Udp; }

// Schedules `fn` guarded by the transaction's liveness token, so a timer firing after the
// transaction is gone does nothing even if cancellation raced with it.
template <class F>
util::TimerService::Id guarded(util::TimerService& timers, util::Millis after,
                               const std::shared_ptr<bool>& alive, F fn) {
  std::weak_ptr<bool> weak = alive;
  return timers.schedule(after, [weak, fn = std::move(fn)]() mutable {
    if (auto a = weak.lock(); a && *a) {
      fn();
    }
  });
}

}  // namespace

std::string_view stateName(State s) {
  switch (s) {
    case State::Calling: return "Calling";
    case State::Trying: return "Trying";
    case State::Proceeding: return "Proceeding";
    case State::Completed: return "Completed";
    case State::Confirmed: return "Confirmed";
    case State::Accepted: return "Accepted";
    case State::Terminated: return "Terminated";
  }
  return "?";
}

std::string serverKey(const sip::Message& request) {
  const sip::Via* via = request.topVia();
  if (via == nullptr) {
    return {};
  }
  auto branch = via->branch();
  if (!branch || !branch->starts_with(kMagicCookie)) {
    return {};
  }
  std::string key;
  key.reserve(branch->size() + via->host.size() + 16);
  key.append(*branch);
  key.push_back('|');
  for (char c : via->host) {
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  key.push_back(':');
  key.append(std::to_string(via->port.value_or(0)));
  key.push_back('|');
  // RFC 3261 §17.2.3: the ACK for a non-2xx matches the INVITE transaction.
  if (request.method == sip::Method::Ack) {
    key.append("INVITE");
  } else {
    key.append(request.method_text);
  }
  return key;
}

std::string clientKey(std::string_view branch, sip::Method method, std::string_view method_text) {
  std::string key(branch);
  key.push_back('|');
  if (method == sip::Method::Ack) {
    key.append("INVITE");
  } else {
    key.append(method_text);
  }
  return key;
}

std::string clientKeyOfResponse(const sip::Message& response) {
  const sip::Via* via = response.topVia();
  if (via == nullptr) {
    return {};
  }
  auto branch = via->branch();
  if (!branch) {
    return {};
  }
  return clientKey(*branch, response.cseq.method, response.cseq.method_text);
}

// ---------------------------------------------------------------------------------------------
// Server transaction (§17.2.1 INVITE, §17.2.2 non-INVITE, RFC 6026 §7.1 Accepted)

ServerTransaction::ServerTransaction(Env& env, const sip::Message& request, util::Flow source,
                                     Callbacks cb)
    : env_(env),
      cb_(std::move(cb)),
      source_(std::move(source)),
      invite_(request.method == sip::Method::Invite),
      reliable_(reliableProtocol(source_.protocol)),
      state_(invite_ ? State::Proceeding : State::Trying) {}

ServerTransaction::~ServerTransaction() {
  *alive_ = false;
  cancelTimers();
}

void ServerTransaction::cancelTimers() {
  if (timer_retrans_ != 0) {
    env_.timers.cancel(timer_retrans_);
    timer_retrans_ = 0;
  }
  if (timer_end_ != 0) {
    env_.timers.cancel(timer_end_);
    timer_end_ = 0;
  }
}

void ServerTransaction::terminate() {
  if (state_ == State::Terminated) {
    return;
  }
  cancelTimers();
  state_ = State::Terminated;
  if (cb_.on_terminated) {
    cb_.on_terminated();
  }
}

bool ServerTransaction::onRetransmission(const sip::Message& request) {
  if (request.method == sip::Method::Ack) {
    if (!invite_) {
      return true;
    }
    if (state_ == State::Completed) {
      // §17.2.1: ACK to our non-2xx final: stop G and H, wait Timer I for ACK retransmissions.
      state_ = State::Confirmed;
      cancelTimers();
      if (reliable_) {
        terminate();
      } else {
        timer_end_ = guarded(env_.timers, env_.values.t4, alive_, [this] {
          timer_end_ = 0;
          terminate();
        });
      }
      return true;
    }
    if (state_ == State::Confirmed) {
      return true;  // ACK retransmission absorbed
    }
    return false;   // ACK for a 2xx: end-to-end, not ours
  }
  // A retransmitted request: resend the last response, if any (§17.2.1, §17.2.2).
  if (!last_response_.empty() &&
      (state_ == State::Proceeding || state_ == State::Completed)) {
    env_.send(source_, last_response_);
  }
  return true;
}

void ServerTransaction::sendResponse(const sip::Message& response) {
  sendResponseBytes(response.status, sip::serialize(response));
}

void ServerTransaction::sendResponseBytes(int status, std::string bytes) {
  if (state_ == State::Terminated || state_ == State::Confirmed) {
    return;
  }
  if (state_ == State::Completed) {
    return;  // the final response is already fixed (§17.2.1)
  }
  if (state_ == State::Accepted) {
    // RFC 6026 §7.1: 2xx retransmissions from the TU pass through.
    if (status >= 200 && status < 300) {
      env_.send(source_, bytes);
    }
    return;
  }
  last_status_ = status;
  env_.send(source_, bytes);
  if (status < 200) {
    last_response_ = std::move(bytes);
    if (!invite_) {
      state_ = State::Proceeding;
    }
    return;
  }
  const util::Millis t64 = env_.values.t1 * 64;
  if (invite_ && status < 300) {
    // RFC 6026 §7.1: Accepted; Timer L absorbs INVITE retransmissions.
    state_ = State::Accepted;
    last_response_.clear();
    timer_end_ = guarded(env_.timers, t64, alive_, [this] {
      timer_end_ = 0;
      terminate();
    });
    return;
  }
  last_response_ = std::move(bytes);
  state_ = State::Completed;
  if (invite_) {
    if (!reliable_) {
      armG(env_.values.t1);
    }
    timer_end_ = guarded(env_.timers, t64, alive_, [this] {  // Timer H
      timer_end_ = 0;
      if (timer_retrans_ != 0) {
        env_.timers.cancel(timer_retrans_);
        timer_retrans_ = 0;
      }
      if (cb_.on_no_ack) {
        cb_.on_no_ack();
      }
      terminate();
    });
  } else if (reliable_) {
    terminate();
  } else {
    timer_end_ = guarded(env_.timers, t64, alive_, [this] {  // Timer J
      timer_end_ = 0;
      terminate();
    });
  }
}

void ServerTransaction::armG(util::Millis interval) {
  timer_retrans_ = guarded(env_.timers, interval, alive_, [this, interval] {
    timer_retrans_ = 0;
    if (state_ != State::Completed) {
      return;
    }
    env_.send(source_, last_response_);
    armG(std::min(interval * 2, env_.values.t2));
  });
}

// ---------------------------------------------------------------------------------------------
// Client transaction (§17.1.1 INVITE, §17.1.2 non-INVITE, RFC 6026 §7.2 Accepted)

ClientTransaction::ClientTransaction(Env& env, sip::Message request, util::Flow to, Callbacks cb)
    : env_(env),
      request_(std::move(request)),
      to_(std::move(to)),
      cb_(std::move(cb)),
      invite_(request_.method == sip::Method::Invite),
      reliable_(reliableProtocol(to_.protocol)),
      state_(invite_ ? State::Calling : State::Trying) {
  bytes_ = sip::serialize(request_);
  env_.send(to_, bytes_);
  if (!reliable_) {
    retransmit(env_.values.t1);  // Timer A / E
  }
  timer_timeout_ = guarded(env_.timers, env_.values.t1 * 64, alive_, [this] {  // Timer B / F
    timer_timeout_ = 0;
    if (state_ == State::Calling || state_ == State::Trying ||
        (!invite_ && state_ == State::Proceeding)) {
      if (cb_.on_timeout) {
        cb_.on_timeout();
      }
      terminate();
    }
  });
}

ClientTransaction::~ClientTransaction() {
  *alive_ = false;
  cancelTimers();
}

void ClientTransaction::cancelTimers() {
  for (auto* id : {&timer_retrans_, &timer_timeout_, &timer_end_}) {
    if (*id != 0) {
      env_.timers.cancel(*id);
      *id = 0;
    }
  }
}

void ClientTransaction::terminate() {
  if (state_ == State::Terminated) {
    return;
  }
  cancelTimers();
  state_ = State::Terminated;
  if (cb_.on_terminated) {
    cb_.on_terminated();
  }
}

void ClientTransaction::abandon() { terminate(); }

void ClientTransaction::retransmit(util::Millis interval) {
  timer_retrans_ = guarded(env_.timers, interval, alive_, [this, interval] {
    timer_retrans_ = 0;
    if (invite_) {
      if (state_ != State::Calling) {
        return;
      }
      env_.send(to_, bytes_);
      retransmit(interval * 2);  // Timer A doubles without cap (§17.1.1.2)
      return;
    }
    if (state_ != State::Trying && state_ != State::Proceeding) {
      return;
    }
    env_.send(to_, bytes_);
    // Timer E: doubles up to T2; in Proceeding it fires every T2 (§17.1.2.2).
    retransmit(state_ == State::Proceeding ? env_.values.t2 : std::min(interval * 2, env_.values.t2));
  });
}

void ClientTransaction::sendAck(const sip::Message& response) {
  // §17.1.1.3: the ACK for a non-2xx carries the original Request-URI, top Via only, From,
  // Call-ID, Route set, the response's To, and the same CSeq number.
  sip::Message ack;
  ack.is_request = true;
  ack.method = sip::Method::Ack;
  ack.method_text = "ACK";
  ack.request_uri = request_.request_uri;
  if (!request_.vias.empty()) {
    ack.vias.push_back(request_.vias.front());
  }
  ack.from = request_.from;
  ack.to = response.to;
  ack.call_id = request_.call_id;
  ack.cseq = sip::CSeq{request_.cseq.seq, sip::Method::Ack, "ACK"};
  ack.max_forwards = 70;
  ack.routes = request_.routes;
  ack_bytes_ = sip::serialize(ack);
  env_.send(to_, ack_bytes_);
}

void ClientTransaction::onResponse(const sip::Message& response) {
  const int code = response.status;
  switch (state_) {
    case State::Calling:
    case State::Trying:
    case State::Proceeding:
      break;
    case State::Completed:
      if (invite_ && code >= 300 && !ack_bytes_.empty()) {
        env_.send(to_, ack_bytes_);  // retransmitted final: ACK again, absorb
      }
      return;
    case State::Accepted:
      if (code >= 200 && code < 300 && cb_.on_response) {
        cb_.on_response(response);  // RFC 6026 §7.2: 2xx retransmissions go to the TU
      }
      return;
    case State::Confirmed:
    case State::Terminated:
      return;
  }
  if (code < 200) {
    if (state_ != State::Proceeding) {
      state_ = State::Proceeding;
      if (invite_ && timer_retrans_ != 0) {
        env_.timers.cancel(timer_retrans_);  // Timer A stops in Proceeding
        timer_retrans_ = 0;
      }
      if (invite_ && timer_timeout_ != 0) {
        env_.timers.cancel(timer_timeout_);  // the proxy's Timer C takes over (§16.6 step 11)
        timer_timeout_ = 0;
      }
    }
    if (cb_.on_response) {
      cb_.on_response(response);
    }
    return;
  }
  // Final response.
  if (timer_retrans_ != 0) {
    env_.timers.cancel(timer_retrans_);
    timer_retrans_ = 0;
  }
  if (timer_timeout_ != 0) {
    env_.timers.cancel(timer_timeout_);
    timer_timeout_ = 0;
  }
  if (invite_ && code < 300) {
    state_ = State::Accepted;
    timer_end_ = guarded(env_.timers, env_.values.t1 * 64, alive_, [this] {  // Timer M
      timer_end_ = 0;
      terminate();
    });
  } else if (invite_) {
    sendAck(response);
    state_ = State::Completed;
    if (reliable_) {
      // Timer D is 0 for reliable transports; terminate after notifying the TU below.
    } else {
      timer_end_ = guarded(env_.timers, std::chrono::milliseconds(32000), alive_, [this] {
        timer_end_ = 0;
        terminate();
      });
    }
  } else {
    state_ = State::Completed;
    if (!reliable_) {
      timer_end_ = guarded(env_.timers, env_.values.t4, alive_, [this] {  // Timer K
        timer_end_ = 0;
        terminate();
      });
    }
  }
  if (cb_.on_response) {
    cb_.on_response(response);
  }
  if (reliable_ && state_ == State::Completed) {
    terminate();
  }
}

}  // namespace insip::txn
