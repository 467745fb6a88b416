#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Independent WS-Security 1.1 peer for insip's interop test (tests/integration/test_wss_interop.py).
// Signatures use npm xml-crypto, encryption uses npm xml-encryption: pure JavaScript on Node's
// crypto, no code shared with libxmlsec1. One result line; exit 0 = success, 1 = rejected,
// 2 = usage or I/O error.
//
//   node wss-peer.js sign    --key K.pem --cert C.pem --created ISO [--ttl S] IN OUT
//   node wss-peer.js verify  --ca CA.pem --now ISO [--decrypt-key K.pem] [--out F] IN
//   node wss-peer.js encrypt --cert C.pem [--alg aes256-gcm|aes128-gcm|aes256-cbc]
//                            [--header '{namespace-uri}local']... IN OUT
//   node wss-peer.js decrypt --key K.pem IN OUT
//
// encrypt always encrypts the Body content; each --header (repeatable) also encrypts every
// soap:Header child of that name as a whole element, wrapped in wsse11:EncryptedHeader (WSS 1.1
// §9.3). decrypt (and verify --decrypt-key) put such headers back in place of their wrappers.
"use strict";
const fs = require("fs");
const crypto = require("crypto");
const { DOMParser, XMLSerializer } = require("@xmldom/xmldom");
const { SignedXml } = require("xml-crypto");
const xmlenc = require("xml-encryption");

const NS = {
  soap: "http://www.w3.org/2003/05/soap-envelope",
  wsse: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
  wsu: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
  ds: "http://www.w3.org/2000/09/xmldsig#",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
  wsse11: "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd",
  xmlns: "http://www.w3.org/2000/xmlns/",
};
const URI = {
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
  rsaSha256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  ecdsaSha256: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
  x509v3: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3",
  base64: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary",
  rsaOaepMgf1p: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
  content: "http://www.w3.org/2001/04/xmlenc#Content",
  element: "http://www.w3.org/2001/04/xmlenc#Element",
};
// SOAP 1.2 attributes a header block's EncryptedHeader wrapper must carry too (WSS 1.1 §9.3).
const SOAP_HEADER_ATTRS = ["mustUnderstand", "role", "relay"];
const REPEATABLE = new Set(["header"]);
const DATA_ALGS = {
  "aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm",
  "aes128-gcm": "http://www.w3.org/2009/xmlenc11#aes128-gcm",
  "aes256-cbc": "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
};
const MAX_SKEW_MS = 60 * 1000;

class Rejected extends Error {}

// ECDSA-SHA256 for xml-crypto (it ships RSA and HMAC only). XML-DSig 1.1 §6.4.3 wants the
// signature as the raw r||s concatenation (IEEE P1363), not a DER SEQUENCE.
class EcdsaSha256 {
  getSignature(signedInfo, privateKey) {
    return crypto.sign("sha256", Buffer.from(signedInfo), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64");
  }
  verifySignature(material, key, signatureValue) {
    try {
      return crypto.verify("sha256", Buffer.from(material), { key, dsaEncoding: "ieee-p1363" },
                           Buffer.from(signatureValue, "base64"));
    } catch (e) {
      return false;
    }
  }
  getAlgorithmName() {
    return URI.ecdsaSha256;
  }
}

function parseArgs(argv) {
  const opts = { _: [] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i].startsWith("--")) {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      const name = argv[i].slice(2);
      if (REPEATABLE.has(name)) (opts[name] = opts[name] || []).push(argv[++i]);
      else opts[name] = argv[++i];
    } else {
      opts._.push(argv[i]);
    }
  }
  return opts;
}

function parseXml(text) {
  const errors = [];
  const doc = new DOMParser({
    onError: (level, msg) => { if (level !== "warning") errors.push(msg); },
  }).parseFromString(text, "text/xml");
  if (errors.length) throw new Rejected(`XML parse error: ${errors[0]}`);
  if (doc.doctype) throw new Rejected("DOCTYPE not allowed");
  return doc;
}

const serialize = (node) => new XMLSerializer().serializeToString(node);
const elementChildren = (n) => Array.from(n.childNodes).filter((c) => c.nodeType === 1);
const is = (n, ns, local) => n != null && n.nodeType === 1 && n.namespaceURI === ns && n.localName === local;
const child = (n, ns, local) => elementChildren(n).find((c) => is(c, ns, local)) || null;
const pemCert = (der) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`;

// Envelope/Header/Body and the single wsse:Security header (SOAP 1.2 §5, WSS 1.1 §6).
function soapParts(doc, { createHeader = false } = {}) {
  const env = doc.documentElement;
  if (!is(env, NS.soap, "Envelope")) throw new Rejected("root is not a SOAP 1.2 Envelope");
  let header = child(env, NS.soap, "Header");
  const body = child(env, NS.soap, "Body");
  if (!body) throw new Rejected("no soap:Body");
  if (!header && createHeader) {
    header = doc.createElementNS(NS.soap, `${env.prefix ? env.prefix + ":" : ""}Header`);
    env.insertBefore(header, body);
  }
  const secs = header ? elementChildren(header).filter((c) => is(c, NS.wsse, "Security")) : [];
  if (secs.length > 1) throw new Rejected("more than one wsse:Security header");
  return { env, header, body, security: secs[0] || null };
}

function ensureSecurity(doc, parts) {
  if (parts.security) return parts.security;
  const sec = doc.createElementNS(NS.wsse, "wsse:Security");
  sec.setAttributeNS(NS.xmlns, "xmlns:wsse", NS.wsse);
  sec.setAttributeNS(NS.xmlns, "xmlns:wsu", NS.wsu);
  sec.setAttributeNS(NS.soap, `${parts.env.prefix || "soap"}:mustUnderstand`, "true");
  parts.header.appendChild(sec);
  parts.security = sec;
  return sec;
}

// All Id-like attributes (Id, ID, id, in any namespace), which must be unique in the message.
function indexIds(doc) {
  const byId = new Map();
  const walk = (n) => {
    if (n.nodeType !== 1) return;
    for (const a of Array.from(n.attributes)) {
      if (a.localName === "Id" || a.localName === "ID" || a.localName === "id") {
        if (byId.has(a.value)) throw new Rejected(`duplicate id '${a.value}'`);
        byId.set(a.value, n);
      }
    }
    elementChildren(n).forEach(walk);
  };
  walk(doc.documentElement);
  return byId;
}

function wsuId(doc, el, prefix) {
  const existing = el.getAttributeNS(NS.wsu, "Id");
  if (existing) return existing;
  const id = `${prefix}-${crypto.randomBytes(8).toString("hex")}`;
  el.setAttributeNS(NS.xmlns, "xmlns:wsu", NS.wsu);
  el.setAttributeNS(NS.wsu, "wsu:Id", id);
  return id;
}

function sign(o) {
  const [inPath, outPath] = o._;
  const keyPem = fs.readFileSync(o.key, "utf8");
  const certPem = fs.readFileSync(o.cert, "utf8");
  const keyType = crypto.createPrivateKey(keyPem).asymmetricKeyType;
  const alg = keyType === "ec" ? URI.ecdsaSha256 : keyType === "rsa" ? URI.rsaSha256 : null;
  if (!alg) throw new Error(`unsupported key type ${keyType}`);
  const created = new Date(o.created);
  if (isNaN(created)) throw new Error("--created must be an ISO-8601 time");
  const expires = new Date(created.getTime() + 1000 * Number(o.ttl || 300));

  const doc = parseXml(fs.readFileSync(inPath, "utf8"));
  const parts = soapParts(doc, { createHeader: true });
  const sec = ensureSecurity(doc, parts);
  const ts = doc.createElementNS(NS.wsu, "wsu:Timestamp");
  for (const [name, t] of [["Created", created], ["Expires", expires]]) {
    const e = doc.createElementNS(NS.wsu, `wsu:${name}`);
    e.appendChild(doc.createTextNode(t.toISOString().replace(/\.000Z$/, "Z")));
    ts.appendChild(e);
  }
  sec.insertBefore(ts, sec.firstChild);
  const tsId = wsuId(doc, ts, "TS");
  const bst = doc.createElementNS(NS.wsse, "wsse:BinarySecurityToken");
  bst.setAttribute("EncodingType", URI.base64);
  bst.setAttribute("ValueType", URI.x509v3);
  bst.appendChild(doc.createTextNode(new crypto.X509Certificate(certPem).raw.toString("base64")));
  sec.appendChild(bst);
  const bstId = wsuId(doc, bst, "X509");
  const bodyId = wsuId(doc, parts.body, "Body");

  const sx = new SignedXml({
    privateKey: keyPem,
    signatureAlgorithm: alg,
    canonicalizationAlgorithm: URI.excC14n,
    idMode: "wssecurity",
    getKeyInfoContent: () =>
      `<wsse:SecurityTokenReference xmlns:wsse="${NS.wsse}"><wsse:Reference URI="#${bstId}" ValueType="${URI.x509v3}"/></wsse:SecurityTokenReference>`,
  });
  sx.SignatureAlgorithms[URI.ecdsaSha256] = EcdsaSha256;
  for (const id of [bodyId, tsId]) {
    sx.addReference({
      xpath: `//*[@*[local-name(.)='Id' and namespace-uri(.)='${NS.wsu}']='${id}']`,
      transforms: [URI.excC14n],
      digestAlgorithm: URI.sha256,
    });
  }
  sx.computeSignature(serialize(doc), {
    prefix: "ds",
    location: { reference: `//*[local-name(.)='Security' and namespace-uri(.)='${NS.wsse}']`, action: "append" },
  });
  fs.writeFileSync(outPath, sx.getSignedXml());
  console.log(`SIGNED: ${keyType === "ec" ? "ecdsa-sha256" : "rsa-sha256"} body=#${bodyId} ts=#${tsId}`);
}

// The signer certificate named by KeyInfo: STR -> BST in this Security header, or X509Data.
function signerCert(sig, security, ids) {
  const ki = child(sig, NS.ds, "KeyInfo");
  const kc = ki ? elementChildren(ki) : [];
  if (kc.length !== 1) throw new Rejected("KeyInfo must hold exactly one key reference");
  let der;
  if (is(kc[0], NS.wsse, "SecurityTokenReference")) {
    const ref = child(kc[0], NS.wsse, "Reference");
    const uri = ref ? ref.getAttribute("URI") : "";
    if (!uri.startsWith("#")) throw new Rejected("STR is not a same-document wsse:Reference");
    const bst = ids.get(uri.slice(1));
    if (!is(bst, NS.wsse, "BinarySecurityToken") || bst.parentNode !== security ||
        bst.getAttribute("ValueType") !== URI.x509v3) {
      throw new Rejected("STR does not point to an X509v3 BinarySecurityToken in this Security header");
    }
    der = Buffer.from(bst.textContent.replace(/\s+/g, ""), "base64");
  } else if (is(kc[0], NS.ds, "X509Data")) {
    const c = child(kc[0], NS.ds, "X509Certificate");
    if (!c) throw new Rejected("X509Data without X509Certificate");
    der = Buffer.from(c.textContent.replace(/\s+/g, ""), "base64");
  } else {
    throw new Rejected(`KeyInfo/${kc[0].localName} refused`);
  }
  return new crypto.X509Certificate(der);
}

function checkTimestamp(ts, now) {
  const kids = elementChildren(ts);
  if (kids.length !== 2 || !is(kids[0], NS.wsu, "Created") || !is(kids[1], NS.wsu, "Expires")) {
    throw new Rejected("Timestamp must hold Created and Expires");
  }
  const created = new Date(kids[0].textContent.trim());
  const expires = new Date(kids[1].textContent.trim());
  if (isNaN(created) || isNaN(expires) || expires <= created) throw new Rejected("malformed Timestamp");
  if (created.getTime() > now.getTime() + MAX_SKEW_MS) throw new Rejected("Timestamp Created in the future");
  if (expires.getTime() + MAX_SKEW_MS < now.getTime()) throw new Rejected("Timestamp expired");
  return { created, expires };
}

async function verify(o) {
  const [inPath] = o._;
  const now = new Date(o.now);
  if (isNaN(now)) throw new Error("--now must be an ISO-8601 time");
  const ca = new crypto.X509Certificate(fs.readFileSync(o.ca));
  let xml = fs.readFileSync(inPath, "utf8");
  let decrypted = false;
  if (o["decrypt-key"]) {
    const r = await decryptWss(xml, fs.readFileSync(o["decrypt-key"], "utf8"));
    xml = r.xml;
    decrypted = r.count > 0;
  }
  const doc = parseXml(xml);
  const { body, security } = soapParts(doc);
  if (!security) throw new Rejected("no wsse:Security header");
  const ids = indexIds(doc);
  const ts = elementChildren(security).filter((c) => is(c, NS.wsu, "Timestamp"));
  if (ts.length !== 1) throw new Rejected("need exactly one wsu:Timestamp in wsse:Security");
  const { created, expires } = checkTimestamp(ts[0], now);

  const sigs = Array.from(doc.getElementsByTagNameNS(NS.ds, "Signature"));
  if (sigs.length !== 1) throw new Rejected(`expected one ds:Signature, found ${sigs.length}`);
  const sig = sigs[0];
  if (sig.parentNode !== security) throw new Rejected("ds:Signature is not a child of wsse:Security");
  const si = child(sig, NS.ds, "SignedInfo");
  if (!si) throw new Rejected("no SignedInfo");
  const c14n = child(si, NS.ds, "CanonicalizationMethod");
  if (!c14n || c14n.getAttribute("Algorithm") !== URI.excC14n) throw new Rejected("CanonicalizationMethod is not exc-c14n");
  const sm = child(si, NS.ds, "SignatureMethod");
  const alg = sm ? sm.getAttribute("Algorithm") : "";
  if (alg !== URI.rsaSha256 && alg !== URI.ecdsaSha256) throw new Rejected(`SignatureMethod ${alg} not allowed`);
  if (elementChildren(sm).length) throw new Rejected("SignatureMethod parameters not allowed");

  // Every Reference: #id, exactly [exc-c14n], SHA-256; together they must cover THE Body and
  // THE Timestamp (element identity, not a name match).
  const covered = new Set();
  for (const ref of elementChildren(si).filter((c) => is(c, NS.ds, "Reference"))) {
    const uri = ref.getAttribute("URI") || "";
    if (!uri.startsWith("#")) throw new Rejected(`Reference URI '${uri}' is not a same-document #id`);
    const transforms = child(ref, NS.ds, "Transforms");
    const tl = transforms ? elementChildren(transforms) : [];
    if (tl.length !== 1 || tl[0].getAttribute("Algorithm") !== URI.excC14n) throw new Rejected("Reference transforms must be [exc-c14n]");
    const dm = child(ref, NS.ds, "DigestMethod");
    if (!dm || dm.getAttribute("Algorithm") !== URI.sha256) throw new Rejected("DigestMethod must be SHA-256");
    const target = ids.get(uri.slice(1));
    if (!target) throw new Rejected(`Reference ${uri} does not resolve`);
    covered.add(target);
  }
  if (!covered.has(body)) throw new Rejected("soap:Body is not signed");
  if (!covered.has(ts[0])) throw new Rejected("wsu:Timestamp is not signed");

  const cert = signerCert(sig, security, ids);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new Rejected(`signer ${cert.subject} not issued by the CA`);
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) throw new Rejected("signer certificate not valid at --now");
  const keyType = cert.publicKey.asymmetricKeyType;
  if ((alg === URI.rsaSha256) !== (keyType === "rsa") || (alg === URI.ecdsaSha256) !== (keyType === "ec")) {
    throw new Rejected("key type does not match SignatureMethod");
  }

  const sx = new SignedXml({ publicCert: pemCert(cert.raw), getCertFromKeyInfo: () => null });
  sx.SignatureAlgorithms[URI.ecdsaSha256] = EcdsaSha256;
  sx.loadSignature(sig);
  let ok = false;
  try {
    ok = sx.checkSignature(xml);
  } catch (e) {
    throw new Rejected(`xml-crypto: ${e.message}`);
  }
  if (!ok) throw new Rejected("xml-crypto: signature or digest mismatch");
  if (o.out) fs.writeFileSync(o.out, xml);
  const subject = cert.subject.replace(/\n/g, ", ");
  console.log(`VALID: signer="${subject}" alg=${alg === URI.rsaSha256 ? "rsa-sha256" : "ecdsa-sha256"} ` +
              `created=${created.toISOString()} expires=${expires.toISOString()}${decrypted ? " decrypted" : ""}`);
}

// '{namespace-uri}local' (Clark notation) -> { ns, local }.
function parseClark(spec) {
  const m = /^\{([^}]+)\}([^{}:\s]+)$/.exec(spec);
  if (!m) throw new Error(`--header must be '{namespace-uri}local-name', got '${spec}'`);
  return { ns: m[1], local: m[2] };
}

// `el` serialised on its own with every namespace declaration in scope at its place in the
// document, so that its plaintext is a namespace-complete element wherever it is decrypted.
function serializeStandalone(el) {
  const copy = el.cloneNode(true);
  const declared = new Set(Array.from(el.attributes).filter((a) => a.namespaceURI === NS.xmlns).map((a) => a.name));
  for (let n = el.parentNode; n && n.nodeType === 1; n = n.parentNode) {
    for (const a of Array.from(n.attributes)) {
      if (a.namespaceURI !== NS.xmlns || declared.has(a.name)) continue;
      declared.add(a.name);
      copy.setAttributeNS(NS.xmlns, a.name, a.value);
    }
  }
  return serialize(copy);
}

// xml-encryption encrypts `plaintext` under a fresh session key: a plain XML-Enc EncryptedData
// with the EncryptedKey embedded in its KeyInfo. We take the EncryptedKey out (it goes into
// wsse:Security), give the EncryptedData an Id and Type, name the recipient with an
// STR/X509IssuerSerial (what WSS X.509 Token Profile §3.2 recommends) and add the ReferenceList
// pointing at the EncryptedData. Returns both elements (owned by a scratch document).
async function xmlencEncrypt(plaintext, type, cert, certPem, alg) {
  const encXml = await new Promise((resolve, reject) =>
    xmlenc.encrypt(plaintext, {
      rsa_pub: cert.publicKey.export({ type: "spki", format: "pem" }),
      pem: certPem,
      encryptionAlgorithm: alg,
      keyEncryptionAlgorithm: URI.rsaOaepMgf1p,
      disallowEncryptionWithInsecureAlgorithm: false, // aes256-cbc is only offered on request
      warnInsecureAlgorithm: false,
    }, (err, r) => (err ? reject(err) : resolve(r))));
  const encDoc = parseXml(encXml);
  const ed = encDoc.documentElement;
  const edKi = child(ed, NS.ds, "KeyInfo");
  const ek = edKi && child(edKi, NS.xenc, "EncryptedKey");
  if (!ek) throw new Error("xml-encryption produced no EncryptedKey");
  ed.removeChild(edKi);
  const edId = `ED-${crypto.randomBytes(8).toString("hex")}`;
  ed.setAttribute("Id", edId);
  ed.setAttribute("Type", type);

  const ekKi = child(ek, NS.ds, "KeyInfo");
  while (ekKi.firstChild) ekKi.removeChild(ekKi.firstChild);
  const issuer = cert.issuer.split("\n").reverse().join(",");
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10);
  ekKi.appendChild(parseXml(
    `<wsse:SecurityTokenReference xmlns:wsse="${NS.wsse}"><ds:X509Data xmlns:ds="${NS.ds}"><ds:X509IssuerSerial>` +
    `<ds:X509IssuerName>${issuer}</ds:X509IssuerName><ds:X509SerialNumber>${serial}</ds:X509SerialNumber>` +
    `</ds:X509IssuerSerial></ds:X509Data></wsse:SecurityTokenReference>`).documentElement);
  ek.setAttribute("Id", `EK-${crypto.randomBytes(8).toString("hex")}`);
  ek.appendChild(parseXml(`<xenc:ReferenceList xmlns:xenc="${NS.xenc}"><xenc:DataReference URI="#${edId}"/></xenc:ReferenceList>`).documentElement);
  return { ed, ek, edId };
}

// Encrypts the Body content (WSS 1.1 §9, XML-Enc §3) and every header block named by --header
// as a whole element (Type #Element) wrapped in <wsse11:EncryptedHeader wsu:Id> that carries the
// block's soap:mustUnderstand/role/relay (WSS 1.1 §9.3). xml-encryption draws a new session key
// per call, so each EncryptedData gets its own EncryptedKey (with one DataReference) in
// wsse:Security, placed before any ds:Signature (sign-then-encrypt: the receiver decrypts first).
async function encrypt(o) {
  const [inPath, outPath] = o._;
  const certPem = fs.readFileSync(o.cert, "utf8");
  const cert = new crypto.X509Certificate(certPem);
  const alg = DATA_ALGS[o.alg || "aes256-gcm"];
  if (!alg) throw new Error(`unknown --alg ${o.alg}`);
  const names = (o.header || []).map(parseClark);
  const doc = parseXml(fs.readFileSync(inPath, "utf8"));
  const parts = soapParts(doc, { createHeader: true });
  const blocks = [];
  for (const { ns, local } of names) {
    const found = elementChildren(parts.header).filter((h) => is(h, ns, local) && !is(h, NS.wsse, "Security"));
    if (!found.length) throw new Error(`--header {${ns}}${local}: no such soap:Header child`);
    for (const h of found) if (!blocks.includes(h)) blocks.push(h);
  }
  const sec = ensureSecurity(doc, parts);
  const addKey = (ek) => {
    const ekNode = doc.importNode(ek, true);
    const sig = child(sec, NS.ds, "Signature");
    if (sig) sec.insertBefore(ekNode, sig); else sec.appendChild(ekNode);
  };

  const content = Array.from(parts.body.childNodes).map(serialize).join("");
  const body = await xmlencEncrypt(content, URI.content, cert, certPem, alg);
  addKey(body.ek);
  while (parts.body.firstChild) parts.body.removeChild(parts.body.firstChild);
  parts.body.appendChild(doc.importNode(body.ed, true));
  const ids = [body.edId];

  for (const h of blocks) {
    const enc = await xmlencEncrypt(serializeStandalone(h), URI.element, cert, certPem, alg);
    const eh = doc.createElementNS(NS.wsse11, "wsse11:EncryptedHeader");
    eh.setAttributeNS(NS.xmlns, "xmlns:wsse11", NS.wsse11);
    for (const name of SOAP_HEADER_ATTRS) {
      if (h.hasAttributeNS(NS.soap, name)) {
        eh.setAttributeNS(NS.soap, `${parts.env.prefix || "soap"}:${name}`, h.getAttributeNS(NS.soap, name));
      }
    }
    wsuId(doc, eh, "EH");
    eh.appendChild(doc.importNode(enc.ed, true));
    parts.header.replaceChild(eh, h);
    addKey(enc.ek);
    ids.push(enc.edId);
  }
  fs.writeFileSync(outPath, serialize(doc));
  console.log(`ENCRYPTED: ${o.alg || "aes256-gcm"} rsa-oaep-mgf1p ${ids.map((i) => `#${i}`).join(" ")}`);
}

// Decrypts every EncryptedKey of the Security header and the EncryptedData its ReferenceList
// names, with xml-encryption (which wants the EncryptedKey inside EncryptedData/KeyInfo).
// An EncryptedData alone in a wsse11:EncryptedHeader (a soap:Header child, WSS 1.1 §9.3) must be
// of Type #Element and decrypt to exactly one element, which takes the wrapper's place; an
// EncryptedHeader that no EncryptedKey references is refused.
async function decryptWss(xml, keyPem) {
  const doc = parseXml(xml);
  const { header, security } = soapParts(doc);
  if (!security) throw new Rejected("no wsse:Security header");
  const ids = indexIds(doc);
  let count = 0;
  for (const ek of elementChildren(security).filter((c) => is(c, NS.xenc, "EncryptedKey"))) {
    const rl = child(ek, NS.xenc, "ReferenceList");
    const refs = rl ? elementChildren(rl).filter((c) => is(c, NS.xenc, "DataReference")) : [];
    if (!refs.length) throw new Rejected("EncryptedKey without DataReference");
    for (const dr of refs) {
      const ed = ids.get((dr.getAttribute("URI") || "").replace(/^#/, ""));
      if (!is(ed, NS.xenc, "EncryptedData")) throw new Rejected("DataReference does not name an EncryptedData");
      const embedded = parseXml(serialize(ed));
      const eded = embedded.documentElement;
      const ki = embedded.createElementNS(NS.ds, "ds:KeyInfo");
      const ekCopy = embedded.importNode(ek, true);
      const ekRl = child(ekCopy, NS.xenc, "ReferenceList");
      if (ekRl) ekCopy.removeChild(ekRl);
      ki.appendChild(ekCopy);
      eded.insertBefore(ki, child(eded, NS.xenc, "CipherData"));
      const plain = await new Promise((resolve, reject) =>
        xmlenc.decrypt(serialize(embedded), { key: keyPem, warnInsecureAlgorithm: false },
                       (err, r) => (err ? reject(new Rejected(`xml-encryption: ${err.message}`)) : resolve(r))));
      const type = ed.getAttribute("Type");
      const eh = ed.parentNode;
      const inEncryptedHeader = is(eh, NS.wsse11, "EncryptedHeader");
      if (inEncryptedHeader && (eh.parentNode !== header || elementChildren(eh).length !== 1 || type !== URI.element)) {
        throw new Rejected("wsse11:EncryptedHeader must be a soap:Header child holding one #Element EncryptedData");
      }
      // Parse the plaintext in the namespace context of the EncryptedData's parent.
      const wrapperNs = [];
      for (let n = ed.parentNode; n && n.nodeType === 1; n = n.parentNode) {
        for (const a of Array.from(n.attributes)) {
          if (a.namespaceURI === NS.xmlns && !wrapperNs.some((w) => w.name === a.name)) wrapperNs.push(a);
        }
      }
      const wrapper = parseXml(`<w ${wrapperNs.map((a) => `${a.name}="${a.value}"`).join(" ")}>${plain}</w>`).documentElement;
      if (inEncryptedHeader) {
        const restored = elementChildren(wrapper);
        const stray = Array.from(wrapper.childNodes).filter((n) =>
          n.nodeType !== 1 && n.nodeType !== 8 && !(n.nodeType === 3 && !n.data.trim()));
        if (restored.length !== 1 || stray.length || is(restored[0], NS.wsse11, "EncryptedHeader") ||
            is(restored[0], NS.xenc, "EncryptedData")) {
          throw new Rejected("EncryptedHeader did not decrypt to exactly one header element");
        }
        header.replaceChild(doc.importNode(restored[0], true), eh);
      } else if (type === URI.content || type === URI.element) {
        for (const n of Array.from(wrapper.childNodes)) ed.parentNode.insertBefore(doc.importNode(n, true), ed);
        ed.parentNode.removeChild(ed);
      } else {
        throw new Rejected(`EncryptedData Type ${type} not supported`);
      }
      ++count;
    }
    security.removeChild(ek);
  }
  if (doc.getElementsByTagNameNS(NS.wsse11, "EncryptedHeader").length) {
    throw new Rejected("wsse11:EncryptedHeader not referenced by any EncryptedKey");
  }
  return { xml: serialize(doc), count };
}

async function decrypt(o) {
  const [inPath, outPath] = o._;
  const r = await decryptWss(fs.readFileSync(inPath, "utf8"), fs.readFileSync(o.key, "utf8"));
  if (r.count === 0) throw new Rejected("nothing encrypted");
  fs.writeFileSync(outPath, r.xml);
  console.log(`DECRYPTED: ${r.count} EncryptedData`);
}

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const commands = { sign, verify, encrypt, decrypt };
  if (!commands[cmd]) {
    console.error("usage: wss-peer.js sign|verify|encrypt|decrypt ...");
    return 2;
  }
  try {
    await commands[cmd](parseArgs(rest));
    return 0;
  } catch (e) {
    if (e instanceof Rejected) {
      console.log(`${cmd === "verify" ? "INVALID" : "FAILED"}: ${e.message}`);
      return 1;
    }
    console.error(`wss-peer ${cmd}: ${e.stack || e.message}`);
    return 2;
  }
}

main().then((code) => process.exit(code));
