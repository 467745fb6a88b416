// SPDX-License-Identifier: Apache-2.0
//
// wss_command.hpp — `insip wss sign|verify|encrypt|decrypt`: operator tools over the wssec library
// (WS-Security 1.1 for SOAP 1.2) with keys and certificates from PEM files.
//   insip wss verify FILE --ca CA.pem [--crl CRL.pem] [--decrypt-key K.pem [--decrypt-cert C.pem]]
//                    [--now ISO-8601] [--replay-cache FILE] [--skew S] [--hmac-key-file F]
//     prints `VALID ... signed=<ids> signed_headers=<{ns}local,...> ...` or `INVALID: <reason>`
//     first; exit 0 only for a valid message, 1 invalid, 2 usage / unreadable input.
//   insip wss sign IN --key K.pem --cert C.pem [--header '{ns}local']... [--ttl S] [--now ISO] [-o OUT]
//   insip wss encrypt IN --cert RECIPIENT.pem [--header '{ns}local']... [-o OUT]
//   insip wss decrypt IN --key K.pem [-o OUT]
//   (--header names soap:Header children; each must match at least one, else a usage error.)
#pragma once

namespace CLI {
class App;
}

namespace insip::app {

inline constexpr int kWssExitInvalid = 1;
inline constexpr int kWssExitUsage = 2;

/// Registers the `wss` subcommand (sign, verify, encrypt, decrypt) on `parent`.
void addWssCommand(CLI::App& parent);

}  // namespace insip::app
