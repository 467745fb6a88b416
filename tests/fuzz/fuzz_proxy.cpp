// SPDX-License-Identifier: Apache-2.0
//
// fuzz_proxy.cpp — libFuzzer target: the stateful proxy (RFC 3261 §16, §17) in process: a real
// ProxyCore with the production request chain (app::buildPipeline), in-memory credential and
// binding stores, a FakeTimerService and a send function that captures every output.
// Input: datagrams separated by the line "\n===\n" (at most 16), all arriving from one fixed UDP
// flow; the fake clock advances between them (a step derived from the input) so retransmission,
// Timer C and cleanup timers fire, and by 15 minutes at the end. Placeholders the fuzzer cannot
// guess: `BRANCH` becomes the branch of the last request the proxy sent (so responses match a
// client transaction), `NONCE` a fresh nonce, `RESPONSE` the correct Digest response for the
// header line it is on (alice's password is "pw").
// Invariants: no crash/UB/leak; everything the proxy sends parses with sip::parseMessage; when the
// clock has run 15 minutes past the last input no transaction is left (no half-created state).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/build_pipeline.hpp"
#include "auth/digest_verifier.hpp"
#include "auth/lockout.hpp"
#include "auth/memory_credential_store.hpp"
#include "auth/nonce.hpp"
#include "config/config.hpp"
#include "fuzz_check.hpp"
#include "fuzz_digest_util.hpp"
#include "proxy/local_identity.hpp"
#include "proxy/proxy_core.hpp"
#include "proxy/stats.hpp"
#include "registrar/memory_binding_store.hpp"
#include "registrar/registrar.hpp"
#include "sip/parser.hpp"
#include "util/fake_clock.hpp"

using namespace insip;

namespace {

constexpr std::string_view kSeparator = "\n===\n";
constexpr std::size_t kMaxDatagrams = 16;

/// Replaces `RESPONSE` on each header line of `msg` by the correct Digest response.
void fillResponses(std::string& msg) {
  const std::size_t sp = msg.find(' ');
  const std::string method = msg.substr(0, sp == std::string::npos ? 0 : sp);
  const std::size_t hdr_end = msg.find("\r\n\r\n");
  const std::string body = hdr_end == std::string::npos ? std::string() : msg.substr(hdr_end + 4);
  std::size_t pos;
  while ((pos = msg.find("RESPONSE")) != std::string::npos) {
    const std::size_t line_start = msg.rfind('\n', pos) == std::string::npos ? 0 : msg.rfind('\n', pos) + 1;
    std::size_t line_end = msg.find('\r', pos);
    if (line_end == std::string::npos) line_end = msg.size();
    const std::size_t colon = msg.find(':', line_start);
    std::string right;
    if (colon != std::string::npos && colon < pos) {
      right = fuzz::correctResponse(msg.substr(colon + 1, line_end - colon - 1), method, body);
    }
    msg.replace(pos, 8, right.empty() ? std::string("0") : right);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  config::Config cfg;
  cfg.proxy.domains = {"example.test"};
  cfg.auth.realm = "example.test";
  proxy::LocalIdentity identity({"192.0.2.10"}, 5060, {"example.test"});
  util::FakeTimerService timers;
  auth::MemoryCredentialStore creds;
  creds.addUser("alice", "example.test", "pw");
  creds.addUser("bob", "example.test", "bob-pw");
  auth::NonceManager nonces(std::vector<unsigned char>(32, 0x5a), timers.clock());
  auth::LockoutTracker lockout(5, std::chrono::seconds(300), timers.clock());
  auth::DigestVerifier verifier(auth::VerifierConfig{}, creds, nonces, lockout);
  registrar::MemoryBindingStore bindings(timers.clock());
  registrar::Registrar registrar(cfg.registrar, bindings, timers.clock());
  proxy::Stats stats;
  app::Ports ports{identity, creds, verifier, bindings, registrar, stats};
  const proxy::Pipeline pipeline = app::buildPipeline(cfg, ports);

  {  // bob is registered at 192.0.2.20:5062
    registrar::Binding b;
    b.aor = "sip:bob@example.test";
    b.contact = "sip:bob@192.0.2.20:5062";
    b.call_id = "reg-bob";
    b.cseq = 1;
    b.expires_at = timers.clock().systemNow() + std::chrono::hours(1);
    b.q_milli = 1000;
    b.flow = "udp:192.0.2.20:5062";
    b.updated_at = timers.clock().systemNow();
    (void)bindings.apply(b.aor, registrar::BindingChanges{{}, {b}});
  }

  // FUZZ_PROXY_TRACE=1 prints the timeline (inputs, clock steps, first line of each output).
  static const bool trace = std::getenv("FUZZ_PROXY_TRACE") != nullptr;
  const sip::ParseLimits limits;
  std::string last_branch = "z9hG4bKnone";
  auto send = [&](const util::Flow& to, std::string_view bytes) {
    if (trace) {
      const std::string_view first = bytes.substr(0, bytes.find('\r'));
      std::fprintf(stderr, "  -> %s: %.*s\n", to.str().c_str(), static_cast<int>(first.size()), first.data());
    }
    sip::ParseFailure failure;
    auto m = sip::parseMessage(bytes, limits, &failure);
    if (!m) {
      fuzz::fail(("the proxy sent a message that does not parse: " + failure.code.message() + " [" +
                  failure.header + "] to " + to.str()), {bytes, in});
    }
    if (m->is_request && !m->vias.empty()) {
      if (auto br = m->vias.front().branch()) last_branch = std::string(*br);
    }
  };

  const util::Flow from{util::Protocol::Udp, "192.0.2.1", 5060, 0};
  {
    proxy::ProxyCore core(cfg, pipeline, identity, timers, stats, send);
    fuzz::Prng prng(fuzz::fnv1a(in));
    std::size_t start = 0;
    for (std::size_t n = 0; n < kMaxDatagrams && start <= in.size(); ++n) {
      std::size_t end = in.find(kSeparator, start);
      if (end == std::string_view::npos) end = in.size();
      std::string msg(in.substr(start, end - start));
      start = end + kSeparator.size();
      fuzz::replaceAll(msg, "BRANCH", last_branch);
      if (msg.find("NONCE") != std::string::npos) fuzz::replaceAll(msg, "NONCE", nonces.issue("example.test"));
      if (msg.find("RESPONSE") != std::string::npos) fillResponses(msg);
      if (trace) {
        const std::string_view first = std::string_view(msg).substr(0, msg.find('\r'));
        std::fprintf(stderr, "t=%lld in #%zu: %.*s\n",
                     static_cast<long long>(timers.clock().steadyNow().time_since_epoch() / util::Millis(1)),
                     n, static_cast<int>(first.size()), first.data());
      }
      core.onBytes(msg, from);
      // 0 ms .. ~65 s, mostly short so that retransmissions and responses interleave.
      const std::uint64_t r = prng.next();
      const long long step = (r & 3) == 0 ? 0 : static_cast<long long>(1ULL << ((r >> 2) % 17));
      timers.advance(util::Millis(step));
      if (trace) std::fprintf(stderr, "  (+%lld ms)\n", step);
    }
    for (int i = 0; i < 15; ++i) timers.advance(util::Millis(60'000));
    // FUZZ_PROXY_SKIP_LEAK_CHECK=1 turns this invariant off, for triage only: it lets the fuzzer
    // look past a known, not yet fixed leak (see RUNLOG.md) instead of stopping on it every minute.
    static const bool skip_leak_check = std::getenv("FUZZ_PROXY_SKIP_LEAK_CHECK") != nullptr;
    if (!skip_leak_check && (core.serverTransactions() != 0 || core.clientTransactions() != 0)) {
      fuzz::fail(("transactions left 15 minutes after the last input: server=" +
                  std::to_string(core.serverTransactions()) +
                  " client=" + std::to_string(core.clientTransactions())), {in});
    }
  }
  return 0;
}
