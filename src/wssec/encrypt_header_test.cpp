// SPDX-License-Identifier: Apache-2.0
//
// encrypt_header_test.cpp — WSS 1.1 §9.3 wsse11:EncryptedHeader (encrypt named header blocks with
// the Body under one EncryptedKey, decrypt them back in place, sign-then-encrypt of a signed
// header, tampering/moving/duplicating/unreferenced wrappers) and the signed wsse:Nonce replay
// key (SHA-256("ts-nonce" || Created || Nonce), recomputed here with OpenSSL directly).
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "util/fake_clock.hpp"
#include "wssec/datetime.hpp"
#include "wssec/errors.hpp"
#include "wssec/wss.hpp"
#include "wssec/xml.hpp"

namespace insip::wssec {
namespace {

const std::string kKit = std::string(INSIP_TEST_DATA) + "/xmlsec/";
constexpr const char* kRt = "urn:example:test:routing:1";
constexpr const char* kTypeElement = "http://www.w3.org/2001/04/xmlenc#Element";

// Header namespace declared on the Envelope (not on the blocks): encrypted blocks must still be
// namespace-complete. Routing carries mustUnderstand + role, Charging nothing, Trace stays clear.
const std::string kMessage =
    "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:rt=\"urn:example:test:routing:1\">"
    "<soap:Header>"
    "<rt:Routing soap:mustUnderstand=\"true\" soap:role=\"http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver\">"
    "<rt:From>sip:alice@example.test</rt:From></rt:Routing>"
    "<rt:Charging><rt:Account>ACC-991</rt:Account></rt:Charging>"
    "<rt:Trace>trace-in-clear-77</rt:Trace>"
    "</soap:Header>"
    "<soap:Body><scp:InitialDP xmlns:scp=\"urn:example:test:in-scp:1\"><scp:ServiceKey>42</scp:ServiceKey>"
    "<scp:CalledParty>sip:bob@example.test</scp:CalledParty></scp:InitialDP></soap:Body>"
    "</soap:Envelope>";

std::string between(const std::string& s, const std::string& a, const std::string& b, std::size_t from = 0) {
  auto p = s.find(a, from);
  if (p == std::string::npos) return {};
  p += a.size();
  auto q = s.find(b, p);
  return q == std::string::npos ? std::string() : s.substr(p, q - p);
}

std::string replaceOnce(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << "pattern not found: " << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

// The whole <prefix:local ...>...</prefix:local> element starting at the first (or nth) occurrence.
std::string elementText(const std::string& s, const std::string& qname, std::size_t nth = 0) {
  std::size_t a = std::string::npos, from = 0;
  for (std::size_t i = 0; i <= nth; ++i) {
    a = s.find("<" + qname + " ", from);
    if (a == std::string::npos) return {};
    from = a + 1;
  }
  const std::string close = "</" + qname + ">";
  auto z = s.find(close, a);
  return z == std::string::npos ? std::string() : s.substr(a, z + close.size() - a);
}

std::vector<xmlNode*> headerBlocks(const Envelope& env) { return childElements(env.header()); }

std::string sha256Raw(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), n);
}

class RecordingCache final : public ReplayCache {
 public:
  util::Result<void> checkAndRemember(std::string_view key, util::SystemTime expires, util::SystemTime now) override {
    keys.emplace_back(key);
    return inner.checkAndRemember(key, expires, now);
  }
  std::vector<std::string> keys;
  MemoryReplayCache inner;
};

class EncryptHeaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.setSystem(*parseXsdDateTime("2030-06-01T12:00:00Z"));
    verify_clock_.setSystem(*parseXsdDateTime("2030-06-01T12:01:00Z"));
    ASSERT_TRUE(trust_.addAnchorsPemFile(kKit + "keys/ca.pem"));
  }
  PrivateKey key(const std::string& name) { return *PrivateKey::fromPemFile(kKit + "keys/" + name + ".key"); }
  Certificate cert(const std::string& name) { return *Certificate::fromPemFile(kKit + "keys/" + name + ".pem"); }

  static EncryptOptions twoHeaders() {
    EncryptOptions o;
    o.encrypt_headers = {{kRt, "Routing"}, {kRt, "Charging"}};
    return o;
  }
  std::string encrypted(const std::string& msg, const EncryptOptions& o = twoHeaders()) {
    auto env = Envelope::parse(msg);
    EXPECT_TRUE(env);
    auto r = encryptEnvelope(*env, cert("scp-rsa"), o);
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return env->serialize();
  }
  std::string signedMsg(const std::string& msg, const SignOptions& o = {}) {
    auto env = Envelope::parse(msg);
    EXPECT_TRUE(env);
    auto r = signEnvelope(*env, key("alice-rsa"), cert("alice-rsa"), clock_, o);
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return env->serialize();
  }
  util::Result<std::vector<std::string>> decrypt(const std::string& msg, std::string* out = nullptr) {
    auto env = Envelope::parse(msg);
    if (!env) return env.error();
    auto r = decryptEnvelope(*env, key("scp-rsa"), nullptr);
    if (r && out != nullptr) *out = env->serialize();
    return r;
  }
  util::Result<VerifiedMessage> verify(const std::string& msg, ReplayCache* rc = nullptr, bool decrypt = false) {
    Verifier v(trust_, {}, verify_clock_, rc);
    if (decrypt) v.setDecryptionKey(key("scp-rsa"), cert("scp-rsa"));
    last_detail_.clear();
    return v.verify(msg, &last_detail_);
  }

  util::FakeClock clock_;
  util::FakeClock verify_clock_;
  TrustStore trust_;
  std::string last_detail_;
};

// ---- EncryptedHeader ----

TEST_F(EncryptHeaderTest, BodyAndTwoNamedHeadersEncryptUnderOneKeyAndDecryptBackInPlace) {
  const std::string msg = encrypted(kMessage);
  EXPECT_EQ(msg.find("sip:alice@example.test"), std::string::npos) << "Routing leaked";
  EXPECT_EQ(msg.find("ACC-991"), std::string::npos) << "Charging leaked";
  EXPECT_EQ(msg.find("ServiceKey"), std::string::npos) << "Body leaked";
  EXPECT_NE(msg.find("trace-in-clear-77"), std::string::npos) << "unnamed header must stay clear";
  EXPECT_EQ(count(msg, "<wsse11:EncryptedHeader "), 2u);
  EXPECT_EQ(count(msg, "xmlns:wsse11=\"http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd\""), 2u);
  EXPECT_EQ(count(msg, "<xenc:EncryptedKey"), 1u) << "one EncryptedKey for all parts";
  EXPECT_EQ(count(msg, "<xenc:DataReference "), 3u);

  // Every DataReference names one EncryptedData; the header ones are Type #Element inside a wrapper.
  auto env = Envelope::parse(msg);
  ASSERT_TRUE(env);
  auto blocks = headerBlocks(*env);
  ASSERT_EQ(blocks.size(), 4u);  // Security (new, first), EH(Routing), EH(Charging), Trace
  EXPECT_TRUE(isElement(blocks[0], ns::kWsse, "Security"));
  std::set<std::string> ed_ids;
  for (int i : {1, 2}) {
    ASSERT_TRUE(isElement(blocks[i], ns::kWsse11, "EncryptedHeader"));
    std::string eh_id, type, id;
    EXPECT_TRUE(getAttr(blocks[i], "Id", ns::kWsu, eh_id));
    auto kids = childElements(blocks[i]);
    ASSERT_EQ(kids.size(), 1u);
    ASSERT_TRUE(isElement(kids[0], ns::kXenc, "EncryptedData"));
    ASSERT_TRUE(getAttr(kids[0], "Type", nullptr, type));
    EXPECT_EQ(type, kTypeElement);
    ASSERT_TRUE(getAttr(kids[0], "Id", nullptr, id));
    EXPECT_NE(id, eh_id);
    ed_ids.insert(id);
  }
  EXPECT_TRUE(isElement(blocks[3], kRt, "Trace"));
  std::string body_ed_id;
  ASSERT_TRUE(getAttr(firstChildElement(env->body(), ns::kXenc, "EncryptedData"), "Id", nullptr, body_ed_id));
  ed_ids.insert(body_ed_id);
  std::set<std::string> refs;
  for (std::size_t p = msg.find("<xenc:DataReference URI=\"#"); p != std::string::npos;
       p = msg.find("<xenc:DataReference URI=\"#", p + 1)) {
    refs.insert(between(msg, "<xenc:DataReference URI=\"#", "\"", p));
  }
  EXPECT_EQ(refs, ed_ids);

  std::string out;
  auto d = decrypt(msg, &out);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(std::set<std::string>(d->begin(), d->end()), ed_ids);
  auto back = Envelope::parse(out);
  ASSERT_TRUE(back);
  auto hb = headerBlocks(*back);
  ASSERT_EQ(hb.size(), 4u);
  EXPECT_TRUE(isElement(hb[0], ns::kWsse, "Security"));
  ASSERT_TRUE(isElement(hb[1], kRt, "Routing")) << "restored where the wrapper was";
  ASSERT_TRUE(isElement(hb[2], kRt, "Charging"));
  EXPECT_TRUE(isElement(hb[3], kRt, "Trace"));
  EXPECT_EQ(textContent(firstChildElement(hb[1], kRt, "From")), "sip:alice@example.test");
  EXPECT_EQ(textContent(firstChildElement(hb[2], kRt, "Account")), "ACC-991");
  std::string mu;
  EXPECT_TRUE(getAttr(hb[1], "mustUnderstand", ns::kSoap12, mu));
  EXPECT_EQ(mu, "true");
  EXPECT_EQ(out.find("EncryptedHeader"), std::string::npos);
  EXPECT_EQ(out.find("EncryptedKey"), std::string::npos);
  EXPECT_EQ(back->bodyText("urn:example:test:in-scp:1", "ServiceKey"), "42");
}

TEST_F(EncryptHeaderTest, EncryptedHeaderKeepsMustUnderstandAndRoleOfTheBlock) {
  auto env = Envelope::parse(encrypted(kMessage));
  ASSERT_TRUE(env);
  auto blocks = headerBlocks(*env);
  ASSERT_GE(blocks.size(), 3u);
  std::string mu, role, none;
  ASSERT_TRUE(isElement(blocks[1], ns::kWsse11, "EncryptedHeader"));
  EXPECT_TRUE(getAttr(blocks[1], "mustUnderstand", ns::kSoap12, mu));
  EXPECT_EQ(mu, "true");
  EXPECT_TRUE(getAttr(blocks[1], "role", ns::kSoap12, role));
  EXPECT_EQ(role, "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver");
  // Charging had neither: the wrapper does not invent them.
  EXPECT_FALSE(getAttr(blocks[2], "mustUnderstand", ns::kSoap12, none));
  EXPECT_FALSE(getAttr(blocks[2], "role", ns::kSoap12, none));
}

TEST_F(EncryptHeaderTest, HeaderOnlyEncryptionAndNothingToEncrypt) {
  EncryptOptions o;
  o.encrypt_body = false;
  o.encrypt_headers = {{kRt, "Charging"}};
  const std::string msg = encrypted(kMessage, o);
  EXPECT_NE(msg.find("ServiceKey"), std::string::npos) << "Body left clear";
  EXPECT_EQ(msg.find("ACC-991"), std::string::npos);
  EXPECT_EQ(count(msg, "<xenc:DataReference "), 1u);
  std::string out;
  ASSERT_TRUE(decrypt(msg, &out));
  EXPECT_NE(out.find("ACC-991"), std::string::npos);
  // No match and no Body: refused. The Security header itself is never a candidate.
  auto env = Envelope::parse(kMessage);
  o.encrypt_headers = {{kRt, "Nope"}, {ns::kWsse, "Security"}};
  EXPECT_EQ(encryptEnvelope(*env, cert("scp-rsa"), o).error(), make_error_code(WssErrc::InvalidArgument));
  auto env2 = Envelope::parse(signedMsg(kMessage));
  ASSERT_TRUE(encryptEnvelope(*env2, cert("scp-rsa"), EncryptOptions{DataAlgorithm::Aes256Gcm, KeyTransport::RsaOaepMgf1pSha1,
                                                                      RecipientRef::IssuerSerial, true,
                                                                      {{ns::kWsse, "Security"}}}));
  EXPECT_EQ(count(env2->serialize(), "EncryptedHeader"), 0u);
}

TEST_F(EncryptHeaderTest, SignThenEncryptOfASignedHeaderVerifiesAndReportsIt) {
  SignOptions so;
  so.sign_headers = {{kRt, "Routing"}};
  const std::string signed_msg = signedMsg(kMessage, so);
  const std::string routing_id = between(elementText(signed_msg, "rt:Routing"), "wsu:Id=\"", "\"");
  ASSERT_FALSE(routing_id.empty());
  const std::string msg = encrypted(signed_msg, twoHeaders());
  EXPECT_EQ(msg.find("sip:alice@example.test"), std::string::npos);
  EXPECT_EQ(msg.find(routing_id + "\""), msg.find("URI=\"#" + routing_id) + 6)
      << "the signed id only appears in SignedInfo until decryption";
  EXPECT_LT(msg.find("<xenc:EncryptedKey"), msg.find("<ds:Signature"));
  EXPECT_EQ(verify(msg).error(), make_error_code(WssErrc::DecryptionKeyMissing));
  auto r = verify(msg, nullptr, true);
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_TRUE(r->was_encrypted);
  ASSERT_EQ(r->signed_headers.size(), 1u);
  EXPECT_EQ(r->signed_headers[0].ns_uri, kRt);
  EXPECT_EQ(r->signed_headers[0].local, "Routing");
  EXPECT_NE(std::find(r->signed_ids.begin(), r->signed_ids.end(), routing_id), r->signed_ids.end());
  auto hb = headerBlocks(r->envelope);
  ASSERT_EQ(hb.size(), 4u);
  EXPECT_TRUE(isElement(hb[1], kRt, "Routing"));
  EXPECT_EQ(textContent(firstChildElement(hb[1], kRt, "From")), "sip:alice@example.test");
  // Signed header modified before encryption (attacker re-encrypts to us): digest fails.
  auto forged = Envelope::parse(replaceOnce(signed_msg, "sip:alice@example.test", "sip:eve@example.test"));
  ASSERT_TRUE(encryptEnvelope(*forged, cert("scp-rsa"), twoHeaders()));
  EXPECT_EQ(verify(forged->serialize(), nullptr, true).error(), make_error_code(WssErrc::DigestMismatch));
}

TEST_F(EncryptHeaderTest, TamperedEncryptedHeaderCiphertextFailsGenerically) {
  const std::string msg = encrypted(signedMsg(kMessage));
  const std::string eh = elementText(msg, "wsse11:EncryptedHeader");
  const std::string cv = between(eh, "<CipherValue>", "</CipherValue>");  // xmlsec: default xenc ns
  ASSERT_GT(cv.size(), 40u);
  std::string flipped = cv;
  flipped[30] = flipped[30] == 'A' ? 'B' : 'A';
  const std::string bad = replaceOnce(msg, cv, flipped);
  EXPECT_EQ(decrypt(bad).error(), make_error_code(WssErrc::DecryptionFailed));
  EXPECT_EQ(verify(bad, nullptr, true).error(), make_error_code(WssErrc::DecryptionFailed));
  EXPECT_TRUE(verify(msg, nullptr, true)) << "the untampered message is fine: " << last_detail_;
}

TEST_F(EncryptHeaderTest, EncryptedHeaderMovedDuplicatedOrUnreferencedIsRejected) {
  const std::string msg = encrypted(signedMsg(kMessage));
  ASSERT_TRUE(decrypt(msg));
  const std::string eh = elementText(msg, "wsse11:EncryptedHeader", 1);  // the Charging one
  ASSERT_FALSE(eh.empty());
  const std::string ed_id = "ED-" + between(eh, "Id=\"ED-", "\"");
  const std::string eh_id = between(eh, "wsu:Id=\"", "\"");
  ASSERT_GT(ed_id.size(), 3u);
  ASSERT_FALSE(eh_id.empty());
  const auto bad = make_error_code(WssErrc::MalformedEncryptedHeader);

  // Moved into the Body / into the Security header / nested in another header block.
  std::string moved = replaceOnce(msg, eh, "");
  EXPECT_EQ(decrypt(replaceOnce(moved, "</soap:Body>", eh + "</soap:Body>")).error(), bad);
  EXPECT_EQ(decrypt(replaceOnce(moved, "</wsse:Security>", eh + "</wsse:Security>")).error(), bad);
  EXPECT_EQ(decrypt(replaceOnce(moved, "</rt:Trace>", eh + "</rt:Trace>")).error(), bad);
  EXPECT_EQ(verify(replaceOnce(moved, "</soap:Body>", eh + "</soap:Body>"), nullptr, true).error(), bad);

  // Duplicated verbatim: the ids collide. Duplicated with fresh ids: nobody references the copy.
  EXPECT_EQ(decrypt(replaceOnce(msg, eh, eh + eh)).error(), make_error_code(WssErrc::DuplicateId));
  std::string copy = replaceOnce(replaceOnce(eh, ed_id, "ED-copy"), eh_id, "EH-copy");
  EXPECT_EQ(decrypt(replaceOnce(msg, eh, eh + copy)).error(), bad);
  EXPECT_EQ(verify(replaceOnce(msg, eh, eh + copy), nullptr, true).error(), bad);

  // Its DataReference removed from the EncryptedKey.
  std::string unref = replaceOnce(msg, "<xenc:DataReference URI=\"#" + ed_id + "\"/>", "");
  EXPECT_EQ(decrypt(unref).error(), bad);
  EXPECT_EQ(verify(unref, nullptr, true).error(), bad);
  // No EncryptedKey at all.
  std::string no_ek = replaceOnce(msg, elementText(msg, "xenc:EncryptedKey"), "");
  EXPECT_EQ(decrypt(no_ek).error(), bad);
  // EncryptedData inside is not Type #Element.
  EXPECT_EQ(decrypt(replaceOnce(msg, eh, replaceOnce(eh, "xmlenc#Element", "xmlenc#Content"))).error(), bad);
  // Something else next to the EncryptedData.
  EXPECT_EQ(decrypt(replaceOnce(msg, eh, replaceOnce(eh, "</wsse11:EncryptedHeader>", "<x:y xmlns:x=\"urn:x\"/></wsse11:EncryptedHeader>")))
                .error(),
            bad);
}

// ---- Nonce ----

TEST_F(EncryptHeaderTest, SignerAddsASignedRandomNonceByDefault) {
  const std::string a = signedMsg(kMessage);
  const std::string b = signedMsg(kMessage);
  const std::string nonce_el = elementText(a, "wsse:Nonce");
  ASSERT_FALSE(nonce_el.empty());
  EXPECT_NE(nonce_el.find("EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\""),
            std::string::npos);
  std::string raw;
  ASSERT_TRUE(base64Decode(between(nonce_el, ">", "<"), raw));
  EXPECT_EQ(raw.size(), 16u);
  EXPECT_NE(between(a, "<wsse:Nonce", "</wsse:Nonce>"), between(b, "<wsse:Nonce", "</wsse:Nonce>"));
  const std::string nonce_id = between(nonce_el, "wsu:Id=\"", "\"");
  EXPECT_NE(a.find("<ds:Reference URI=\"#" + nonce_id + "\""), std::string::npos);
  auto r = verify(a);
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_EQ(r->nonce_id, nonce_id);
  // Tampering with the Nonce breaks its digest.
  std::string flipped = between(nonce_el, ">", "<");
  flipped[2] = flipped[2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify(replaceOnce(a, between(nonce_el, ">", "<"), flipped)).error(),
            make_error_code(WssErrc::DigestMismatch));
}

TEST_F(EncryptHeaderTest, MessagesWithoutNonceStillVerify) {
  SignOptions o;
  o.nonce = false;
  const std::string msg = signedMsg(kMessage, o);
  EXPECT_EQ(msg.find("Nonce"), std::string::npos);
  MemoryReplayCache cache;
  auto r = verify(msg, &cache);
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_TRUE(r->nonce_id.empty());
  EXPECT_EQ(r->signed_ids.size(), 2u);
  EXPECT_EQ(verify(msg, &cache).error(), make_error_code(WssErrc::Replay));
}

TEST_F(EncryptHeaderTest, UnsignedMalformedOrSecondNonceIsRejected) {
  SignOptions o;
  o.nonce = false;
  const std::string msg = signedMsg(kMessage, o);
  ASSERT_TRUE(verify(msg));
  const std::string n1 = "<wsse:Nonce EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">AAECAwQFBgcICQoLDA0ODw==</wsse:Nonce>";
  EXPECT_EQ(verify(replaceOnce(msg, "</wsu:Timestamp>", "</wsu:Timestamp>" + n1)).error(),
            make_error_code(WssErrc::NonceNotSigned));
  // A second Nonce next to the signed one.
  const std::string with_nonce = signedMsg(kMessage);
  ASSERT_TRUE(verify(with_nonce));
  EXPECT_EQ(verify(replaceOnce(with_nonce, "</wsu:Timestamp>", "</wsu:Timestamp>" + n1)).error(),
            make_error_code(WssErrc::MultipleNonces));
  // Empty or non-Base64Binary nonce.
  EXPECT_EQ(verify(replaceOnce(msg, "</wsu:Timestamp>", "</wsu:Timestamp><wsse:Nonce></wsse:Nonce>")).error(),
            make_error_code(WssErrc::MalformedNonce));
  EXPECT_EQ(verify(replaceOnce(msg, "</wsu:Timestamp>", replaceOnce("</wsu:Timestamp>" + n1, "#Base64Binary", "#HexBinary"))).error(),
            make_error_code(WssErrc::MalformedNonce));
}

TEST_F(EncryptHeaderTest, SameCreatedAndNonceUnderADifferentSignatureIsAReplay) {
  const std::string first = signedMsg(kMessage);
  // Second message: same Timestamp and Nonce, different Body, signed again (the signer reuses the
  // Timestamp and Nonce already in the Security header), so its signed statement differs.
  auto resign = [&](const std::string& nonce_b64) {
    std::string m = replaceOnce(first, elementText(first, "ds:Signature"), "");
    m = replaceOnce(m, elementText(m, "wsse:BinarySecurityToken"), "");
    m = replaceOnce(m, "<scp:ServiceKey>42<", "<scp:ServiceKey>43<");
    if (!nonce_b64.empty()) m = replaceOnce(m, between(first, "<wsse:Nonce", "</wsse:Nonce>"), between(first, "<wsse:Nonce", ">") + ">" + nonce_b64);
    return signedMsg(m);
  };
  const std::string second = resign("");
  EXPECT_EQ(between(first, "<wsu:Created>", "<"), between(second, "<wsu:Created>", "<"));
  EXPECT_EQ(between(first, "<wsse:Nonce", "</wsse:Nonce>"), between(second, "<wsse:Nonce", "</wsse:Nonce>"));
  EXPECT_NE(between(first, "<ds:SignatureValue>", "<"), between(second, "<ds:SignatureValue>", "<"));
  EXPECT_NE(between(first, "<ds:DigestValue>", "<"), between(second, "<ds:DigestValue>", "<")) << "Body digest";
  ASSERT_TRUE(verify(second)) << "the second message is valid on its own: " << last_detail_;

  RecordingCache cache;
  ASSERT_TRUE(verify(first, &cache)) << last_detail_;
  EXPECT_EQ(verify(second, &cache).error(), make_error_code(WssErrc::Replay));
  // Control: the same edit with a fresh nonce is not a replay.
  const std::string third = resign("EREREREREREREREREREREQ==");
  EXPECT_TRUE(verify(third, &cache)) << last_detail_;

  // The Created+Nonce key is SHA-256("ts-nonce" || Created || Nonce bytes).
  std::string nonce_raw;
  ASSERT_TRUE(base64Decode(between(elementText(first, "wsse:Nonce"), ">", "<"), nonce_raw));
  const std::string expected = "wss-tn:" + sha256Raw("ts-nonce" + std::string("2030-06-01T12:00:00.000Z") + nonce_raw);
  EXPECT_EQ(std::count(cache.keys.begin(), cache.keys.end(), expected), 2) << "checked for first and second";
}

TEST_F(EncryptHeaderTest, HmacSignedReplayWithSameNonceIsDetectedToo) {
  const std::string secret(32, 's');
  auto env = Envelope::parse(kMessage);
  ASSERT_TRUE(signEnvelopeHmac(*env, secret, clock_));
  const std::string first = env->serialize();
  std::string m = replaceOnce(first, elementText(first, "ds:Signature"), "");
  m = replaceOnce(m, "<scp:ServiceKey>42<", "<scp:ServiceKey>44<");
  auto env2 = Envelope::parse(m);
  ASSERT_TRUE(signEnvelopeHmac(*env2, secret, clock_));
  const std::string second = env2->serialize();
  Verifier v(trust_, VerifyPolicy{.hmac_key = secret}, verify_clock_, nullptr);
  ASSERT_TRUE(v.verify(second));
  MemoryReplayCache cache;
  Verifier vc(trust_, VerifyPolicy{.hmac_key = secret}, verify_clock_, &cache);
  ASSERT_TRUE(vc.verify(first));
  EXPECT_EQ(vc.verify(second).error(), make_error_code(WssErrc::Replay));
}

TEST_F(EncryptHeaderTest, SignedNonceSurvivesEncryptThenSignAndSignThenEncrypt) {
  auto env = Envelope::parse(kMessage);
  ASSERT_TRUE(encryptEnvelope(*env, cert("scp-rsa"), twoHeaders()));
  ASSERT_TRUE(signEnvelope(*env, key("alice-ec"), cert("alice-ec"), clock_));
  auto r = verify(env->serialize(), nullptr, true);
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_FALSE(r->nonce_id.empty());
  EXPECT_EQ(textContent(firstChildElement(headerBlocks(r->envelope)[1], kRt, "From")), "sip:alice@example.test");
}

}  // namespace
}  // namespace insip::wssec
