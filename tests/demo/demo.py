#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# demo.py - a complete call through insip, shown as a ladder.
#   1. temp dir: proxy config (free ports, MD5 challenges for SIPp, log.messages = true) and a
#      credentials DB with alice and bob (`insip user add`, password on stdin);
#   2. `insip proxy` starts; bob (SIPp) registers through 401 and waits as a UAS;
#   3. alice (SIPp, same port twice) registers through 401, then calls sip:bob@example.test through 407, gets 180/200,
#      ACKs, talks ~1 s, hangs up (BYE -> 200);
#   4. the proxy stops (SIGTERM); its MSG lines become the ladder alice | insip | bob, its STATS line
#      the summary. Exit 0 on success. Every process started here is stopped by PID, also on Ctrl-C.
# Usage: python3 tests/demo/demo.py --bin build/src/app/insip [--keep] [--transport udp|tcp]
import argparse
import shutil
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))
import insiptest as it  # noqa: E402

COL_A, COL_P, COL_B = 6, 46, 86
USERS = {"alice": "alice-secret", "bob": "bob-secret"}


def arrow(label: str, to_right: bool, width: int) -> str:
    label = label if len(label) <= width - 8 else label[: width - 11] + "..."
    if to_right:
        s = "-- " + label + " "
        return s + "-" * (width - len(s) - 1) + ">"
    s = "<-- " + label + " "
    return s + "-" * (width - len(s))


def ladder_line(m: it.MsgLine, side: str) -> str:
    row = [" "] * (COL_B + 1)
    for col in (COL_A, COL_P, COL_B):
        row[col] = "|"
    label = m.label
    if not m.is_request:
        method = m.cseq.split()[-1] if m.cseq else ""
        label = f"{label} ({method})" if method else label
    if side == "alice":
        to_right = m.direction == "in"
        start, width = COL_A + 1, COL_P - COL_A - 1
    else:
        to_right = m.direction == "out"
        start, width = COL_P + 1, COL_B - COL_P - 1
    a = arrow(label, to_right, width)
    row[start:start + len(a)] = list(a)
    return "".join(row).rstrip()


def print_ladder(msgs: list, alice_ports: set, bob_ports: set) -> None:
    head = [" "] * (COL_B + 8)
    for col, name in ((COL_A, "alice"), (COL_P, "insip"), (COL_B, "bob")):
        start = col - len(name) // 2
        head[start:start + len(name)] = list(name)
    print("".join(head).rstrip())
    for m in msgs:
        side = "alice" if m.port in alice_ports else "bob" if m.port in bob_ports else None
        if side is None:  # the start-up OPTIONS probe of the demo itself
            continue
        print(ladder_line(m, side))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[2] if __doc__ else "insip demo")
    ap.add_argument("--bin", default=str(it.insip_bin()), help="path of the insip binary")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (config, logs, SIPp traces)")
    ap.add_argument("--transport", choices=("udp", "tcp"), default="udp")
    args = ap.parse_args()
    binary = Path(args.bin).resolve()
    if not binary.exists():
        print(f"demo: insip binary not found: {binary}", file=sys.stderr)
        return 2
    if not it.sipp_bin():
        print("demo: sipp not installed (Debian package sip-tester)", file=sys.stderr)
        return 2

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)

    tmp = Path(tempfile.mkdtemp(prefix="insip-demo-"))
    ok = False
    try:
        proxy = it.Proxy(tmp / "proxy", algorithms=("MD5",), messages=True, binary=binary)
        for u, p in USERS.items():
            proxy.add_user(u, p)
        print(f"insip proxy on {it.LOCAL_IP}:{proxy.port} ({args.transport}), config {proxy.config_path}")
        proxy.start()
        tp = args.transport

        uas = it.Sipp(tmp, "uas-answer.xml", transport=tp, timeout_s=40, recv_timeout_ms=20000, name="bob-uas")
        uas.start()
        it.wait_listening(uas.port, "tcp" if tp == "tcp" else "udp")
        print(f"bob: SIPp UAS on port {uas.port}, registering it ...")
        bob_reg = it.Sipp(tmp, "uas-register.xml", remote_port=proxy.port, transport=tp,
                          users=[("bob", USERS["bob"])], keys={"expires": "3600", "uas_port": str(uas.port)},
                          name="bob-register").run()
        alice = alice_reg = None
        if bob_reg.rc == 0:
            print("alice: registering ...")
            alice_reg = it.Sipp(tmp, "uac-register-auth.xml", remote_port=proxy.port, transport=tp,
                                users=[("alice", USERS["alice"])], keys={"expires": "3600"},
                                name="alice-register").run()
        if alice_reg is not None and alice_reg.rc == 0:
            print("alice: calling sip:bob@example.test ...")
            alice = it.Sipp(tmp, "uac-call-auth.xml", remote_port=proxy.port, transport=tp,
                            port=port_of(alice_reg), users=[("alice", USERS["alice"])], service="bob",
                            duration_ms=1000, name="alice-call").run()
        uas_res = uas.wait(5 if alice is None else 20)
        rc = proxy.stop()

        print()
        msgs = proxy.messages_seen()
        if msgs:
            print_ladder(msgs, {port_of(alice_reg)} if alice_reg else set(), {uas.port, port_of(bob_reg)})
        else:
            print("(the proxy printed no MSG lines: is [log] messages = true supported?)")
        print()
        stats = proxy.stats()
        results = {"bob registration": bob_reg.rc,
                   "alice registration": alice_reg.rc if alice_reg else None,
                   "alice call": alice.rc if alice else None,
                   "bob answering": uas_res.rc, "proxy exit": rc}
        print("summary:")
        for k, v in results.items():
            print(f"  {k:<19} {'ok' if v == 0 else 'FAILED (rc=%s)' % v}")
        if stats:
            print("  proxy stats        " + " ".join(f"{k}={v}" for k, v in stats.items()))
        else:
            print("  proxy stats        (no STATS line)")
        ok = all(v == 0 for v in results.values())
        if not ok:
            for name, res in (("bob registration", bob_reg), ("alice registration", alice_reg),
                              ("alice call", alice), ("bob answering", uas_res)):
                if res is not None and res.rc != 0:
                    print(f"\n--- {name} ---\n{res.describe()}", file=sys.stderr)
            print(f"\n--- proxy log (tail) ---\n{proxy.log_text()[-3000:]}", file=sys.stderr)
        print("\nDEMO " + ("PASSED" if ok else "FAILED"))
    except KeyboardInterrupt:
        print("\ndemo: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - report, clean up, fail
        print(f"demo: {e}", file=sys.stderr)
        return 1
    finally:
        it.stop_all()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def port_of(res: "it.SippResult") -> int:
    i = res.args.index("-p")
    return int(res.args[i + 1])


if __name__ == "__main__":
    sys.exit(main())
