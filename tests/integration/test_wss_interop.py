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


def body_tree(path: Path) -> list:
    """The Body's element content as a namespace-aware, prefix-independent structure."""

    def conv(e: ET.Element):
        return (e.tag, sorted(e.attrib.items()), (e.text or "").strip(), [conv(c) for c in e])

    root = ET.parse(path).getroot()
    body = root.find(f"{{{SOAP}}}Body")
    if body is None:
        raise AssertionError(f"{path}: no soap:Body")
    return [conv(c) for c in body]


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


if __name__ == "__main__":
    unittest.main(verbosity=2)
