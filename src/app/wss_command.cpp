// SPDX-License-Identifier: Apache-2.0
#include "app/wss_command.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "util/clock.hpp"
#include "wssec/datetime.hpp"
#include "wssec/errors.hpp"
#include "wssec/wss.hpp"
#include "wssec/xml.hpp"

namespace insip::app {
namespace {

/// A clock pinned to --now (forensics, tests), else the real clock.
class PinnedClock final : public util::Clock {
 public:
  explicit PinnedClock(std::optional<util::SystemTime> at) : at_(at) {}
  util::SteadyTime steadyNow() const override { return std::chrono::steady_clock::now(); }
  util::SystemTime systemNow() const override { return at_ ? *at_ : std::chrono::system_clock::now(); }

 private:
  std::optional<util::SystemTime> at_;
};

[[noreturn]] void usage(const std::string& msg);

struct WssOptions {
  std::string input;
  std::string output;
  std::string key;
  std::string cert;
  std::string ca;
  std::string crl;
  std::string decrypt_key;
  std::string decrypt_cert;
  std::string now;
  std::string replay_cache;
  std::string hmac_key_file;
  std::vector<std::string> headers;  // sign / encrypt --header '{ns}local'
  bool no_nonce = false;
  int ttl = 300;
  int skew = 60;
};

/// '{namespace-uri}local' (Clark notation) -> QName; usage error otherwise.
wssec::QName parseClark(const std::string& s) {
  const auto close = s.find('}');
  if (s.size() < 4 || s[0] != '{' || close == std::string::npos || close == 1 || close + 1 >= s.size()) {
    usage("--header must be '{namespace-uri}local-name', got '" + s + "'");
  }
  return wssec::QName{s.substr(1, close - 1), s.substr(close + 1)};
}

/// The --header names of `o`, each of which must name at least one soap:Header child of `env`
/// (never wsse:Security; with `skip_encrypted`, never a wsse11:EncryptedHeader either, as
/// encryptEnvelope() leaves those alone): a misspelt name would otherwise leave that header
/// silently unsigned or in clear. Usage error otherwise.
std::vector<wssec::QName> headerNames(const WssOptions& o, const wssec::Envelope& env, bool skip_encrypted) {
  std::vector<wssec::QName> names;
  for (const auto& spec : o.headers) {
    wssec::QName q = parseClark(spec);
    bool found = false;
    for (xmlNode* h : wssec::childElements(env.header())) {
      if (wssec::isElement(h, wssec::ns::kWsse, "Security")) continue;
      if (skip_encrypted && wssec::isElement(h, wssec::ns::kWsse11, "EncryptedHeader")) continue;
      found = found || wssec::isElement(h, q.ns_uri.c_str(), q.local.c_str());
    }
    if (!found) usage("--header " + spec + ": no such soap:Header child in " + o.input);
    names.push_back(std::move(q));
  }
  return names;
}

[[noreturn]] void usage(const std::string& msg) {
  std::cerr << "insip wss: " << msg << "\n";
  throw CLI::RuntimeError(kWssExitUsage);
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) usage("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeOut(const std::string& path, const std::string& data) {
  if (path.empty() || path == "-") {
    std::cout << data;
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << data)) usage("cannot write " + path);
}

std::optional<util::SystemTime> parseNow(const std::string& s) {
  if (s.empty()) return std::nullopt;
  auto t = wssec::parseXsdDateTime(s);
  if (!t) usage("--now must be an ISO-8601 time with zone, e.g. 2030-06-01T12:01:00Z");
  return t;
}

template <class T>
T must(util::Result<T> r, const std::string& what) {
  if (!r) usage(what + ": " + r.error().message());
  return std::move(*r);
}

wssec::Envelope parseInput(const std::string& path) {
  auto env = wssec::Envelope::parse(readAll(path));
  if (!env) {
    std::cerr << "insip wss: " << path << ": " << env.error().message() << "\n";
    throw CLI::RuntimeError(kWssExitInvalid);
  }
  return std::move(*env);
}

void runVerify(const WssOptions& o) {
  PinnedClock clock(parseNow(o.now));
  wssec::TrustStore trust;
  if (o.ca.empty() && o.hmac_key_file.empty()) usage("--ca is required");
  if (!o.ca.empty()) {
    if (auto r = trust.addAnchorsPemFile(o.ca); !r) usage("--ca " + o.ca + ": " + r.error().message());
  }
  if (!o.crl.empty()) {
    if (auto r = trust.addCrlPemFile(o.crl); !r) usage("--crl " + o.crl + ": " + r.error().message());
  }
  wssec::VerifyPolicy policy;
  policy.max_skew = std::chrono::seconds(o.skew);
  if (!o.hmac_key_file.empty()) policy.hmac_key = readAll(o.hmac_key_file);
  std::unique_ptr<wssec::FileReplayCache> cache;
  if (!o.replay_cache.empty()) cache = must(wssec::FileReplayCache::open(o.replay_cache), "--replay-cache");
  wssec::Verifier verifier(std::move(trust), policy, clock, cache.get());
  if (!o.decrypt_key.empty()) {
    auto key = must(wssec::PrivateKey::fromPemFile(o.decrypt_key), "--decrypt-key");
    std::optional<wssec::Certificate> cert;
    if (!o.decrypt_cert.empty()) cert = must(wssec::Certificate::fromPemFile(o.decrypt_cert), "--decrypt-cert");
    verifier.setDecryptionKey(std::move(key), std::move(cert));
  }
  const std::string bytes = readAll(o.input);
  std::string detail;
  auto r = verifier.verify(bytes, &detail);
  if (!r) {
    std::cout << "INVALID: " << r.error().message() << (detail.empty() ? "" : " (" + detail + ")") << "\n";
    throw CLI::RuntimeError(kWssExitInvalid);
  }
  std::cout << "VALID signer=\"" << r->signer.subject << "\" issuer=\"" << r->signer.issuer
            << "\" serial=" << r->signer.serial << " alg=" << wssec::algorithmUri(r->algorithm)
            << " signed=";
  for (std::size_t i = 0; i < r->signed_ids.size(); ++i) std::cout << (i ? "," : "") << r->signed_ids[i];
  std::cout << " signed_headers=";
  for (std::size_t i = 0; i < r->signed_headers.size(); ++i) {
    std::cout << (i ? "," : "") << '{' << r->signed_headers[i].ns_uri << '}' << r->signed_headers[i].local;
  }
  std::cout << " created=" << wssec::formatXsdDateTime(r->created)
            << " expires=" << wssec::formatXsdDateTime(r->expires) << (r->was_encrypted ? " decrypted" : "")
            << "\n";
  if (!o.output.empty()) writeOut(o.output, r->envelope.serialize());
}

void runSign(const WssOptions& o) {
  PinnedClock clock(parseNow(o.now));
  auto env = parseInput(o.input);
  wssec::SignOptions so;
  so.ttl = std::chrono::seconds(o.ttl);
  so.nonce = !o.no_nonce;
  so.sign_headers = headerNames(o, env, false);
  util::Result<void> r;
  if (!o.hmac_key_file.empty()) {
    r = wssec::signEnvelopeHmac(env, readAll(o.hmac_key_file), clock, so);
  } else {
    if (o.key.empty() || o.cert.empty()) usage("sign needs --key and --cert (or --hmac-key-file)");
    auto key = must(wssec::PrivateKey::fromPemFile(o.key), "--key");
    auto cert = must(wssec::Certificate::fromPemFile(o.cert), "--cert");
    r = wssec::signEnvelope(env, key, cert, clock, so);
  }
  if (!r) {
    std::cerr << "insip wss sign: " << r.error().message() << "\n";
    throw CLI::RuntimeError(kWssExitInvalid);
  }
  writeOut(o.output, env.serialize());
}

void runEncrypt(const WssOptions& o) {
  auto env = parseInput(o.input);
  auto cert = must(wssec::Certificate::fromPemFile(o.cert), "--cert");
  wssec::EncryptOptions eo;
  eo.encrypt_headers = headerNames(o, env, true);
  if (auto r = wssec::encryptEnvelope(env, cert, eo); !r) {
    std::cerr << "insip wss encrypt: " << r.error().message() << "\n";
    throw CLI::RuntimeError(kWssExitInvalid);
  }
  writeOut(o.output, env.serialize());
}

void runDecrypt(const WssOptions& o) {
  auto env = parseInput(o.input);
  auto key = must(wssec::PrivateKey::fromPemFile(o.key), "--key");
  std::optional<wssec::Certificate> cert;
  if (!o.cert.empty()) cert = must(wssec::Certificate::fromPemFile(o.cert), "--cert");
  auto r = wssec::decryptEnvelope(env, key, cert ? &*cert : nullptr);
  if (!r) {
    std::cerr << "insip wss decrypt: " << r.error().message() << "\n";
    throw CLI::RuntimeError(kWssExitInvalid);
  }
  writeOut(o.output, env.serialize());
}

}  // namespace

void addWssCommand(CLI::App& parent) {
  auto opts = std::make_shared<WssOptions>();
  auto* wss = parent.add_subcommand("wss", "WS-Security (SOAP 1.2) tools: sign, verify, encrypt, decrypt");
  wss->require_subcommand(1);

  auto* verify = wss->add_subcommand(
      "verify",
      "Verify a signed (and optionally encrypted) SOAP message; prints 'VALID signer=... signed=<ids> "
      "signed_headers=<{ns}local,...> ...' or 'INVALID: <reason>'");
  verify->add_option("file", opts->input, "Message file")->required();
  verify->add_option("--ca", opts->ca, "PEM trust anchors (CA or pinned certificates)");
  verify->add_option("--crl", opts->crl, "PEM CRL file (enables revocation checking)");
  verify->add_option("--decrypt-key", opts->decrypt_key, "PEM private key for encrypted messages");
  verify->add_option("--decrypt-cert", opts->decrypt_cert, "PEM certificate the EncryptedKey must name");
  verify->add_option("--now", opts->now, "Verification time, ISO-8601 (default: system clock)");
  verify->add_option("--replay-cache", opts->replay_cache, "File remembering seen messages across runs");
  verify->add_option("--skew", opts->skew, "Allowed clock skew in seconds")->capture_default_str();
  verify->add_option("--hmac-key-file", opts->hmac_key_file, "Shared secret enabling hmac-sha256");
  verify->add_option("-o,--output", opts->output, "Write the verified (decrypted) message here");
  verify->callback([opts] { runVerify(*opts); });

  auto* sign = wss->add_subcommand(
      "sign",
      "Add Timestamp, Nonce, BinarySecurityToken and a Signature over Body, Timestamp, Nonce and any --header blocks");
  sign->add_option("file", opts->input, "SOAP 1.2 envelope")->required();
  sign->add_option("--key", opts->key, "PEM private key (RSA >= 2048 or EC P-256)");
  sign->add_option("--cert", opts->cert, "PEM certificate of the key");
  sign->add_option("--hmac-key-file", opts->hmac_key_file, "Sign with hmac-sha256 under this secret instead");
  sign->add_option("--ttl", opts->ttl, "Timestamp lifetime in seconds")->capture_default_str();
  sign->add_option("--now", opts->now, "Timestamp Created time, ISO-8601");
  sign->add_option("--header", opts->headers,
                   "Also sign every soap:Header child named '{namespace-uri}local' (repeatable; each name must "
                   "match a header block; the Body and the Timestamp are always signed)")
      ->allow_extra_args(false);
  sign->add_flag("--no-nonce", opts->no_nonce,
                 "Do not add the signed wsse:Nonce (16 random bytes) used for replay detection");
  sign->add_option("-o,--output", opts->output, "Output file (default stdout)");
  sign->callback([opts] { runSign(*opts); });

  auto* enc = wss->add_subcommand(
      "encrypt", "Encrypt the Body content and any --header blocks (AES-256-GCM, one RSA-OAEP EncryptedKey)");
  enc->add_option("file", opts->input, "SOAP 1.2 envelope")->required();
  enc->add_option("--cert", opts->cert, "PEM certificate of the recipient")->required();
  enc->add_option("--header", opts->headers,
                  "Also encrypt every soap:Header child named '{namespace-uri}local' as a whole element, "
                  "wrapped in wsse11:EncryptedHeader (repeatable; each name must match a header block; "
                  "never wsse:Security)")
      ->allow_extra_args(false);
  enc->add_option("-o,--output", opts->output, "Output file (default stdout)");
  enc->callback([opts] { runEncrypt(*opts); });

  auto* dec = wss->add_subcommand("decrypt", "Decrypt the encrypted parts of a message (no signature check)");
  dec->add_option("file", opts->input, "SOAP 1.2 envelope")->required();
  dec->add_option("--key", opts->key, "PEM private key")->required();
  dec->add_option("--cert", opts->cert, "PEM certificate the EncryptedKey must name");
  dec->add_option("-o,--output", opts->output, "Output file (default stdout)");
  dec->callback([opts] { runDecrypt(*opts); });
}

}  // namespace insip::app
