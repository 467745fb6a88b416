// SPDX-License-Identifier: Apache-2.0
//
// fuzz_digest.cpp — libFuzzer target: auth::parseCredentials (RFC 7616 §3.4, RFC 3261 §25.1) and
// auth::DigestVerifier::verify with a MemoryCredentialStore (RFC 3261 §22, RFC 7616 §3.3-3.5).
// Input: one credentials header value per line ('\n'), at most 8. To get past the nonce and
// response checks the fuzzer cannot forge, the harness substitutes two placeholders: `NONCE` becomes
// a nonce freshly issued for realm example.test, and `RESPONSE` becomes the correct response for
// the line's own parameters with the password "pw" (only alice has that password).
// Invariants: no crash/UB; only alice can ever be Authenticated; the same request verified twice
// is never Authenticated twice (nc / one-use replay protection); a 400 reason is a printable
// one-line phrase; a challenge carries at least one header.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credentials_header.hpp"
#include "auth/digest.hpp"
#include "auth/digest_verifier.hpp"
#include "auth/lockout.hpp"
#include "auth/memory_credential_store.hpp"
#include "auth/nonce.hpp"
#include "fuzz_check.hpp"
#include "fuzz_digest_util.hpp"
#include "util/fake_clock.hpp"

using namespace insip;

namespace {

constexpr std::string_view kRealm = "example.test";

bool printableLine(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::uint64_t h = fuzz::fnv1a(in);

  util::FakeTimerService timers;
  auth::MemoryCredentialStore store;
  store.addUser("alice", kRealm, "pw");
  store.addUser("bob", kRealm, "not-pw");
  auth::NonceManager nonces(std::vector<unsigned char>(32, 0x42), timers.clock());
  auth::LockoutTracker lockout(3, std::chrono::seconds(60), timers.clock());
  auth::VerifierConfig cfg;
  cfg.realm = std::string(kRealm);
  cfg.algorithms = {auth::Algorithm::Sha256,     auth::Algorithm::Md5,
                    auth::Algorithm::Sha512_256, auth::Algorithm::Md5Sess,
                    auth::Algorithm::Sha256Sess, auth::Algorithm::Sha512_256Sess};
  cfg.require_qop = (h & 1) == 0;
  auth::DigestVerifier verifier(cfg, store, nonces, lockout);

  const std::string_view method = (h & 2) ? "INVITE" : "REGISTER";
  const std::string_view body = (h & 4) ? "v=0\r\n" : "";
  const std::string nonce = nonces.issue(kRealm);

  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= in.size() && lines.size() < 8) {
    std::size_t end = in.find('\n', start);
    if (end == std::string_view::npos) end = in.size();
    std::string line(in.substr(start, end - start));
    (void)auth::parseCredentials(line);  // the raw line, before any substitution
    fuzz::replaceAll(line, "NONCE", nonce);
    if (line.find("RESPONSE") != std::string::npos) {
      const std::string right = fuzz::correctResponse(line, method, body);
      if (!right.empty()) fuzz::replaceAll(line, "RESPONSE", right);
    }
    lines.push_back(std::move(line));
    start = end + 1;
  }

  std::string request_uri = "sip:example.test";
  for (const std::string& line : lines) {
    if (auto c = auth::parseCredentials(line)) request_uri = c->uri;
  }
  std::vector<std::string_view> views(lines.begin(), lines.end());
  auth::VerifyInput input;
  input.method = method;
  input.request_uri = request_uri;
  input.body = body;
  input.credentials = views;
  input.mode = (h & 8) ? auth::ChallengeMode::Proxy : auth::ChallengeMode::Www;

  int authenticated = 0;
  for (int round = 0; round < 2; ++round) {
    auth::Verdict v = verifier.verify(input);
    if (auto* a = std::get_if<auth::Authenticated>(&v)) {
      INSIP_FUZZ_CHECK(a->user == "alice", "authenticated someone without their password", a->user);
      ++authenticated;
    } else if (auto* c = std::get_if<auth::Challenge>(&v)) {
      INSIP_FUZZ_CHECK(!c->headers.empty());
      INSIP_FUZZ_CHECK(c->status_code == auth::challengeStatus(input.mode));
      for (const std::string& hv : c->headers) INSIP_FUZZ_CHECK(printableLine(hv), hv);
    } else if (auto* b = std::get_if<auth::BadRequest>(&v)) {
      INSIP_FUZZ_CHECK(!b->reason.empty() && printableLine(b->reason), "bad 400 reason", b->reason);
    }
    timers.advance(util::Millis(1000));
  }
  INSIP_FUZZ_CHECK(authenticated <= 1, "the same credentials were accepted twice (replay)", in);
  return 0;
}
