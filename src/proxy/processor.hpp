// SPDX-License-Identifier: Apache-2.0
//
// processor.hpp — the contract every request-chain step implements (after repro's Processor).
// A processor inspects/annotates the RequestContext and returns an Outcome; it never sends,
// forwards or forks: ProxyCore acts on the Outcome. Processors keep no per-request state.
//
// Processors run synchronously; one whose answer comes later (a durable registrar write today,
// the SCP's answer with the IN issue) returns Outcome::suspend (docs/adr/0002).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "proxy/request_context.hpp"
#include "sip/message.hpp"

namespace insip::proxy {

/// What the pipeline does after a processor returns.
class Outcome {
 public:
  /// Run the next processor.
  static Outcome next() { return Outcome{Next{}}; }
  /// Stop; ProxyCore sends this response through the server transaction.
  static Outcome reply(sip::Message response) { return Outcome{std::move(response)}; }
  /// Stop; no answer (counted and logged with the reason).
  static Outcome drop(std::string reason) { return Outcome{Drop{std::move(reason)}}; }
  /// Stop; ProxyCore forwards the request to ctx.targets (RFC 3261 §16.6).
  static Outcome forward() { return Outcome{Forward{}}; }

  /// Called (on the SIP loop thread, once) with the final outcome of a suspended request: reply,
  /// forward or drop. Calling it after the core has gone, or a second time, does nothing.
  using Resume = std::function<void(Outcome)>;
  /// Started by ProxyCore with the request's context (kept alive until the Resume is called; it
  /// is not the reference the processor was given) and the Resume to call; may call it at once.
  using Start = std::function<void(RequestContext&, Resume)>;
  /// Stop for now; the answer comes later. ProxyCore keeps the server transaction (absorbing
  /// retransmissions, 100 Trying for an INVITE) and the RequestContext until `start`'s Resume
  /// is called.
  static Outcome suspend(Start start) { return Outcome{Suspend{std::move(start)}}; }

  bool isNext() const { return std::holds_alternative<Next>(v_); }
  bool isForward() const { return std::holds_alternative<Forward>(v_); }
  Start* suspended() {
    Suspend* s = std::get_if<Suspend>(&v_);
    return s != nullptr ? &s->start : nullptr;
  }
  const sip::Message* response() const { return std::get_if<sip::Message>(&v_); }
  const std::string* dropReason() const {
    const Drop* d = std::get_if<Drop>(&v_);
    return d != nullptr ? &d->reason : nullptr;
  }

 private:
  struct Next {};
  struct Forward {};
  struct Drop {
    std::string reason;
  };
  struct Suspend {
    Start start;
  };
  using Variant = std::variant<Next, sip::Message, Drop, Forward, Suspend>;
  explicit Outcome(Variant v) : v_(std::move(v)) {}
  Variant v_;
};

class RequestProcessor {
 public:
  virtual ~RequestProcessor() = default;
  /// Stable snake_case name used in logs and stats.
  virtual std::string_view name() const = 0;
  /// Runs on the SIP loop thread.
  virtual Outcome onRequest(RequestContext& ctx) = 0;
};
using RequestProcessorPtr = std::unique_ptr<RequestProcessor>;

}  // namespace insip::proxy
