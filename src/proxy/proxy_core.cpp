// SPDX-License-Identifier: Apache-2.0
#include "proxy/proxy_core.hpp"

#include "auth/credentials_header.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace insip::proxy {
namespace {

constexpr std::string_view kCookie = "z9hG4bK";

// FNV-1a, 64 bit: a stable, fast, non-cryptographic hash for branch loop-detection parts.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool isIpLiteral(std::string_view host) {
  std::string h(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
    in6_addr a6{};
    return inet_pton(AF_INET6, h.c_str(), &a6) == 1;
  }
  in_addr a4{};
  return inet_pton(AF_INET, h.c_str(), &a4) == 1;
}

std::string stripBrackets(std::string_view h) {
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    return std::string(h.substr(1, h.size() - 2));
  }
  return std::string(h);
}

util::Protocol protocolOfUri(const sip::Uri& uri) {
  if (auto t = sip::paramValue(uri.params, "transport")) {
    if (sip::iequals(*t, "tcp")) {
      return util::Protocol::Tcp;
    }
    if (sip::iequals(*t, "tls")) {
      return util::Protocol::Tls;
    }
  }
  if (uri.scheme == sip::Scheme::Sips) {
    return util::Protocol::Tls;
  }
  return util::Protocol::Udp;
}

util::Protocol protocolOfVia(const sip::Via& via) {
  if (sip::iequals(via.transport, "TCP")) {
    return util::Protocol::Tcp;
  }
  if (sip::iequals(via.transport, "TLS")) {
    return util::Protocol::Tls;
  }
  return util::Protocol::Udp;
}

// RFC 3261 §16.7 step 6: 6xx beats everything; otherwise the lowest class wins; the first of a
// class is kept.
int rank(int status) {
  if (status >= 600) {
    return 0;
  }
  return status / 100;
}

bool createsDialog(sip::Method m) {
  return m == sip::Method::Invite || m == sip::Method::Subscribe || m == sip::Method::Refer;
}

std::string_view headerLineValue(std::string_view bytes, std::string_view long_name,
                                 std::string_view compact) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::size_t eol = bytes.find('\n', pos);
    if (eol == std::string_view::npos) {
      eol = bytes.size();
    }
    std::string_view line = bytes.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      break;
    }
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
        name.remove_suffix(1);
      }
      if (sip::iequals(name, long_name) || sip::iequals(name, compact)) {
        std::string_view v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') {
          v.remove_prefix(1);
        }
        return v;
      }
    }
    pos = eol + 1;
  }
  return {};
}

}  // namespace

struct ProxyCore::ClientEntry {
  std::unique_ptr<txn::ClientTransaction> txn;
  std::weak_ptr<ResponseContext> rc;  // empty for our own CANCELs
  std::size_t branch = 0;
};

struct Branch {
  sip::Message request;  // as sent (for CANCEL, §9.1)
  util::Flow flow;
  int final_status = 0;  // 0 while pending
  bool provisional = false;
  bool cancel_requested = false;
  bool cancel_sent = false;
  util::TimerService::Id timer_c = 0;
};

struct ProxyCore::ResponseContext : std::enable_shared_from_this<ProxyCore::ResponseContext> {
  std::string server_key;
  sip::Message original;  // the request as received (responses are built from it)
  bool invite = false;
  std::vector<Branch> branches;
  std::optional<sip::Message> best;  // best final so far, our Via already removed
  bool final_sent = false;
  bool answered = false;
  bool cancelled = false;
};

struct ProxyCore::ServerEntry {
  std::unique_ptr<txn::ServerTransaction> txn;
  std::shared_ptr<ResponseContext> rc;  // null when the request was answered locally
  util::Flow reply_flow;                // where responses go (RFC 3581 for UDP)
  std::uint64_t id = 0;                 // tells a Resume its entry from a later one of that key
  std::unique_ptr<RequestContext> suspended;  // while a processor's answer is pending
  bool starting = false;                      // inside Outcome::Start
  std::optional<Outcome> early;               // a Resume called from inside Start
  bool trying_sent = false;
};

ProxyCore::ProxyCore(const config::Config& cfg, const Pipeline& pipeline,
                     const LocalIdentity& identity, util::TimerService& timers, Stats& stats,
                     SendFn send)
    : cfg_(cfg),
      pipeline_(pipeline),
      identity_(identity),
      timers_(timers),
      send_(std::move(send)),
      limits_{cfg.limits.max_message_bytes, cfg.limits.max_headers, cfg.limits.max_line_bytes,
              cfg.limits.max_body_bytes,   cfg.limits.max_uri_bytes, cfg.limits.max_vias},
      env_{timers, [this](const util::Flow& to, const std::string& b) { this->send(to, b); },
           txn::TimerValues{util::Millis(cfg.timers.t1_ms), util::Millis(cfg.timers.t2_ms),
                            util::Millis(cfg.timers.t4_ms)}},
      stats_(stats) {
  std::random_device rd;
  to_tag_ = fmt::format("{:08x}{:08x}", rd(), rd());  // secret salt for our To tags
}

ProxyCore::~ProxyCore() {
  if (sweep_timer_ != 0) {
    timers_.cancel(sweep_timer_);
  }
  for (auto& [key, entry] : servers_) {
    if (entry->rc) {
      for (auto& b : entry->rc->branches) {
        if (b.timer_c != 0) {
          timers_.cancel(b.timer_c);
        }
      }
    }
  }
  clients_.clear();
  servers_.clear();
}

void ProxyCore::send(const util::Flow& to, std::string_view bytes) {
  logMessage("out", to, bytes);
  send_(to, bytes);
}

void ProxyCore::logMessage(std::string_view dir, const util::Flow& flow,
                           std::string_view bytes) const {
  if (!cfg_.log.messages) {
    return;
  }
  std::string_view first = bytes.substr(0, bytes.find_first_of("\r\n"));
  spdlog::info("MSG {} {} {} | call-id={} cseq={}", dir, flow.str(), first,
               headerLineValue(bytes, "Call-ID", "i"), headerLineValue(bytes, "CSeq", "CSeq"));
}

void ProxyCore::onBytes(std::string_view bytes, const util::Flow& from) {
  logMessage("in", from, bytes);
  sip::ParseFailure failure;
  auto parsed = sip::parseMessage(bytes, limits_, &failure);
  if (!parsed) {
    onParseFailure(bytes, failure, from);
  } else if (parsed->is_request) {
    onRequest(std::move(*parsed), from);
  } else {
    onResponse(std::move(*parsed), from);
  }
  sweep();
}

void ProxyCore::countLimit(std::error_code code, const util::Flow& from) {
  using sip::ParseErrc;
  if (code.category() != sip::parseCategory()) {
    return;
  }
  std::uint64_t* counter = nullptr;
  std::string_view limit;
  switch (static_cast<ParseErrc>(code.value())) {
    case ParseErrc::MessageTooLarge: counter = &stats_.limit_message_bytes; limit = "max_message_bytes"; break;
    case ParseErrc::TooManyHeaders: counter = &stats_.limit_headers; limit = "max_headers"; break;
    case ParseErrc::HeaderTooLong: counter = &stats_.limit_line_bytes; limit = "max_line_bytes"; break;
    case ParseErrc::BodyTooLarge: counter = &stats_.limit_body_bytes; limit = "max_body_bytes"; break;
    case ParseErrc::UriTooLong: counter = &stats_.limit_uri_bytes; limit = "max_uri_bytes"; break;
    case ParseErrc::TooManyVias: counter = &stats_.limit_vias; limit = "max_vias"; break;
    default: return;
  }
  ++*counter;
  bad_input_log_.warn("limit limits.{} exceeded by a message from {}", limit, from.str());
}

void ProxyCore::onParseFailure(std::string_view bytes, const sip::ParseFailure& failure,
                               const util::Flow& from) {
  ++stats_.parse_errors;
  countLimit(failure.code, from);
  const sip::Message* partial = failure.partial.get();
  if (bytes.starts_with("SIP/")) {
    ++stats_.bad_responses;  // RFC 4475 §3.1.2.5: a bad response is discarded, never forwarded
  }
  if (partial == nullptr || !partial->is_request || partial->method == sip::Method::Ack ||
      partial->vias.empty()) {
    // RFC 3261 §16.3 / §18: nothing we can answer (no readable Via, a response, or an ACK).
    ++stats_.dropped;
    bad_input_log_.info("dropped unparsable message from {}: {}{}{}", from.str(),
                        failure.code.message(), failure.header.empty() ? "" : " in ",
                        failure.header);
    return;
  }
  int status = 400;
  std::string reason;
  using sip::ParseErrc;
  switch (static_cast<ParseErrc>(failure.code.value())) {
    case ParseErrc::BadVersion: status = 505; break;
    case ParseErrc::UnsupportedScheme: status = 416; break;
    case ParseErrc::BodyTooLarge: status = 413; break;
    case ParseErrc::UriTooLong: status = 414; break;
    case ParseErrc::MessageTooLarge: status = 513; break;
    case ParseErrc::MissingMandatoryHeader:
      reason = failure.header.empty() ? std::string("Bad Request")
                                      : fmt::format("Missing {}", failure.header);
      break;
    default:
      reason = failure.header.empty() ? std::string("Bad Request")
                                      : fmt::format("Bad {}", failure.header);
      break;
  }
  bad_input_log_.info("rejected {} from {} with {}: {}{}{}", partial->method_text, from.str(),
                      status, failure.code.message(), failure.header.empty() ? "" : " in ",
                      failure.header);
  sip::Message req = *partial;
  addReceived(req, from);
  replyStateless(req, from, status, reason);
}

void ProxyCore::onFramingError(std::string_view head, const util::Flow& from,
                               std::error_code error, std::string_view header) {
  ++stats_.parse_errors;
  ++stats_.framing_errors;
  countLimit(error, from);
  // The head is parsed only to learn whom to answer; whatever it says, it is never processed.
  const sip::Message* answerable = nullptr;
  sip::ParseFailure failure;
  std::optional<sip::Message> parsed;
  if (!head.empty()) {
    auto r = sip::parseMessage(head, limits_, &failure);
    if (r) {
      parsed = std::move(*r);
      answerable = &*parsed;
    } else {
      answerable = failure.partial.get();
    }
  }
  if (answerable == nullptr || !answerable->is_request || answerable->method == sip::Method::Ack ||
      answerable->vias.empty()) {
    ++stats_.dropped;
    bad_input_log_.info("stream framing lost from {} ({}); closing without an answer", from.str(),
                        error.message());
    return;
  }
  std::string reason = header.empty() ? std::string("Bad Request") : fmt::format("Bad {}", header);
  bad_input_log_.info("stream framing lost from {} ({}); answering {} {} and closing", from.str(),
                      error.message(), 400, reason);
  sip::Message req = *answerable;
  addReceived(req, from);
  replyStateless(req, from, 400, reason);
}

void ProxyCore::addReceived(sip::Message& request, const util::Flow& from) const {
  if (request.vias.empty()) {
    return;
  }
  sip::Via& via = request.vias.front();
  // RFC 3261 §18.2.1: received when sent-by differs from the source; RFC 3581 §4: rport value.
  if (stripBrackets(via.host) != from.remote_ip || sip::findParam(via.params, "rport") != nullptr) {
    sip::setParam(via.params, "received", from.remote_ip);
  }
  if (const sip::Param* rp = sip::findParam(via.params, "rport"); rp != nullptr && !rp->value) {
    sip::setParam(via.params, "rport", std::to_string(from.remote_port));
  }
}

std::optional<util::Flow> ProxyCore::responseFlow(const sip::Via& via) const {
  util::Flow f;
  f.protocol = protocolOfVia(via);
  auto received = sip::paramValue(via.params, "received");
  f.remote_ip = received ? std::string(*received) : stripBrackets(via.host);
  std::uint16_t port = via.port.value_or(f.protocol == util::Protocol::Tls ? 5061 : 5060);
  if (auto rport = sip::paramValue(via.params, "rport"); rport && !rport->empty()) {
    unsigned v = 0;
    for (char c : *rport) {
      if (c < '0' || c > '9') {
        v = 0;
        break;
      }
      v = v * 10 + static_cast<unsigned>(c - '0');
      if (v > 65535) {
        v = 0;
        break;
      }
    }
    if (v != 0) {
      port = static_cast<std::uint16_t>(v);
    }
  }
  f.remote_port = port;
  if (!isIpLiteral(f.remote_ip) && !isIpLiteral("[" + f.remote_ip + "]")) {
    return std::nullopt;  // no DNS on the traffic path
  }
  return f;
}

void ProxyCore::sendResponseTo(const util::Flow& to, const sip::Message& response) {
  send(to, sip::serialize(response));
}

void ProxyCore::replyStateless(const sip::Message& request, const util::Flow& to, int status,
                               std::string_view reason,
                               const std::vector<sip::HeaderField>& extra) {
  if (request.method == sip::Method::Ack) {
    return;  // never answer an ACK
  }
  sip::Message resp = sip::makeResponse(request, status, reason, toTagFor(request));
  for (const auto& h : extra) {
    resp.headers.push_back(h);
  }
  util::Flow dest = to;
  if (to.protocol == util::Protocol::Udp && !request.vias.empty()) {
    if (auto f = responseFlow(request.vias.front())) {
      dest = *f;
    }
  }
  ++stats_.stateless_replies;
  sendResponseTo(dest, resp);
}

// ---------------------------------------------------------------------------------------------
// Requests

std::string ProxyCore::toTagFor(const sip::Message& m) const {
  std::uint64_t h = fnv1a(to_tag_);
  h = fnv1a(m.call_id, h);
  h = fnv1a(m.from.tag().value_or(""), h);
  h = fnv1a(std::to_string(m.cseq.seq), h);
  return fmt::format("{:x}", h);
}

std::string ProxyCore::loopHash(const sip::Message& request) const {
  std::uint64_t h = fnv1a(request.request_uri.str());
  h = fnv1a(request.from.tag().value_or(""), h);
  h = fnv1a(request.to.tag().value_or(""), h);
  h = fnv1a(request.call_id, h);
  h = fnv1a(std::to_string(request.cseq.seq), h);
  for (const std::string& v : request.tokenList("Proxy-Require")) {
    h = fnv1a(v, h);
  }
  return fmt::format("{:016x}", h);
}

bool ProxyCore::isLooped(const sip::Message& request) const {
  // RFC 3261 §16.3 step 4: a Via of ours whose branch carries the loop hash this request would
  // get again means the request came back unchanged: a loop, not a spiral.
  std::string suffix;
  for (const sip::Via& via : request.vias) {
    if (!identity_.isUs(sip::Uri{.scheme = sip::Scheme::Sip, .host = via.host, .port = via.port})) {
      continue;
    }
    auto branch = via.branch();
    if (!branch) {
      continue;
    }
    if (suffix.empty()) {
      suffix = "." + loopHash(request);
    }
    if (branch->ends_with(suffix)) {
      return true;
    }
  }
  return false;
}

sip::Via ProxyCore::ourVia(util::Protocol protocol, std::string branch) const {
  sip::Via via;
  via.transport = std::string(util::protocolName(protocol));
  via.host = identity_.host();
  via.port = identity_.port();
  via.params.push_back({"branch", std::move(branch)});
  return via;
}

void ProxyCore::onRequest(sip::Message&& request, const util::Flow& from) {
  ++stats_.requests_in;
  addReceived(request, from);
  if (request.method == sip::Method::Cancel) {
    onCancel(std::move(request), from);
    return;
  }
  std::string key = txn::serverKey(request);
  if (key.empty()) {
    // RFC 2543 peer (no magic cookie): key on what identifies the transaction instead.
    key = fmt::format("2543|{}|{}|{}|{}|{}", request.call_id, request.cseq.seq,
                      request.from.tag().value_or(""), request.vias.front().host,
                      request.method == sip::Method::Ack ? "INVITE" : request.method_text);
  }
  if (auto it = servers_.find(key); it != servers_.end() && !it->second->txn->terminated()) {
    if (it->second->txn->onRetransmission(request)) {
      ++stats_.retransmissions_absorbed;
      return;
    }
  }
  if (request.method == sip::Method::Ack) {
    // The ACK for a response we sent statelessly (a 401/407 challenge) carries the To tag we made
    // for that request: it is ours, absorb it, even if it names us in a Route (outbound proxy).
    if (auto tag = request.to.tag(); tag && *tag == toTagFor(request)) {
      ++stats_.retransmissions_absorbed;
      return;
    }
    // ACK to a 2xx (end-to-end, §13.2.2.4) or a stray ACK: forwarded statelessly if routed to us.
    RequestContext ctx(std::move(request), from);
    Outcome o = pipeline_.run(ctx);
    if (o.isForward()) {
      forwardAckStatelessly(ctx);
    } else {
      ++stats_.dropped;
    }
    return;
  }
  if (servers_.size() >= cfg_.limits.max_transactions) {
    ++stats_.transactions_rejected;
    replyStateless(request, from, 503, "Service Unavailable", {{"Retry-After", "5"}});
    return;
  }
  util::Flow reply_flow = from;
  if (from.protocol == util::Protocol::Udp) {
    if (auto f = responseFlow(request.vias.front())) {
      reply_flow = *f;
    }
  }
  auto entry = std::make_unique<ServerEntry>();
  txn::ServerTransaction::Callbacks cb;
  cb.on_terminated = [this, key] {
    dead_servers_.push_back(key);
    scheduleSweep();
  };
  entry->txn = std::make_unique<txn::ServerTransaction>(env_, request, reply_flow, std::move(cb));
  ServerEntry& server = *entry;
  servers_[key] = std::move(entry);

  if (isLooped(request)) {
    ++stats_.loops_detected;
    server.txn->sendResponse(sip::makeResponse(request, 482, {}, toTagFor(request)));
    return;
  }
  server.reply_flow = reply_flow;
  server.id = ++entry_counter_;
  RequestContext ctx(std::move(request), from);
  act(server, key, ctx, pipeline_.run(ctx));
}

void ProxyCore::act(ServerEntry& server, const std::string& key, RequestContext& ctx, Outcome o) {
  if (Outcome::Start* start = o.suspended()) {
    ++stats_.suspended;
    server.suspended = std::make_unique<RequestContext>(std::move(ctx));
    if (server.suspended->request().method == sip::Method::Invite) {
      // §16.2: the answer may take a while; stop the caller's INVITE retransmissions now.
      server.txn->sendResponse(sip::makeResponse(server.suspended->request(), 100));
      server.trying_sent = true;
    }
    Outcome::Start run = std::move(*start);
    server.id = ++entry_counter_;  // a Resume of an earlier suspension cannot settle this one
    const std::uint64_t id = server.id;
    server.starting = true;
    run(*server.suspended, [this, alive = std::weak_ptr<const char>(alive_), key,
                            id](Outcome result) {
      if (alive.expired()) {
        return;  // the core is gone (shutdown)
      }
      auto it = servers_.find(key);
      if (it == servers_.end() || it->second->id != id || !it->second->suspended ||
          it->second->early) {
        return;  // already resumed, or the transaction ended meanwhile
      }
      if (it->second->starting) {
        it->second->early.emplace(std::move(result));  // acted on when `run` has returned
        return;
      }
      std::unique_ptr<RequestContext> held = std::move(it->second->suspended);
      act(*it->second, key, *held, std::move(result));
    });
    // `server` is still ours: only a Resume could end it, and during `run` it only records.
    server.starting = false;
    if (server.early) {
      Outcome result = std::move(*server.early);
      server.early.reset();
      std::unique_ptr<RequestContext> held = std::move(server.suspended);
      act(server, key, *held, std::move(result));
    }
    return;
  }
  if (const sip::Message* resp = o.response()) {
    const sip::Message* out = resp;
    sip::Message tagged;
    if (resp->status > 100 && !resp->to.tag()) {
      // RFC 3261 §8.2.6.2 / §19.3: answering as a UAS, we add a To tag to every response but 100;
      // derived from a per-process secret salt and the request, so it is unique per request and
      // stable across its retransmissions.
      tagged = *resp;
      sip::setParam(tagged.to.params, "tag", toTagFor(tagged));
      out = &tagged;
    }
    if (out->status == 401 || out->status == 407) {
      // RFC 3261 §26.3.2.4: challenges are sent statelessly, so an unauthenticated sender cannot
      // make us hold transaction state; a retransmission simply gets a fresh challenge and the
      // ACK to a 407 matches nothing and is dropped by the chain.
      ++stats_.stateless_replies;
      sendResponseTo(server.reply_flow, *out);
      servers_.erase(key);
      return;
    }
    server.txn->sendResponse(*out);
    return;
  }
  if (o.isForward()) {
    forward(server, key, ctx);
    return;
  }
  ++stats_.dropped;
  if (const std::string* why = o.dropReason()) {
    spdlog::debug("dropped {} from {}: {}", ctx.request().method_text, ctx.source().str(), *why);
  }
  servers_.erase(key);
}

void ProxyCore::onCancel(sip::Message&& cancel, const util::Flow& from) {
  ++stats_.cancels;
  std::string key = txn::serverKey(cancel);
  util::Flow reply_flow = from;
  if (from.protocol == util::Protocol::Udp) {
    if (auto f = responseFlow(cancel.vias.front())) {
      reply_flow = *f;
    }
  }
  if (!key.empty()) {
    if (auto it = servers_.find(key); it != servers_.end() && !it->second->txn->terminated()) {
      it->second->txn->onRetransmission(cancel);
      ++stats_.retransmissions_absorbed;
      return;
    }
  }
  // The INVITE this CANCEL is for: same branch and sent-by, method INVITE (§9.2).
  std::string invite_key = key.empty() ? std::string() : key.substr(0, key.rfind('|') + 1) + "INVITE";
  // Hold the INVITE's entry by pointer: inserting the CANCEL's transaction below may rehash
  // servers_ and invalidate iterators (entries themselves are heap-allocated and stay put).
  ServerEntry* invite = nullptr;
  if (!invite_key.empty()) {
    if (auto it = servers_.find(invite_key); it != servers_.end()) {
      invite = it->second.get();
    }
  }
  if (key.empty() || servers_.size() >= cfg_.limits.max_transactions) {
    replyStateless(cancel, from, invite == nullptr ? 481 : 503, {});
    return;
  }
  auto entry = std::make_unique<ServerEntry>();
  txn::ServerTransaction::Callbacks cb;
  cb.on_terminated = [this, key] {
    dead_servers_.push_back(key);
    scheduleSweep();
  };
  entry->txn = std::make_unique<txn::ServerTransaction>(env_, cancel, reply_flow, std::move(cb));
  ServerEntry& server = *entry;
  servers_[key] = std::move(entry);
  if (invite == nullptr || invite->txn->terminated()) {
    server.txn->sendResponse(sip::makeResponse(cancel, 481, {}, toTagFor(cancel)));
    return;
  }
  // §16.10: answer the CANCEL with 200, then cancel every pending branch.
  server.txn->sendResponse(sip::makeResponse(cancel, 200, {}, toTagFor(cancel)));
  if (!invite->rc) {
    return;  // answered locally (e.g. 407): the final response stands
  }
  ResponseContext& rc = *invite->rc;
  rc.cancelled = true;
  cancelPendingBranches(rc);
  maybeSendBest(rc);
}

void ProxyCore::stripOurCredentials(sip::Message& request) const {
  // RFC 3261 §22.3: credentials for our realm are consumed here and never reach the next hop —
  // also on requests we did not challenge (in-dialog BYE/re-INVITE, ACK) where UAs resend them.
  std::erase_if(request.headers, [&](const sip::HeaderField& h) {
    if (!sip::iequals(h.name, "Proxy-Authorization")) {
      return false;
    }
    auto parsed = auth::parseCredentials(h.value);
    return !parsed || parsed->realm == cfg_.auth.realm;
  });
}

void ProxyCore::forwardAckStatelessly(RequestContext& ctx) {
  sip::Message ack = std::move(ctx.request());
  stripOurCredentials(ack);
  if (ctx.targets.empty()) {
    return;
  }
  const Target& target = ctx.targets.front();
  ack.request_uri = target.uri;
  ack.max_forwards = ack.max_forwards ? std::max(0, *ack.max_forwards - 1) : 70;
  // §16.11: a stateless proxy derives its branch from the incoming one, so retransmitted ACKs get
  // the same branch.
  const sip::Via& top = ack.vias.front();
  std::string branch = fmt::format("{}sl{:016x}", kCookie,
                                   fnv1a(top.branch().value_or(ack.call_id), fnv1a(top.host)));
  auto flow = nextHop(ack, target);
  if (!flow) {
    ++stats_.dropped;
    return;
  }
  ack.vias.insert(ack.vias.begin(), ourVia(flow->protocol, std::move(branch)));
  send(*flow, sip::serialize(ack));
}

std::optional<util::Flow> ProxyCore::nextHop(const sip::Message& request, const Target& target) const {
  const sip::Uri* uri = nullptr;
  if (!request.routes.empty()) {
    uri = &request.routes.front().uri;
  } else if (target.flow) {
    return target.flow;
  } else {
    uri = &request.request_uri;
  }
  if (uri->scheme != sip::Scheme::Sip && uri->scheme != sip::Scheme::Sips) {
    return std::nullopt;
  }
  if (!isIpLiteral(uri->host)) {
    return std::nullopt;  // no DNS resolution on the traffic path (RFC 3263 is future work)
  }
  util::Flow f;
  f.protocol = protocolOfUri(*uri);
  if (f.protocol == util::Protocol::Tls) {
    return std::nullopt;  // TLS arrives with the transport-security issue
  }
  f.remote_ip = stripBrackets(uri->host);
  f.remote_port = uri->port.value_or(5060);
  return f;
}

void ProxyCore::forward(ServerEntry& server, const std::string& key, RequestContext& ctx) {
  auto rc = std::make_shared<ResponseContext>();
  rc->server_key = key;
  sip::Message& req = ctx.request();
  rc->invite = req.method == sip::Method::Invite;
  rc->original = req;
  server.rc = rc;
  if (rc->invite) {
    // §16.2: a stateful proxy answers INVITE with 100 Trying (we forward at once, so always).
    if (!server.trying_sent) {
      server.txn->sendResponse(sip::makeResponse(rc->original, 100));
      server.trying_sent = true;
    }
    ++stats_.calls_forwarded;
  }
  const std::string loop_hash = loopHash(req);
  stripOurCredentials(req);
  // §16.6 step 3: Max-Forwards.
  req.max_forwards = req.max_forwards ? *req.max_forwards - 1 : 70;
  const bool record_route = cfg_.proxy.record_route && !ctx.in_dialog && createsDialog(req.method);
  std::vector<Target> targets = std::move(ctx.targets);
  for (const Target& target : targets) {
    sip::Message copy = req;
    copy.request_uri = target.uri;  // §16.6 step 2
    auto flow = nextHop(copy, target);
    if (flow && record_route) {
      const std::string route_token = identity_.routeToken(req.call_id);
      // §16.6 step 4, RFC 5658: one entry per transport when the two legs differ.
      auto rr = [&](util::Protocol p) {
        sip::NameAddr na;
        na.uri.scheme = sip::Scheme::Sip;
        na.uri.scheme_text = "sip";
        na.uri.host = identity_.host();
        na.uri.port = identity_.port();
        if (p == util::Protocol::Tcp) {
          na.uri.params.push_back({"transport", std::string("tcp")});
        }
        na.uri.params.push_back({"lr", std::nullopt});
        // The token InDialogRouter requires before relaying an in-dialog request.
        na.uri.params.push_back({std::string(LocalIdentity::kRouteTokenParam), route_token});
        return na;
      };
      if (flow->protocol != ctx.source().protocol) {
        copy.record_routes.insert(copy.record_routes.begin(), rr(ctx.source().protocol));
      }
      copy.record_routes.insert(copy.record_routes.begin(), rr(flow->protocol));
    }
    Branch b;
    b.flow = flow.value_or(util::Flow{});
    std::size_t index = rc->branches.size();
    if (!flow) {
      b.final_status = 502;
      sip::Message resp = sip::makeResponse(rc->original, 502, "Unresolvable Destination", toTagFor(rc->original));
      if (!rc->best || rank(502) < rank(rc->best->status)) {
        rc->best = std::move(resp);
      }
      rc->branches.push_back(std::move(b));
      continue;
    }
    std::string branch = fmt::format("{}in{:x}.{}", kCookie, ++branch_counter_, loop_hash);
    copy.vias.insert(copy.vias.begin(), ourVia(flow->protocol, branch));
    b.request = copy;
    rc->branches.push_back(std::move(b));
    std::string ckey = txn::clientKey(branch, copy.method, copy.method_text);
    auto centry = std::make_unique<ClientEntry>();
    centry->rc = rc;
    centry->branch = index;
    std::weak_ptr<ResponseContext> weak = rc;
    txn::ClientTransaction::Callbacks cb;
    cb.on_response = [this, weak, index](const sip::Message& r) {
      if (auto locked = weak.lock()) {
        onBranchResponse(locked, index, r);
      }
    };
    cb.on_timeout = [this, weak, index] {
      if (auto locked = weak.lock()) {
        onBranchTimeout(locked, index);
      }
    };
    cb.on_terminated = [this, ckey] {
      dead_clients_.push_back(ckey);
      scheduleSweep();
    };
    ClientEntry& ce = *centry;
    clients_[ckey] = std::move(centry);
    ce.txn = std::make_unique<txn::ClientTransaction>(env_, std::move(copy), *flow, std::move(cb));
    if (rc->invite) {
      armTimerC(rc, index);
    }
  }
  maybeSendBest(*rc);
}

void ProxyCore::armTimerC(const std::shared_ptr<ResponseContext>& rc, std::size_t index) {
  Branch& b = rc->branches[index];
  if (b.timer_c != 0) {
    timers_.cancel(b.timer_c);
  }
  std::weak_ptr<ResponseContext> weak = rc;
  b.timer_c = timers_.schedule(util::Millis(std::uint64_t{cfg_.proxy.timer_c_s} * 1000),
                               [this, weak, index] {
    auto locked = weak.lock();
    if (!locked) {
      return;
    }
    Branch& br = locked->branches[index];
    br.timer_c = 0;
    if (br.final_status != 0) {
      return;
    }
    // §16.8: Timer C fired: CANCEL a branch that is ringing, else treat it as timed out.
    if (br.provisional) {
      cancelBranch(*locked, index);
      return;
    }
    onBranchTimeout(locked, index);
  });
}

void ProxyCore::onBranchResponse(const std::shared_ptr<ResponseContext>& rcp, std::size_t index,
                                 const sip::Message& response) {
  ResponseContext& rc = *rcp;
  Branch& b = rc.branches[index];
  const int code = response.status;
  sip::Message up = response;
  if (!up.vias.empty()) {
    up.vias.erase(up.vias.begin());  // §16.7 step 3: remove our Via
  }
  if (up.vias.empty()) {
    return;  // a response to a request we originated: nothing upstream
  }
  if (code < 200) {
    b.provisional = true;
    if (rc.invite && b.final_status == 0 && !b.cancel_sent) {
      // §16.7 step 2: reset Timer C on a provisional. Not once the branch is cancelled: then the
      // 64*T1 give-up timer in the same slot must run out, whatever the callee keeps sending
      // (else a callee could pin the transactions forever with provisionals).
      armTimerC(rcp, index);
    }
    if (b.cancel_requested && !b.cancel_sent) {
      cancelBranch(rc, index);
    }
    if (code == 100 || rc.final_sent) {
      return;  // §16.7 step 5: 100 is not forwarded
    }
    relayUpstream(rc, std::move(up));
    return;
  }
  if (b.timer_c != 0) {
    timers_.cancel(b.timer_c);
    b.timer_c = 0;
  }
  const bool first_final = b.final_status == 0;
  if (first_final) {
    b.final_status = code;
  }
  if (code < 300) {
    // §16.7 step 5: every 2xx to INVITE is forwarded at once (including retransmissions).
    if (!rc.answered && rc.invite) {
      ++stats_.calls_answered;
    }
    rc.answered = true;
    rc.final_sent = true;
    relayUpstream(rc, std::move(up));
    if (rc.invite) {
      cancelPendingBranches(rc);
    }
    return;
  }
  if (!first_final || rc.final_sent) {
    return;
  }
  if (!rc.best || rank(code) < rank(rc.best->status)) {
    rc.best = std::move(up);
  }
  if (code >= 600 && rc.invite) {
    cancelPendingBranches(rc);  // §16.7 step 5: a 6xx ends the search
  }
  maybeSendBest(rc);
}

void ProxyCore::onBranchTimeout(const std::shared_ptr<ResponseContext>& rcp, std::size_t index) {
  ResponseContext& rc = *rcp;
  Branch& b = rc.branches[index];
  if (b.final_status != 0) {
    return;
  }
  if (b.timer_c != 0) {
    timers_.cancel(b.timer_c);
    b.timer_c = 0;
  }
  b.final_status = 408;
  ++stats_.timeouts_408;
  // §16.7 step 1 / §16.8: a branch that never answered counts as 408.
  if (!rc.best || rank(408) < rank(rc.best->status)) {
    rc.best = sip::makeResponse(rc.original, 408, {}, toTagFor(rc.original));  // competes like a received 408
  }
  // Stop retransmitting on that branch.
  const std::string ckey = b.request.vias.empty()
                               ? std::string()
                               : txn::clientKey(b.request.vias.front().branch().value_or(""),
                                                b.request.method, b.request.method_text);
  if (auto it = clients_.find(ckey); it != clients_.end()) {
    it->second->txn->abandon();
  }
  maybeSendBest(rc);
}

void ProxyCore::maybeSendBest(ResponseContext& rc) {
  if (rc.final_sent) {
    return;
  }
  for (const Branch& b : rc.branches) {
    if (b.final_status == 0) {
      return;
    }
  }
  sip::Message resp = rc.best ? *rc.best : sip::makeResponse(rc.original, 408, {}, toTagFor(rc.original));
  if (rc.cancelled && resp.status == 408) {
    resp = sip::makeResponse(rc.original, 487, {}, toTagFor(rc.original));  // §16.10: cancelled before any answer
  }
  if (resp.status == 503) {
    // §16.7 step 6: a 503 from downstream becomes 500 upstream (the service is not ours).
    resp.status = 500;
    resp.reason = std::string(sip::defaultReason(500));
    resp.removeHeader("Retry-After");
  }
  rc.final_sent = true;
  relayUpstream(rc, std::move(resp));
}

void ProxyCore::relayUpstream(ResponseContext& rc, sip::Message response) {
  ++stats_.responses_forwarded;
  if (auto it = servers_.find(rc.server_key); it != servers_.end() && !it->second->txn->terminated()) {
    it->second->txn->sendResponse(response);
    return;
  }
  // The server transaction is gone (e.g. a late 2xx retransmission): forward statelessly.
  if (!response.vias.empty()) {
    if (auto f = responseFlow(response.vias.front())) {
      sendResponseTo(*f, response);
    }
  }
}

void ProxyCore::cancelBranch(ResponseContext& rc, std::size_t index) {
  Branch& b = rc.branches[index];
  if (b.final_status != 0 || b.cancel_sent) {
    return;
  }
  if (!b.provisional) {
    b.cancel_requested = true;  // §9.1: wait for a provisional response before cancelling
    return;
  }
  b.cancel_sent = true;
  // §9.1 / §16.8: if the branch still has no final response 64*T1 after the CANCEL, give up on it.
  if (b.timer_c != 0) {
    timers_.cancel(b.timer_c);
  }
  b.timer_c = timers_.schedule(util::Millis(std::uint64_t{cfg_.timers.t1_ms} * 64),
                               [this, weak = rc.weak_from_this(), index] {
    if (auto locked = weak.lock()) {
      locked->branches[index].timer_c = 0;
      onBranchTimeout(locked, index);
    }
  });
  const sip::Message& inv = b.request;
  sip::Message cancel;
  cancel.is_request = true;
  cancel.method = sip::Method::Cancel;
  cancel.method_text = "CANCEL";
  cancel.request_uri = inv.request_uri;
  cancel.vias.push_back(inv.vias.front());
  cancel.from = inv.from;
  cancel.to = inv.to;
  cancel.call_id = inv.call_id;
  cancel.cseq = sip::CSeq{inv.cseq.seq, sip::Method::Cancel, "CANCEL"};
  cancel.max_forwards = 70;
  cancel.routes = inv.routes;
  std::string ckey = txn::clientKey(inv.vias.front().branch().value_or(""), sip::Method::Cancel, "CANCEL");
  auto centry = std::make_unique<ClientEntry>();
  txn::ClientTransaction::Callbacks cb;
  cb.on_terminated = [this, ckey] {
    dead_clients_.push_back(ckey);
    scheduleSweep();
  };
  ClientEntry& ce = *centry;
  clients_[ckey] = std::move(centry);
  ce.txn = std::make_unique<txn::ClientTransaction>(env_, std::move(cancel), b.flow, std::move(cb));
}

void ProxyCore::cancelPendingBranches(ResponseContext& rc) {
  for (std::size_t i = 0; i < rc.branches.size(); ++i) {
    if (rc.branches[i].final_status == 0) {
      cancelBranch(rc, i);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Responses

void ProxyCore::onResponse(sip::Message&& response, const util::Flow& from) {
  ++stats_.responses_in;
  const sip::Via* top = response.topVia();
  if (top == nullptr ||
      !identity_.isUs(sip::Uri{.scheme = sip::Scheme::Sip, .host = top->host, .port = top->port})) {
    // §18.1.2: a response whose top Via is not ours is discarded.
    ++stats_.dropped;
    spdlog::debug("discarded response from {}: top Via is not ours", from.str());
    return;
  }
  const std::string key = txn::clientKeyOfResponse(response);
  if (auto it = clients_.find(key); it != clients_.end()) {
    it->second->txn->onResponse(response);
    return;
  }
  // RFC 6026 §8.10 (replacing RFC 3261 §16.7's stateless fallback): a response that matches no
  // client transaction is not forwarded. Late 2xx retransmissions are covered by the Accepted
  // state; anything else is spoofed or stale and must not be reflected.
  ++stats_.stray_responses;
  spdlog::debug("discarded stray {} response from {}", response.status, from.str());
}

// ---------------------------------------------------------------------------------------------
// Housekeeping: transactions report termination from inside their own callbacks, so removal is
// deferred to here.

void ProxyCore::scheduleSweep() {
  if (sweep_timer_ == 0) {
    sweep_timer_ = timers_.schedule(util::Millis(0), [this] {
      sweep_timer_ = 0;
      sweep();
    });
  }
}

void ProxyCore::sweep() {
  while (!dead_clients_.empty() || !dead_servers_.empty()) {
    std::vector<std::string> clients;
    clients.swap(dead_clients_);
    for (const auto& k : clients) {
      if (auto it = clients_.find(k); it != clients_.end() && it->second->txn &&
                                      it->second->txn->terminated()) {
        clients_.erase(it);
      }
    }
    std::vector<std::string> servers;
    servers.swap(dead_servers_);
    for (const auto& k : servers) {
      auto it = servers_.find(k);
      if (it == servers_.end() || !it->second->txn->terminated()) {
        continue;
      }
      if (auto& rc = it->second->rc) {
        for (auto& b : rc->branches) {
          if (b.timer_c != 0) {
            timers_.cancel(b.timer_c);
            b.timer_c = 0;
          }
        }
      }
      servers_.erase(it);
    }
  }
}

}  // namespace insip::proxy
