// SPDX-License-Identifier: Apache-2.0
#include "proxy/processors/digest_authenticator.hpp"

#include <spdlog/spdlog.h>

#include "auth/credentials_header.hpp"
#include "registrar/aor.hpp"

namespace insip::proxy {

Outcome DigestAuthenticator::onRequest(RequestContext& ctx) {
  sip::Message& req = ctx.request();
  if (req.method == sip::Method::Ack || req.method == sip::Method::Cancel || ctx.in_dialog) {
    return Outcome::next();
  }
  auth::ChallengeMode mode;
  if (req.method == sip::Method::Register && identity_.isLocalUri(req.request_uri)) {
    mode = auth::ChallengeMode::Www;
  } else if (identity_.isOurDomain(req.from.uri.host)) {
    mode = auth::ChallengeMode::Proxy;
  } else {
    return Outcome::next();
  }
  const std::string request_uri = req.request_uri.str();
  std::vector<std::string_view> creds;
  for (const std::string* v : req.headerValues(auth::credentialsHeaderName(mode))) {
    creds.push_back(*v);
  }
  auth::VerifyInput in{req.method_text, request_uri, req.body, creds, mode};
  auth::Verdict verdict = verifier_.verify(in);

  if (auto* ch = std::get_if<auth::Challenge>(&verdict)) {
    ++stats_.auth_challenges;
    switch (ch->reason) {
      case auth::ChallengeReason::WrongCredentials: ++stats_.auth_failures; break;
      case auth::ChallengeReason::Replay: ++stats_.auth_replays; break;
      case auth::ChallengeReason::StaleNonce: ++stats_.auth_stale; break;
      default: break;
    }
    sip::Message r = sip::makeResponse(req, ch->status_code);
    for (auto& h : ch->headers) {
      r.addHeader(std::string(ch->header_name), std::move(h));
    }
    return Outcome::reply(std::move(r));
  }
  if (auto* fb = std::get_if<auth::Forbidden>(&verdict)) {
    ++stats_.auth_locked;
    spdlog::warn("auth: user '{}' locked out after repeated failures (source {})", fb->user,
                 ctx.source().str());
    return Outcome::reply(sip::makeResponse(req, 403, "Forbidden"));
  }
  if (auto* bad = std::get_if<auth::BadRequest>(&verdict)) {
    return Outcome::reply(sip::makeResponse(req, 400, bad->reason));
  }
  const auto& ok = std::get<auth::Authenticated>(verdict);
  const std::string& realm = verifier_.config().realm;
  AuthenticatedUser user{ok.user, realm,
                         ok.role.empty() ? std::string(auth::kRoleSubscriber) : ok.role};
  // The authenticated user must be the identity the request claims; otherwise an authenticated
  // user could register someone else's AOR or call as someone else.
  const sip::Uri& claimed = req.method == sip::Method::Register ? req.to.uri : req.from.uri;
  const bool own_identity = sip::unescape(claimed.user) == ok.user &&
                            identity_.isOurDomain(claimed.host);
  if (!own_identity && !(req.method == sip::Method::Register && user.role == auth::kRoleAdmin)) {
    spdlog::warn("auth: user '{}' claimed identity {} (source {})", ok.user, claimed.str(),
                 ctx.source().str());
    return Outcome::reply(sip::makeResponse(req, 403, "Identity Mismatch"));
  }
  ++stats_.auth_ok;
  // RFC 3261 §22.3: credentials for our realm are consumed here, never forwarded.
  if (mode == auth::ChallengeMode::Proxy) {
    std::erase_if(req.headers, [&](const sip::HeaderField& h) {
      if (!sip::iequals(h.name, "Proxy-Authorization")) {
        return false;
      }
      auto parsed = auth::parseCredentials(h.value);
      return !parsed || parsed->realm == realm;
    });
  }
  ctx.authenticated_user = std::move(user);
  return Outcome::next();
}

}  // namespace insip::proxy
