// SPDX-License-Identifier: Apache-2.0
// Independent WS-Security 1.1 signature peer on Apache Santuario C++ 2.0 (xml-security-c, on
// Xerces-C; no code shared with libxmlsec1 or libxml2) for tests/integration/test_wss_interop.py.
// One result line; exit 0 = success, 1 = rejected, 2 = usage or I/O error.
//
//   xsec-peer sign   --key K.pem --cert C.pem --created YYYY-MM-DDTHH:MM:SSZ IN OUT
//   xsec-peer verify --ca CA.pem --now YYYY-MM-DDTHH:MM:SSZ IN
//
// Santuario resolves wsu:Id only with setIdByAttributeName(true) + registerIdAttributeNameNS.
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <xercesc/dom/DOM.hpp>
#include <xercesc/framework/LocalFileFormatTarget.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xsec/dsig/DSIGConstants.hpp>
#include <xsec/dsig/DSIGReference.hpp>
#include <xsec/dsig/DSIGReferenceList.hpp>
#include <xsec/dsig/DSIGSignature.hpp>
#include <xsec/enc/OpenSSL/OpenSSLCryptoKeyEC.hpp>
#include <xsec/enc/OpenSSL/OpenSSLCryptoKeyRSA.hpp>
#include <xsec/enc/XSECCryptoException.hpp>
#include <xsec/framework/XSECException.hpp>
#include <xsec/framework/XSECProvider.hpp>
#include <xsec/utils/XSECPlatformUtils.hpp>

#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace xercesc;

namespace {

const XMLCh* const kSoap = u"http://www.w3.org/2003/05/soap-envelope";
const XMLCh* const kWsse = u"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const XMLCh* const kWsu = u"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const XMLCh* const kDs = u"http://www.w3.org/2000/09/xmldsig#";
const XMLCh* const kXmlns = u"http://www.w3.org/2000/xmlns/";
const XMLCh* const kX509v3 =
    u"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
const XMLCh* const kBase64 =
    u"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
constexpr long kSkew = 60;

struct Rejected : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string str(const XMLCh* s) {
  if (s == nullptr) return {};
  char* c = XMLString::transcode(s);
  std::string out(c);
  XMLString::release(&c);
  return out;
}

struct XStr {
  explicit XStr(const std::string& s) : p(XMLString::transcode(s.c_str())) {}
  ~XStr() { XMLString::release(&p); }
  XStr(const XStr&) = delete;
  XStr& operator=(const XStr&) = delete;
  XMLCh* p;
};

bool is(const DOMNode* n, const XMLCh* ns, const XMLCh* local) {
  return n != nullptr && n->getNodeType() == DOMNode::ELEMENT_NODE && XMLString::equals(n->getNamespaceURI(), ns) &&
         XMLString::equals(n->getLocalName(), local);
}

std::vector<DOMElement*> children(const DOMNode* n) {
  std::vector<DOMElement*> out;
  for (DOMNode* c = n->getFirstChild(); c != nullptr; c = c->getNextSibling()) {
    if (c->getNodeType() == DOMNode::ELEMENT_NODE) out.push_back(static_cast<DOMElement*>(c));
  }
  return out;
}

DOMElement* child(const DOMNode* n, const XMLCh* ns, const XMLCh* local) {
  for (DOMElement* c : children(n)) {
    if (is(c, ns, local)) return c;
  }
  return nullptr;
}

// "YYYY-MM-DDTHH:MM:SS[.fff]Z" -> seconds since the epoch.
time_t parseTime(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) throw Rejected("bad time '" + s + "'");
  if (*end == '.') {
    ++end;
    while (*end >= '0' && *end <= '9') ++end;
  }
  if (std::string(end) != "Z") throw Rejected("time '" + s + "' is not UTC");
  return timegm(&tm);
}

std::string formatTime(time_t t) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct Parsed {
  std::unique_ptr<XercesDOMParser> parser;
  std::unique_ptr<SecurityManager> sm;
  DOMDocument* doc;
};

// Namespace-aware Xerces parse: no DTD loading, entity expansion bounded, DOCTYPE refused.
Parsed parse(const std::string& path) {
  Parsed p{std::make_unique<XercesDOMParser>(), std::make_unique<SecurityManager>(), nullptr};
  p.parser->setDoNamespaces(true);
  p.parser->setLoadExternalDTD(false);
  p.parser->setDisableDefaultEntityResolution(true);
  p.parser->setCreateEntityReferenceNodes(false);
  p.sm->setEntityExpansionLimit(16);
  p.parser->setSecurityManager(p.sm.get());
  p.parser->parse(path.c_str());
  if (p.parser->getErrorCount() != 0) throw Rejected("XML parse error");
  p.doc = p.parser->getDocument();
  if (p.doc == nullptr || p.doc->getDocumentElement() == nullptr) throw Rejected("empty document");
  if (p.doc->getDoctype() != nullptr) throw Rejected("DOCTYPE not allowed");
  return p;
}

EVP_PKEY* readKey(const std::string& path) {
  BIO* b = BIO_new_file(path.c_str(), "r");
  if (b == nullptr) throw std::runtime_error("cannot read " + path);
  EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (k == nullptr) throw std::runtime_error("bad private key " + path);
  return k;
}

X509* readCertPem(const std::string& path) {
  BIO* b = BIO_new_file(path.c_str(), "r");
  if (b == nullptr) throw std::runtime_error("cannot read " + path);
  X509* x = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (x == nullptr) throw std::runtime_error("bad certificate " + path);
  return x;
}

std::string certBase64(X509* x) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(x, &der);
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), der, len);
  OPENSSL_free(der);
  out.resize(n);
  return out;
}

X509* certFromBase64(const std::string& b64in) {
  std::string b64;
  for (char c : b64in) {
    if (!isspace(static_cast<unsigned char>(c))) b64 += c;
  }
  std::string der(b64.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) throw Rejected("bad base64 in BinarySecurityToken");
  while (!b64.empty() && b64.back() == '=') {
    b64.pop_back();
    --n;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, n);
  if (x == nullptr) throw Rejected("BinarySecurityToken is not an X.509 certificate");
  return x;
}

std::string randomId(const char* prefix) {
  unsigned char b[8];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string out = std::string(prefix) + "-";
  for (unsigned char c : b) out += "0123456789abcdef"[c >> 4], out += "0123456789abcdef"[c & 15];
  return out;
}

std::string setWsuId(DOMElement* e, const char* prefix) {
  std::string id = str(e->getAttributeNS(kWsu, u"Id"));
  if (id.empty()) {
    id = randomId(prefix);
    e->setAttributeNS(kXmlns, u"xmlns:wsu", kWsu);
    e->setAttributeNS(kWsu, u"wsu:Id", XStr(id).p);
  }
  return id;
}

void write(DOMDocument* doc, const std::string& path) {
  DOMImplementation* impl = DOMImplementationRegistry::getDOMImplementation(u"LS");
  DOMLSSerializer* ser = static_cast<DOMImplementationLS*>(impl)->createLSSerializer();
  DOMLSOutput* out = static_cast<DOMImplementationLS*>(impl)->createLSOutput();
  LocalFileFormatTarget target(path.c_str());
  out->setByteStream(&target);
  out->setEncoding(u"UTF-8");
  ser->write(doc, out);
  out->release();
  ser->release();
}

XSECCryptoKey* cryptoKey(EVP_PKEY* k) {
  if (EVP_PKEY_base_id(k) == EVP_PKEY_EC) return new OpenSSLCryptoKeyEC(k);
  if (EVP_PKEY_base_id(k) == EVP_PKEY_RSA) return new OpenSSLCryptoKeyRSA(k);
  throw std::runtime_error("unsupported key type");
}

int sign(std::map<std::string, std::string>& o, const std::vector<std::string>& pos) {
  EVP_PKEY* key = readKey(o.at("key"));
  X509* cert = readCertPem(o.at("cert"));
  const bool ec = EVP_PKEY_base_id(key) == EVP_PKEY_EC;
  const time_t created = parseTime(o.at("created"));
  Parsed p = parse(pos.at(0));
  DOMDocument* doc = p.doc;
  DOMElement* env = doc->getDocumentElement();
  DOMElement* body = child(env, kSoap, u"Body");
  if (!is(env, kSoap, u"Envelope") || body == nullptr) throw Rejected("not a SOAP 1.2 envelope");
  DOMElement* header = child(env, kSoap, u"Header");
  if (header == nullptr) {
    header = doc->createElementNS(kSoap, u"soap:Header");
    env->insertBefore(header, body);
  }
  DOMElement* sec = doc->createElementNS(kWsse, u"wsse:Security");
  sec->setAttributeNS(kXmlns, u"xmlns:wsse", kWsse);
  sec->setAttributeNS(kXmlns, u"xmlns:wsu", kWsu);
  header->appendChild(sec);
  DOMElement* ts = doc->createElementNS(kWsu, u"wsu:Timestamp");
  sec->appendChild(ts);
  DOMElement* c = doc->createElementNS(kWsu, u"wsu:Created");
  c->setTextContent(XStr(formatTime(created)).p);
  DOMElement* x = doc->createElementNS(kWsu, u"wsu:Expires");
  x->setTextContent(XStr(formatTime(created + 300)).p);
  ts->appendChild(c);
  ts->appendChild(x);
  DOMElement* bst = doc->createElementNS(kWsse, u"wsse:BinarySecurityToken");
  bst->setAttribute(u"EncodingType", kBase64);
  bst->setAttribute(u"ValueType", kX509v3);
  bst->setTextContent(XStr(certBase64(cert)).p);
  sec->appendChild(bst);
  const std::string ts_id = setWsuId(ts, "TS");
  const std::string bst_id = setWsuId(bst, "X509");
  const std::string body_id = setWsuId(body, "Body");

  XSECProvider prov;
  DSIGSignature* sig = prov.newSignature();
  sig->setDSIGNSPrefix(u"ds");
  sig->setIdByAttributeName(true);
  sig->registerIdAttributeNameNS(kWsu, u"Id");
  DOMElement* sig_node = sig->createBlankSignature(doc, DSIGConstants::s_unicodeStrURIEXC_C14N_NOC,
                                                   ec ? DSIGConstants::s_unicodeStrURIECDSA_SHA256
                                                      : DSIGConstants::s_unicodeStrURIRSA_SHA256);
  sec->appendChild(sig_node);
  for (const std::string& id : {body_id, ts_id}) {
    DSIGReference* ref = sig->createReference(XStr("#" + id).p, DSIGConstants::s_unicodeStrURISHA256);
    ref->appendCanonicalizationTransform(DSIGConstants::s_unicodeStrURIEXC_C14N_NOC);
  }
  sig->setSigningKey(cryptoKey(key));
  sig->sign();
  // KeyInfo (not covered by the signature): STR -> the BinarySecurityToken.
  DOMElement* ki = doc->createElementNS(kDs, u"ds:KeyInfo");
  DOMElement* str_el = doc->createElementNS(kWsse, u"wsse:SecurityTokenReference");
  DOMElement* r = doc->createElementNS(kWsse, u"wsse:Reference");
  r->setAttribute(u"URI", XStr("#" + bst_id).p);
  r->setAttribute(u"ValueType", kX509v3);
  str_el->appendChild(r);
  ki->appendChild(str_el);
  sig_node->appendChild(ki);
  write(doc, pos.at(1));
  prov.releaseSignature(sig);
  X509_free(cert);
  EVP_PKEY_free(key);
  std::cout << "SIGNED: " << (ec ? "ecdsa-sha256" : "rsa-sha256") << " body=#" << body_id << " ts=#" << ts_id
            << "\n";
  return 0;
}

int verify(std::map<std::string, std::string>& o, const std::vector<std::string>& pos) {
  X509* ca = readCertPem(o.at("ca"));
  const time_t now = parseTime(o.at("now"));
  Parsed p = parse(pos.at(0));
  DOMDocument* doc = p.doc;
  DOMElement* env = doc->getDocumentElement();
  DOMElement* header = child(env, kSoap, u"Header");
  DOMElement* body = child(env, kSoap, u"Body");
  if (!is(env, kSoap, u"Envelope") || header == nullptr || body == nullptr) throw Rejected("not a SOAP 1.2 envelope");
  std::vector<DOMElement*> secs;
  for (DOMElement* h : children(header)) {
    if (is(h, kWsse, u"Security")) secs.push_back(h);
  }
  if (secs.size() != 1) throw Rejected("need exactly one wsse:Security");
  DOMElement* sec = secs[0];

  // Unique Id-like attributes; the references must cover THE Body and THE Timestamp.
  std::map<std::string, DOMElement*> ids;
  std::vector<DOMElement*> stack{env};
  while (!stack.empty()) {
    DOMElement* e = stack.back();
    stack.pop_back();
    DOMNamedNodeMap* attrs = e->getAttributes();
    for (XMLSize_t i = 0; i < attrs->getLength(); ++i) {
      const std::string ln = str(attrs->item(i)->getLocalName());
      if (ln == "Id" || ln == "ID" || ln == "id") {
        if (!ids.emplace(str(attrs->item(i)->getNodeValue()), e).second) throw Rejected("duplicate id");
      }
    }
    for (DOMElement* c : children(e)) stack.push_back(c);
  }
  std::vector<DOMElement*> tss;
  for (DOMElement* c : children(sec)) {
    if (is(c, kWsu, u"Timestamp")) tss.push_back(c);
  }
  if (tss.size() != 1) throw Rejected("need exactly one wsu:Timestamp");
  DOMElement* ts = tss[0];
  DOMElement* created = child(ts, kWsu, u"Created");
  DOMElement* expires = child(ts, kWsu, u"Expires");
  if (created == nullptr || expires == nullptr) throw Rejected("Timestamp needs Created and Expires");
  const time_t c = parseTime(str(created->getTextContent()));
  const time_t x = parseTime(str(expires->getTextContent()));
  if (x <= c || c > now + kSkew || x + kSkew < now) throw Rejected("Timestamp not fresh at --now");

  DOMNodeList* sigs = doc->getElementsByTagNameNS(kDs, u"Signature");
  if (sigs->getLength() != 1) throw Rejected("expected exactly one ds:Signature");
  auto* sig_node = static_cast<DOMElement*>(sigs->item(0));
  if (sig_node->getParentNode() != sec) throw Rejected("ds:Signature not in wsse:Security");
  DOMElement* ki = child(sig_node, kDs, u"KeyInfo");
  DOMElement* str_el = ki ? child(ki, kWsse, u"SecurityTokenReference") : nullptr;
  DOMElement* ref = str_el ? child(str_el, kWsse, u"Reference") : nullptr;
  if (ref == nullptr) throw Rejected("KeyInfo must be an STR with wsse:Reference");
  std::string uri = str(ref->getAttribute(u"URI"));
  auto tok = uri.size() > 1 && uri[0] == '#' ? ids.find(uri.substr(1)) : ids.end();
  if (tok == ids.end() || !is(tok->second, kWsse, u"BinarySecurityToken") || tok->second->getParentNode() != sec ||
      !XMLString::equals(tok->second->getAttribute(u"ValueType"), kX509v3)) {
    throw Rejected("STR does not name an X509v3 BinarySecurityToken in this Security header");
  }
  X509* cert = certFromBase64(str(tok->second->getTextContent()));
  EVP_PKEY* ca_key = X509_get0_pubkey(ca);
  if (X509_check_issued(ca, cert) != X509_V_OK || X509_verify(cert, ca_key) != 1) {
    throw Rejected("signer not issued by the CA");
  }
  time_t t = now;
  if (X509_cmp_time(X509_get0_notBefore(cert), &t) > 0 || X509_cmp_time(X509_get0_notAfter(cert), &t) < 0) {
    throw Rejected("signer certificate not valid at --now");
  }

  XSECProvider prov;
  DSIGSignature* sig = prov.newSignatureFromDOM(doc, sig_node);
  sig->setIdByAttributeName(true);
  sig->registerIdAttributeNameNS(kWsu, u"Id");
  sig->load();
  const std::string alg = str(sig->getAlgorithmURI());
  const bool ec = EVP_PKEY_base_id(X509_get0_pubkey(cert)) == EVP_PKEY_EC;
  if (alg != (ec ? URI_ID_ECDSA_SHA256 : URI_ID_RSA_SHA256)) throw Rejected("SignatureMethod " + alg + " not allowed");
  if (str(sig->getCanonicalizationMethod()) != URI_ID_EXC_C14N_NOC) throw Rejected("CanonicalizationMethod not exc-c14n");
  std::set<DOMElement*> covered;
  DSIGReferenceList* refs = sig->getReferenceList();
  for (DSIGReferenceList::size_type i = 0; i < refs->getSize(); ++i) {
    DSIGReference* r = refs->item(i);
    const std::string ruri = str(r->getURI());
    if (str(r->getAlgorithmURI()) != URI_ID_SHA256) throw Rejected("DigestMethod not SHA-256");
    auto it = ruri.size() > 1 && ruri[0] == '#' ? ids.find(ruri.substr(1)) : ids.end();
    if (it == ids.end()) throw Rejected("Reference " + ruri + " does not resolve");
    covered.insert(it->second);
  }
  if (covered.count(body) == 0) throw Rejected("soap:Body is not signed");
  if (covered.count(ts) == 0) throw Rejected("wsu:Timestamp is not signed");
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  sig->setSigningKey(cryptoKey(pub));
  if (!sig->verify()) throw Rejected("Santuario core validation failed: " + str(sig->getErrMsgs()));
  char subject[256];
  X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
  std::cout << "VALID: signer=\"" << subject << "\" alg=" << (ec ? "ecdsa-sha256" : "rsa-sha256") << "\n";
  prov.releaseSignature(sig);
  X509_free(cert);
  X509_free(ca);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd != "sign" && cmd != "verify") {
    std::cerr << "usage: xsec-peer sign|verify ...\n";
    return 2;
  }
  std::map<std::string, std::string> o;
  std::vector<std::string> pos;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0 && i + 1 < argc) {
      o[a.substr(2)] = argv[++i];
    } else {
      pos.push_back(a);
    }
  }
  XMLPlatformUtils::Initialize();
  XSECPlatformUtils::Initialise();
  int rc = 2;
  try {
    rc = cmd == "sign" ? sign(o, pos) : verify(o, pos);
  } catch (const Rejected& e) {
    std::cout << (cmd == "verify" ? "INVALID: " : "FAILED: ") << e.what() << "\n";
    rc = 1;
  } catch (const XSECException& e) {
    std::cout << (cmd == "verify" ? "INVALID: " : "FAILED: ") << "Santuario: " << str(e.getMsg()) << "\n";
    rc = 1;
  } catch (const XSECCryptoException& e) {
    std::cout << (cmd == "verify" ? "INVALID: " : "FAILED: ") << "Santuario crypto: " << e.getMsg() << "\n";
    rc = 1;
  } catch (const std::exception& e) {
    std::cerr << "xsec-peer " << cmd << ": " << e.what() << "\n";
    rc = 2;
  }
  XSECPlatformUtils::Terminate();
  XMLPlatformUtils::Terminate();
  return rc;
}
