# SPDX-License-Identifier: Apache-2.0
#
# test_torture.py - hostile input through the REAL transports of a running `insip proxy` (issue 3).
#
# Table-driven from tests/data/torture/INDEX.tsv (RFC 4475 / RFC 5118 torture messages) and
# tests/data/bugs/LOG.tsv (inputs modelled on public bug reports): every file goes over UDP (one
# datagram), over TCP (one write) and over TCP split into several segments; stream cases are
# delivered as LOG.tsv says. The answer must be what the index requires, and a raw "next hop"
# (UDP + TCP sockets in this process, registered as the Contact of the test users) parses whatever
# reaches it strictly: nothing malformed, and nothing from an invalid input, may arrive there.
# Then variants per fault kind (other headers, other transports, split writes), the limits with
# their counters, slowloris / connection limits and the rate-limited log.
from __future__ import annotations

import re
import socket
import threading
import time
import unittest
from pathlib import Path

import insiptest as it

DATA = it.SRC / "tests" / "data"
TORTURE = DATA / "torture"
BUGS = DATA / "bugs"
HEADER_TIMEOUT_S = 2
FWD = "fwd"  # expectation token: the request may be forwarded to the next hop
NONE = None  # expectation token: no answer at all (discarded)
# Answers a proxy/registrar gives to a well-formed request it processes (auth challenge for our
# domains, unknown / unregistered user, relay refused, registrar challenge, in-dialog without route).
PROCESSED = {401, 403, 404, 407, 480, FWD}


def tsv(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"))) for ln in lines[1:] if ln.strip()]


# file -> (allowed answers over UDP, allowed answers over TCP, regex the 400 reason must match).
# Allowed answers: status codes, FWD, NONE. "close" in the TCP set: the connection must be closed.
T = {
    # --- RFC 4475 3.1.1 valid messages: parse and process
    "wsinv.sip": (PROCESSED, PROCESSED, None),
    "intmeth.sip": (PROCESSED | {501}, PROCESSED | {501}, None),
    "esc02.sip": (PROCESSED | {501}, PROCESSED | {501}, None),
    "lwsdisp.sip": (PROCESSED, PROCESSED, None),
    "longreq.sip": (PROCESSED, PROCESSED, None),
    "semiuri.sip": (PROCESSED, PROCESSED, None),
    "transports.sip": (PROCESSED, PROCESSED, None),
    "unreason.sip": ({NONE}, {NONE}, None),  # valid responses matching no transaction: discarded
    "noreason.sip": ({NONE}, {NONE}, None),
    # --- 3.1.2 invalid
    # badinv01: the top Via is broken (";;,;,,"), but its first element without the empty
    # parameters names a sent-by, so the 400 goes back (INDEX: reject with 400).
    "badinv01.sip": ({400}, {400}, r"Via"),
    "clerr.sip": ({400}, {NONE}, r"Content-Length"),  # TCP: waits for the rest (header timeout)
    "ncl.sip": ({400}, {400, "close"}, r"Content-Length"),
    "scalar02.sip": ({400}, {400}, r"CSeq|Max-Forwards|Expires|Contact"),
    "scalarlg.sip": ({NONE}, {NONE}, None),
    "quotbal.sip": ({400}, {400}, r"To"),
    "ltgtruri.sip": ({400}, {400}, None),
    "lwsstart.sip": ({400}, {400}, None),
    "baddate.sip": (PROCESSED | {400}, PROCESSED | {400}, None),
    "regbadct.sip": ({400}, {400}, r"Contact"),
    "badaspec.sip": (PROCESSED | {400}, PROCESSED | {400}, r"To"),
    "baddn.sip": ({400, NONE}, {NONE}, None),  # UDP: truncated, the answer names no header  # header section never closed
    "badvers.sip": ({505}, {505}, None),
    "mismatch01.sip": ({400}, {400}, r"CSeq"),
    # --- 3.3 semantic
    "unkscm.sip": ({416}, {416}, None),
    "novelsc.sip": ({416, 404}, {416, 404}, None),
    "bext01.sip": ({420}, {420}, None),
    "invut.sip": (PROCESSED, PROCESSED, None),
    "multi01.sip": ({400}, {400}, r"Call-ID|To|From|CSeq|Max-Forwards"),
    "mcl01.sip": ({400}, {400, "close"}, r"Content-Length"),
    "zeromf.sip": ({483}, {483}, None),
    "cparam02.sip": ({401, 200}, {401, 200}, None),
    "sdp01.sip": (PROCESSED, PROCESSED, None),
    # --- RFC 5118
    "ipv6-good.sip": (PROCESSED, PROCESSED, None),
    "ipv6-bad.sip": ({400}, {400}, None),
    "port-ambiguous.sip": (PROCESSED, PROCESSED, None),
    "port-unambiguous.sip": (PROCESSED, PROCESSED, None),
    "ipv6-in-sdp.sip": (PROCESSED, PROCESSED, None),
    "mult-ip-in-header.sip": (PROCESSED, PROCESSED, None),
    "mult-ip-in-sdp.sip": (PROCESSED, PROCESSED, None),
    "ipv6-correct-abnf-2-colons.sip": (PROCESSED, PROCESSED, None),
    # --- extra/
    "archive-test.sip": ({400, NONE}, {400, NONE}, None),
    "baddn-terminated.sip": ({400}, {400}, r"From|To"),
    # --- bugs/ (LOG.tsv), UDP rows and the UDP view of TCP rows
    "02-digest-escaped-quote.sip": ({401}, {401}, None),
    "03-quoted-escaped-backslash.sip": (PROCESSED, PROCESSED, None),
    "04-double-to-empty-tag.sip": ({400}, {400}, r"To"),
    "05-invalid-via-host.sip": ({400, NONE}, {400, NONE}, r"Via"),
    "06-missing-cseq.sip": ({400}, {400}, r"CSeq"),
    "07-cseq-long-method-no-branch.sip": ({400}, {400}, r"CSeq"),
    "08-multipart-malformed.sip": (PROCESSED, PROCESSED, None),
    "09-sdp-payload-type-2pow32.sip": (PROCESSED, PROCESSED, None),
    "10-sdp-fmtp-nul.sip": (PROCESSED, PROCESSED, None),
    "13-ends-inside-cseq-method.sip": ({400, NONE}, {NONE}, None),
    "14-empty-sip-uri-params.sip": ({400}, {400}, r"From|Contact"),
    "15-ctl-before-header-colon.sip": ({400}, {400}, None),
    "21-compact-header-names.sip": (PROCESSED, PROCESSED, None),
    "24-crlf-inside-uri-brackets.sip": ({400}, {400}, None),
    "25-body-ends-with-digits.sip": (PROCESSED, PROCESSED, None),
    "28-ends-inside-content-length.sip": ({400, NONE}, {NONE}, None),
    "30-long-call-id.sip": (PROCESSED, PROCESSED, None),
    "32-status-code-one-digit.sip": ({NONE}, {NONE}, None),
    "33-cseq-not-a-number.sip": ({400}, {400}, r"CSeq"),
    "34-junk-line-before-via.sip": ({400}, {400}, None),
    "35-body-without-content-type.sip": (PROCESSED, PROCESSED, None),
    "36-generic-uri-lone-slash.sip": (PROCESSED, PROCESSED, None),
    "40-digest-algorithm-lowercase.sip": ({401}, {401}, None),
    # stream rows: over UDP the datagram rules apply (leading CRLFs tolerated, trailing bytes
    # beyond Content-Length ignored); over TCP see the stream tests below.
    "16-tcp-crlf-ping-then-request.sip": (PROCESSED, None, None),
    "17-tcp-crlf-ping-only.sip": ({NONE}, None, None),
    "18-tcp-stray-crlf-before-message.sip": ({NONE}, None, None),
    "22-bare-lf-hides-content-length.sip": ({400, NONE}, None, None),
    "26-negative-content-length-tcp.sip": ({400}, None, r"Content-Length"),
    "92-synthetic-tcp-pipelined.sip": (PROCESSED, None, None),
    "93-synthetic-tcp-split.sip": (PROCESSED, None, None),
}
USERS = {"alice": "alice-secret", "bob": "bob-secret", "user": "user-secret", "vivekg": "v-secret",
         "t.watson": "t-secret", "j.user": "j-secret"}
DOMAINS = ["example.test", "example.com", "example.org", "chair-dnrc.example.com"]
SINGLE = ["from", "to", "call-id", "cseq", "max-forwards", "content-length", "content-type"]


def corpus_files() -> list[Path]:
    files = [TORTURE / r["file"] for r in tsv(TORTURE / "INDEX.tsv")]
    files += sorted((TORTURE / "extra").glob("*.sip"))
    files += [BUGS / r["input_file"] for r in tsv(BUGS / "LOG.tsv")]
    return files


_DELIVERY = [0]


def unique(data: bytes) -> bytes:
    """The same input as a new transaction: a suffix on the first branch value (or, without one,
    on the Call-ID), so a re-delivery over another transport is not absorbed as a retransmission.
    Touches nothing any fault is about."""
    _DELIVERY[0] += 1
    tag = b"u%d" % _DELIVERY[0]
    for pat in (rb"branch[ \t]*=[ \t]*[^;,\s]+", rb"(?im)^(?:call-id|i)[ \t]*:[ \t]*[^\r\n]+"):
        m = re.search(pat, data)
        if m:
            data = data[: m.end()] + tag + data[m.end():]
    return data


def call_id_of(data: bytes) -> str | None:
    m = re.search(rb"(?im)^(?:call-id|i)[ \t]*:[ \t]*([^\r\n]+)", data)
    return m.group(1).decode("utf-8", "replace").strip() if m else None


def body_of(data: bytes) -> bytes:
    head, sep, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*\r?$", head)
    return body[: int(m.group(1))] if m else body


def strict_problems(raw: bytes, proxy_port: int, is_request: bool = True) -> list[str]:
    """Independent, strict RFC 3261 checks of one framed message that left the proxy."""
    bad: list[str] = []
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        return ["no CRLFCRLF after the header section"]
    head, body = raw[:end], raw[end + 4:]
    if b"\0" in re.sub(rb"\\[\x00-\x7f]", b"", head):  # NUL only as a quoted-pair (RFC 3261 25.1)
        bad.append("NUL in the header section outside a quoted-pair")
    lines = head.split(b"\r\n")
    for ln in lines:
        if b"\n" in ln or b"\r" in ln:
            bad.append(f"bare CR/LF in line {ln[:60]!r}")
    start = lines[0].decode("utf-8", "replace")
    if is_request:
        if not re.fullmatch(r"[A-Za-z0-9\-.!%*_+`'~]+ sips?:[^ <>]+ SIP/2\.0", start):
            bad.append(f"bad request line {start!r}")
    elif not re.fullmatch(r"SIP/2\.0 [1-6]\d\d [^\r\n]*", start):
        bad.append(f"bad status line {start!r}")
    msg = it.parse_message(raw)
    names = msg.header_names()
    for h in SINGLE:
        n = names.count(h)
        want = (1,) if h in ("from", "to", "call-id", "cseq", "content-length") else (0, 1)
        if h == "max-forwards" and is_request:
            want = (1,)
        if n not in want:
            bad.append(f"{h} appears {n} times")
    for k, _ in msg.headers:
        if not re.fullmatch(r"[A-Za-z0-9\-.!%*_+`'~]+", k):
            bad.append(f"bad header name {k!r}")
    cl = msg.get("content-length")
    if cl is not None and (not cl.isdigit() or int(cl) != len(body)):
        bad.append(f"Content-Length {cl!r} but body has {len(body)} bytes")
    cseq = msg.get("cseq") or ""
    if not re.fullmatch(r"\d{1,10} [A-Za-z0-9\-.!%*_+`'~]+", cseq) or int(cseq.split()[0]) >= 2**32:
        bad.append(f"bad CSeq {cseq!r}")
    elif is_request and cseq.split()[1] != start.split(" ")[0] and start.split(" ")[0] != "ACK":
        bad.append(f"CSeq method {cseq!r} differs from the request method")
    if is_request:
        mf = msg.get("max-forwards") or ""
        if not mf.isdigit() or int(mf) > 255:
            bad.append(f"bad Max-Forwards {mf!r}")
        vias = msg.get_all("via")
        top = it.split_commas(vias[0])[0] if vias else ""
        if not re.match(rf"SIP/2\.0/(UDP|TCP) 127\.0\.0\.1:{proxy_port};branch=z9hG4bK\S+$", top):
            bad.append(f"top Via is not the proxy's: {top!r}")
    return bad


class NextHop:
    """Raw UDP + TCP sockets on one port standing in for the next hop: records every framed
    request that reaches it (tagged with the input being fed at that moment) and answers 486."""

    def __init__(self) -> None:
        self.port = it.free_port()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((it.LOCAL_IP, self.port))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((it.LOCAL_IP, self.port))
        self.tcp.listen(16)
        self.current = "setup"
        self.received: list[tuple[str, str, bytes]] = []  # (input label, transport, raw bytes)
        self.lock = threading.Lock()
        self.stop = False
        for target in (self._udp_loop, self._accept_loop):
            threading.Thread(target=target, daemon=True).start()

    def close(self) -> None:
        self.stop = True
        self.udp.close()
        self.tcp.close()

    def _record(self, transport: str, raw: bytes) -> None:
        with self.lock:
            self.received.append((self.current, transport, raw))

    @staticmethod
    def _answer(raw: bytes) -> bytes | None:
        m = it.parse_message(raw)
        if m.is_response or m.start_line.startswith("ACK "):
            return None
        keep = [f"{k}: {v}" for k, v in m.headers if k.lower() in ("via", "v", "from", "f", "call-id", "i", "cseq")]
        to = m.get("to") or ""
        keep.append(f"To: {to}" + ("" if "tag=" in to else ";tag=nh1"))
        return ("SIP/2.0 486 Busy Here\r\n" + "\r\n".join(keep) + "\r\nContent-Length: 0\r\n\r\n").encode()

    def _udp_loop(self) -> None:
        while not self.stop:
            try:
                data, src = self.udp.recvfrom(70000)
            except OSError:
                return
            if not data.strip():
                continue
            self._record("udp", data)
            ans = self._answer(data)
            if ans:
                self.udp.sendto(ans, src)

    def _accept_loop(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                return
            threading.Thread(target=self._conn_loop, args=(conn,), daemon=True).start()

    def _conn_loop(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while not self.stop:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                buf += chunk
                while True:
                    buf = buf.lstrip(b"\r\n")
                    end = buf.find(b"\r\n\r\n")
                    if end < 0:
                        break
                    m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)", buf[:end])
                    if not m:  # a stream message without Content-Length: record it as-is
                        self._record("tcp", buf)
                        buf = b""
                        break
                    need = end + 4 + int(m.group(1))
                    if len(buf) < need:
                        break
                    raw, buf = buf[:need], buf[need:]
                    self._record("tcp", raw)
                    ans = self._answer(raw)
                    if ans:
                        conn.sendall(ans)

    def take(self) -> list[tuple[str, str, bytes]]:
        with self.lock:
            out, self.received = self.received, []
        return out


class TortureBase(it.ProxyTestCase):
    """One proxy whose domains include the corpus domains; users registered at the next hop."""

    USERS = USERS
    PROXY_ARGS = {"messages": True}
    EXTRA_LIMITS = f"tcp_header_timeout_s = {HEADER_TIMEOUT_S}\n"

    @classmethod
    def setUpClass(cls) -> None:
        cls.nh = NextHop()
        orig_write = it.Proxy.write_config

        def write_config(proxy: it.Proxy) -> None:
            orig_write(proxy)
            text = proxy.config_path.read_text()
            text = text.replace('domains = ["example.test"]',
                                "domains = [" + ", ".join(f'"{d}"' for d in DOMAINS) + "]")
            text = text.replace("[auth]", "[limits]\n" + cls.EXTRA_LIMITS + "\n[auth]", 1)
            proxy.config_path.write_text(text)

        it.Proxy.write_config = write_config
        try:
            super().setUpClass()
        finally:
            it.Proxy.write_config = orig_write
        cls.register_users()

    @classmethod
    def register_users(cls) -> None:
        # AoR domain -> users whose binding points at the next hop (UDP contacts; bob over TCP).
        regs = [("user", "example.com", "udp"), ("user", "example.org", "udp"),
                ("t.watson", "example.org", "udp"), ("vivekg", "chair-dnrc.example.com", "udp"),
                ("j.user", "example.com", "udp"), ("bob", "example.test", "tcp")]
        for user, domain, tp in regs:
            with it.SipClient("udp", cls.proxy.port) as c:
                contact = f"<sip:{user}@{it.LOCAL_IP}:{cls.nh.port};transport={tp}>"
                # REGISTER sip:<domain> (digest uri as the helper computes it for sip:example.test)
                first = c.request(c.build("REGISTER", f"sip:{domain}", from_user=user,
                                          to_uri=f"sip:{user}@{domain}",
                                          headers=[f"Contact: {contact}", "Expires: 3600"]))
                assert first is not None and first.status == 401, f"REGISTER {user}@{domain}: {first}"
                chal = it.pick_challenge(first)
                auth = it.authorization(chal, user, USERS[user], "REGISTER", f"sip:{domain}")
                msg = c.build("REGISTER", f"sip:{domain}", from_user=user, to_uri=f"sip:{user}@{domain}",
                              headers=[f"Contact: {contact}", "Expires: 3600", f"Authorization: {auth}"])
                # From must carry the AoR's domain (identity check): rewrite the helper's From.
                msg = msg.replace(f"<sip:{user}@{it.DOMAIN}>".encode(), f"<sip:{user}@{domain}>".encode())
                second = c.request(msg)
                assert second is not None and second.status == 200, \
                    f"REGISTER {user}@{domain}: {second and second.start_line}\n{cls.proxy.log_text()[-2000:]}"
        cls.nh.take()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.nh.close()

    # ------------------------------------------------------------------ helpers
    def log_mark(self) -> int:
        return len(self.proxy.log_text())

    def answers_in_log(self, mark: int, call_id: str | None) -> list[str]:
        """First lines of the responses the proxy sent since `mark` for this Call-ID (or the
        placeholder of an unreadable one), from its MSG log lines: a UDP answer goes to the top
        Via's sent-by, which for corpus files is not this test's socket."""
        out = []
        for ln in self.proxy.log_text()[mark:].splitlines():
            m = re.search(r"\bMSG out (udp|tcp|tls):[0-9.]+:(\d+) (SIP/2\.0 .*?) \| call-id=(\S*) ", ln)
            if m and int(m.group(2)) != self.nh.port and (call_id is None or m.group(4) in (call_id, "invalid", "")):
                if m.group(3) not in out:  # an INVITE's final answer is retransmitted until ACKed
                    out.append(m.group(3))
        return out

    def feed_udp(self, data: bytes, label: str, wait: float = 0.5) -> list[str]:
        self.nh.current = label
        mark = self.log_mark()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(data, (it.LOCAL_IP, self.proxy.port))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:  # poll the log; once answered, a short grace period
            time.sleep(0.05)
            if any(int(f.split(" ")[1]) >= 200 for f in self.answers_in_log(mark, call_id_of(data))):
                time.sleep(0.1)
                break
        return self.answers_in_log(mark, call_id_of(data))

    def feed_tcp(self, chunks: list[bytes], label: str, wait: float = 0.6,
                 pause: float = 0.02) -> tuple[bytes, bool]:
        """Writes chunks on a new connection; returns (bytes received, whether the proxy closed)."""
        self.nh.current = label
        with socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3) as s:
            for i, ch in enumerate(chunks):
                s.sendall(ch)
                if i + 1 < len(chunks):
                    time.sleep(pause)
            return self.read_until_quiet(s, wait)

    @staticmethod
    def read_until_quiet(s: socket.socket, wait: float) -> tuple[bytes, bool]:
        """Reads until the peer closes or `wait` passes; once a final answer is complete, only
        a short grace period more (for a close or a second, unexpected answer)."""
        out, closed = b"", False
        deadline = time.monotonic() + wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                c = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not c:
                closed = True
                break
            out += c
            if re.search(rb"SIP/2\.0 [2-6]\d\d [^\r\n]*\r\n", out) and b"\r\n\r\n" in out:
                deadline = min(deadline, time.monotonic() + 0.25)
        return out, closed

    @staticmethod
    def split_stream(data: bytes) -> list[SipMessageLike]:
        """Frames what came back on a stream: (messages, count of CRLF pongs)."""
        msgs, pongs, buf = [], 0, data
        while buf:
            if buf.startswith(b"\r\n"):
                pongs += 1
                buf = buf[2:]
                continue
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                msgs.append(buf)
                break
            m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)", buf[:end])
            need = end + 4 + (int(m.group(1)) if m else 0)
            msgs.append(buf[:need])
            buf = buf[need:]
        return msgs, pongs

    def check_answers(self, label: str, firsts: list[str], allowed: set, reason_re: str | None,
                      forwarded: bool) -> None:
        codes = [int(f.split(" ")[1]) for f in firsts]
        finals = [c for c in codes if c >= 200]
        got = set(finals)
        if forwarded:
            got.add(FWD)
        if not got:
            got = {NONE}
        self.assertLessEqual(len(finals), 1, f"{label}: more than one final answer {firsts}")
        self.assertTrue(got <= allowed or (FWD in got and FWD in allowed and len(got) == 2 and
                                           got - {FWD} <= {486, 408}),
                        f"{label}: got {sorted(map(str, got))} {firsts}, allowed {sorted(map(str, allowed))}\n"
                        f"{self.proxy.log_text()[-1500:]}")
        for f in firsts:
            if f.split(" ")[1] == "400" and reason_re:
                self.assertRegex(f.split(" ", 2)[2], reason_re, f"{label}: the 400 must name the header")
            if f.split(" ")[1] == "420":
                pass

    def check_next_hop(self, label: str, original: bytes | None, may_forward: bool) -> bool:
        """Strictly checks what reached the next hop for `label`; returns whether anything did."""
        time.sleep(0.05)
        got = [r for r in self.nh.take() if r[0] == label]
        for _, tp, raw in got:
            if raw.startswith((b"ACK ", b"CANCEL ")):  # the proxy's own hop-by-hop ACK / CANCEL
                self.assertEqual(strict_problems(raw, self.proxy.port), [], f"{label}: {raw!r}")
                continue
            if not may_forward:
                self.fail(f"{label}: an input that must not be forwarded reached the next hop over "
                          f"{tp}:\n{raw[:1500]!r}")
            probs = strict_problems(raw, self.proxy.port)
            self.assertEqual(probs, [], f"{label}: malformed message at the next hop:\n{raw[:2000]!r}")
            if original is not None:
                self.assertEqual(body_of(raw), body_of(original), f"{label}: body changed on the way")
        return bool(got)


SipMessageLike = bytes


class CorpusTests(TortureBase):
    """Every corpus file over UDP, TCP (one write) and TCP split into segments."""

    def run_file(self, path: Path) -> None:
        udp_allowed, tcp_allowed, reason_re = T[path.name]
        data = unique(path.read_bytes())
        # --- UDP
        label = f"{path.name}/udp"
        firsts = self.feed_udp(data, label)
        fwd = self.check_next_hop(label, data, FWD in udp_allowed)
        self.check_answers(label, firsts, udp_allowed, reason_re, fwd)
        if tcp_allowed is None:
            return  # stream rows: see StreamCaseTests
        # --- TCP, one write, then split into 2..7 segments at spread-out offsets
        n = len(data)
        splits = [[data],
                  [data[:1], data[1:]],
                  [data[: n // 3], data[n // 3: n // 2], data[n // 2: n - 1], data[n - 1:]]]
        hdr_end = data.find(b"\r\n\r\n")
        if hdr_end > 0:  # cut inside the CRLFCRLF and inside the Content-Length line
            cl = data.lower().find(b"content-length")
            cuts = sorted({c for c in (hdr_end + 1, hdr_end + 3, cl + 9 if cl > 0 else 5, 3) if 0 < c < n})
            parts, prev = [], 0
            for c in cuts:
                parts.append(data[prev:c])
                prev = c
            parts.append(data[prev:])
            splits.append([p for p in parts if p])
        for i, chunks in enumerate(splits):
            label = f"{path.name}/tcp{i}"
            data = unique(b"".join(chunks))
            chunks, pos = [], 0
            for ln in map(len, splits[i]):  # same cut points on the re-labelled bytes
                chunks.append(data[pos:pos + ln])
                pos += ln
            chunks[-1] += data[pos:]
            raw, closed = self.feed_tcp(chunks, label, wait=0.8)
            msgs, _ = self.split_stream(raw)
            for m in msgs:
                self.assertEqual(strict_problems(m, self.proxy.port, is_request=False), [],
                                 f"{label}: malformed answer {m[:500]!r}")
            firsts = [it.parse_message(m).start_line for m in msgs]
            fwd = self.check_next_hop(label, data, FWD in tcp_allowed)
            self.check_answers(label, firsts, tcp_allowed - {"close"}, reason_re, fwd)
            if "close" in tcp_allowed:
                self.assertTrue(closed, f"{label}: framing was lost, the connection must be closed")
            elif tcp_allowed != {NONE} and NONE not in tcp_allowed:
                self.assertFalse(closed, f"{label}: connection closed after a framed message")
            if path.name == "bext01.sip":
                for m in msgs:
                    pm = it.parse_message(m)
                    if pm.status == 420:
                        # a proxy lists the Proxy-Require tags, not the Require ones (RFC 4475 3.3.5)
                        self.assertIn("noProxiesSupportThis", pm.get("unsupported") or "")
                        self.assertNotIn("nothingSupportsThis", pm.get("unsupported") or "")

    def test_every_corpus_file_is_indexed_and_exists(self):
        names = [p.name for p in corpus_files()]
        self.assertGreaterEqual(len(names), 70)
        for n in names:
            self.assertIn(n, T, f"{n} has no expectation in this test")
            self.assertTrue((TORTURE / n).exists() or (TORTURE / "extra" / n).exists() or (BUGS / n).exists())

    def test_valid_requests_reach_the_next_hop_well_formed(self):
        for name in ("invut.sip", "sdp01.sip", "baddate.sip"):
            with self.subTest(name):
                data = unique((TORTURE / name).read_bytes())
                self.feed_udp(data, f"{name}/fwd-check", wait=0.8)
                self.assertTrue(self.check_next_hop(f"{name}/fwd-check", data, True),
                                f"{name}: a valid INVITE for a registered user must be forwarded\n"
                                f"{self.proxy.log_text()[-1500:]}")


def _make_corpus_test(path: Path):
    def t(self):
        self.run_file(path)
    t.__doc__ = f"{path.name} is handled as its index says over UDP and TCP (one write and split)"
    return t


for _p in corpus_files():
    setattr(CorpusTests, "test_" + re.sub(r"\W", "_", _p.stem), _make_corpus_test(_p))


class StreamCaseTests(TortureBase):
    """LOG.tsv stream rows, delivered as the notes say, plus stream variants."""

    def data(self, name: str) -> bytes:
        return (BUGS / name).read_bytes()

    def assertStillServes(self, s: socket.socket) -> None:
        probe = (f"OPTIONS sip:{it.LOCAL_IP}:{self.proxy.port} SIP/2.0\r\n"
                 f"Via: SIP/2.0/TCP {it.LOCAL_IP}:{s.getsockname()[1]};branch=z9hG4bK{it.rand_token()}\r\n"
                 f"Max-Forwards: 70\r\nFrom: <sip:probe@example.net>;tag=p1\r\nTo: <sip:{it.LOCAL_IP}>\r\n"
                 f"Call-ID: {it.rand_token()}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode()
        s.sendall(probe)
        raw, _ = self.read_until_quiet(s, 0.6)
        msgs, _ = self.split_stream(raw)
        self.assertTrue(msgs and it.parse_message(msgs[0]).status == 200,
                        f"connection no longer serves requests: {raw!r}")

    def test_16_ping_then_request_gets_one_pong_then_the_answer(self):
        self.nh.current = "16"
        with socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3) as s:
            s.sendall(self.data("16-tcp-crlf-ping-then-request.sip"))
            raw, closed = self.read_until_quiet(s, 0.6)
        self.assertTrue(raw.startswith(b"\r\n") and not raw.startswith(b"\r\n\r\n"), raw[:40])
        msgs, pongs = self.split_stream(raw)
        self.assertEqual(pongs, 1)
        self.assertEqual(len(msgs), 1)
        self.assertIn(it.parse_message(msgs[0]).status, PROCESSED - {FWD})
        self.assertFalse(closed)

    def test_17_ping_only_gets_a_pong_and_the_connection_stays_open(self):
        for chunks in ([b"\r\n\r\n"], [b"\r\n", b"\r\n"], [b"\r", b"\n\r", b"\n"]):
            with socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3) as s:
                for ch in chunks:
                    s.sendall(ch)
                    time.sleep(0.05)
                raw, closed = self.read_until_quiet(s, 0.4)
                self.assertEqual(raw, b"\r\n", chunks)
                self.assertFalse(closed)
                self.assertStillServes(s)

    def test_18_stray_crlf_then_response_is_skipped_and_dropped(self):
        with socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3) as s:
            self.nh.current = "18"
            s.sendall(self.data("18-tcp-stray-crlf-before-message.sip"))
            raw, closed = self.read_until_quiet(s, 0.5)
            self.assertEqual(raw, b"")
            self.assertFalse(closed)
            self.check_next_hop("18", None, False)
            self.assertStillServes(s)

    def assert_400_then_close(self, chunks: list[bytes], label: str, reason_re: str | None) -> None:
        raw, closed = self.feed_tcp(chunks, label, wait=1.0)
        msgs, _ = self.split_stream(raw)
        self.assertTrue(closed, f"{label}: framing lost: the connection must be closed ({raw!r})")
        self.assertLessEqual(len(msgs), 1, f"{label}: a smuggled message was answered: {raw!r}")
        if msgs:
            resp = it.parse_message(msgs[0])
            self.assertEqual(resp.status, 400, raw)
            if reason_re:
                self.assertRegex(resp.reason, reason_re)
            self.assertEqual(strict_problems(msgs[0], self.proxy.port, is_request=False), [])
        self.check_next_hop(label, None, False)

    def test_22_bare_lf_hides_content_length_closes_without_processing_the_smuggled_request(self):
        d = self.data("22-bare-lf-hides-content-length.sip")
        self.assert_400_then_close([d], "22", None)
        self.assert_400_then_close([d[:40], d[40:]], "22-split", None)

    def test_26_negative_content_length_answers_400_and_closes(self):
        d = self.data("26-negative-content-length-tcp.sip")
        self.assert_400_then_close([d], "26", r"Content-Length")
        self.assertIn(b"400", self.feed_tcp([d], "26b", wait=0.8)[0])  # the answer is really sent

    def test_92_pipelined_requests_are_both_processed_in_order(self):
        d = self.data("92-synthetic-tcp-pipelined.sip")
        for chunks in ([d], [d[: len(d) // 2], d[len(d) // 2:]]):
            raw, closed = self.feed_tcp(chunks, "92", wait=0.8)
            msgs, _ = self.split_stream(raw)
            self.assertEqual(len(msgs), 2, raw)
            cseqs = [it.parse_message(m).get("cseq") for m in msgs]
            want = re.findall(rb"(?m)^CSeq: ([^\r]+)", d)
            self.assertEqual([c.encode() for c in cseqs], want)
            self.assertFalse(closed)

    def test_93_split_request_is_reassembled_and_processed_once(self):
        d = self.data("93-synthetic-tcp-split.sip")
        chunks = [d[0:4], d[4:275], d[275:299], d[299:304]]
        self.assertEqual(b"".join(chunks), d)
        raw, closed = self.feed_tcp(chunks, "93", wait=0.8, pause=0.2)
        msgs, _ = self.split_stream(raw)
        self.assertEqual(len(msgs), 1, raw)
        self.assertIn(it.parse_message(msgs[0]).status, PROCESSED - {FWD})

    def test_byte_by_byte_delivery_is_reassembled(self):
        d = (TORTURE / "zeromf.sip").read_bytes()
        raw, _ = self.feed_tcp([d[i:i + 1] for i in range(len(d))], "bytewise", wait=0.8, pause=0.0)
        msgs, _ = self.split_stream(raw)
        self.assertEqual([it.parse_message(m).status for m in msgs], [483])

    def test_incomplete_message_is_closed_after_the_header_timeout(self):
        # clerr: Content-Length 9999 with a short body; slowloris: headers trickling forever.
        for label, chunks in (("clerr", [(TORTURE / "clerr.sip").read_bytes()]),
                              ("trickle", [b"OPTIONS sip:x@example.test SIP/2.0\r\n"])):
            with socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3) as s:
                for ch in chunks:
                    s.sendall(ch)
                t0 = time.monotonic()
                closed = False
                while time.monotonic() - t0 < HEADER_TIMEOUT_S + 3:
                    if label == "trickle":
                        try:
                            s.sendall(b"X-Slow: a\r\n")  # bytes keep coming, the message never ends
                        except OSError:
                            closed = True
                            break
                    raw, closed = self.read_until_quiet(s, 0.5)
                    self.assertNotIn(b"SIP/2.0", raw)
                    if closed:
                        break
                self.assertTrue(closed, f"{label}: still open after {HEADER_TIMEOUT_S + 3} s")
                self.assertGreaterEqual(time.monotonic() - t0, HEADER_TIMEOUT_S - 0.5, label)


# A valid request template for the variants: answers come back to the sending socket (rport).
def request(port: int, tp: str = "UDP", method: str = "OPTIONS", ruri: str | None = None,
            extra: list[str] | None = None, drop: tuple[str, ...] = (), body: bytes = b"",
            replace: dict[str, str] | None = None, cl: str | None = None) -> bytes:
    br = "z9hG4bK" + it.rand_token(12)
    hdrs = [("Via", f"SIP/2.0/{tp} {it.LOCAL_IP}:{port};branch={br};rport"),
            ("Max-Forwards", "70"), ("From", "<sip:caller@example.net>;tag=v1"),
            ("To", "<sip:user@example.com>"), ("Call-ID", it.rand_token(14)),
            ("CSeq", f"1 {method}")]
    hdrs = [(k, (replace or {}).get(k, v)) for k, v in hdrs if k not in drop]
    lines = [f"{method} {ruri or 'sip:user@example.com'} SIP/2.0"] + [f"{k}: {v}" for k, v in hdrs]
    lines += extra or []
    lines.append(f"Content-Length: {cl if cl is not None else len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class FaultKindTests(TortureBase):
    """Own variants per fault kind, over UDP (answer to our socket via rport) and TCP."""

    def ask(self, tp: str, build, label: str, wait: float = 0.6) -> tuple[list[it.SipMessage], bool]:
        self.nh.current = label
        if tp == "udp":
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind((it.LOCAL_IP, 0))
                s.sendto(build(s.getsockname()[1], "UDP"), (it.LOCAL_IP, self.proxy.port))
                s.settimeout(wait)
                out = []
                try:
                    while True:
                        out.append(it.parse_message(s.recvfrom(65536)[0]))
                except socket.timeout:
                    pass
                return out, False
        with socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3) as s:
            data = build(s.getsockname()[1], "TCP")
            cut = max(1, len(data) // 2)
            s.sendall(data[:cut])
            time.sleep(0.02)
            s.sendall(data[cut:])
            raw, closed = self.read_until_quiet(s, wait)
        msgs, _ = self.split_stream(raw)
        for m in msgs:
            self.assertEqual(strict_problems(m, self.proxy.port, is_request=False), [], f"{label}: {m!r}")
        return [it.parse_message(m) for m in msgs], closed

    def expect(self, build, status: int, reason_re: str | None = None, label: str = "",
               transports=("udp", "tcp")) -> list[it.SipMessage]:
        out = []
        for tp in transports:
            lab = f"{label}/{tp}"
            msgs, _ = self.ask(tp, build, lab)
            finals = [m for m in msgs if m.status >= 200]
            finals = [m for i, m in enumerate(finals) if m.raw not in [x.raw for x in finals[:i]]]  # retransmissions
            self.assertEqual([m.status for m in finals], [status], f"{lab}: {[m.start_line for m in msgs]}")
            if reason_re:
                self.assertRegex(finals[0].reason, reason_re, lab)
            self.check_next_hop(lab, None, False)
            out += finals
        return out

    def test_duplicated_single_value_headers_get_400_naming_the_header(self):
        dup = {"From": "<sip:x@example.net>;tag=zz", "To": "<sip:y@example.com>", "Call-ID": "other-call",
               "CSeq": "2 OPTIONS", "Max-Forwards": "69"}
        for h, v in dup.items():
            with self.subTest(h):
                self.expect(lambda p, tp, h=h, v=v: request(p, tp, extra=[f"{h}: {v}"]), 400,
                            rf"\b{re.escape(h)}\b", f"dup-{h}")

    def test_unreadable_header_values_get_400_naming_the_header(self):
        cases = {"CSeq": ["CSeq: abc OPTIONS", "CSeq: 99999999999 OPTIONS", "CSeq: 1 INVITE"],
                 "Max-Forwards": ["Max-Forwards: 300", "Max-Forwards: -1", "Max-Forwards: ten"],
                 "From": ['From: "unterminated <sip:a@example.net>;tag=1', "From: <sip:>;tag=1"],
                 "To": ["To: < sip:user@example.com >", 'To: "x <sip:user@example.com>'],
                 "Call-ID": ["Call-ID: has space"],
                 "Contact": ["Contact: sip:a@b?c=d"],
                 "Expires": ["Expires: -5", "Expires: soon"]}
        for h, lines in cases.items():
            for line in lines:
                with self.subTest(line):
                    name, _, value = line.partition(": ")
                    if name in ("CSeq", "Max-Forwards", "From", "To", "Call-ID"):
                        build = lambda p, tp, n=name, v=value: request(p, tp, replace={n: v})
                    else:
                        build = lambda p, tp, l=line: request(p, tp, extra=[l])
                    self.expect(build, 400, rf"\b{re.escape(h)}\b", f"bad-{line}")

    def test_missing_mandatory_headers_get_400_naming_them(self):
        for h in ("From", "To", "Call-ID", "CSeq", "Max-Forwards"):
            with self.subTest(h):
                msgs = []
                for tp in ("udp", "tcp"):
                    m, _ = self.ask(tp, lambda p, t, h=h: request(p, t, drop=(h,)), f"missing-{h}/{tp}")
                    msgs += m
                    self.check_next_hop(f"missing-{h}/{tp}", None, h == "Max-Forwards")
                if h == "Max-Forwards":
                    continue  # RFC 3261 16.6 step 3: a proxy adds it; forwarding is correct
                self.assertEqual([m.status for m in msgs], [400, 400], h)
                self.assertRegex(msgs[0].reason, rf"\b{re.escape(h)}\b")

    def test_requests_without_a_readable_via_are_dropped_and_counted(self):
        variants = [lambda p, tp: request(p, tp, drop=("Via",)),
                    lambda p, tp: request(p, tp, replace={"Via": "SIP/2.0/UDP ;;;"}),
                    lambda p, tp: request(p, tp, replace={"Via": "garbage"})]
        for i, b in enumerate(variants):
            for tp in ("udp", "tcp"):
                msgs, _ = self.ask(tp, b, f"novia{i}/{tp}", wait=0.4)
                self.assertEqual(msgs, [], f"novia{i}/{tp}")
                self.check_next_hop(f"novia{i}/{tp}", None, False)

    def test_version_scheme_extension_hops_and_method_answers(self):
        self.expect(lambda p, tp: request(p, tp).replace(b"SIP/2.0\r\n", b"SIP/3.0\r\n", 1), 505, label="ver")
        for scheme in ("http://example.com/x", "mailto:user@example.com", "urn:service:sos"):
            self.expect(lambda p, tp, s=scheme: request(p, tp, ruri=s), 416, label=f"scheme-{scheme}")
        r = self.expect(lambda p, tp: request(p, tp, extra=["Proxy-Require: foo, bar"]), 420, label="pr")
        for resp in r:
            self.assertEqual(resp.get("unsupported"), "foo, bar")
        for method in ("OPTIONS", "INVITE", "MESSAGE"):
            self.expect(lambda p, tp, m=method: request(p, tp, method=m, replace={"Max-Forwards": "0"}),
                        483, label=f"mf0-{method}")
        us = f"sip:{it.LOCAL_IP}:{self.proxy.port}"
        r = self.expect(lambda p, tp: request(p, tp, method="FROBNICATE", ruri=us,
                                              replace={"To": f"<{us}>"}), 501, label="unknown-method")
        for resp in r:
            self.assertIn("INVITE", resp.get("allow") or "")

    def test_content_length_faults_on_streams_answer_400_and_close(self):
        second = request(5999, "TCP", method="OPTIONS", ruri=f"sip:{it.LOCAL_IP}:{self.proxy.port}")
        for cl in ("-1", "five", "2147483649", "99999999999999999999", "1e3", " 0x10"):
            for split in (False, True):
                with self.subTest(cl=cl, split=split):
                    d = request(5999, "TCP", cl=cl) + second  # a smuggled second request behind it
                    chunks = [d[:30], d[30:70], d[70:]] if split else [d]
                    raw, closed = self.feed_tcp(chunks, f"cl{cl}", wait=0.8)
                    msgs, _ = self.split_stream(raw)
                    self.assertTrue(closed, f"CL {cl!r}: connection must close")
                    self.assertEqual([it.parse_message(m).status for m in msgs], [400], raw)
                    self.assertRegex(it.parse_message(msgs[0]).reason, r"Content-Length")
                    self.check_next_hop(f"cl{cl}", None, False)
        # duplicated and conflicting; and missing on a stream
        for extra, reason in ((["Content-Length: 7"], r"Content-Length"), ([], r"Content-Length")):
            d = request(5999, "TCP", extra=extra)
            if not extra:
                d = d.replace(b"Content-Length: 0\r\n", b"")
            raw, closed = self.feed_tcp([d + second], "cl-dup", wait=0.8)
            msgs, _ = self.split_stream(raw)
            self.assertTrue(closed)
            self.assertEqual([it.parse_message(m).status for m in msgs], [400], raw)
            self.assertRegex(it.parse_message(msgs[0]).reason, reason)

    def test_content_length_faults_on_udp_answer_400_naming_it(self):
        for cl in ("-1", "five", "99999999999999999999", "9999"):
            self.expect(lambda p, tp, c=cl: request(p, tp, cl=c), 400, r"Content-Length", f"udp-cl{cl}",
                        transports=("udp",))
        # beyond max_body_bytes: 413 (RFC 3261 21.4.11), never a read past the datagram
        self.expect(lambda p, tp: request(p, tp, cl="2147483649"), 413, None, "udp-cl-2^31",
                    transports=("udp",))
        self.expect(lambda p, tp: request(p, tp, extra=["Content-Length: 3"]), 400, r"Content-Length",
                    "udp-cl-dup", transports=("udp",))

    def test_bare_lf_cr_and_nul_in_headers_close_streams_and_never_forward(self):
        for label, mangle in (("bare-lf", lambda d: d.replace(b"\r\nMax-Forwards", b"\nMax-Forwards")),
                              ("bare-cr", lambda d: d.replace(b"\r\nMax-Forwards", b"\rMax-Forwards")),
                              ("nul", lambda d: d.replace(b"Max-Forwards: 70", b"Max-Forwards: 7\x000"))):
            d = mangle(request(5999, "TCP"))
            raw, closed = self.feed_tcp([d], label, wait=0.8)
            self.assertTrue(closed, label)
            msgs, _ = self.split_stream(raw)
            self.assertLessEqual(len(msgs), 1)
            for m in msgs:
                self.assertEqual(it.parse_message(m).status, 400)
            self.check_next_hop(label, None, False)
            # over UDP (datagram: no framing to lose): a bare LF is read as a line end and what is
            # forwarded is re-serialised with CRLF (strictly checked); bare CR and NUL: never forwarded
            self.feed_udp(mangle(request(5999, "UDP", ruri="sip:user@example.com")), label + "/udp")
            self.check_next_hop(label + "/udp", None, label == "bare-lf")

    def test_bad_responses_are_discarded_never_forwarded(self):
        resp = ("SIP/2.0 {code} X\r\nVia: SIP/2.0/UDP {ip}:{port};branch=z9hG4bKin1.deadbeef\r\n"
                "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKup\r\nFrom: <sip:a@example.net>;tag=1\r\n"
                "To: <sip:user@example.com>;tag=2\r\nCall-ID: r1\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n")
        variants = [dict(code="2", cseq="1 INVITE"), dict(code="2000", cseq="1 INVITE"),
                    dict(code="200", cseq="99999999999 INVITE"), dict(code="200", cseq="x"),
                    dict(code="999", cseq="1 INVITE")]
        before = self.proxy_stat_probe()
        for v in variants:
            data = resp.format(ip=it.LOCAL_IP, port=self.proxy.port, **v).encode()
            self.assertEqual(self.feed_udp(data, f"badresp-{v}"), [])
            self.check_next_hop(f"badresp-{v}", None, False)
            raw, closed = self.feed_tcp([data], f"badresp-tcp-{v}", wait=0.3)
            self.assertEqual(raw, b"")
            self.check_next_hop(f"badresp-tcp-{v}", None, False)
        self.assertStillAnswers(before)

    def proxy_stat_probe(self) -> int:
        return self.log_mark()

    def assertStillAnswers(self, _mark: int) -> None:
        with it.SipClient("udp", self.proxy.port) as c:
            r = c.request(c.options(), timeout=2)
            self.assertIsNotNone(r)
            self.assertEqual(r.status, 200)

    def test_a_bad_message_leaves_no_state_behind(self):
        # The same branch / Call-ID first in a bad request, then in a good one: the good one must
        # be processed as new (a half-created transaction would absorb it or answer 400 again).
        for tp in ("udp", "tcp"):
            br = "z9hG4bK" + it.rand_token(12)
            call = it.rand_token(12)

            def build(p, t, cseq="1 INVITE"):
                return request(p, t, method="INVITE", replace={"CSeq": cseq, "Call-ID": call}).replace(
                    re.search(rb"branch=(\w+)", request(p, t)).group(0), f"branch={br}".encode())

            fix = lambda d, br=br: re.sub(rb"branch=[^;]+", f"branch={br}".encode(), d, count=1)
            bad = lambda p, t: fix(request(p, t, method="INVITE", replace={"CSeq": "x INVITE", "Call-ID": call}))
            good = lambda p, t: fix(request(p, t, method="INVITE", replace={"Call-ID": call}))
            m1, _ = self.ask(tp, bad, f"state-bad/{tp}")
            self.assertEqual([m.status for m in m1 if m.status >= 200], [400])
            m2, _ = self.ask(tp, good, f"state-good/{tp}", wait=1.0)
            finals = [m.status for m in m2 if m.status >= 200]
            self.assertTrue(finals and finals[0] != 400, f"{tp}: {finals}")
            self.nh.take()


class LimitTests(TortureBase):
    """Every configurable limit: the answer, the counter in STATS and a bounded log."""

    EXTRA_LIMITS = (f"tcp_header_timeout_s = {HEADER_TIMEOUT_S}\nmax_message_bytes = 6000\n"
                    "max_headers = 20\nmax_line_bytes = 1000\nmax_body_bytes = 2000\nmax_uri_bytes = 200\n"
                    "max_vias = 5\nmax_connections_per_source = 3\nmax_tcp_connections = 50\n"
                    "tcp_idle_timeout_s = 4\n")

    def stats_after_stop(self) -> dict[str, str]:
        self.proxy.stop()
        st = self.proxy.stats()
        self.proxy.start()
        self.register_users()
        return st

    def udp(self, data_fn, wait=0.5) -> list[it.SipMessage]:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((it.LOCAL_IP, 0))
            s.sendto(data_fn(s.getsockname()[1]), (it.LOCAL_IP, self.proxy.port))
            s.settimeout(wait)
            out = []
            try:
                while True:
                    out.append(it.parse_message(s.recvfrom(65536)[0]))
            except socket.timeout:
                pass
            return out

    def test_each_parser_limit_answers_and_is_counted(self):
        cases = [  # (label, builder, allowed statuses, stats key)
            ("message", lambda p: request(p, body=b"x" * 1900, extra=["X-Pad: " + "y" * 900] * 5), {NONE, 513}, "limit_message_bytes"),
            ("headers", lambda p: request(p, extra=[f"X-H{i}: v" for i in range(25)]), {NONE, 400}, "limit_headers"),
            ("line", lambda p: request(p, extra=["X-Long: " + "z" * 1200]), {NONE, 400}, "limit_line_bytes"),
            ("body", lambda p: request(p, body=b"b" * 2500), {413}, "limit_body_bytes"),
            ("uri", lambda p: request(p, ruri="sip:" + "u" * 300 + "@example.com"), {414}, "limit_uri_bytes"),
            ("vias", lambda p: request(p, extra=[f"Via: SIP/2.0/UDP 192.0.2.{i};branch=z9hG4bK{i}" for i in range(8)]), {400}, "limit_vias"),
        ]
        for label, b, allowed, _ in cases:
            with self.subTest(label):
                self.nh.current = label
                finals = {m.status for m in self.udp(b) if m.status >= 200} or {NONE}
                self.assertLessEqual(finals, allowed, label)
                self.check_next_hop(label, None, False)
        # a TCP message over max_message_bytes: framing lost, connection closed
        big = request(5999, "TCP", body=b"x" * 1900, extra=["X-Pad: " + "y" * 900] * 5)
        raw, closed = self.feed_tcp([big], "tcp-big", wait=1.0)
        self.assertTrue(closed)
        st = self.stats_after_stop()
        for label, _, _, key in cases:
            self.assertGreaterEqual(int(st.get(key, "0")), 1, f"{key} not counted: {st}")
        self.assertGreaterEqual(int(st.get("framing_errors", "0")), 1, st)

    def test_connections_per_source_are_limited(self):
        socks = []
        try:
            for _ in range(3):
                socks.append(socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3))
            time.sleep(0.2)
            extra = socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3)
            socks.append(extra)
            _, closed = self.read_until_quiet(extra, 0.8)
            self.assertTrue(closed, "the 4th connection from one address must be refused")
            _, closed0 = self.read_until_quiet(socks[0], 0.2)
            self.assertFalse(closed0)
        finally:
            for s in socks:
                s.close()
        time.sleep(0.3)
        with socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3) as s:  # freed again
            _, closed = self.read_until_quiet(s, 0.3)
            self.assertFalse(closed)
        st = self.stats_after_stop()
        self.assertGreaterEqual(int(st.get("tcp_rejected", "0")), 1, st)

    def test_idle_connections_are_closed(self):
        with socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3) as s:
            t0 = time.monotonic()
            _, closed = self.read_until_quiet(s, 7)
            self.assertTrue(closed)
            self.assertGreaterEqual(time.monotonic() - t0, 3)

    def test_a_flood_of_bad_input_does_not_flood_the_log(self):
        mark = len(self.proxy.log_text())
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i in range(400):
                s.sendto(b"GARBAGE %d\r\n\r\n" % i, (it.LOCAL_IP, self.proxy.port))
                s.sendto(request(5999, extra=[f"X-H{i}: v" for i in range(25)]), (it.LOCAL_IP, self.proxy.port))
        for _ in range(400):
            conn = socket.create_connection((it.LOCAL_IP, self.proxy.port), timeout=3)
            conn.sendall(b"OPTIONS sip:a SIP/2.0\r\nContent-Length: -1\r\n\r\n")
            conn.close()
            if _ % 100 == 99:
                time.sleep(0.05)
        time.sleep(1.2)
        with it.SipClient("udp", self.proxy.port) as c:  # opens a new window: the summary line
            c.request(c.options(), timeout=2)
            c.sock.sendto(b"GARBAGE\r\n\r\n", (it.LOCAL_IP, self.proxy.port))
        time.sleep(0.3)
        new = [ln for ln in self.proxy.log_text()[mark:].splitlines() if " MSG " not in ln]
        self.assertLess(len(new), 120, "\n".join(new[:40]))
        self.assertTrue(any("suppressed" in ln for ln in new), "\n".join(new[-20:]))
        st = self.stats_after_stop()
        self.assertGreaterEqual(int(st.get("dropped", "0")), 400, st)
        self.assertGreaterEqual(int(st.get("limit_headers", "0")), 400, st)
        self.assertGreaterEqual(int(st.get("framing_errors", "0")), 300, st)


if __name__ == "__main__":
    unittest.main(verbosity=2)
