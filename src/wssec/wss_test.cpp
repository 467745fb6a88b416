// SPDX-License-Identifier: Apache-2.0
//
// wss_test.cpp — sign/verify/encrypt/decrypt round trips and our own variants of every attack kind
// of the shared corpus (wrapping, coverage, timestamps, replay, key trust, algorithm downgrade,
// encryption tampering), at the corpus clock 2030-06-01T12:01:00Z.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>

#include <fstream>
#include <sstream>

#include "util/fake_clock.hpp"
#include "wssec/datetime.hpp"
#include "wssec/errors.hpp"
#include "wssec/wss.hpp"
#include "wssec/xml.hpp"

namespace insip::wssec {
namespace {

const std::string kKit = std::string(INSIP_TEST_DATA) + "/xmlsec/";

std::string readFile(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replaceOnce(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << "pattern not found: " << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

std::string between(const std::string& s, const std::string& a, const std::string& b) {
  auto p = s.find(a);
  if (p == std::string::npos) return {};
  p += a.size();
  auto q = s.find(b, p);
  return q == std::string::npos ? std::string() : s.substr(p, q - p);
}

class WssTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.setSystem(*parseXsdDateTime("2030-06-01T12:00:00Z"));
    verify_clock_.setSystem(*parseXsdDateTime("2030-06-01T12:01:00Z"));
    ASSERT_TRUE(trust_.addAnchorsPemFile(kKit + "keys/ca.pem"));
    sample_ = readFile(kKit + "samples/envelope.xml");
  }
  PrivateKey key(const std::string& name) { return *PrivateKey::fromPemFile(kKit + "keys/" + name + ".key"); }
  Certificate cert(const std::string& name) { return *Certificate::fromPemFile(kKit + "keys/" + name + ".pem"); }

  std::string signed_(const std::string& who, const SignOptions& o = {}) {
    auto env = Envelope::parse(sample_);
    EXPECT_TRUE(env);
    auto r = signEnvelope(*env, key(who), cert(who), clock_, o);
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return env->serialize();
  }
  util::Result<VerifiedMessage> verify(const std::string& msg, VerifyPolicy p = {}, ReplayCache* rc = nullptr,
                                       bool decrypt = false) {
    Verifier v(trust_, p, verify_clock_, rc);
    if (decrypt) v.setDecryptionKey(key("scp-rsa"), cert("scp-rsa"));
    std::string detail;
    auto r = v.verify(msg, &detail);
    last_detail_ = detail;
    return r;
  }
  util::FakeClock clock_;
  util::FakeClock verify_clock_;
  TrustStore trust_;
  std::string sample_;
  std::string last_detail_;
};

TEST_F(WssTest, EcdsaSignedEnvelopeVerifiesAndReportsWhatWasSigned) {
  auto r = verify(signed_("alice-ec"));
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_EQ(r->algorithm, SignatureAlgorithm::EcdsaP256Sha256);
  EXPECT_NE(r->signer.subject.find("CN=alice-ec@example.test"), std::string::npos);
  EXPECT_NE(r->signer.issuer.find("CN=Example Test Root CA"), std::string::npos);
  ASSERT_EQ(r->signed_ids.size(), 3u);  // Body, Timestamp, Nonce
  EXPECT_EQ(r->signed_ids[0], r->body_id);
  EXPECT_EQ(r->signed_ids[1], r->timestamp_id);
  EXPECT_FALSE(r->nonce_id.empty());
  EXPECT_EQ(r->signed_ids[2], r->nonce_id);
  EXPECT_EQ(formatXsdDateTime(r->created), "2030-06-01T12:00:00.000Z");
  EXPECT_EQ(formatXsdDateTime(r->expires), "2030-06-01T12:05:00.000Z");
  EXPECT_EQ(r->envelope.bodyText("urn:example:test:in-scp:1", "CalledParty"), "sip:bob@example.test");
}

TEST_F(WssTest, EcdsaSignatureValueIsRawRConcatS) {
  // XML-DSig 1.1 §6.4.3: 64 bytes for P-256 (what xml-crypto/JDK/Santuario expect), not DER.
  const std::string msg = signed_("alice-ec");
  std::string raw;
  ASSERT_TRUE(base64Decode(between(msg, "<ds:SignatureValue>", "</ds:SignatureValue>"), raw));
  EXPECT_EQ(raw.size(), 64u);
}

TEST_F(WssTest, RsaSignedEnvelopeVerifiesWithSha256Digests) {
  const std::string msg = signed_("alice-rsa");
  EXPECT_NE(msg.find("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"), std::string::npos);
  EXPECT_NE(msg.find("http://www.w3.org/2001/10/xml-exc-c14n#"), std::string::npos);
  EXPECT_EQ(msg.find("xmldsig#sha1"), std::string::npos);
  auto r = verify(msg);
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_EQ(r->algorithm, SignatureAlgorithm::RsaSha256);
  EXPECT_NE(r->signer.subject.find("CN=alice@example.test"), std::string::npos);
}

TEST_F(WssTest, NamedHeaderBlocksAreSignedAndReported) {
  auto env = Envelope::parse(readFile(kKit + "samples/envelope-routing.xml"));
  ASSERT_TRUE(env);
  // Find the first header block's name to sign it.
  auto hdrs = childElements(env->header());
  ASSERT_FALSE(hdrs.empty());
  SignOptions o;
  o.sign_headers.push_back({reinterpret_cast<const char*>(hdrs[0]->ns->href), reinterpret_cast<const char*>(hdrs[0]->name)});
  ASSERT_TRUE(signEnvelope(*env, key("alice-rsa"), cert("alice-rsa"), clock_, o));
  auto r = verify(env->serialize());
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  ASSERT_EQ(r->signed_headers.size(), 1u);
  EXPECT_EQ(r->signed_headers[0].local, o.sign_headers[0].local);
  EXPECT_EQ(r->signed_ids.size(), 4u);  // Body, Timestamp, Nonce, the header block
}

TEST_F(WssTest, SignThenEncryptRoundTripDecryptsThenVerifies) {
  auto env = Envelope::parse(signed_("alice-ec"));
  ASSERT_TRUE(env);
  ASSERT_TRUE(encryptBody(*env, cert("scp-rsa")));
  const std::string msg = env->serialize();
  EXPECT_EQ(msg.find("CalledParty"), std::string::npos) << "plaintext leaked";
  EXPECT_NE(msg.find("http://www.w3.org/2009/xmlenc11#aes256-gcm"), std::string::npos);
  EXPECT_NE(msg.find("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"), std::string::npos);
  EXPECT_LT(msg.find("EncryptedKey"), msg.find("<ds:Signature")) << "EncryptedKey must precede Signature";
  EXPECT_EQ(verify(msg).error(), make_error_code(WssErrc::DecryptionKeyMissing));
  auto r = verify(msg, {}, nullptr, true);
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_TRUE(r->was_encrypted);
  EXPECT_EQ(r->envelope.bodyText("urn:example:test:in-scp:1", "CallingParty"), "sip:alice@example.test");
}

TEST_F(WssTest, EncryptThenSignRoundTripVerifiesThenDecrypts) {
  auto env = Envelope::parse(sample_);
  ASSERT_TRUE(env);
  ASSERT_TRUE(encryptBody(*env, cert("scp-rsa")));
  ASSERT_TRUE(signEnvelope(*env, key("alice-rsa"), cert("alice-rsa"), clock_));
  const std::string msg = env->serialize();
  EXPECT_LT(msg.find("<ds:Signature"), msg.find("EncryptedKey"));
  auto r = verify(msg, {}, nullptr, true);
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_EQ(r->envelope.bodyText("urn:example:test:in-scp:1", "ServiceKey"), "42");
}

TEST_F(WssTest, EncryptionVariantsRoundTrip) {
  for (auto kt : {KeyTransport::RsaOaepMgf1pSha1, KeyTransport::RsaOaepMgf1pSha256}) {
    for (auto ref : {RecipientRef::IssuerSerial, RecipientRef::Thumbprint, RecipientRef::SubjectKeyIdentifier}) {
      for (auto da : {DataAlgorithm::Aes256Gcm, DataAlgorithm::Aes128Gcm}) {
        auto env = Envelope::parse(signed_("alice-ec"));
        ASSERT_TRUE(env);
        ASSERT_TRUE(encryptBody(*env, cert("scp-rsa"), EncryptOptions{da, kt, ref}));
        auto r = verify(env->serialize(), {}, nullptr, true);
        EXPECT_TRUE(r) << static_cast<int>(kt) << "/" << static_cast<int>(ref) << ": "
                       << (r ? "" : r.error().message());
      }
    }
  }
}

TEST_F(WssTest, TamperedCiphertextAndWrongKeysFailWithOneGenericError) {
  auto env = Envelope::parse(signed_("alice-ec"));
  ASSERT_TRUE(encryptBody(*env, cert("scp-rsa")));
  const std::string msg = env->serialize();
  // Flip one base64 character of the data CipherValue (last CipherValue in the document).
  std::string bad = msg;
  auto p = bad.rfind("CipherValue>") ;
  p = bad.rfind("CipherValue>", p - 1) + 12;  // start of the data ciphertext
  bad[p + 5] = bad[p + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify(bad, {}, nullptr, true).error(), make_error_code(WssErrc::DecryptionFailed));
  // Wrapped key tampered (first CipherValue).
  std::string bad2 = msg;
  auto q = bad2.find("CipherValue>") + 12;
  bad2[q + 5] = bad2[q + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify(bad2, {}, nullptr, true).error(), make_error_code(WssErrc::DecryptionFailed));
  // Decrypting with someone else's key: same error.
  Verifier v(trust_, {}, verify_clock_);
  v.setDecryptionKey(key("alice-rsa"));
  EXPECT_EQ(v.verify(msg).error(), make_error_code(WssErrc::DecryptionFailed));
  // ... but with a recipient certificate configured, a mismatch is caught before any RSA operation.
  Verifier v2(trust_, {}, verify_clock_);
  v2.setDecryptionKey(key("alice-rsa"), cert("alice-rsa"));
  EXPECT_EQ(v2.verify(msg).error(), make_error_code(WssErrc::RecipientMismatch));
}

TEST_F(WssTest, EncryptionPolicyRefusesCbcWhenDisabledAndCipherReference) {
  const std::string cbc = readFile(kKit + "attacks/00-baseline-enc-cbc.xml");
  VerifyPolicy p;
  p.decrypt.allow_cbc = false;
  EXPECT_EQ(verify(cbc, p, nullptr, true).error(), make_error_code(WssErrc::DataEncryptionNotAllowed));
  std::string ref = readFile(kKit + "attacks/00-baseline-enc-gcm.xml");
  const std::string cv = between(ref, "<xenc:CipherData>", "</xenc:CipherData>");
  ref = replaceOnce(ref, cv, "<xenc:CipherReference URI=\"file:///etc/hostname\"/>");
  EXPECT_EQ(verify(ref, {}, nullptr, true).error(), make_error_code(WssErrc::MalformedEncryption));
  // rsa-1_5 variant of our own message
  auto env = Envelope::parse(signed_("alice-ec"));
  ASSERT_TRUE(encryptBody(*env, cert("scp-rsa")));
  std::string r15 = replaceOnce(env->serialize(), "xmlenc#rsa-oaep-mgf1p", "xmlenc#rsa-1_5");
  EXPECT_EQ(verify(r15, {}, nullptr, true).error(), make_error_code(WssErrc::KeyTransportNotAllowed));
}

TEST_F(WssTest, HmacModeVerifiesOnlyWithTheSharedKeyAndNeverTruncated) {
  const std::string secret(32, 'k');
  auto env = Envelope::parse(sample_);
  ASSERT_TRUE(signEnvelopeHmac(*env, secret, clock_));
  const std::string msg = env->serialize();
  EXPECT_EQ(msg.find("BinarySecurityToken"), std::string::npos);
  VerifyPolicy p;
  EXPECT_EQ(verify(msg, p).error(), make_error_code(WssErrc::AlgorithmNotAllowed));
  p.hmac_key = secret;
  auto r = verify(msg, p);
  ASSERT_TRUE(r) << r.error().message() << " " << last_detail_;
  EXPECT_EQ(r->algorithm, SignatureAlgorithm::HmacSha256);
  p.hmac_key = std::string(32, 'x');
  EXPECT_EQ(verify(msg, p).error(), make_error_code(WssErrc::SignatureMismatch));
  p.hmac_key = secret;
  std::string trunc = replaceOnce(msg, "xmldsig-more#hmac-sha256\"/>",
                                  "xmldsig-more#hmac-sha256\"><ds:HMACOutputLength>128</ds:HMACOutputLength></ds:SignatureMethod>");
  EXPECT_EQ(verify(trunc, p).error(), make_error_code(WssErrc::HmacTruncation));
  auto env2 = Envelope::parse(sample_);
  EXPECT_EQ(signEnvelopeHmac(*env2, "short", clock_).error(), make_error_code(WssErrc::WeakKey));
}

// ---- own variants of the corpus attack kinds ----

TEST_F(WssTest, WrappingSignedBodyMovedIntoHeaderIsRejected) {
  const std::string msg = signed_("alice-rsa");
  // Move the signed Body (with its id) into a header block and put an evil Body without id.
  const std::string body_open = "<soap:Body";
  auto b = msg.find(body_open);
  auto e = msg.find("</soap:Body>") + std::string("</soap:Body>").size();
  std::string signed_body = msg.substr(b, e - b);
  std::string wrapped = signed_body;
  wrapped = replaceOnce(wrapped, "<soap:Body", "<x:Wrapper xmlns:x=\"urn:x\"><soap:Body");
  wrapped += "</x:Wrapper>";
  std::string evil = msg.substr(0, b) + "<soap:Body><scp:InitialDP xmlns:scp=\"urn:example:test:in-scp:1\"><scp:ServiceKey>666</scp:ServiceKey></scp:InitialDP></soap:Body>" + msg.substr(e);
  evil = replaceOnce(evil, "</soap:Header>", wrapped + "</soap:Header>");
  EXPECT_EQ(verify(evil).error(), make_error_code(WssErrc::ReferenceNotAllowed));
  // Same with the evil Body claiming the id through a different attribute spelling.
  std::string body_id = between(signed_body, "wsu:Id=\"", "\"");
  std::string evil2 = replaceOnce(evil, "<soap:Body><scp:", "<soap:Body ID=\"" + body_id + "\"><scp:");
  EXPECT_EQ(verify(evil2).error(), make_error_code(WssErrc::DuplicateId));
}

TEST_F(WssTest, TimestampOnlyOrBodyOnlySignatureIsRejected) {
  const std::string msg = signed_("alice-rsa");
  // Drop the Body reference (first ds:Reference) from SignedInfo.
  auto a = msg.find("<ds:Reference");
  auto z = msg.find("</ds:Reference>", a) + std::string("</ds:Reference>").size();
  std::string no_body = msg.substr(0, a) + msg.substr(z);
  EXPECT_EQ(verify(no_body).error(), make_error_code(WssErrc::BodyNotSigned));
  auto a2 = msg.find("<ds:Reference", z);
  auto z2 = msg.find("</ds:Reference>", a2) + std::string("</ds:Reference>").size();
  std::string no_ts = msg.substr(0, a2) + msg.substr(z2);
  EXPECT_EQ(verify(no_ts).error(), make_error_code(WssErrc::TimestampNotSigned));
}

TEST_F(WssTest, ExtraSignatureAndMisplacedSignatureAreRejected) {
  const std::string msg = signed_("alice-rsa");
  const std::string sig = "<ds:Signature" + between(msg, "<ds:Signature", "</ds:Signature>") + "</ds:Signature>";
  std::string two = replaceOnce(msg, "</soap:Header>", "<x:H xmlns:x=\"urn:x\">" + replaceOnce(sig, "Id=\"SIG-", "Id=\"OTHER-") + "</x:H></soap:Header>");
  EXPECT_EQ(verify(two).error(), make_error_code(WssErrc::MultipleSignatures));
  std::string moved = replaceOnce(msg, sig, "");
  moved = replaceOnce(moved, "</soap:Header>", "<x:H xmlns:x=\"urn:x\">" + sig + "</x:H></soap:Header>");
  EXPECT_EQ(verify(moved).error(), make_error_code(WssErrc::SignatureMisplaced));
}

TEST_F(WssTest, SecurityHeaderForAnotherRoleDoesNotCount) {
  std::string msg = signed_("alice-rsa");
  std::string other = replaceOnce(msg, "soap:mustUnderstand=\"true\"",
                                  "soap:mustUnderstand=\"true\" soap:role=\"urn:some:intermediary\"");
  EXPECT_EQ(verify(other).error(), make_error_code(WssErrc::NoSecurityHeader));
}

TEST_F(WssTest, TimestampFreshnessHonoursSkewAndLifetime) {
  const std::string msg = signed_("alice-ec");  // 12:00:00 .. 12:05:00
  verify_clock_.setSystem(*parseXsdDateTime("2030-06-01T12:05:59Z"));
  EXPECT_TRUE(verify(msg)) << "inside 60 s skew after Expires";
  verify_clock_.setSystem(*parseXsdDateTime("2030-06-01T12:06:01Z"));
  EXPECT_EQ(verify(msg).error(), make_error_code(WssErrc::TimestampExpired));
  verify_clock_.setSystem(*parseXsdDateTime("2030-06-01T11:59:01Z"));
  EXPECT_TRUE(verify(msg)) << "inside 60 s skew before Created";
  verify_clock_.setSystem(*parseXsdDateTime("2030-06-01T11:58:59Z"));
  EXPECT_EQ(verify(msg).error(), make_error_code(WssErrc::TimestampInFuture));
  verify_clock_.setSystem(*parseXsdDateTime("2030-06-01T12:01:00Z"));
  SignOptions long_ttl;
  long_ttl.ttl = std::chrono::hours(2);
  EXPECT_EQ(verify(signed_("alice-ec", long_ttl)).error(), make_error_code(WssErrc::TimestampTooLong));
  std::string no_ts = msg;
  auto a = no_ts.find("<wsu:Timestamp");
  auto z = no_ts.find("</wsu:Timestamp>") + std::string("</wsu:Timestamp>").size();
  no_ts.erase(a, z - a);
  EXPECT_EQ(verify(no_ts).error(), make_error_code(WssErrc::NoTimestamp));
}

TEST_F(WssTest, ReplayIsDetectedEvenWithAMalleatedEcdsaSignature) {
  MemoryReplayCache cache;
  const std::string msg = signed_("alice-ec");
  // (r, n - s) is a second valid ECDSA signature of the same SignedInfo.
  std::string raw;
  const std::string b64 = between(msg, "<ds:SignatureValue>", "</ds:SignatureValue>");
  ASSERT_TRUE(base64Decode(b64, raw));
  ASSERT_EQ(raw.size(), 64u);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  EC_GROUP* g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  BIGNUM* ns = BN_new();
  BN_sub(ns, EC_GROUP_get0_order(g), s);
  unsigned char out[32];
  BN_bn2binpad(ns, out, 32);
  std::string raw2 = raw.substr(0, 32) + std::string(reinterpret_cast<char*>(out), 32);
  BN_free(s);
  BN_free(ns);
  EC_GROUP_free(g);
  const std::string malleated = replaceOnce(msg, b64, base64Encode(raw2));
  ASSERT_NE(malleated, msg);
  EXPECT_TRUE(verify(malleated)) << "malleated signature is cryptographically valid";
  ASSERT_TRUE(verify(msg, {}, &cache));
  EXPECT_EQ(verify(msg, {}, &cache).error(), make_error_code(WssErrc::Replay));
  EXPECT_EQ(verify(malleated, {}, &cache).error(), make_error_code(WssErrc::Replay));
  // A failed verification does not poison the cache for the genuine message.
  MemoryReplayCache cache2;
  EXPECT_FALSE(verify(replaceOnce(msg, "0.10", "9.10"), {}, &cache2));
  EXPECT_TRUE(verify(msg, {}, &cache2));
}

TEST_F(WssTest, UntrustedSignersAreRejected) {
  EXPECT_EQ(verify(signed_("mallory-rsa")).error(), make_error_code(WssErrc::UntrustedCertificate));
  // alice's own key in a self-signed certificate
  auto env = Envelope::parse(sample_);
  ASSERT_TRUE(signEnvelope(*env, key("alice-rsa"), cert("alice-rsa-selfsigned"), clock_));
  EXPECT_EQ(verify(env->serialize()).error(), make_error_code(WssErrc::UntrustedCertificate));
  // ... accepted when exactly that certificate is pinned
  TrustStore pinned;
  ASSERT_TRUE(pinned.addAnchorsPemFile(kKit + "keys/alice-rsa-selfsigned.pem"));
  Verifier v(pinned, {}, verify_clock_);
  EXPECT_TRUE(v.verify(env->serialize()));
}

TEST_F(WssTest, KeyValueAndForeignKeyInfoAreRefused) {
  const std::string msg = signed_("alice-rsa");
  const std::string ki = between(msg, "<ds:KeyInfo>", "</ds:KeyInfo>");
  std::string kv = replaceOnce(msg, ki, "<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>AQAB</ds:Modulus><ds:Exponent>AQAB</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>");
  EXPECT_EQ(verify(kv).error(), make_error_code(WssErrc::KeySourceNotAllowed));
  std::string kn = replaceOnce(msg, ki, "<ds:KeyName>alice</ds:KeyName>");
  EXPECT_EQ(verify(kn).error(), make_error_code(WssErrc::KeySourceNotAllowed));
  // STR pointing at the Timestamp instead of a BinarySecurityToken
  std::string ts_id = between(msg, "<wsu:Timestamp wsu:Id=\"", "\"");
  std::string bst_id = between(ki, "URI=\"#", "\"");
  std::string wrong = replaceOnce(msg, "URI=\"#" + bst_id + "\"", "URI=\"#" + ts_id + "\"");
  EXPECT_EQ(verify(wrong).error(), make_error_code(WssErrc::NoSecurityToken));
}

TEST_F(WssTest, KeyTypeMustMatchSignatureMethod) {
  std::string msg = signed_("alice-rsa");
  msg = replaceOnce(msg, "xmldsig-more#rsa-sha256", "xmldsig-more#ecdsa-sha256");
  EXPECT_EQ(verify(msg).error(), make_error_code(WssErrc::KeyAlgorithmMismatch));
}

TEST_F(WssTest, AlgorithmDowngradesAreRefused) {
  const std::string msg = signed_("alice-rsa");
  EXPECT_EQ(verify(replaceOnce(msg, "xmldsig-more#rsa-sha256", "xmldsig#rsa-sha1")).error(),
            make_error_code(WssErrc::AlgorithmNotAllowed));
  EXPECT_EQ(verify(replaceOnce(msg, "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2000/09/xmldsig#sha1")).error(),
            make_error_code(WssErrc::AlgorithmNotAllowed));
  EXPECT_EQ(verify(replaceOnce(msg, "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"",
                               "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\""))
                .error(),
            make_error_code(WssErrc::AlgorithmNotAllowed));
  // An extra (XSLT) transform on a reference
  EXPECT_EQ(verify(replaceOnce(msg, "<ds:Transforms>", "<ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>")).error(),
            make_error_code(WssErrc::AlgorithmNotAllowed));
  VerifyPolicy no_rsa;
  no_rsa.allow_rsa = false;
  EXPECT_EQ(verify(msg, no_rsa).error(), make_error_code(WssErrc::AlgorithmNotAllowed));
}

TEST_F(WssTest, ExternalReferenceUrisAreRefused) {
  const std::string msg = signed_("alice-rsa");
  const std::string first_uri = between(msg, "<ds:Reference URI=\"", "\"");
  EXPECT_EQ(verify(replaceOnce(msg, "URI=\"" + first_uri + "\"", "URI=\"http://evil.test/x\"")).error(),
            make_error_code(WssErrc::ReferenceNotAllowed));
  EXPECT_EQ(verify(replaceOnce(msg, "URI=\"" + first_uri + "\"", "URI=\"#nope\"")).error(),
            make_error_code(WssErrc::UnresolvedReference));
}

TEST_F(WssTest, TamperingSignedContentBreaksTheDigest) {
  const std::string msg = signed_("alice-ec");
  EXPECT_EQ(verify(replaceOnce(msg, "sip:bob@example.test", "sip:eve@example.test")).error(),
            make_error_code(WssErrc::DigestMismatch));
  EXPECT_EQ(verify(replaceOnce(msg, "12:05:00.000Z", "12:05:30.000Z")).error(),
            make_error_code(WssErrc::DigestMismatch));
  const std::string sv = between(msg, "<ds:SignatureValue>", "</ds:SignatureValue>");
  std::string flipped = sv;
  flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify(replaceOnce(msg, sv, flipped)).error(), make_error_code(WssErrc::SignatureMismatch));
}

TEST_F(WssTest, RevokedAndExpiredCertificatesAreRejected) {
  TrustStore with_crl;
  ASSERT_TRUE(with_crl.addAnchorsPemFile(kKit + "keys/ca.pem"));
  ASSERT_TRUE(with_crl.addCrlPemFile(kKit + "keys/crl-alice-ec-revoked.pem"));
  Verifier v(with_crl, {}, verify_clock_);
  EXPECT_EQ(v.verify(signed_("alice-ec")).error(), make_error_code(WssErrc::CertificateRevoked));
  EXPECT_TRUE(v.verify(signed_("alice-rsa")));
  // Certificates are valid until 2046-11-28: a message from 2047 fails on the certificate.
  clock_.setSystem(*parseXsdDateTime("2047-01-01T00:00:00Z"));
  verify_clock_.setSystem(*parseXsdDateTime("2047-01-01T00:01:00Z"));
  EXPECT_EQ(verify(signed_("alice-rsa")).error(), make_error_code(WssErrc::CertificateNotValidNow));
}

TEST_F(WssTest, SecurityFaultCarriesTheWssSubcodeAndEscapedReason) {
  const std::string f = buildSecurityFault(make_error_code(WssErrc::DigestMismatch));
  auto env = Envelope::parse(f);
  ASSERT_TRUE(env);
  EXPECT_NE(f.find("<env:Value>env:Sender</env:Value>"), std::string::npos);
  EXPECT_NE(f.find("<env:Value>wsse:FailedCheck</env:Value>"), std::string::npos);
  const std::string g = buildFault(FaultCode::Receiver, "", "a<b & c");
  EXPECT_NE(g.find("a&lt;b &amp; c"), std::string::npos);
  EXPECT_NE(g.find("xml:lang=\"en\""), std::string::npos);
  EXPECT_EQ(faultSubcode(WssErrc::Replay), "wsu:MessageExpired");
}

}  // namespace
}  // namespace insip::wssec
