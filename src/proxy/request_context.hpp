// SPDX-License-Identifier: Apache-2.0
//
// request_context.hpp — per-request state shared by the request chain (CONVENTIONS R5).
// Every field names the one processor that writes it; the others only read it. Created by
// ProxyCore for each new server transaction (and for stateless in-dialog ACKs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sip/message.hpp"
#include "util/flow.hpp"

namespace insip::proxy {

/// A destination chosen for the request (RFC 3261 §16.5).
struct Target {
  sip::Uri uri;                     // the Request-URI of the forwarded copy
  std::optional<util::Flow> flow;   // a known flow (registered contact's connection), if any
};

/// The user a digest check proved (RFC 3261 §22).
struct AuthenticatedUser {
  std::string username;
  std::string realm;
  std::string role;  // "subscriber" | "admin"
};

class RequestContext {
 public:
  RequestContext(sip::Message request, util::Flow source)
      : request_(std::move(request)), source_(std::move(source)) {}

  /// The request as it will be forwarded; processors edit it in place (pop Route, strip
  /// credentials, ...).
  sip::Message& request() { return request_; }
  const sip::Message& request() const { return request_; }
  const util::Flow& source() const { return source_; }

  /// Written by InDialogRouter: the request carries a To tag (RFC 3261 §12.2).
  bool in_dialog = false;
  /// Written by InDialogRouter: a Route entry naming us was removed (§16.4).
  bool routed_to_us = false;
  /// Written by DigestAuthenticator.
  std::optional<AuthenticatedUser> authenticated_user;
  /// Written by InDialogRouter (in-dialog) or Router (location service, relay).
  std::vector<Target> targets;

 private:
  sip::Message request_;
  util::Flow source_;
};

}  // namespace insip::proxy
