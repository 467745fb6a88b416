#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# Bindings and credentials survive a restart of the real insip binary: graceful (SIGTERM, exit 0,
# STATS line) and brutal (SIGKILL). Checked with a REGISTER query (RFC 3261 10.2.3: REGISTER without
# Contact lists the bindings) and with a call to a SIPp UAS registered before the kill.
import re
import unittest

import insiptest as it


class PersistenceTest(it.ProxyTestCase):
    PROXY_ARGS = {"algorithms": ("MD5",)}
    USERS = {"alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret", "dave": "dave-secret"}

    def register(self, user, transport="udp"):
        c = self.client(transport)
        ua = it.UA(c, user, self.USERS[user])
        contact = f"sip:{user}@127.0.0.1:{c.port}"
        _, ok = ua.register(expires=3600)
        self.assertStatus(ok, 200, f"REGISTER {user}")
        return contact

    def query(self, user):
        c = self.client("udp")
        _, q = it.UA(c, user, self.USERS[user]).register(contact=None, expires=None)
        self.assertStatus(q, 200, f"query REGISTER for {user} after restart")
        return it.contacts_of(q)

    def test_bindings_survive_a_graceful_restart(self):
        contact = self.register("bob", "tcp")
        rc = self.proxy.stop()
        self.assertEqual(rc, 0, f"SIGTERM must exit 0:\n{self.proxy.log_text()[-3000:]}")
        stats = self.proxy.stats()
        self.assertTrue(stats, "no STATS line on exit")
        self.assertGreaterEqual(int(stats.get("registrations", "0")), 1, stats)
        self.proxy.start()
        listed = [x for x in self.query("bob") if contact in x]
        self.assertEqual(len(listed), 1, f"{contact} lost after restart")
        m = re.search(r";\s*expires=(\d+)", listed[0])
        self.assertTrue(m and 3000 < int(m.group(1)) <= 3600, listed[0])

    def test_bindings_survive_kill_9(self):
        contact = self.register("carol")
        rc = self.proxy.kill9()
        self.assertEqual(rc, -9)
        self.proxy.start()
        self.assertTrue(any(contact in x for x in self.query("carol")), f"{contact} lost after kill -9")

    def test_sigint_also_exits_0(self):
        rc = self.proxy.interrupt()
        self.assertEqual(rc, 0, f"SIGINT must exit 0:\n{self.proxy.log_text()[-3000:]}")
        self.proxy.start()

    def test_callee_registered_before_kill_9_is_reached_after_restart(self):
        self.need_sipp()
        uas = it.start_uas(self, "uas-answer.xml", "udp")
        try:
            it.register_callee(self, "udp", uas.port, "dave")
            self.proxy.kill9()
            self.proxy.start()
            res = self.sipp("uac-call-auth.xml", users=[("alice", "alice-secret")], service="dave",
                            duration_ms=300, name="caller-after-restart").run()
        finally:
            uas_res = uas.wait(20)
        self.assertSipp(res, "call after kill -9 and restart")
        self.assertSipp(uas_res, "callee registered before the kill")


if __name__ == "__main__":
    unittest.main()
