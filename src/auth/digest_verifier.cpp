// SPDX-License-Identifier: Apache-2.0
#include "auth/digest_verifier.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <optional>

namespace insip::auth {
namespace {

std::size_t hashIndex(Algorithm a) {
  switch (baseAlgorithm(a)) {
    case Algorithm::Md5:
      return 0;
    case Algorithm::Sha256:
      return 1;
    default:
      return 2;
  }
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool isHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string lowerCopy(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

}  // namespace

int challengeStatus(ChallengeMode mode) { return mode == ChallengeMode::Proxy ? 407 : 401; }

std::string_view challengeHeaderName(ChallengeMode mode) {
  return mode == ChallengeMode::Proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
}

std::string_view credentialsHeaderName(ChallengeMode mode) {
  return mode == ChallengeMode::Proxy ? "Proxy-Authorization" : "Authorization";
}

util::Result<std::vector<Algorithm>> parseAlgorithmList(std::span<const std::string> names) {
  std::vector<Algorithm> out;
  for (const auto& n : names) {
    const auto a = parseAlgorithm(n);
    if (!a || std::find(out.begin(), out.end(), *a) != out.end()) {
      return util::fail(AuthErrc::InvalidArgument);
    }
    out.push_back(*a);
  }
  if (out.empty()) {
    return util::fail(AuthErrc::InvalidArgument);
  }
  return out;
}

DigestVerifier::DigestVerifier(VerifierConfig config, const CredentialStore& store,
                               NonceManager& nonces, LockoutTracker& lockout)
    : config_(std::move(config)), store_(store), nonces_(nonces), lockout_(lockout) {
  std::array<unsigned char, 32> random{};
  RAND_bytes(random.data(), static_cast<int>(random.size()));  // if it fails, zeros: still fine,
  // the dummy HA1 only has to cost the same, not to be secret (a 2^-128 guess either way).
  const std::string_view seed(reinterpret_cast<const char*>(random.data()), random.size());
  for (Algorithm a : {Algorithm::Md5, Algorithm::Sha256, Algorithm::Sha512_256}) {
    dummy_ha1_[hashIndex(a)] = hashHex(a, seed);
  }
}

std::vector<std::string> DigestVerifier::challengeHeaders(bool stale) const {
  const std::string nonce = nonces_.issue(config_.realm);
  std::vector<std::string> out;
  out.reserve(config_.algorithms.size());
  for (Algorithm a : config_.algorithms) {
    out.push_back(formatChallenge(ChallengeParams{.realm = config_.realm,
                                                  .nonce = nonce,
                                                  .algorithm = a,
                                                  .qop_auth = config_.require_qop,
                                                  .stale = stale,
                                                  .opaque = {}}));
  }
  return out;
}

Challenge DigestVerifier::challenge(ChallengeMode mode, bool stale, ChallengeReason reason) const {
  return Challenge{stale, reason, challengeStatus(mode), challengeHeaderName(mode),
                   challengeHeaders(stale)};
}

Verdict DigestVerifier::verify(const VerifyInput& input) {
  // 1. The credentials for our realm (RFC 3261 §22.3: one per realm; others are for other hops).
  std::optional<DigestCredentials> chosen;
  std::size_t chosen_rank = 0;
  for (std::string_view value : input.credentials) {
    auto parsed = parseCredentials(value);
    if (!parsed) {
      if (parsed.error() == make_error_code(AuthErrc::NotDigest)) {
        continue;  // Basic/Bearer/...: not ours to judge
      }
      return BadRequest{"Malformed Digest credentials (" + parsed.error().message() + ")"};
    }
    if (parsed->realm != config_.realm) {
      continue;
    }
    // Several for our realm (one per offered algorithm, by a confused client): take the one with
    // the most preferred algorithm, unknown algorithms last; ties keep the first.
    const auto alg = parseAlgorithm(parsed->algorithm.empty() ? "MD5" : parsed->algorithm);
    const auto pos = alg ? static_cast<std::size_t>(
                               std::find(config_.algorithms.begin(), config_.algorithms.end(), *alg) -
                               config_.algorithms.begin())
                         : config_.algorithms.size();
    if (!chosen || pos < chosen_rank) {
      chosen = std::move(*parsed);
      chosen_rank = pos;
    }
  }
  if (!chosen) {
    return challenge(input.mode, false, ChallengeReason::NoCredentials);
  }
  const DigestCredentials& creds = *chosen;

  // 2. Semantic checks that a correct client never fails: 400, no failure counted.
  const auto algorithm = parseAlgorithm(creds.algorithm.empty() ? "MD5" : creds.algorithm);
  if (!algorithm) {
    return BadRequest{"Unsupported digest algorithm"};
  }
  if (std::find(config_.algorithms.begin(), config_.algorithms.end(), *algorithm) ==
      config_.algorithms.end()) {
    // Never accept an algorithm we did not offer: a downgrade to MD5 must not be possible.
    return BadRequest{"Digest algorithm not offered"};
  }
  if (creds.userhash) {
    return BadRequest{"Digest userhash not supported"};  // we never offer userhash=true
  }
  if (creds.uri != input.request_uri) {
    // RFC 2617 §3.2.2.5: a mismatch is a 400; re-challenging would loop forever.
    return BadRequest{"Digest uri does not match the Request-URI"};
  }
  Qop qop = Qop::None;
  if (creds.qop.empty()) {
    if (config_.require_qop) {
      return BadRequest{"Digest qop missing"};  // qop was offered: its absence is a downgrade
    }
  } else if (equalsIgnoreCase(creds.qop, "auth")) {
    qop = Qop::Auth;
  } else if (equalsIgnoreCase(creds.qop, "auth-int")) {
    qop = Qop::AuthInt;  // stronger than what we offered; accepted
  } else {
    return BadRequest{"Unsupported Digest qop"};
  }
  std::uint32_t nc = 1;  // no qop: the nonce is good for exactly one request
  if (qop != Qop::None) {
    const auto parsed_nc = parseNonceCount(creds.nc);
    if (!parsed_nc) {
      return BadRequest{"Digest nc missing or malformed"};
    }
    if (creds.cnonce.empty()) {
      return BadRequest{"Digest cnonce missing"};
    }
    nc = *parsed_nc;
  }
  if (creds.response.size() != hexLength(*algorithm) || !isHex(creds.response)) {
    return BadRequest{"Digest response malformed"};
  }

  // 3. The nonce: ours, for this realm. A forged nonce is not a failed guess. An expired one is
  //    answered stale=true only if the response is right (RFC 7616 §3.3: stale means the
  //    credentials were good but the nonce was old); a wrong answer on it is a failure.
  const NonceStatus nonce_status = nonces_.verify(creds.nonce, config_.realm);
  if (nonce_status == NonceStatus::Invalid) {
    return challenge(input.mode, false, ChallengeReason::InvalidNonce);
  }

  // 4. Locked out: 403 without looking at the answer (no password oracle while locked).
  if (lockout_.isLocked(creds.username)) {
    return Forbidden{creds.username};
  }

  // 5. The response. Unknown user and wrong password take the same path and the same time.
  auto stored = store_.credential(creds.username, config_.realm, *algorithm);
  const bool known = stored.has_value() && stored->ha1.size() == hexLength(*algorithm);
  const std::string& base_ha1 = known ? stored->ha1 : dummy_ha1_[hashIndex(*algorithm)];
  const std::string ha1 = isSession(*algorithm)
                              ? sessionHa1(*algorithm, base_ha1, creds.nonce, creds.cnonce)
                              : base_ha1;
  const std::string ha2 =
      computeHa2(*algorithm, qop, input.method, creds.uri, input.body);
  const std::string expected =
      computeResponse(*algorithm, ha1, creds.nonce, creds.nc, creds.cnonce, qop, ha2);
  const bool match = constantTimeEquals(expected, lowerCopy(creds.response));
  if (!(match && known)) {
    lockout_.recordFailure(creds.username);
    if (lockout_.isLocked(creds.username)) {
      return Forbidden{creds.username};
    }
    return challenge(input.mode, false, ChallengeReason::WrongCredentials);
  }
  if (nonce_status == NonceStatus::Stale) {
    return challenge(input.mode, true, ChallengeReason::StaleNonce);
  }

  // 6. Replay: the answer is right but this nc (or a later one) was already used. stale=true
  //    lets an honest client retry with a fresh nonce without asking its user again.
  if (!nonces_.acceptNonceCount(creds.nonce, nc)) {
    return challenge(input.mode, true, ChallengeReason::Replay);
  }
  lockout_.recordSuccess(creds.username);
  return Authenticated{creds.username, *algorithm, std::move(stored->role)};
}

}  // namespace insip::auth
