// SPDX-License-Identifier: Apache-2.0
// Independent WS-Security 1.1 signature peer on the JDK's own XML Signature API (JSR 105,
// javax.xml.crypto.dsig; no code shared with libxmlsec1) for tests/integration/test_wss_interop.py.
// One result line; exit 0 = success, 1 = rejected, 2 = usage or I/O error.
//
//   java -cp CLASSES WssPeer sign   --key K.pem --cert C.pem --created ISO [--ttl S] IN OUT
//   java -cp CLASSES WssPeer verify --ca CA.pem --now ISO IN

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.crypto.dom.DOMStructure;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

public final class WssPeer {
  static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
  static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
  static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
  static final String DS = XMLSignature.XMLNS;
  static final String XMLNS = XMLConstants.XMLNS_ATTRIBUTE_NS_URI;
  static final String X509V3 =
      "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
  static final String BASE64 =
      "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
  static final String RSA_SHA256 = SignatureMethod.RSA_SHA256;
  static final String ECDSA_SHA256 = SignatureMethod.ECDSA_SHA256;
  static final Duration SKEW = Duration.ofSeconds(60);

  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String m) { super(m); }
  }

  public static void main(String[] args) {
    if (args.length < 1 || !(args[0].equals("sign") || args[0].equals("verify"))) {
      System.err.println("usage: WssPeer sign|verify ...");
      System.exit(2);
    }
    Map<String, String> o = new HashMap<>();
    List<String> pos = new ArrayList<>();
    for (int i = 1; i < args.length; ++i) {
      if (args[i].startsWith("--") && i + 1 < args.length) o.put(args[i].substring(2), args[++i]);
      else pos.add(args[i]);
    }
    try {
      if (args[0].equals("sign")) sign(o, pos);
      else verify(o, pos);
      System.exit(0);
    } catch (Rejected e) {
      System.out.println((args[0].equals("verify") ? "INVALID: " : "FAILED: ") + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("WssPeer " + args[0] + ": " + e);
      e.printStackTrace();
      System.exit(2);
    }
  }

  // Hardened, namespace-aware parser: no DOCTYPE, no external entities.
  static Document parse(byte[] bytes) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    try {
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    } catch (org.xml.sax.SAXException e) {
      throw new Rejected("XML parse error: " + e.getMessage());
    }
  }

  static List<Element> children(Node n) {
    List<Element> out = new ArrayList<>();
    for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c.getNodeType() == Node.ELEMENT_NODE) out.add((Element) c);
    }
    return out;
  }

  static boolean is(Node n, String ns, String local) {
    return n != null && n.getNodeType() == Node.ELEMENT_NODE && ns.equals(n.getNamespaceURI())
        && local.equals(n.getLocalName());
  }

  static Element child(Node n, String ns, String local) {
    for (Element c : children(n)) if (is(c, ns, local)) return c;
    return null;
  }

  static X509Certificate readCert(byte[] der) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  static String randomId(String prefix) {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return prefix + "-" + HexFormat.of().formatHex(b);
  }

  static String wsuId(Element e, String prefix) {
    String id = e.getAttributeNS(WSU, "Id");
    if (id.isEmpty()) {
      id = randomId(prefix);
      e.setAttributeNS(XMLNS, "xmlns:wsu", WSU);
      e.setAttributeNS(WSU, "wsu:Id", id);
    }
    e.setIdAttributeNS(WSU, "Id", true);
    return id;
  }

  static void sign(Map<String, String> o, List<String> pos) throws Exception {
    X509Certificate cert = readCert(Files.readAllBytes(Path.of(o.get("cert"))));
    String pem = Files.readString(Path.of(o.get("key")));
    if (!pem.contains("BEGIN PRIVATE KEY")) throw new IllegalArgumentException("--key must be PKCS#8 PEM");
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    String keyAlg = cert.getPublicKey().getAlgorithm(); // "RSA" or "EC"
    PrivateKey key = KeyFactory.getInstance(keyAlg).generatePrivate(new PKCS8EncodedKeySpec(der));
    String sigAlg = keyAlg.equals("EC") ? ECDSA_SHA256 : RSA_SHA256;
    Instant created = Instant.parse(o.get("created"));
    Instant expires = created.plusSeconds(Long.parseLong(o.getOrDefault("ttl", "300")));

    Document doc = parse(Files.readAllBytes(Path.of(pos.get(0))));
    Element env = doc.getDocumentElement();
    if (!is(env, SOAP, "Envelope")) throw new Rejected("not a SOAP 1.2 Envelope");
    Element body = child(env, SOAP, "Body");
    Element header = child(env, SOAP, "Header");
    if (header == null) {
      header = doc.createElementNS(SOAP, (env.getPrefix() == null ? "" : env.getPrefix() + ":") + "Header");
      env.insertBefore(header, body);
    }
    Element sec = doc.createElementNS(WSSE, "wsse:Security");
    sec.setAttributeNS(XMLNS, "xmlns:wsse", WSSE);
    sec.setAttributeNS(XMLNS, "xmlns:wsu", WSU);
    header.appendChild(sec);
    Element ts = doc.createElementNS(WSU, "wsu:Timestamp");
    sec.appendChild(ts);
    Element c = doc.createElementNS(WSU, "wsu:Created");
    c.setTextContent(created.toString());
    Element e = doc.createElementNS(WSU, "wsu:Expires");
    e.setTextContent(expires.toString());
    ts.appendChild(c);
    ts.appendChild(e);
    Element bst = doc.createElementNS(WSSE, "wsse:BinarySecurityToken");
    bst.setAttribute("EncodingType", BASE64);
    bst.setAttribute("ValueType", X509V3);
    bst.setTextContent(Base64.getEncoder().encodeToString(cert.getEncoded()));
    sec.appendChild(bst);
    String tsId = wsuId(ts, "TS");
    String bstId = wsuId(bst, "X509");
    String bodyId = wsuId(body, "Body");

    XMLSignatureFactory fac = XMLSignatureFactory.getInstance("DOM");
    List<Reference> refs = new ArrayList<>();
    for (String id : List.of(bodyId, tsId)) {
      refs.add(fac.newReference("#" + id, fac.newDigestMethod(DigestMethod.SHA256, null),
          List.of(fac.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null)), null, null));
    }
    SignedInfo si = fac.newSignedInfo(
        fac.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE, (C14NMethodParameterSpec) null),
        fac.newSignatureMethod(sigAlg, null), refs);
    Element str = doc.createElementNS(WSSE, "wsse:SecurityTokenReference");
    Element r = doc.createElementNS(WSSE, "wsse:Reference");
    r.setAttribute("URI", "#" + bstId);
    r.setAttribute("ValueType", X509V3);
    str.appendChild(r);
    KeyInfo ki = fac.getKeyInfoFactory().newKeyInfo(List.of(new DOMStructure(str)));
    DOMSignContext ctx = new DOMSignContext(key, sec);
    ctx.setDefaultNamespacePrefix("ds");
    fac.newXMLSignature(si, ki).sign(ctx);

    var t = TransformerFactory.newInstance().newTransformer();
    t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
    try (FileOutputStream out = new FileOutputStream(new File(pos.get(1)))) {
      t.transform(new DOMSource(doc), new StreamResult(out));
    }
    System.out.println("SIGNED: " + (keyAlg.equals("EC") ? "ecdsa-sha256" : "rsa-sha256") + " body=#" + bodyId
        + " ts=#" + tsId);
  }

  static void verify(Map<String, String> o, List<String> pos) throws Exception {
    X509Certificate ca = readCert(Files.readAllBytes(Path.of(o.get("ca"))));
    Instant now = Instant.parse(o.get("now"));
    Document doc = parse(Files.readAllBytes(Path.of(pos.get(0))));
    Element env = doc.getDocumentElement();
    if (!is(env, SOAP, "Envelope")) throw new Rejected("not a SOAP 1.2 Envelope");
    Element header = child(env, SOAP, "Header");
    Element body = child(env, SOAP, "Body");
    if (header == null || body == null) throw new Rejected("Envelope needs Header and Body");
    List<Element> secs = new ArrayList<>();
    for (Element h : children(header)) if (is(h, WSSE, "Security")) secs.add(h);
    if (secs.size() != 1) throw new Rejected("need exactly one wsse:Security, found " + secs.size());
    Element sec = secs.get(0);

    // Register every Id-like attribute, refusing duplicates (signature wrapping).
    Map<String, Element> ids = new HashMap<>();
    List<Element> stack = new ArrayList<>(List.of(env));
    while (!stack.isEmpty()) {
      Element el = stack.remove(stack.size() - 1);
      NamedNodeMap attrs = el.getAttributes();
      for (int i = 0; i < attrs.getLength(); ++i) {
        Attr a = (Attr) attrs.item(i);
        String ln = a.getLocalName() == null ? a.getName() : a.getLocalName();
        if (ln.equals("Id") || ln.equals("ID") || ln.equals("id")) {
          if (ids.put(a.getValue(), el) != null) throw new Rejected("duplicate id '" + a.getValue() + "'");
          el.setIdAttributeNode(a, true);
        }
      }
      stack.addAll(children(el));
    }

    List<Element> tss = new ArrayList<>();
    for (Element c : children(sec)) if (is(c, WSU, "Timestamp")) tss.add(c);
    if (tss.size() != 1) throw new Rejected("need exactly one wsu:Timestamp");
    Element ts = tss.get(0);
    Element created = child(ts, WSU, "Created");
    Element expires = child(ts, WSU, "Expires");
    if (created == null || expires == null) throw new Rejected("Timestamp needs Created and Expires");
    Instant c = Instant.parse(created.getTextContent().trim());
    Instant x = Instant.parse(expires.getTextContent().trim());
    if (!x.isAfter(c)) throw new Rejected("Expires not after Created");
    if (c.isAfter(now.plus(SKEW))) throw new Rejected("Timestamp Created in the future");
    if (x.plus(SKEW).isBefore(now)) throw new Rejected("Timestamp expired");

    var sigs = doc.getElementsByTagNameNS(DS, "Signature");
    if (sigs.getLength() != 1) throw new Rejected("expected one ds:Signature, found " + sigs.getLength());
    Element sig = (Element) sigs.item(0);
    if (sig.getParentNode() != sec) throw new Rejected("ds:Signature not in wsse:Security");

    Element ki = child(sig, DS, "KeyInfo");
    Element str = ki == null ? null : child(ki, WSSE, "SecurityTokenReference");
    Element ref = str == null ? null : child(str, WSSE, "Reference");
    X509Certificate cert;
    if (ref != null) {
      Element tok = ids.get(ref.getAttribute("URI").replaceFirst("^#", ""));
      if (!is(tok, WSSE, "BinarySecurityToken") || tok.getParentNode() != sec
          || !X509V3.equals(tok.getAttribute("ValueType"))) {
        throw new Rejected("STR does not name an X509v3 BinarySecurityToken in this Security header");
      }
      cert = readCert(Base64.getMimeDecoder().decode(tok.getTextContent().trim()));
    } else {
      Element xd = ki == null ? null : child(ki, DS, "X509Data");
      Element xc = xd == null ? null : child(xd, DS, "X509Certificate");
      if (xc == null) throw new Rejected("no usable KeyInfo (STR/Reference or X509Data/X509Certificate)");
      cert = readCert(Base64.getMimeDecoder().decode(xc.getTextContent().trim()));
    }
    try {
      cert.verify(ca.getPublicKey());
      cert.checkValidity(Date.from(now));
    } catch (Exception e) {
      throw new Rejected("signer " + cert.getSubjectX500Principal() + " not trusted: " + e.getMessage());
    }

    DOMValidateContext vc = new DOMValidateContext(cert.getPublicKey(), sig);
    vc.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
    XMLSignature xs = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(vc);
    SignedInfo si = xs.getSignedInfo();
    if (!CanonicalizationMethod.EXCLUSIVE.equals(si.getCanonicalizationMethod().getAlgorithm())) {
      throw new Rejected("CanonicalizationMethod is not exc-c14n");
    }
    String alg = si.getSignatureMethod().getAlgorithm();
    String keyAlg = cert.getPublicKey().getAlgorithm();
    if (!(alg.equals(RSA_SHA256) && keyAlg.equals("RSA")) && !(alg.equals(ECDSA_SHA256) && keyAlg.equals("EC"))) {
      throw new Rejected("SignatureMethod " + alg + " not allowed for a " + keyAlg + " key");
    }
    Set<Element> covered = new HashSet<>();
    for (Object obj : si.getReferences()) {
      Reference r = (Reference) obj;
      String uri = r.getURI();
      if (uri == null || !uri.startsWith("#")) throw new Rejected("Reference URI '" + uri + "' not a #id");
      if (!DigestMethod.SHA256.equals(r.getDigestMethod().getAlgorithm())) throw new Rejected("DigestMethod not SHA-256");
      if (r.getTransforms().size() != 1
          || !CanonicalizationMethod.EXCLUSIVE.equals(r.getTransforms().get(0).getAlgorithm())) {
        throw new Rejected("Reference transforms must be [exc-c14n]");
      }
      Element target = ids.get(uri.substring(1));
      if (target == null) throw new Rejected("Reference " + uri + " does not resolve");
      covered.add(target);
    }
    if (!covered.contains(body)) throw new Rejected("soap:Body is not signed");
    if (!covered.contains(ts)) throw new Rejected("wsu:Timestamp is not signed");
    if (!xs.validate(vc)) {
      StringBuilder why = new StringBuilder("signature value " + (xs.getSignatureValue().validate(vc) ? "ok" : "BAD"));
      for (Object obj : si.getReferences()) {
        Reference r = (Reference) obj;
        why.append(", ").append(r.getURI()).append(r.validate(vc) ? " ok" : " BAD digest");
      }
      throw new Rejected("JSR-105 core validation failed: " + why);
    }
    System.out.println("VALID: signer=\"" + cert.getSubjectX500Principal() + "\" alg="
        + (alg.equals(RSA_SHA256) ? "rsa-sha256" : "ecdsa-sha256") + " created=" + c + " expires=" + x);
  }
}
