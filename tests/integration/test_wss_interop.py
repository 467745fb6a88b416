# SPDX-License-Identifier: Apache-2.0
#
# test_wss_interop.py - WS-Security interoperability of `insip wss` with implementations that
# share no code with libxmlsec1 (issue 4): npm xml-crypto (XML-DSig), npm xml-encryption
# (XML-Enc), the JDK 17 XML Signature API (JSR 105) and Apache Santuario C++ 2.0 (Debian).
# Drivers live in tests/interop/ and are installed by tests/interop/setup.sh (npm ci from the
# committed lockfile, javac, g++); if the peers cannot be installed the suite FAILS, never skips.
#
# Both directions: insip signs (RSA-SHA256, ECDSA-P256-SHA256) -> xml-crypto, the JDK and
# Santuario C++ verify; each of them signs -> insip verifies; insip encrypts (AES-256-GCM,
# RSA-OAEP) -> xml-encryption decrypts to the original Body; xml-encryption encrypts (WSS layout)
# -> insip decrypts to the original Body; sign-then-encrypt end to end in both directions.
# Header blocks: `insip wss sign --header` signs named soap:Header children (the peers check those
# references too); header blocks encrypted as wsse11:EncryptedHeader (WSS 1.1 §9.3) by insip are
# restored by xml-encryption and vice versa, alone and under a signature.
# Tampered or expired copies must be rejected by the receiving side, so every positive verdict is
# known to be able to fail. Fixed clock: Created 2030-06-01T12:00:00Z, verified at 12:01:00Z
# (the test certificates are valid from 2026-12-03).
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

SRC = Path(os.environ.get("INSIP_SRC", Path(__file__).resolve().parents[2]))
BIN = os.environ.get("INSIP_BIN", str(SRC / "build" / "src" / "app" / "insip"))
PEERS = SRC / "tests" / "interop"
KEYS = SRC / "tests" / "data" / "xmlsec" / "keys"
SAMPLES = SRC / "tests" / "data" / "xmlsec" / "samples"
CREATED = "2030-06-01T12:00:00Z"
NOW = "2030-06-01T12:01:00Z"
LATE = "2030-06-01T12:07:00Z"  # Expires 12:05:00Z + 60 s skew < LATE
PEER_NAMES = ("xml-crypto", "jdk", "santuario-c")
SOAP = "http://www.w3.org/2003/05/soap-envelope"
XENC = "http://www.w3.org/2001/04/xmlenc#"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSSE11 = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
RT = "urn:example:test:routing:1"
ROUTING = f"{{{RT}}}Routing"
CHARGING = f"{{{RT}}}Charging"
ULTIMATE_RECEIVER = "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"
# Header blocks for the header tests (namespace declared on the Envelope, not on the blocks, so an
# encrypted block must be made namespace-complete). Routing carries mustUnderstand and role, which
# an EncryptedHeader must repeat; Trace is never signed nor encrypted.
HEADER_BLOCKS = f"""<soap:Header>
    <rt:Routing soap:mustUnderstand="true" soap:role="{ULTIMATE_RECEIVER}">
      <rt:From>sip:alice@example.test</rt:From>
      <rt:To>sip:scp.example.test</rt:To>
    </rt:Routing>
    <rt:Charging><rt:Account>ACC-991</rt:Account></rt:Charging>
    <rt:Trace>trace-in-clear-77</rt:Trace>
  </soap:Header>"""
SIGNERS = {  # name -> (key, cert, expected subject CN)
    "rsa": (KEYS / "alice-rsa.key", KEYS / "alice-rsa.pem", "alice@example.test"),
    "ecdsa": (KEYS / "alice-ec.key", KEYS / "alice-ec.pem", "alice-ec@example.test"),
}
ALG_URI = {
    "rsa": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "ecdsa": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
}


def run(cmd: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)


def tree(e: ET.Element):
    """An element as a namespace-aware, prefix-independent structure."""
    return (e.tag, sorted(e.attrib.items()), (e.text or "").strip(), [tree(c) for c in e])


def body_tree(path: Path) -> list:
    """The Body's element content as a namespace-aware, prefix-independent structure."""
    root = ET.parse(path).getroot()
    body = root.find(f"{{{SOAP}}}Body")
    if body is None:
        raise AssertionError(f"{path}: no soap:Body")
    return [tree(c) for c in body]


def header_blocks(path: Path) -> list:
    """The soap:Header children other than wsse:Security, in document order, as tree()s."""
    header = ET.parse(path).getroot().find(f"{{{SOAP}}}Header")
    if header is None:
        raise AssertionError(f"{path}: no soap:Header")
    return [tree(c) for c in header if c.tag != f"{{{WSSE}}}Security"]


def signed_headers(verify_stdout: str) -> list[str]:
    """The signed_headers= field of `insip wss verify`'s VALID line, as a list of '{ns}local'."""
    fields = [f for f in verify_stdout.split() if f.startswith("signed_headers=")]
    if len(fields) != 1:
        raise AssertionError(f"no signed_headers= field in: {verify_stdout}")
    value = fields[0].split("=", 1)[1]
    return value.split(",") if value else []


def replace_once(src: Path, dst: Path, old: str, new: str) -> None:
    text = src.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise AssertionError(f"{src}: expected exactly one {old!r}")
    dst.write_text(text.replace(old, new), encoding="utf-8")


def tamper_body(src: Path, dst: Path) -> None:
    """Changes one character of signed Body text (ServiceKey 42 -> 43)."""
    text = src.read_text(encoding="utf-8")
    if text.count(">42<") != 1:
        raise AssertionError(f"{src}: expected exactly one ServiceKey 42")
    dst.write_text(text.replace(">42<", ">43<"), encoding="utf-8")


class WssInteropTest(unittest.TestCase):
    tmp: Path

    @classmethod
    def setUpClass(cls) -> None:
        if not Path(BIN).is_file():
            raise AssertionError(f"insip binary not found at {BIN} (set INSIP_BIN)")
        try:
            r = run(["bash", PEERS / "setup.sh"], timeout=280)
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"tests/interop/setup.sh timed out: {e}") from None
        if r.returncode != 0:
            raise AssertionError(
                "interop peers could not be installed (tests/interop/setup.sh failed; "
                "run `make setup` as root, then `bash tests/interop/setup.sh`):\n" + r.stdout + r.stderr)
        cls.tmp = Path(tempfile.mkdtemp(prefix="insip-wss-interop-"))
        cls.original_body = body_tree(SAMPLES / "envelope.xml")
        # envelope.xml with three header blocks (see HEADER_BLOCKS), the Body unchanged.
        text = (SAMPLES / "envelope.xml").read_text(encoding="utf-8")
        envelope_tag = f'<soap:Envelope xmlns:soap="{SOAP}">'
        for old, new in ((envelope_tag, envelope_tag.replace(">", f' xmlns:rt="{RT}">')),
                         ("<soap:Header/>", HEADER_BLOCKS)):
            if text.count(old) != 1:
                raise AssertionError(f"envelope.xml: expected exactly one {old!r}")
            text = text.replace(old, new)
        cls.with_headers = cls.tmp / "envelope-headers.xml"
        cls.with_headers.write_text(text, encoding="utf-8")
        cls.original_headers = header_blocks(cls.with_headers)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- drivers -------------------------------------------------------------------------------
    def out(self, name: str) -> Path:
        return self.tmp / f"{self.id().rsplit('.', 1)[-1]}-{name}"

    def ok(self, cmd: list, what: str) -> str:
        r = run(cmd)
        self.assertEqual(r.returncode, 0, f"{what} failed (exit {r.returncode}):\n{r.stdout}{r.stderr}")
        return r.stdout

    def insip(self, *args) -> subprocess.CompletedProcess:
        return run([BIN, "wss", *args])

    def node(self, *args) -> subprocess.CompletedProcess:
        return run(["node", PEERS / "wss-peer.js", *args])

    def jdk(self, *args) -> subprocess.CompletedProcess:
        return run(["java", "-cp", PEERS / "build" / "classes", "WssPeer", *args])

    def santuario(self, *args) -> subprocess.CompletedProcess:
        return run([PEERS / "build" / "xsec-peer", *args])

    def peer(self, name: str):
        return {"xml-crypto": self.node, "jdk": self.jdk, "santuario-c": self.santuario}[name]

    def insip_sign(self, kind: str) -> Path:
        key, cert, _ = SIGNERS[kind]
        out = self.out(f"insip-{kind}.xml")
        self.ok([BIN, "wss", "sign", SAMPLES / "envelope.xml", "--key", key, "--cert", cert, "--now", CREATED,
                 "-o", out], "insip wss sign")
        return out

    def assert_valid(self, r: subprocess.CompletedProcess, who: str, cn: str) -> None:
        self.assertEqual(r.returncode, 0, f"{who} rejected a message it must accept:\n{r.stdout}{r.stderr}")
        first = r.stdout.split()[0] if r.stdout.split() else ""
        self.assertIn(first, ("VALID", "VALID:"), f"{who}: {r.stdout}")
        self.assertIn(cn, r.stdout, f"{who} reports the wrong signer: {r.stdout}")

    def assert_invalid(self, r: subprocess.CompletedProcess, who: str) -> None:
        self.assertEqual(r.returncode, 1, f"{who} must reject a tampered message:\n{r.stdout}{r.stderr}")
        self.assertTrue(r.stdout.startswith("INVALID"), f"{who}: {r.stdout}{r.stderr}")

    def insip_verify(self, msg: Path, *extra) -> subprocess.CompletedProcess:
        return self.insip("verify", msg, "--ca", KEYS / "ca.pem", "--now", NOW, *extra)

    # --- insip signs, the peers verify ----------------------------------------------------------
    def check_insip_signature_accepted_by_peers(self, kind: str) -> None:
        signed = self.insip_sign(kind)
        text = signed.read_text(encoding="utf-8")
        self.assertIn(f'Algorithm="{ALG_URI[kind]}"', text)
        cn = SIGNERS[kind][2]
        tampered = self.out("tampered.xml")
        tamper_body(signed, tampered)
        for peer in PEER_NAMES:
            with self.subTest(verifier=peer):
                verify = self.peer(peer)
                self.assert_valid(verify("verify", "--ca", KEYS / "ca.pem", "--now", NOW, signed), peer, cn)
                self.assert_invalid(verify("verify", "--ca", KEYS / "ca.pem", "--now", NOW, tampered), peer)
                # Outside the Timestamp's window the same message must be refused.
                self.assert_invalid(verify("verify", "--ca", KEYS / "ca.pem", "--now", LATE, signed), peer)

    def test_insip_rsa_sha256_signature_is_accepted_by_xml_crypto_the_jdk_and_santuario(self) -> None:
        self.check_insip_signature_accepted_by_peers("rsa")

    def test_insip_ecdsa_sha256_signature_is_accepted_by_xml_crypto_the_jdk_and_santuario(self) -> None:
        self.check_insip_signature_accepted_by_peers("ecdsa")

    # --- the peers sign, insip verifies ---------------------------------------------------------
    def check_peer_signature_accepted_by_insip(self, peer: str, kind: str) -> None:
        key, cert, cn = SIGNERS[kind]
        signed = self.out(f"{peer}-{kind}.xml")
        r = self.peer(peer)("sign", "--key", key, "--cert", cert, "--created", CREATED, SAMPLES / "envelope.xml", signed)
        self.assertEqual(r.returncode, 0, f"{peer} sign failed:\n{r.stdout}{r.stderr}")
        self.assertIn(f'Algorithm="{ALG_URI[kind]}"', signed.read_text(encoding="utf-8"))
        verified = self.out("verified.xml")
        r = self.insip_verify(signed, "-o", verified)
        self.assert_valid(r, f"insip (on {peer} {kind})", cn)
        self.assertIn(f"alg={ALG_URI[kind]}", r.stdout)
        self.assertEqual(body_tree(verified), self.original_body)
        tampered = self.out("tampered.xml")
        tamper_body(signed, tampered)
        self.assert_invalid(self.insip_verify(tampered), f"insip (on tampered {peer} {kind})")
        late = self.insip("verify", signed, "--ca", KEYS / "ca.pem", "--now", LATE)
        self.assert_invalid(late, f"insip (on expired {peer} {kind})")

    def test_xml_crypto_rsa_sha256_signature_is_accepted_by_insip(self) -> None:
        self.check_peer_signature_accepted_by_insip("xml-crypto", "rsa")

    def test_xml_crypto_ecdsa_sha256_signature_is_accepted_by_insip(self) -> None:
        self.check_peer_signature_accepted_by_insip("xml-crypto", "ecdsa")

    def test_jdk_rsa_sha256_signature_is_accepted_by_insip(self) -> None:
        self.check_peer_signature_accepted_by_insip("jdk", "rsa")

    def test_jdk_ecdsa_sha256_signature_is_accepted_by_insip(self) -> None:
        self.check_peer_signature_accepted_by_insip("jdk", "ecdsa")

    def test_santuario_rsa_sha256_signature_is_accepted_by_insip(self) -> None:
        self.check_peer_signature_accepted_by_insip("santuario-c", "rsa")

    def test_santuario_ecdsa_sha256_signature_is_accepted_by_insip(self) -> None:
        self.check_peer_signature_accepted_by_insip("santuario-c", "ecdsa")

    # --- encryption -----------------------------------------------------------------------------
    def test_insip_ciphertext_is_decrypted_by_xml_encryption_to_the_original_body(self) -> None:
        enc = self.out("insip-enc.xml")
        self.ok([BIN, "wss", "encrypt", SAMPLES / "envelope.xml", "--cert", KEYS / "scp-rsa.pem", "-o", enc],
                "insip wss encrypt")
        text = enc.read_text(encoding="utf-8")
        self.assertNotIn("sip:alice@example.test", text, "Body content left in clear")
        self.assertIn("http://www.w3.org/2009/xmlenc11#aes256-gcm", text)
        dec = self.out("dec.xml")
        r = self.node("decrypt", "--key", KEYS / "scp-rsa.key", enc, dec)
        self.assertEqual(r.returncode, 0, f"xml-encryption could not decrypt insip's ciphertext:\n{r.stdout}{r.stderr}")
        self.assertEqual(body_tree(dec), self.original_body)
        # The wrong private key must not decrypt (the positive result above is meaningful).
        r = self.node("decrypt", "--key", KEYS / "alice-rsa.key", enc, self.out("wrong.xml"))
        self.assertEqual(r.returncode, 1, f"xml-encryption decrypted with the wrong key:\n{r.stdout}{r.stderr}")

    def check_peer_ciphertext_decrypted_by_insip(self, alg: str) -> None:
        enc = self.out(f"xmlenc-{alg}.xml")
        r = self.node("encrypt", "--cert", KEYS / "scp-rsa.pem", "--alg", alg, SAMPLES / "envelope.xml", enc)
        self.assertEqual(r.returncode, 0, f"xml-encryption encrypt failed:\n{r.stdout}{r.stderr}")
        root = ET.parse(enc).getroot()
        self.assertIsNotNone(root.find(f"{{{SOAP}}}Body/{{{XENC}}}EncryptedData"))
        self.assertNotIn("sip:alice@example.test", enc.read_text(encoding="utf-8"))
        dec = self.out("dec.xml")
        self.ok([BIN, "wss", "decrypt", enc, "--key", KEYS / "scp-rsa.key", "--cert", KEYS / "scp-rsa.pem",
                 "-o", dec], f"insip wss decrypt of xml-encryption {alg}")
        self.assertEqual(body_tree(dec), self.original_body)
        self.assertNotIn("EncryptedKey", dec.read_text(encoding="utf-8"))
        # Another recipient's key must fail.
        r = self.insip("decrypt", enc, "--key", KEYS / "alice-rsa.key", "-o", self.out("wrong.xml"))
        self.assertNotEqual(r.returncode, 0, f"insip decrypted with the wrong key:\n{r.stdout}{r.stderr}")

    def test_xml_encryption_aes256_gcm_ciphertext_is_decrypted_by_insip(self) -> None:
        self.check_peer_ciphertext_decrypted_by_insip("aes256-gcm")

    def test_xml_encryption_aes128_gcm_ciphertext_is_decrypted_by_insip(self) -> None:
        self.check_peer_ciphertext_decrypted_by_insip("aes128-gcm")

    # --- sign-then-encrypt end to end -------------------------------------------------------------
    def test_insip_signed_and_encrypted_message_is_verified_by_xml_crypto_after_decryption(self) -> None:
        signed = self.insip_sign("ecdsa")
        enc = self.out("signed-enc.xml")
        self.ok([BIN, "wss", "encrypt", signed, "--cert", KEYS / "scp-rsa.pem", "-o", enc], "insip wss encrypt")
        r = self.node("verify", "--ca", KEYS / "ca.pem", "--now", NOW, "--decrypt-key", KEYS / "scp-rsa.key", enc)
        self.assert_valid(r, "xml-crypto + xml-encryption", SIGNERS["ecdsa"][2])
        self.assertIn("decrypted", r.stdout)

    def test_xml_crypto_signed_and_xml_encryption_encrypted_message_is_verified_by_insip(self) -> None:
        key, cert, cn = SIGNERS["rsa"]
        signed, enc, verified = self.out("signed.xml"), self.out("enc.xml"), self.out("verified.xml")
        self.ok(["node", PEERS / "wss-peer.js", "sign", "--key", key, "--cert", cert, "--created", CREATED,
                 SAMPLES / "envelope.xml", signed], "xml-crypto sign")
        self.ok(["node", PEERS / "wss-peer.js", "encrypt", "--cert", KEYS / "scp-rsa.pem", signed, enc],
                "xml-encryption encrypt")
        r = self.insip_verify(enc, "--decrypt-key", KEYS / "scp-rsa.key", "-o", verified)
        self.assert_valid(r, "insip verify --decrypt-key", cn)
        self.assertIn("decrypted", r.stdout)
        self.assertEqual(body_tree(verified), self.original_body)
        # Without the decryption key insip must refuse rather than "verify" ciphertext.
        self.assert_invalid(self.insip_verify(enc), "insip verify without --decrypt-key")


    # --- named header blocks: insip wss sign --header ----------------------------------------------
    def sign_with_headers(self, src: Path, name: str, *headers: str) -> Path:
        key, cert, _ = SIGNERS["rsa"]
        out = self.out(name)
        args = [a for h in headers for a in ("--header", h)]
        self.ok([BIN, "wss", "sign", src, "--key", key, "--cert", cert, "--now", CREATED, *args, "-o", out],
                "insip wss sign --header")
        return out

    def test_insip_signs_named_header_blocks_reports_them_and_the_peers_check_them(self) -> None:
        cn = SIGNERS["rsa"][2]
        # Without --header only Body, Timestamp and Nonce are signed: a changed Routing goes unnoticed.
        plain = self.sign_with_headers(self.with_headers, "plain.xml")
        r = self.insip_verify(plain)
        self.assert_valid(r, "insip (no --header)", cn)
        self.assertEqual(signed_headers(r.stdout), [])
        replace_once(plain, self.out("plain-rerouted.xml"), "sip:scp.example.test", "sip:evil.example.test")
        self.assert_valid(self.insip_verify(self.out("plain-rerouted.xml")), "insip (unsigned Routing changed)", cn)

        signed = self.sign_with_headers(self.with_headers, "signed.xml", ROUTING, CHARGING)
        self.assertEqual(signed.read_text(encoding="utf-8").count("<ds:Reference "), 5)  # Body TS Nonce + 2
        r = self.insip_verify(signed)
        self.assert_valid(r, "insip (--header)", cn)
        self.assertEqual(sorted(signed_headers(r.stdout)), sorted([ROUTING, CHARGING]))
        rerouted, recharged, traced = self.out("rerouted.xml"), self.out("recharged.xml"), self.out("traced.xml")
        replace_once(signed, rerouted, "sip:scp.example.test", "sip:evil.example.test")
        replace_once(signed, recharged, "ACC-991", "ACC-992")
        replace_once(signed, traced, "trace-in-clear-77", "trace-in-clear-78")
        self.assert_invalid(self.insip_verify(rerouted), "insip (signed Routing changed)")
        self.assert_invalid(self.insip_verify(recharged), "insip (signed Charging changed)")
        r = self.insip_verify(traced)  # Trace was not named: still valid, and not reported as signed
        self.assert_valid(r, "insip (unsigned Trace changed)", cn)
        self.assertNotIn(f"{{{RT}}}Trace", r.stdout)
        # Independent verifiers check the header references too.
        for peer in PEER_NAMES:
            with self.subTest(verifier=peer):
                verify = self.peer(peer)
                self.assert_valid(verify("verify", "--ca", KEYS / "ca.pem", "--now", NOW, signed), peer, cn)
                self.assert_invalid(verify("verify", "--ca", KEYS / "ca.pem", "--now", NOW, rerouted), peer)

    def test_insip_wss_sign_header_option_is_documented_and_checked(self) -> None:
        r = run([BIN, "wss", "sign", "--help"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--header", r.stdout)
        self.assertIn("{namespace-uri}local", r.stdout)
        key, cert, _ = SIGNERS["rsa"]
        for bad, why in (("Routing", "--header must be"),
                         ("{urn:example:test:nowhere:1}Routing", "no such soap:Header child"),
                         (f"{{{WSSE}}}Security", "no such soap:Header child")):
            with self.subTest(header=bad):
                out = self.out("refused.xml")
                r = self.insip("sign", self.with_headers, "--key", key, "--cert", cert, "--header", ROUTING,
                               "--header", bad, "-o", out)
                self.assertEqual(r.returncode, 2, f"insip signed with --header {bad}:\n{r.stdout}{r.stderr}")
                self.assertIn(why, r.stderr)
                self.assertFalse(out.exists(), "a refused sign must not write its output")

    # --- header blocks as wsse11:EncryptedHeader (WSS 1.1 §9.3) -------------------------------------
    def assert_encrypted_headers(self, path: Path, names: list[str]) -> None:
        """`names` are soap:Header children only as EncryptedHeader wrappers, each with exactly one
        EncryptedData of Type #Element that an EncryptedKey in wsse:Security references."""
        root = ET.parse(path).getroot()
        header = root.find(f"{{{SOAP}}}Header")
        refs = {dr.get("URI") for dr in root.iterfind(f"{{{SOAP}}}Header/{{{WSSE}}}Security/{{{XENC}}}EncryptedKey/"
                                                      f"{{{XENC}}}ReferenceList/{{{XENC}}}DataReference")}
        wrappers = header.findall(f"{{{WSSE11}}}EncryptedHeader")
        self.assertEqual(len(wrappers), len(names), f"{path}: EncryptedHeader count")
        for eh in wrappers:
            kids = list(eh)
            self.assertEqual(len(kids), 1)
            self.assertEqual(kids[0].tag, f"{{{XENC}}}EncryptedData")
            self.assertEqual(kids[0].get("Type"), XENC + "Element")
            self.assertIn("#" + kids[0].get("Id"), refs, "EncryptedData not referenced by an EncryptedKey")
            self.assertTrue(eh.get(f"{{{WSU}}}Id"))
        self.assertEqual(sum(1 for eh in wrappers if eh.get(f"{{{SOAP}}}mustUnderstand") == "true"
                             and eh.get(f"{{{SOAP}}}role") == ULTIMATE_RECEIVER), 1 if ROUTING in names else 0,
                         "Routing's mustUnderstand/role must be repeated on its EncryptedHeader")
        for name in (ROUTING, CHARGING):
            self.assertEqual(header.find(name) is None, name in names, f"{name} in clear or missing")
        text = path.read_text(encoding="utf-8")
        if ROUTING in names:
            self.assertNotIn("sip:scp.example.test", text, "Routing left in clear")
        if CHARGING in names:
            self.assertNotIn("ACC-991", text, "Charging left in clear")
        self.assertIn("trace-in-clear-77", text, "Trace was not named and must stay in clear")
        self.assertNotIn("sip:bob@example.test", text, "Body content left in clear")

    def test_insip_encrypted_header_is_restored_by_xml_encryption(self) -> None:
        enc = self.out("insip-enc.xml")
        self.ok([BIN, "wss", "encrypt", self.with_headers, "--cert", KEYS / "scp-rsa.pem", "--header", ROUTING,
                 "-o", enc], "insip wss encrypt --header")
        self.assert_encrypted_headers(enc, [ROUTING])
        dec = self.out("dec.xml")
        r = self.node("decrypt", "--key", KEYS / "scp-rsa.key", enc, dec)
        self.assertEqual(r.returncode, 0,
                         f"xml-encryption could not decrypt insip's EncryptedHeader:\n{r.stdout}{r.stderr}")
        self.assertEqual(header_blocks(dec), self.original_headers)  # in place, wrapper gone
        self.assertEqual(body_tree(dec), self.original_body)
        self.assertNotIn("EncryptedHeader", dec.read_text(encoding="utf-8"))
        r = self.node("decrypt", "--key", KEYS / "alice-rsa.key", enc, self.out("wrong.xml"))
        self.assertEqual(r.returncode, 1, f"xml-encryption decrypted with the wrong key:\n{r.stdout}{r.stderr}")

    def test_insip_signed_and_encrypted_header_is_verified_by_xml_crypto_after_decryption(self) -> None:
        signed = self.sign_with_headers(self.with_headers, "signed.xml", ROUTING)
        cn = SIGNERS["rsa"][2]
        for name, src in (("good", signed), ("rerouted", self.out("rerouted.xml"))):
            with self.subTest(message=name):
                if name == "rerouted":  # changed after signing, before encryption: must not verify
                    replace_once(signed, src, "sip:scp.example.test", "sip:evil.example.test")
                enc, dec = self.out(f"{name}-enc.xml"), self.out(f"{name}-dec.xml")
                self.ok([BIN, "wss", "encrypt", src, "--cert", KEYS / "scp-rsa.pem", "--header", ROUTING, "-o", enc],
                        "insip wss encrypt --header")
                self.assert_encrypted_headers(enc, [ROUTING])
                r = self.node("verify", "--ca", KEYS / "ca.pem", "--now", NOW, "--decrypt-key", KEYS / "scp-rsa.key",
                              "--out", dec, enc)
                if name == "rerouted":
                    self.assert_invalid(r, "xml-crypto + xml-encryption (Routing changed)")
                    continue
                self.assert_valid(r, "xml-crypto + xml-encryption", cn)
                self.assertIn("decrypted", r.stdout)
                self.assertEqual(header_blocks(dec), header_blocks(signed))

    def test_xml_encryption_encrypted_headers_are_restored_by_insip(self) -> None:
        enc = self.out("xmlenc-enc.xml")
        r = self.node("encrypt", "--cert", KEYS / "scp-rsa.pem", "--header", ROUTING, "--header", CHARGING,
                      self.with_headers, enc)
        self.assertEqual(r.returncode, 0, f"xml-encryption encrypt --header failed:\n{r.stdout}{r.stderr}")
        self.assert_encrypted_headers(enc, [ROUTING, CHARGING])
        dec = self.out("dec.xml")
        self.ok([BIN, "wss", "decrypt", enc, "--key", KEYS / "scp-rsa.key", "--cert", KEYS / "scp-rsa.pem", "-o", dec],
                "insip wss decrypt of xml-encryption EncryptedHeader")
        self.assertEqual(header_blocks(dec), self.original_headers)
        self.assertEqual(body_tree(dec), self.original_body)
        text = dec.read_text(encoding="utf-8")
        self.assertNotIn("EncryptedHeader", text)
        self.assertNotIn("EncryptedKey", text)
        r = self.insip("decrypt", enc, "--key", KEYS / "alice-rsa.key", "-o", self.out("wrong.xml"))
        self.assertNotEqual(r.returncode, 0, f"insip decrypted with the wrong key:\n{r.stdout}{r.stderr}")

    def test_insip_signed_header_encrypted_by_xml_encryption_is_verified_by_insip(self) -> None:
        signed = self.sign_with_headers(self.with_headers, "signed.xml", ROUTING)
        cn = SIGNERS["rsa"][2]
        enc, verified = self.out("enc.xml"), self.out("verified.xml")
        r = self.node("encrypt", "--cert", KEYS / "scp-rsa.pem", "--alg", "aes128-gcm", "--header", ROUTING,
                      signed, enc)
        self.assertEqual(r.returncode, 0, f"xml-encryption encrypt --header failed:\n{r.stdout}{r.stderr}")
        self.assert_encrypted_headers(enc, [ROUTING])
        r = self.insip_verify(enc, "--decrypt-key", KEYS / "scp-rsa.key", "--decrypt-cert", KEYS / "scp-rsa.pem",
                              "-o", verified)
        self.assert_valid(r, "insip verify --decrypt-key", cn)
        self.assertIn("decrypted", r.stdout)
        self.assertEqual(signed_headers(r.stdout), [ROUTING])
        self.assertEqual(header_blocks(verified), header_blocks(signed))
        self.assertEqual(body_tree(verified), self.original_body)
        self.assert_invalid(self.insip_verify(enc), "insip verify without --decrypt-key")
        # Routing changed after signing and then encrypted by the peer: the signature must fail.
        rerouted, enc2 = self.out("rerouted.xml"), self.out("rerouted-enc.xml")
        replace_once(signed, rerouted, "sip:scp.example.test", "sip:evil.example.test")
        r = self.node("encrypt", "--cert", KEYS / "scp-rsa.pem", "--header", ROUTING, rerouted, enc2)
        self.assertEqual(r.returncode, 0, f"xml-encryption encrypt --header failed:\n{r.stdout}{r.stderr}")
        self.assert_invalid(self.insip_verify(enc2, "--decrypt-key", KEYS / "scp-rsa.key"),
                            "insip verify --decrypt-key (Routing changed)")

if __name__ == "__main__":
    unittest.main(verbosity=2)
