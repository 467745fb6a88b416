// SPDX-License-Identifier: Apache-2.0
//
// wssec_bench.cpp — WS-Security throughput on one core for a ~2 KB InitialDP envelope: sign
// (ECDSA-P256 and RSA-2048), verify, encrypt, decrypt and verify+decrypt, next to the raw
// ECDSA-P256 sign / verify of OpenSSL (the same primitive `openssl speed ecdsap256` measures).
#include <benchmark/benchmark.h>
#include <libxml/c14n.h>
#include <libxml/xmlIO.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "util/clock.hpp"
#include "wssec/datetime.hpp"
#include "wssec/wss.hpp"
#include "wssec/xml.hpp"

namespace {

using namespace insip;

// Test keys: $INSIP_XMLSEC_KEYS, else tests/data/xmlsec/keys/ from the source root or a build dir.
std::string keyDir() {
  if (const char* env = std::getenv("INSIP_XMLSEC_KEYS")) return std::string(env) + "/";
  for (const char* d : {"tests/data/xmlsec/keys/", "../tests/data/xmlsec/keys/", "../../tests/data/xmlsec/keys/"}) {
    if (std::filesystem::exists(std::string(d) + "ca.pem")) return d;
  }
  return "tests/data/xmlsec/keys/";
}

class FixedClock final : public util::Clock {
 public:
  util::SteadyTime steadyNow() const override { return std::chrono::steady_clock::now(); }
  util::SystemTime systemNow() const override { return *wssec::parseXsdDateTime("2030-06-01T12:00:30Z"); }
};

std::string initialDp() {
  std::string ext;
  for (int i = 0; i < 12; ++i) {
    ext += "<scp:Extension id=\"" + std::to_string(i) + "\"><scp:Type>charging-info</scp:Type><scp:Value>"
           "0123456789abcdef0123456789abcdef</scp:Value></scp:Extension>";
  }
  return "<scp:InitialDP xmlns:scp=\"urn:example:test:in-scp:1\"><scp:ServiceKey>42</scp:ServiceKey>"
         "<scp:CallingParty>sip:alice@example.test</scp:CallingParty><scp:CalledParty>sip:bob@example.test"
         "</scp:CalledParty><scp:CallReference>call-7f3a9c@sip.example.test</scp:CallReference>"
         "<scp:ChargeAmount currency=\"EUR\" precision=\"2\">0.10</scp:ChargeAmount><scp:Extensions>" +
         ext + "</scp:Extensions></scp:InitialDP>";
}

struct Fixture {
  FixedClock clock;
  wssec::PrivateKey ec_key = *wssec::PrivateKey::fromPemFile(keyDir() + "alice-ec.key");
  wssec::Certificate ec_cert = *wssec::Certificate::fromPemFile(keyDir() + "alice-ec.pem");
  wssec::PrivateKey rsa_key = *wssec::PrivateKey::fromPemFile(keyDir() + "alice-rsa.key");
  wssec::Certificate rsa_cert = *wssec::Certificate::fromPemFile(keyDir() + "alice-rsa.pem");
  wssec::PrivateKey scp_key = *wssec::PrivateKey::fromPemFile(keyDir() + "scp-rsa.key");
  wssec::Certificate scp_cert = *wssec::Certificate::fromPemFile(keyDir() + "scp-rsa.pem");
  wssec::TrustStore trust;
  std::string plain;
  std::string signed_ec;
  std::string signed_encrypted;
  Fixture() {
    (void)trust.addAnchorsPemFile(keyDir() + "ca.pem");
    auto env = wssec::Envelope::create(initialDp());
    plain = env->serialize();
    (void)wssec::signEnvelope(*env, ec_key, ec_cert, clock);
    signed_ec = env->serialize();
    (void)wssec::encryptBody(*env, scp_cert);
    signed_encrypted = env->serialize();
  }
};

Fixture& fx() {
  static Fixture f;
  return f;
}

void BM_WssSignEcdsaP256(benchmark::State& state) {
  auto& f = fx();
  for (auto _ : state) {
    auto env = wssec::Envelope::parse(f.plain);
    auto r = wssec::signEnvelope(*env, f.ec_key, f.ec_cert, f.clock);
    benchmark::DoNotOptimize(env->serialize());
    if (!r) state.SkipWithError("sign failed");
  }
  state.counters["bytes"] = static_cast<double>(f.signed_ec.size());
}
BENCHMARK(BM_WssSignEcdsaP256);

void BM_WssSignRsa2048(benchmark::State& state) {
  auto& f = fx();
  for (auto _ : state) {
    auto env = wssec::Envelope::parse(f.plain);
    auto r = wssec::signEnvelope(*env, f.rsa_key, f.rsa_cert, f.clock);
    benchmark::DoNotOptimize(env->serialize());
    if (!r) state.SkipWithError("sign failed");
  }
}
BENCHMARK(BM_WssSignRsa2048);

void BM_WssVerifyEcdsaP256(benchmark::State& state) {
  auto& f = fx();
  wssec::Verifier v(f.trust, {}, f.clock);
  for (auto _ : state) {
    auto r = v.verify(f.signed_ec);
    if (!r) state.SkipWithError("verify failed");
  }
}
BENCHMARK(BM_WssVerifyEcdsaP256);

void BM_WssEncrypt(benchmark::State& state) {
  auto& f = fx();
  for (auto _ : state) {
    auto env = wssec::Envelope::parse(f.signed_ec);
    auto r = wssec::encryptBody(*env, f.scp_cert);
    benchmark::DoNotOptimize(env->serialize());
    if (!r) state.SkipWithError("encrypt failed");
  }
}
BENCHMARK(BM_WssEncrypt);

void BM_WssDecrypt(benchmark::State& state) {
  auto& f = fx();
  for (auto _ : state) {
    auto env = wssec::Envelope::parse(f.signed_encrypted);
    auto r = wssec::decryptEnvelope(*env, f.scp_key);
    if (!r) state.SkipWithError("decrypt failed");
  }
}
BENCHMARK(BM_WssDecrypt);

void BM_WssVerifyAndDecrypt(benchmark::State& state) {
  auto& f = fx();
  wssec::Verifier v(f.trust, {}, f.clock);
  v.setDecryptionKey(f.scp_key, f.scp_cert);
  for (auto _ : state) {
    auto r = v.verify(f.signed_encrypted);
    if (!r) { state.SkipWithError(("verify+decrypt failed: " + r.error().message()).c_str()); break; }
  }
}
BENCHMARK(BM_WssVerifyAndDecrypt);

// Raw primitive for the "XML overhead" ratio: one ECDSA-P256-SHA256 sign + verify of 32 bytes.
void BM_RawEcdsaP256SignVerify(benchmark::State& state) {
  auto& f = fx();
  const unsigned char msg[32] = {1};
  unsigned char sig[80];
  for (auto _ : state) {
    size_t len = sizeof sig;
    EVP_MD_CTX* s = EVP_MD_CTX_new();
    EVP_DigestSignInit(s, nullptr, EVP_sha256(), nullptr, f.ec_key.get());
    EVP_DigestSign(s, sig, &len, msg, sizeof msg);
    EVP_MD_CTX_free(s);
    EVP_MD_CTX* v = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(v, nullptr, EVP_sha256(), nullptr, f.ec_cert.publicKey());
    if (EVP_DigestVerify(v, sig, len, msg, sizeof msg) != 1) state.SkipWithError("raw verify failed");
    EVP_MD_CTX_free(v);
  }
}
BENCHMARK(BM_RawEcdsaP256SignVerify);

// The WS-Security equivalent: sign an envelope, then verify it.
void BM_WssEcdsaP256SignThenVerify(benchmark::State& state) {
  auto& f = fx();
  wssec::Verifier v(f.trust, {}, f.clock);
  for (auto _ : state) {
    auto env = wssec::Envelope::parse(f.plain);
    (void)wssec::signEnvelope(*env, f.ec_key, f.ec_cert, f.clock);
    auto vr = v.verify(env->serialize());
    if (!vr) { state.SkipWithError(("round trip failed: " + vr.error().message()).c_str()); break; }
  }
}
BENCHMARK(BM_WssEcdsaP256SignThenVerify);


// ---- The libxml2 floor: the XML work any libxml2-based WS-Security implementation must do ----
// No xmlsec, no digest, no signature: only parsing the envelope and the exclusive C14N (libxml2's
// own xmlC14NExecute, the routine xmlsec calls) of the three parts a signature covers (Body,
// Timestamp, SignedInfo), written to a sink that drops the bytes. A verifier cannot do less with
// these libraries; a signer does at least as much (it also serializes). The time of one
// sign-then-verify round trip can therefore not drop below raw sign + raw verify + 2 x this floor.

struct Subtree {
  const xmlNode* root;
};

// Visible = inside the subtree (attributes and namespace nodes by their parent element).
int insideSubtree(void* user, xmlNodePtr node, xmlNodePtr parent) {
  const xmlNode* root = static_cast<Subtree*>(user)->root;
  const xmlNode* n = (node != nullptr && node->type != XML_NAMESPACE_DECL) ? node : parent;
  for (; n != nullptr; n = n->parent) {
    if (n == root) return 1;
  }
  return 0;
}

int dropBytes(void*, const char*, int len) { return len; }
int closeSink(void*) { return 0; }

const xmlNode* findElement(const xmlNode* n, const char* local) {
  for (; n != nullptr; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST local)) return n;
    if (const xmlNode* hit = findElement(n->children, local)) return hit;
  }
  return nullptr;
}

void BM_XmlFloorParseAndC14N(benchmark::State& state) {
  auto& f = fx();
  for (auto _ : state) {
    auto doc = wssec::parseXml(f.signed_ec, {});
    if (!doc) {
      state.SkipWithError("parse failed");
      break;
    }
    const xmlNode* top = xmlDocGetRootElement(doc->get());
    for (const char* part : {"Body", "Timestamp", "SignedInfo"}) {
      Subtree sub{findElement(top, part)};
      xmlOutputBufferPtr out = xmlOutputBufferCreateIO(dropBytes, closeSink, nullptr, nullptr);
      const int rc = xmlC14NExecute(doc->get(), insideSubtree, &sub, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, out);
      xmlOutputBufferClose(out);
      if (sub.root == nullptr || rc < 0) state.SkipWithError("c14n failed");
    }
  }
}
BENCHMARK(BM_XmlFloorParseAndC14N);

// The two halves of the floor, apart: parsing only, and the three C14N passes only.
void BM_XmlFloorParseOnly(benchmark::State& state) {
  auto& f = fx();
  for (auto _ : state) {
    auto doc = wssec::parseXml(f.signed_ec, {});
    if (!doc) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_XmlFloorParseOnly);

void BM_XmlFloorC14NOnly(benchmark::State& state) {
  auto& f = fx();
  auto doc = wssec::parseXml(f.signed_ec, {});
  if (!doc) {
    state.SkipWithError("parse failed");
    return;
  }
  const xmlNode* top = xmlDocGetRootElement(doc->get());
  for (auto _ : state) {
    for (const char* part : {"Body", "Timestamp", "SignedInfo"}) {
      Subtree sub{findElement(top, part)};
      xmlOutputBufferPtr out = xmlOutputBufferCreateIO(dropBytes, closeSink, nullptr, nullptr);
      const int rc = xmlC14NExecute(doc->get(), insideSubtree, &sub, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, out);
      xmlOutputBufferClose(out);
      if (sub.root == nullptr || rc < 0) state.SkipWithError("c14n failed");
    }
  }
}
BENCHMARK(BM_XmlFloorC14NOnly);

}  // namespace
