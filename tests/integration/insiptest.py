# SPDX-License-Identifier: Apache-2.0
#
# insiptest.py - helpers for the whole-system tests (tests/integration/test_*.py) and the demo:
# free ports, a temporary proxy configuration, `insip user add`, starting / stopping `insip proxy`
# (by PID, always), running SIPp scenarios from tests/sipp/, and a small independent SIP client
# (raw UDP/TCP sockets, RFC 3261 message building and parsing, RFC 7616 / RFC 2617 digest computed
# with hashlib) for precise checks such as replayed credentials or stale nonces.
# Python 3 standard library only.
from __future__ import annotations

import atexit
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
import unittest
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = Path(os.environ.get("INSIP_SRC") or HERE.parent.parent).resolve()
SIPP_DIR = SRC / "tests" / "sipp"
REALM = "example.test"
DOMAIN = "example.test"
LOCAL_IP = "127.0.0.1"


def insip_bin() -> Path:
    """The insip binary: $INSIP_BIN, else build-it/ or build/ under the repo root."""
    env = os.environ.get("INSIP_BIN")
    if env:
        return Path(env).resolve()
    for d in ("build-it", "build"):
        p = SRC / d / "src" / "app" / "insip"
        if p.exists():
            return p
    return SRC / "build" / "src" / "app" / "insip"


def sipp_bin() -> str | None:
    return shutil.which("sipp")


# ----------------------------------------------------------------------------------- processes
_started: list[subprocess.Popen] = []


def track(proc: subprocess.Popen) -> subprocess.Popen:
    _started.append(proc)
    return proc


def stop_process(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int | None:
    """Stops one process WE started, by its PID: signal, wait, then SIGKILL. Returns its exit code."""
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass
    if proc in _started:
        _started.remove(proc)
    return proc.returncode


def stop_all() -> None:
    for proc in list(_started):
        stop_process(proc, timeout=5)


atexit.register(stop_all)


# ----------------------------------------------------------------------------------- ports
_handed_out: set[int] = set()


def free_port() -> int:
    """A port free for BOTH UDP and TCP on 127.0.0.1, never handed out twice in this process."""
    for _ in range(200):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            t.bind((LOCAL_IP, 0))
            port = t.getsockname()[1]
            if port in _handed_out:
                continue
            u.bind((LOCAL_IP, port))
            _handed_out.add(port)
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise RuntimeError("no free port")


def rand_token(n: int = 10) -> str:
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(n))


# ----------------------------------------------------------------------------------- proxy
def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Proxy:
    """One `insip proxy` instance with its own config, credentials DB and bindings DB in `workdir`."""

    def __init__(self, workdir: Path, *, port: int | None = None, udp: bool = True, tcp: bool = True,
                 algorithms: tuple[str, ...] = ("MD5",), nonce_ttl_s: int = 300, max_failures: int = 5,
                 lockout_s: int = 300, min_expires_s: int = 60, max_expires_s: int = 3600,
                 default_expires_s: int = 3600, messages: bool = True, level: str = "info",
                 binary: Path | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.udp, self.tcp = udp, tcp
        self.algorithms = algorithms
        self.nonce_ttl_s, self.max_failures, self.lockout_s = nonce_ttl_s, max_failures, lockout_s
        self.min_expires_s, self.max_expires_s = min_expires_s, max_expires_s
        self.default_expires_s = default_expires_s
        self.messages, self.level = messages, level
        self.binary = Path(binary) if binary else insip_bin()
        self.config_path = self.workdir / "proxy.toml"
        self.proc: subprocess.Popen | None = None
        self.runs = 0
        self.log_path = self.workdir / "proxy-0.log"
        self.last_exit: int | None = None
        self.write_config()

    def write_config(self) -> None:
        algs = ", ".join(toml_str(a) for a in self.algorithms)
        self.config_path.write_text(f"""# written by tests/integration/insiptest.py
[listen]
address = "{LOCAL_IP}"
port = {self.port}
udp = {str(self.udp).lower()}
tcp = {str(self.tcp).lower()}

[auth]
realm = {toml_str(REALM)}
algorithms = [{algs}]
nonce_ttl_s = {self.nonce_ttl_s}
max_failures = {self.max_failures}
lockout_s = {self.lockout_s}
credentials_db = "users.sqlite"
secret_file = "secret.key"

[registrar]
min_expires_s = {self.min_expires_s}
max_expires_s = {self.max_expires_s}
default_expires_s = {self.default_expires_s}
bindings_db = "bindings.sqlite"

[proxy]
domains = [{toml_str(DOMAIN)}]

[log]
level = {toml_str(self.level)}
messages = {str(self.messages).lower()}
""")

    # -- users
    def user(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.binary), "user", *args, "--config", str(self.config_path)],
                              input=stdin, capture_output=True, text=True, timeout=30)

    def add_user(self, name: str, password: str, realm: str | None = None, role: str | None = None) -> None:
        extra: list[str] = []
        if realm:
            extra += ["--realm", realm]
        if role:
            extra += ["--role", role]
        r = self.user("add", name, *extra, stdin=password + "\n")
        if r.returncode != 0:
            raise RuntimeError(f"insip user add {name} failed ({r.returncode}): {r.stdout}{r.stderr}")

    # -- life cycle
    def start(self, wait: bool = True, timeout: float = 15.0) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.runs += 1
        self.log_path = self.workdir / f"proxy-{self.runs}.log"
        log = open(self.log_path, "wb")
        self.proc = track(subprocess.Popen([str(self.binary), "proxy", "--config", str(self.config_path)],
                                           stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                           cwd=self.workdir))
        log.close()
        if wait:
            self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"insip proxy exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                if self.udp:
                    with SipClient("udp", self.port) as c:
                        r = c.request(c.options(), timeout=0.3)
                else:
                    with SipClient("tcp", self.port, connect_timeout=0.3) as c:
                        r = c.request(c.options(), timeout=0.5)
                if r is not None and r.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"insip proxy did not answer OPTIONS within {timeout}s:\n{self.log_text()}")

    def stop(self, timeout: float = 10.0) -> int | None:
        """Graceful stop (SIGTERM). Returns the exit code."""
        if self.proc is None:
            return None
        self.last_exit = stop_process(self.proc, signal.SIGTERM, timeout)
        return self.last_exit

    def interrupt(self, timeout: float = 10.0) -> int | None:
        if self.proc is None:
            return None
        self.last_exit = stop_process(self.proc, signal.SIGINT, timeout)
        return self.last_exit

    def kill9(self) -> int | None:
        if self.proc is None:
            return None
        self.last_exit = stop_process(self.proc, signal.SIGKILL, 5)
        return self.last_exit

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- output
    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stats(self) -> dict[str, str]:
        """key=value pairs of the last `STATS` line (printed on exit)."""
        out: dict[str, str] = {}
        for line in self.log_text().splitlines():
            m = re.search(r"\bSTATS\b(.*)$", line)
            if m:
                out = dict(kv.split("=", 1) for kv in m.group(1).split() if "=" in kv)
        return out

    def messages_seen(self) -> list["MsgLine"]:
        return parse_msg_lines(self.log_text())


@dataclass
class MsgLine:
    direction: str  # in | out
    transport: str  # udp | tcp
    ip: str
    port: int
    first_line: str
    call_id: str
    cseq: str

    @property
    def is_request(self) -> bool:
        return not self.first_line.startswith("SIP/2.0")

    @property
    def label(self) -> str:
        if self.is_request:
            return self.first_line.split(" ", 1)[0]
        return self.first_line.split(" ", 1)[1] if " " in self.first_line else self.first_line


MSG_RE = re.compile(r"\bMSG (in|out) (udp|tcp):([0-9.]+):(\d+) (.*?) \| call-id=(\S*) cseq=(.*?)\s*$")


def parse_msg_lines(text: str) -> list[MsgLine]:
    out = []
    for line in text.splitlines():
        m = MSG_RE.search(line)
        if m:
            out.append(MsgLine(m.group(1), m.group(2), m.group(3), int(m.group(4)), m.group(5).strip(),
                               m.group(6), m.group(7)))
    return out


# ----------------------------------------------------------------------------------- SIPp
@dataclass
class SippResult:
    rc: int | None
    output: str
    errors: str
    messages: str
    args: list[str]

    def describe(self) -> str:
        tail = self.messages[-6000:]
        return (f"sipp rc={self.rc}\nargs: {' '.join(self.args)}\nerrors:\n{self.errors}\n"
                f"output (tail):\n{self.output[-2000:]}\nmessages (tail):\n{tail}")


class Sipp:
    """One SIPp process (client or server mode) with its logs in `workdir`."""

    def __init__(self, workdir: Path, scenario: str, *, remote_port: int | None = None, port: int | None = None,
                 transport: str = "udp", users: list[tuple[str, str]] | None = None,
                 keys: dict[str, str] | None = None, service: str | None = None, duration_ms: int | None = None,
                 recv_timeout_ms: int = 10000, timeout_s: int = 30, extra: list[str] | None = None,
                 name: str | None = None, auth_uri: str | None = "auto"):
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.name = name or f"{Path(scenario).stem}-{self.port}"
        self.err_file = self.workdir / f"{self.name}.errors.log"
        self.msg_file = self.workdir / f"{self.name}.messages.log"
        self.out_file = self.workdir / f"{self.name}.out.log"
        scen = Path(scenario)
        if not scen.is_absolute():
            scen = SIPP_DIR / scenario
        args = [sipp_bin() or "sipp"]
        if remote_port is not None:
            args.append(f"{LOCAL_IP}:{remote_port}")
        args += ["-sf", str(scen), "-i", LOCAL_IP, "-p", str(self.port), "-m", "1", "-nostdin",
                 "-timeout", str(timeout_s), "-timeout_error", "-recv_timeout", str(recv_timeout_ms),
                 "-trace_err", "-error_file", str(self.err_file),
                 "-trace_msg", "-message_file", str(self.msg_file),
                 "-t", "t1" if transport == "tcp" else "u1"]
        if users:
            csv = self.workdir / f"{self.name}.csv"
            rows = ["SEQUENTIAL"] + [f"{u};{p};{DOMAIN};[authentication username={u} password={p}]"
                                     for u, p in users]
            csv.write_text("\n".join(rows) + "\n")
            args += ["-inf", str(csv)]
        for k, v in (keys or {}).items():
            args += ["-key", k, str(v)]
        if service:
            args += ["-s", service]
        # SIPp's digest uri defaults to sip:<remote ip:port>; make it the Request-URI (RFC 2617 3.2.2.5):
        # sip:NAME@domain for the call scenarios (-s NAME), sip:domain for REGISTER scenarios
        if auth_uri == "auto":
            auth_uri = (f"{service}@{DOMAIN}" if service else DOMAIN) if users else None
        if auth_uri:
            args += ["-auth_uri", auth_uri]
        if duration_ms is not None:
            args += ["-d", str(duration_ms)]
        args += extra or []
        self.args = args
        self.timeout_s = timeout_s
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Sipp":
        out = open(self.out_file, "wb")
        self.proc = track(subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, cwd=self.workdir))
        out.close()
        return self

    def wait(self, timeout: float | None = None) -> SippResult:
        assert self.proc is not None
        try:
            self.proc.wait(timeout=timeout if timeout is not None else self.timeout_s + 15)
        except subprocess.TimeoutExpired:
            pass
        rc = stop_process(self.proc, signal.SIGTERM, 3) if self.proc.poll() is None else self.proc.returncode
        if self.proc in _started:
            _started.remove(self.proc)
        if self.proc.returncode is not None and rc is None:
            rc = self.proc.returncode

        def rd(p: Path) -> str:
            try:
                return p.read_text(errors="replace")
            except OSError:
                return ""
        return SippResult(rc, rd(self.out_file), rd(self.err_file), rd(self.msg_file), self.args)

    def run(self, timeout: float | None = None) -> SippResult:
        return self.start().wait(timeout)


def _listening(port: int, proto: str) -> bool:
    """True when 127.0.0.1:port is bound (udp) / listening (tcp), read from /proc/net (no probe traffic)."""
    want_state = "07" if proto == "udp" else "0A"
    try:
        with open(f"/proc/net/{proto}") as f:
            next(f)
            for line in f:
                cols = line.split()
                _, hexport = cols[1].split(":")
                if int(hexport, 16) == port and cols[3] == want_state:
                    return True
    except OSError:
        pass
    return False


def wait_listening(port: int, proto: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _listening(port, proto):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {proto} {port}")


# ----------------------------------------------------------------------------------- SIP messages
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length",
           "c": "content-type", "k": "supported", "s": "subject", "e": "content-encoding"}


@dataclass
class SipMessage:
    start_line: str
    headers: list[tuple[str, str]]
    body: bytes = b""
    raw: bytes = b""

    @property
    def is_response(self) -> bool:
        return self.start_line.startswith("SIP/2.0 ")

    @property
    def status(self) -> int:
        return int(self.start_line.split(" ", 2)[1]) if self.is_response else 0

    @property
    def reason(self) -> str:
        parts = self.start_line.split(" ", 2)
        return parts[2] if len(parts) > 2 else ""

    @property
    def method(self) -> str:
        return self.start_line.split(" ", 1)[0] if not self.is_response else self.get("cseq", "").split()[-1]

    def get_all(self, name: str) -> list[str]:
        n = name.lower()
        return [v for k, v in self.headers if COMPACT.get(k.lower(), k.lower()) == n]

    def get(self, name: str, default: str | None = None) -> str | None:
        v = self.get_all(name)
        return v[0] if v else default

    def header_names(self) -> list[str]:
        return [COMPACT.get(k.lower(), k.lower()) for k, _ in self.headers]


def parse_message(data: bytes) -> SipMessage:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("utf-8", "replace").split("\r\n")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # folded line
            k, v = headers[-1]
            headers[-1] = (k, v + " " + line.strip())
            continue
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    return SipMessage(lines[0], headers, body, data)


def split_commas(value: str) -> list[str]:
    """Splits a header value at commas outside quotes and <...>."""
    out, cur, q, a = [], [], False, False
    for ch in value:
        if ch == '"':
            q = not q
        elif ch == "<" and not q:
            a = True
        elif ch == ">" and not q:
            a = False
        if ch == "," and not q and not a:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return out


def contacts_of(msg: SipMessage) -> list[str]:
    out = []
    for v in msg.get_all("contact"):
        out += split_commas(v)
    return out


def parse_auth_params(value: str) -> tuple[str, dict[str, str]]:
    """'Digest realm="x", nonce="y", stale=true' -> ('Digest', {'realm': 'x', ...}); keys lower-cased."""
    scheme, _, rest = value.strip().partition(" ")
    params: dict[str, str] = {}
    for item in split_commas(rest):
        k, _, v = item.partition("=")
        v = v.strip()
        if v.startswith('"') and v.endswith('"') and len(v) >= 2:
            v = v[1:-1]
        params[k.strip().lower()] = v
    return scheme, params


# ----------------------------------------------------------------------------------- digest (RFC 7616)
HASHES = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}


def H(algorithm: str, data: str) -> str:
    return hashlib.new(HASHES[algorithm.upper().removesuffix("-SESS")], data.encode()).hexdigest()


def digest_response(algorithm: str, user: str, realm: str, password: str, method: str, uri: str,
                    nonce: str, qop: str | None, nc: str, cnonce: str) -> str:
    ha1 = H(algorithm, f"{user}:{realm}:{password}")
    ha2 = H(algorithm, f"{method}:{uri}")
    if qop:
        return H(algorithm, f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return H(algorithm, f"{ha1}:{nonce}:{ha2}")


def pick_challenge(resp: SipMessage, prefer: tuple[str, ...] = ("SHA-256", "MD5")) -> dict[str, str]:
    name = "www-authenticate" if resp.status == 401 else "proxy-authenticate"
    chals = [parse_auth_params(v)[1] for v in resp.get_all(name)]
    if not chals:
        raise AssertionError(f"{resp.status} without {name}:\n{resp.raw.decode(errors='replace')}")
    for alg in prefer:
        for c in chals:
            if c.get("algorithm", "MD5").upper() == alg:
                return c
    return chals[0]


def authorization(chal: dict[str, str], user: str, password: str, method: str, uri: str,
                  nc: int = 1, cnonce: str | None = None, realm: str | None = None) -> str:
    alg = chal.get("algorithm", "MD5")
    qops = [q.strip() for q in chal.get("qop", "").split(",") if q.strip()]
    qop = "auth" if "auth" in qops else None
    cnonce = cnonce or rand_token(16)
    ncs = f"{nc:08x}"
    realm = realm if realm is not None else chal.get("realm", REALM)
    resp = digest_response(alg, user, realm, password, method, uri, chal["nonce"], qop, ncs, cnonce)
    parts = [f'username="{user}"', f'realm="{realm}"', f'nonce="{chal["nonce"]}"', f'uri="{uri}"',
             f'response="{resp}"', f"algorithm={alg}"]
    if qop:
        parts += [f"qop={qop}", f"nc={ncs}", f'cnonce="{cnonce}"']
    if "opaque" in chal:
        parts.append(f'opaque="{chal["opaque"]}"')
    return "Digest " + ", ".join(parts)


# ----------------------------------------------------------------------------------- raw client
class SipClient:
    """A minimal SIP UA on its own socket (UDP, or one TCP connection to the proxy)."""

    def __init__(self, transport: str, proxy_port: int, local_port: int | None = None,
                 connect_timeout: float = 3.0):
        self.transport = transport
        self.proxy = (LOCAL_IP, proxy_port)
        if transport == "udp":
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((LOCAL_IP, local_port or 0))
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind((LOCAL_IP, local_port or 0))
            self.sock.settimeout(connect_timeout)
            self.sock.connect(self.proxy)
        self.port = self.sock.getsockname()[1]
        self.buf = b""
        self.call_id = f"{rand_token(12)}@{LOCAL_IP}"
        self.tag = rand_token(8)
        self.cseq = 0

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "SipClient":
        return self

    def __exit__(self, *a) -> None:
        self.close()

    @property
    def tp(self) -> str:
        return self.transport.upper()

    def via(self, branch: str | None = None) -> str:
        return f"SIP/2.0/{self.tp} {LOCAL_IP}:{self.port};branch={branch or 'z9hG4bK' + rand_token(12)};rport"

    def build(self, method: str, ruri: str, *, from_user: str = "probe", to_uri: str | None = None,
              cseq: int | None = None, call_id: str | None = None, branch: str | None = None,
              headers: list[str] | None = None, body: str = "", to_tag: str | None = None) -> bytes:
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        to_uri = to_uri or ruri
        lines = [f"{method} {ruri} SIP/2.0",
                 f"Via: {self.via(branch)}",
                 "Max-Forwards: 70",
                 f"From: <sip:{from_user}@{DOMAIN}>;tag={self.tag}",
                 f"To: <{to_uri}>" + (f";tag={to_tag}" if to_tag else ""),
                 f"Call-ID: {call_id or self.call_id}",
                 f"CSeq: {cseq} {method}"]
        lines += headers or []
        lines.append("User-Agent: insip-tests")
        lines.append(f"Content-Length: {len(body.encode())}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()

    def options(self) -> bytes:
        return self.build("OPTIONS", f"sip:{LOCAL_IP}:{self.proxy[1]}",
                          headers=[f"Contact: <sip:probe@{LOCAL_IP}:{self.port}>", "Accept: application/sdp"])

    def send_to(self, data: bytes, request: SipMessage) -> None:
        """Answers a request received on this socket: UDP to the top Via's sent-by (RFC 3261 18.2.2,
        rport/received honoured), TCP on the same connection."""
        if self.transport == "tcp":
            self.sock.sendall(data)
            return
        top = split_commas(request.get("via"))[0]
        m = re.match(r"SIP/2\.0/\w+\s+([^;:\s]+)(?::(\d+))?", top)
        host, port = m.group(1), int(m.group(2) or 5060)
        rp = re.search(r";rport=(\d+)", top)
        rc = re.search(r";received=([^;\s]+)", top)
        self.sock.sendto(data, (rc.group(1) if rc else host, int(rp.group(1)) if rp else port))

    def send(self, data: bytes) -> None:
        if self.transport == "udp":
            self.sock.sendto(data, self.proxy)
        else:
            self.sock.sendall(data)

    def recv(self, timeout: float = 3.0) -> SipMessage | None:
        deadline = time.monotonic() + timeout
        if self.transport == "udp":
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.sock.settimeout(left)
                try:
                    data, _ = self.sock.recvfrom(65535)
                except socket.timeout:
                    return None
                if data.strip():
                    return parse_message(data)
        while True:
            self.buf = self.buf.lstrip(b"\r\n")
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                m = re.search(rb"(?im)^(?:content-length|l)\s*:\s*(\d+)", self.buf[:end])
                need = end + 4 + (int(m.group(1)) if m else 0)
                if len(self.buf) >= need:
                    data, self.buf = self.buf[:need], self.buf[need:]
                    return parse_message(data)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65535)
            except socket.timeout:
                return None
            if not chunk:
                return None
            self.buf += chunk

    def request(self, data: bytes, timeout: float = 3.0, final: bool = True) -> SipMessage | None:
        """Sends a request, returns the first final response of the same transaction (1xx skipped;
        on UDP the request is retransmitted per RFC 3261 17.1.2.2 timer E)."""
        msg = parse_message(data)
        branch = re.search(r"branch=([^;,\s]+)", msg.get("via", "")).group(1)
        deadline = time.monotonic() + timeout
        self.send(data)
        interval = 0.5
        next_retx = time.monotonic() + interval
        while time.monotonic() < deadline:
            wait = min(deadline, next_retx) - time.monotonic() if self.transport == "udp" else deadline - time.monotonic()
            r = self.recv(max(wait, 0.01))
            if r is None:
                if self.transport == "udp" and time.monotonic() >= next_retx and time.monotonic() < deadline:
                    self.send(data)
                    interval = min(interval * 2, 4.0)
                    next_retx = time.monotonic() + interval
                continue
            if not r.is_response or branch not in (r.get("via") or ""):
                continue
            if final and r.status < 200:
                continue
            return r
        return None

    def ack_for(self, invite: bytes, resp: SipMessage) -> bytes:
        """ACK for a non-2xx final response (RFC 3261 17.1.1.3): same branch, To with the tag."""
        m = parse_message(invite)
        cseq = int(m.get("cseq").split()[0])
        lines = [f"ACK {m.start_line.split()[1]} SIP/2.0", f"Via: {m.get('via')}", "Max-Forwards: 70",
                 f"From: {m.get('from')}", f"To: {resp.get('to')}", f"Call-ID: {m.get('call-id')}",
                 f"CSeq: {cseq} ACK", "Content-Length: 0"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


class UA:
    """A user on a SipClient: REGISTER / INVITE with digest authentication computed here."""

    def __init__(self, client: SipClient, user: str, password: str, prefer=("SHA-256", "MD5")):
        self.c, self.user, self.password, self.prefer = client, user, password, prefer
        self.last_chal: dict[str, str] | None = None
        self.last_auth: str | None = None

    @property
    def aor(self) -> str:
        return f"sip:{self.user}@{DOMAIN}"

    def contact(self, port: int | None = None) -> str:
        return f"<sip:{self.user}@{LOCAL_IP}:{port or self.c.port};transport={self.c.transport}>"

    def register_msg(self, *, contact: str | None = "default", expires: int | None = 3600,
                     auth: str | None = None, cseq: int | None = None) -> bytes:
        hdrs = []
        if contact == "default":
            contact = self.contact()
        if contact:
            hdrs.append(f"Contact: {contact}")
        if expires is not None:
            hdrs.append(f"Expires: {expires}")
        if auth:
            hdrs.append(f"Authorization: {auth}")
        return self.c.build("REGISTER", f"sip:{DOMAIN}", from_user=self.user, to_uri=self.aor,
                            headers=hdrs, cseq=cseq)

    def register(self, *, contact: str | None = "default", expires: int | None = 3600,
                 password: str | None = None, timeout: float = 3.0) -> tuple[SipMessage | None, SipMessage | None]:
        """REGISTER -> 401 -> REGISTER with credentials. Returns (challenge, final answer)."""
        first = self.c.request(self.register_msg(contact=contact, expires=expires), timeout)
        if first is None or first.status != 401:
            return first, None
        chal = pick_challenge(first, self.prefer)
        self.last_chal = chal
        self.last_auth = authorization(chal, self.user, password or self.password, "REGISTER", f"sip:{DOMAIN}")
        second = self.c.request(self.register_msg(contact=contact, expires=expires, auth=self.last_auth), timeout)
        return first, second

    def invite_msg(self, callee: str, *, auth: str | None = None, cseq: int | None = None,
                   branch: str | None = None) -> bytes:
        body = (f"v=0\r\no={self.user} 1 1 IN IP4 {LOCAL_IP}\r\ns=-\r\nc=IN IP4 {LOCAL_IP}\r\nt=0 0\r\n"
                f"m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        hdrs = [f"Contact: {self.contact()}", "Content-Type: application/sdp"]
        if auth:
            hdrs.append(f"Proxy-Authorization: {auth}")
        ruri = f"sip:{callee}@{DOMAIN}"
        return self.c.build("INVITE", ruri, from_user=self.user, to_uri=ruri, headers=hdrs, body=body,
                            cseq=cseq, branch=branch)


# ----------------------------------------------------------------------------------- test base
class ProxyTestCase(unittest.TestCase):
    """One proxy per test class (users alice, bob, carol), fresh temp dir; subclasses tune PROXY_ARGS."""

    PROXY_ARGS: dict = {}
    USERS = {"alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret"}
    proxy: Proxy
    tmp: Path

    @classmethod
    def setUpClass(cls) -> None:
        if not insip_bin().exists():
            if os.environ.get("INSIP_BIN"):  # CTest sets it: a missing binary is a failure, not a skip
                raise RuntimeError(f"INSIP_BIN does not exist: {insip_bin()}")
            raise unittest.SkipTest(f"insip binary not found: {insip_bin()}")
        cls.tmp = Path(tempfile.mkdtemp(prefix=f"insip-{cls.__name__}-"))
        cls.proxy = Proxy(cls.tmp / "proxy", **cls.PROXY_ARGS)
        for u, p in cls.USERS.items():
            cls.proxy.add_user(u, p)
        cls.proxy.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.proxy.stop()
        if os.environ.get("INSIP_KEEP_TMP"):
            print(f"kept {cls.tmp}")
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self) -> None:
        if not self.proxy.running():  # a previous test stopped or crashed it: that test reported it
            self.proxy.start()
        self.work = Path(tempfile.mkdtemp(prefix=self._testMethodName + "-", dir=self.tmp))

    def need_sipp(self) -> None:
        if not sipp_bin():
            # Never a skip: a missing peer is a failed test (make setup installs sip-tester).
            self.fail("sipp not installed (Debian package sip-tester; run make setup)")

    def client(self, transport: str = "udp") -> SipClient:
        c = SipClient(transport, self.proxy.port)
        self.addCleanup(c.close)
        return c

    def sipp(self, scenario: str, **kw) -> Sipp:
        kw.setdefault("remote_port", self.proxy.port)
        return Sipp(self.work, scenario, **kw)

    def assertSipp(self, res: SippResult, what: str) -> None:
        self.assertEqual(res.rc, 0, f"{what}: {res.describe()}\nproxy log (tail):\n{self.proxy.log_text()[-3000:]}")

    def assertStatus(self, resp: SipMessage | None, codes, what: str) -> None:
        codes = (codes,) if isinstance(codes, int) else tuple(codes)
        self.assertIsNotNone(resp, f"{what}: no response (expected {codes})")
        self.assertIn(resp.status, codes, f"{what}: got {resp.start_line!r} (expected {codes})\n"
                                          f"{resp.raw.decode(errors='replace')}")


def register_callee(test: ProxyTestCase, transport: str, uas_port: int, user: str = "bob") -> None:
    """Registers `user` with the contact of a SIPp UAS on uas_port (uas-register.xml)."""
    res = test.sipp("uas-register.xml", transport=transport, users=[(user, test.USERS[user])],
                    keys={"expires": "3600", "uas_port": str(uas_port)}, name=f"register-{user}-{transport}").run()
    test.assertSipp(res, f"{user} registration over {transport}")


def register_caller(test: ProxyTestCase, transport: str, user: str = "alice") -> None:
    res = test.sipp("uac-register-auth.xml", transport=transport, users=[(user, test.USERS[user])],
                    keys={"expires": "3600"}, name=f"register-{user}-{transport}").run()
    test.assertSipp(res, f"{user} registration over {transport}")


def start_uas(test: ProxyTestCase, scenario: str, transport: str) -> Sipp:
    uas = Sipp(test.work, scenario, transport=transport, timeout_s=40, recv_timeout_ms=20000,
               name=f"{Path(scenario).stem}-{transport}")
    uas.start()
    wait_listening(uas.port, "tcp" if transport == "tcp" else "udp")
    return uas
