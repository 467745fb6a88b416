// SPDX-License-Identifier: Apache-2.0
//
// aor.hpp — canonical address-of-record keys (RFC 3261 §10.3 step 5): the registrar stores and
// the Router looks up bindings under the same string, so both must derive it with aorFromUri().
#pragma once

#include <string>

#include "sip/uri.hpp"

namespace insip::registrar {

/// "sip:user@domain" from a sip: or sips: URI: URI parameters (including user=), headers, password
/// and port removed; user %-unescaped (RFC 3261 §10.3 step 5: "escaped characters MUST be
/// converted to their unescaped form"); host lower-cased (§19.1.4: host is case-insensitive; user
/// stays case-sensitive). sips: maps to "sip:" too, so one user has one set of bindings whatever
/// scheme registered them (the Contact keeps its own scheme; SIPS targeting is the Router's job).
/// A URI without user part gives "sip:domain". Returns "" for tel: and other schemes (not an AOR
/// we register; the caller answers 404 or 400).
std::string aorFromUri(const sip::Uri& uri);

}  // namespace insip::registrar
