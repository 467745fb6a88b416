// SPDX-License-Identifier: Apache-2.0
#include "proxy/processors/message_sanity.hpp"

#include <string>

namespace insip::proxy {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) {
      out += ", ";
    }
    out += s;
  }
  return out;
}

}  // namespace

Outcome MessageSanity::onRequest(RequestContext& ctx) {
  const sip::Message& req = ctx.request();
  const bool is_ack = req.method == sip::Method::Ack;
  // §16.3 step 2: a Request-URI scheme we cannot route.
  if (req.request_uri.scheme != sip::Scheme::Sip && req.request_uri.scheme != sip::Scheme::Sips) {
    return is_ack ? Outcome::drop("ACK with unsupported URI scheme")
                  : Outcome::reply(sip::makeResponse(req, 416));
  }
  // §16.3 step 3: Max-Forwards exhausted.
  if (req.max_forwards && *req.max_forwards == 0) {
    return is_ack ? Outcome::drop("ACK with Max-Forwards 0")
                  : Outcome::reply(sip::makeResponse(req, 483));
  }
  // §16.3 step 5: we support no extension that a proxy must understand.
  if (auto pr = req.tokenList("Proxy-Require"); !pr.empty() && !is_ack &&
                                                req.method != sip::Method::Cancel) {
    sip::Message r = sip::makeResponse(req, 420);
    r.addHeader("Unsupported", joined(pr));
    return Outcome::reply(std::move(r));
  }
  // Where we are the UAS (§8.2.1, §8.2.2.3): the request names this proxy, or registers with us.
  const bool to_us = req.request_uri.user.empty() && identity_.isLocalUri(req.request_uri) &&
                     req.routes.empty() && !req.to.tag();
  if (to_us && !is_ack && req.method != sip::Method::Cancel) {
    if (req.method == sip::Method::Unknown) {
      sip::Message r = sip::makeResponse(req, 501);
      r.addHeader("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
      return Outcome::reply(std::move(r));
    }
    if (auto rq = req.tokenList("Require"); !rq.empty()) {
      sip::Message r = sip::makeResponse(req, 420);
      r.addHeader("Unsupported", joined(rq));
      return Outcome::reply(std::move(r));
    }
  }
  return Outcome::next();
}

}  // namespace insip::proxy
