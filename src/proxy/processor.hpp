// SPDX-License-Identifier: Apache-2.0
//
// processor.hpp — the contract every request-chain step implements (after repro's Processor).
// A processor inspects/annotates the RequestContext and returns an Outcome; it never sends,
// forwards or forks: ProxyCore acts on the Outcome. Processors keep no per-request state.
//
// Processors are synchronous today (every step of the foundation answers from memory or a local
// SQLite lookup); the SCP query of the IN issue adds an asynchronous outcome (docs/adr/0002).
#pragma once

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

  bool isNext() const { return std::holds_alternative<Next>(v_); }
  bool isForward() const { return std::holds_alternative<Forward>(v_); }
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
  explicit Outcome(std::variant<Next, sip::Message, Drop, Forward> v) : v_(std::move(v)) {}
  std::variant<Next, sip::Message, Drop, Forward> v_;
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
