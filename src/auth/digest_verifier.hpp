// SPDX-License-Identifier: Apache-2.0
//
// digest_verifier.hpp — the pure decision of Digest authentication for one request, called by
// the proxy's DigestAuthenticator processor (request chain, after the trust boundary):
// credentials in, a Verdict out (Authenticated / Challenge / Forbidden / BadRequest). It never
// builds or sends a SIP message.
// RFC 3261 §22.2-22.3 (401 / 407, one credentials header per realm), RFC 7616 §3.3-3.5 (qop,
// nonce, stale, nc), RFC 8760 §2.4 (one challenge per algorithm, same nonce, preferred first),
// RFC 2617 §3.2.2.5 (uri directive must match the Request-URI, else 400).
// Security decisions: unknown users are processed exactly like wrong passwords (dummy HA1, same
// challenge, failure counted); replays and stale nonces are re-challenged without counting a
// failure; the nc is committed only after the response proved knowledge of the password.
// Thread-safe if its collaborators are (NonceManager, LockoutTracker, SqliteCredentialStore are).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/credential_store.hpp"
#include "auth/credentials_header.hpp"
#include "auth/digest.hpp"
#include "auth/lockout.hpp"
#include "auth/nonce.hpp"
#include "util/result.hpp"

namespace insip::auth {

/// Which challenge the caller answers with.
enum class ChallengeMode : std::uint8_t {
  Www,    // registrar / UAS: 401, WWW-Authenticate, reads Authorization
  Proxy,  // proxy: 407, Proxy-Authenticate, reads Proxy-Authorization
};
int challengeStatus(ChallengeMode mode);                         // 401 or 407
std::string_view challengeHeaderName(ChallengeMode mode);        // WWW- / Proxy-Authenticate
std::string_view credentialsHeaderName(ChallengeMode mode);      // (Proxy-)Authorization

struct VerifierConfig {
  std::string realm = "example.test";
  /// Offered in this order, one challenge header each; never empty.
  std::vector<Algorithm> algorithms = {Algorithm::Sha256, Algorithm::Md5};
  /// Offer qop="auth" and require qop in answers (RFC 7616 §3.3: MUST be sent). Turning this off
  /// allows RFC 2069 answers, each nonce then being good for one request only.
  bool require_qop = true;
};

/// Parses configured names ("SHA-256", "MD5", "SHA-512-256", -sess variants) in order; error
/// InvalidArgument on an unknown or repeated name or an empty list.
util::Result<std::vector<Algorithm>> parseAlgorithmList(std::span<const std::string> names);

struct VerifyInput {
  std::string_view method;       // request method, e.g. "INVITE" (from the request line)
  std::string_view request_uri;  // the Request-URI exactly as on the wire
  std::string_view body;         // message body octets (for qop=auth-int)
  /// Every Authorization (Www) or Proxy-Authorization (Proxy) header value, in message order.
  std::span<const std::string_view> credentials;
  ChallengeMode mode = ChallengeMode::Www;
};

/// Internal reason for a challenge: for logs and stats only, never sent to the client.
enum class ChallengeReason : std::uint8_t {
  NoCredentials,     // no Digest credentials for our realm
  InvalidNonce,      // nonce not ours (forged, other realm, old secret)
  StaleNonce,        // nonce expired (stale=true)
  WrongCredentials,  // wrong response OR unknown user (deliberately indistinguishable)
  Replay,            // correct response but nc already used (stale=true)
};

struct Authenticated {
  std::string user;     // the user name as authenticated (unescaped)
  Algorithm algorithm;  // the algorithm the client used
  std::string role;     // the user's role from the credential store
};
struct Challenge {
  bool stale = false;
  ChallengeReason reason = ChallengeReason::NoCredentials;
  int status_code = 401;                 // 401 or 407
  std::string_view header_name;          // "WWW-Authenticate" or "Proxy-Authenticate"
  std::vector<std::string> headers;      // one value per offered algorithm, same nonce
};
struct Forbidden {
  std::string user;  // locked out: answer 403, do not challenge
};
struct BadRequest {
  std::string reason;  // answer 400 with this reason phrase (no secrets in it)
};
using Verdict = std::variant<Authenticated, Challenge, Forbidden, BadRequest>;

class DigestVerifier {
 public:
  /// Collaborators are not owned and must outlive the verifier.
  DigestVerifier(VerifierConfig config, const CredentialStore& store, NonceManager& nonces,
                 LockoutTracker& lockout);

  /// Decides on one request. Never throws.
  Verdict verify(const VerifyInput& input);

  /// One challenge value per offered algorithm, most preferred first, all with one fresh nonce
  /// (RFC 8760 §2.4).
  std::vector<std::string> challengeHeaders(bool stale) const;

  const VerifierConfig& config() const { return config_; }

 private:
  Challenge challenge(ChallengeMode mode, bool stale, ChallengeReason reason) const;

  const VerifierConfig config_;
  const CredentialStore& store_;
  NonceManager& nonces_;
  LockoutTracker& lockout_;
  // Per base hash function, a random HA1 used when the user is unknown, so that the unknown-user
  // path does the same work as the wrong-password path (no timing oracle for user names).
  std::array<std::string, 3> dummy_ha1_;
};

}  // namespace insip::auth
