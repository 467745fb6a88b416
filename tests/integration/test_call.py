#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# Calls through the real insip binary with SIPp on both sides, over UDP and TCP (RFC 3261 16, 12, 9):
# INVITE 407 -> authenticated INVITE -> 180/200 (Record-Route) -> ACK and BYE along the route set;
# CANCEL before the answer (200 for the CANCEL, 487 for the INVITE); callee without a binding
# (480, or 404); callee that does not exist at all.
import unittest

import insiptest as it


class CallTest(it.ProxyTestCase):
    PROXY_ARGS = {"algorithms": ("MD5",)}
    # one callee per test: a binding left by another test must never receive (or delay) our call
    USERS = {"alice": "alice-secret", "carol": "carol-secret",
             **{f"bob{i}": f"bob{i}-secret" for i in range(1, 7)}}

    def call(self, transport, callee):
        self.need_sipp()
        uas = it.start_uas(self, "uas-answer.xml", transport)
        try:
            it.register_callee(self, transport, uas.port, callee)
            it.register_caller(self, transport)
            res = self.sipp("uac-call-auth.xml", transport=transport, users=[("alice", "alice-secret")],
                            service=callee, duration_ms=500, timeout_s=30, name=f"caller-{transport}").run()
        finally:
            uas_res = uas.wait(20)
        self.assertSipp(res, f"caller over {transport}")
        self.assertSipp(uas_res, f"callee UAS over {transport}")
        # the caller saw the challenge, the answer and the BYE's 200
        self.assertIn("407", res.messages)
        self.assertIn("BYE", res.messages)
        # the proxy logged the INVITE in from the caller and out to the callee (log.messages = true)
        seen = [m for m in self.proxy.messages_seen() if m.first_line.startswith("INVITE")]
        self.assertTrue(seen, "no 'MSG ... INVITE' line on the proxy's stderr with [log] messages = true")
        if seen:
            self.assertTrue(any(m.direction == "out" and m.port == uas.port for m in seen),
                            f"no INVITE forwarded to the UAS port {uas.port}: {seen}")

    def test_call_is_authenticated_forwarded_answered_and_ended_over_udp(self):
        self.call("udp", "bob1")

    def test_call_is_authenticated_forwarded_answered_and_ended_over_tcp(self):
        self.call("tcp", "bob2")

    def cancel(self, transport, callee):
        self.need_sipp()
        uas = it.start_uas(self, "uas-cancel.xml", transport)
        try:
            it.register_callee(self, transport, uas.port, callee)
            res = self.sipp("uac-cancel.xml", transport=transport, users=[("alice", "alice-secret")],
                            service=callee, timeout_s=30, name=f"canceller-{transport}").run()
        finally:
            uas_res = uas.wait(20)
        self.assertSipp(res, f"caller cancelling over {transport} (expects 200 for CANCEL, 487 for INVITE)")
        self.assertSipp(uas_res, f"cancelled callee over {transport} (expects CANCEL, then ACK for its 487)")
        self.assertIn("487", res.messages)

    def test_cancel_before_answer_gives_200_and_487_over_udp(self):
        self.cancel("udp", "bob3")

    def test_cancel_before_answer_gives_200_and_487_over_tcp(self):
        self.cancel("tcp", "bob4")

    def unregistered(self, transport):
        self.need_sipp()
        res = self.sipp("uac-call-unregistered.xml", transport=transport, users=[("alice", "alice-secret")],
                        service="carol", name=f"to-carol-{transport}").run()
        self.assertSipp(res, f"call to a user without bindings over {transport} (expects 480 or 404)")

    def test_call_to_a_user_without_binding_gets_480_over_udp(self):
        self.unregistered("udp")

    def test_call_to_a_user_without_binding_gets_480_over_tcp(self):
        self.unregistered("tcp")

    def test_call_to_a_user_that_does_not_exist_gets_404_or_480(self):
        c = self.client("udp")
        ua = it.UA(c, "alice", "alice-secret")
        inv = ua.invite_msg("nobody")
        r = c.request(inv)
        self.assertStatus(r, 407, "INVITE without credentials")
        c.send(c.ack_for(inv, r))
        auth = it.authorization(it.pick_challenge(r), "alice", "alice-secret", "INVITE", "sip:nobody@example.test")
        inv2 = ua.invite_msg("nobody", auth=auth)
        r2 = c.request(inv2, timeout=5)
        self.assertStatus(r2, (404, 480), "INVITE to sip:nobody@example.test")
        c.send(c.ack_for(inv2, r2))

    def test_invite_is_answered_100_and_forwarded_record_routed_to_the_binding(self):
        callee = self.client("udp")  # a raw UA registered as bob5: sees exactly what the proxy forwards
        _, ok = it.UA(callee, "bob5", "bob5-secret").register(expires=600)
        self.assertStatus(ok, 200, "callee REGISTER")
        c = self.client("udp")
        ua = it.UA(c, "alice", "alice-secret")
        inv = ua.invite_msg("bob5")
        r = c.request(inv)
        self.assertStatus(r, 407, "INVITE without credentials")
        c.send(c.ack_for(inv, r))
        auth = it.authorization(it.pick_challenge(r), "alice", "alice-secret", "INVITE", "sip:bob5@example.test")
        inv2 = ua.invite_msg("bob5", auth=auth)
        first = c.request(inv2, final=False)
        self.assertStatus(first, 100, "first answer to an authenticated INVITE (RFC 3261 16.2)")
        fwd = callee.recv(3.0)
        self.assertIsNotNone(fwd, "the INVITE did not reach the registered contact")
        self.assertEqual(fwd.start_line, f"INVITE sip:bob5@127.0.0.1:{callee.port};transport=udp SIP/2.0",
                         "Request-URI must be the registered contact (RFC 3261 16.5, 16.6 step 6)")
        self.assertEqual(fwd.get("max-forwards"), "69", "RFC 3261 16.6 step 3")
        vias = [v for h in fwd.get_all("via") for v in it.split_commas(h)]
        self.assertEqual(len(vias), 2, vias)
        self.assertIn("branch=z9hG4bK", vias[0])
        self.assertIn(f"127.0.0.1:{c.port}", vias[1])
        self.assertTrue(any(";lr" in x for x in fwd.get_all("record-route")), fwd.get_all("record-route"))
        self.assertEqual(fwd.get("call-id"), c.call_id)
        # the callee is busy: 486 goes back to the caller, the proxy ACKs the callee's 486 itself
        busy = "\r\n".join(["SIP/2.0 486 Busy Here", *[f"Via: {v}" for v in fwd.get_all("via")],
                             f"From: {fwd.get('from')}", f"To: {fwd.get('to')};tag=busy1",
                             f"Call-ID: {fwd.get('call-id')}", f"CSeq: {fwd.get('cseq')}",
                             "Content-Length: 0", "", ""]).encode()
        callee.send_to(busy, fwd)
        final = c.recv(3.0)
        while final is not None and final.status < 200:
            final = c.recv(3.0)
        self.assertStatus(final, 486, "callee's final answer relayed to the caller")
        ack = callee.recv(3.0)
        self.assertIsNotNone(ack, "the proxy must ACK the 486 (RFC 3261 17.1.1.3)")
        self.assertTrue(ack.start_line.startswith("ACK "), ack.start_line)
        c.send(c.ack_for(inv2, final))


if __name__ == "__main__":
    unittest.main()
