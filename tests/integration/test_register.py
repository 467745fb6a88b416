#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# Registrar behaviour of the real insip binary over UDP and TCP (RFC 3261 10, 22; RFC 7616; RFC 8760):
# 401 challenge then 200 with the bindings, SHA-256 and MD5 challenges, binding queries, removal,
# too-short Expires, wrong password, OPTIONS. Expected values come from the RFCs and from digests
# computed here with hashlib, never from insip's own output.
import re
import unittest

import insiptest as it


class RegisterWithMd5OnlyTest(it.ProxyTestCase):
    # SIPp 3.6 answers only the first challenge and only MD5, so SIPp tests run with MD5 alone.
    PROXY_ARGS = {"algorithms": ("MD5",), "min_expires_s": 60}

    def sipp_register(self, transport):
        self.need_sipp()
        res = self.sipp("uac-register-auth.xml", transport=transport, users=[("alice", "alice-secret")],
                        keys={"expires": "3600"}).run()
        self.assertSipp(res, f"REGISTER 401 -> 200 over {transport}")
        self.assertIn("401", res.messages)
        self.assertRegex(res.messages, r"SIP/2\.0 200")

    def test_sipp_registers_through_a_401_challenge_over_udp(self):
        self.sipp_register("udp")

    def test_sipp_registers_through_a_401_challenge_over_tcp(self):
        self.sipp_register("tcp")

    def sipp_wrong_password(self, transport):
        self.need_sipp()
        res = self.sipp("uac-wrong-password.xml", transport=transport, users=[("carol", "not-carols")],
                        keys={"expires": "3600"}).run()
        self.assertSipp(res, f"wrong password over {transport} must get 401/403, never 200")

    def test_sipp_wrong_password_is_refused_over_udp(self):
        self.sipp_wrong_password("udp")

    def test_sipp_wrong_password_is_refused_over_tcp(self):
        self.sipp_wrong_password("tcp")

    def test_challenge_is_one_md5_digest_with_realm_nonce_and_qop_auth(self):
        c = self.client("udp")
        ua = it.UA(c, "alice", "alice-secret")
        r = c.request(ua.register_msg())
        self.assertStatus(r, 401, "unauthenticated REGISTER")
        chals = r.get_all("www-authenticate")
        self.assertEqual(len(chals), 1, chals)
        scheme, p = it.parse_auth_params(chals[0])
        self.assertEqual(scheme.lower(), "digest")
        self.assertEqual(p.get("realm"), it.REALM)
        self.assertEqual(p.get("algorithm", "MD5").upper(), "MD5")
        self.assertTrue(p.get("nonce"), "nonce must not be empty")
        self.assertIn("auth", [q.strip() for q in p.get("qop", "").split(",")])
        # RFC 3261 8.2.6.2: the UAS adds a To tag; the Call-ID and CSeq are copied
        self.assertRegex(r.get("to"), r";tag=\S+")
        self.assertEqual(r.get("call-id"), c.call_id)
        self.assertEqual(r.get("cseq"), "1 REGISTER")

    def register_and_query(self, transport):
        c = self.client(transport)
        ua = it.UA(c, "alice", "alice-secret")
        contact_uri = f"sip:alice@127.0.0.1:{c.port}"
        _, ok = ua.register(expires=1800)
        self.assertStatus(ok, 200, f"authenticated REGISTER over {transport}")
        listed = [x for x in it.contacts_of(ok) if contact_uri in x]
        self.assertEqual(len(listed), 1, f"200 must list our binding {contact_uri}: {it.contacts_of(ok)}")
        m = re.search(r";\s*expires=(\d+)", listed[0])
        self.assertIsNotNone(m, f"RFC 3261 10.3 step 8: each Contact carries expires: {listed[0]}")
        self.assertTrue(0 < int(m.group(1)) <= 1800, listed[0])
        # a REGISTER without Contact is a query: the 200 lists the current bindings (RFC 3261 10.2.3)
        _, q = ua.register(contact=None, expires=None)
        self.assertStatus(q, 200, "query REGISTER")
        self.assertTrue(any(contact_uri in x for x in it.contacts_of(q)), it.contacts_of(q))
        # Expires: 0 removes the binding (RFC 3261 10.2.2)
        _, rm = ua.register(expires=0)
        self.assertStatus(rm, 200, "REGISTER with Expires: 0")
        _, q2 = ua.register(contact=None, expires=None)
        self.assertStatus(q2, 200, "query after removal")
        self.assertFalse(any(contact_uri in x for x in it.contacts_of(q2)), it.contacts_of(q2))

    def test_binding_is_listed_queried_and_removed_over_udp(self):
        self.register_and_query("udp")

    def test_binding_is_listed_queried_and_removed_over_tcp(self):
        self.register_and_query("tcp")

    def test_expires_below_the_minimum_is_refused_with_423_or_raised(self):
        c = self.client("udp")
        ua = it.UA(c, "alice", "alice-secret")
        first, second = ua.register(expires=10)
        # RFC 3261 10.3 step 7: 423 Interval Too Brief with Min-Expires (before or after authentication);
        # a registrar that accepts instead must not grant less than its minimum
        r = second if second is not None else first
        self.assertStatus(r, (423, 200), "Expires: 10 with min_expires_s = 60")
        if r.status == 423:
            self.assertEqual(r.get("min-expires"), "60")
        else:
            mine = [x for x in it.contacts_of(r) if f"127.0.0.1:{c.port}" in x]
            self.assertEqual(len(mine), 1, it.contacts_of(r))
            granted = int(re.search(r";\s*expires=(\d+)", mine[0]).group(1))
            self.assertGreaterEqual(granted, 59, f"granted {granted}s below min_expires_s=60")

    def options(self, transport):
        c = self.client(transport)
        r = c.request(c.options())
        self.assertStatus(r, 200, f"OPTIONS to the proxy over {transport}")
        self.assertEqual(r.get("cseq"), "1 OPTIONS")

    def test_options_to_the_proxy_gets_200_over_udp(self):
        self.options("udp")

    def test_options_to_the_proxy_gets_200_over_tcp(self):
        self.options("tcp")

    def test_sipp_options_gets_200_over_tcp(self):
        self.need_sipp()
        self.assertSipp(self.sipp("uac-options.xml", transport="tcp").run(), "OPTIONS over TCP")


class RegisterWithSha256AndMd5Test(it.ProxyTestCase):
    PROXY_ARGS = {"algorithms": ("SHA-256", "MD5")}

    def test_two_challenges_are_offered_sha256_first_then_md5(self):
        c = self.client("udp")
        r = c.request(it.UA(c, "alice", "alice-secret").register_msg())
        self.assertStatus(r, 401, "unauthenticated REGISTER")
        algs = [it.parse_auth_params(v)[1].get("algorithm", "MD5").upper() for v in r.get_all("www-authenticate")]
        # RFC 8760 2.4: one header per algorithm, in order of preference
        self.assertEqual(algs, ["SHA-256", "MD5"])
        nonces = [it.parse_auth_params(v)[1].get("nonce") for v in r.get_all("www-authenticate")]
        self.assertTrue(all(nonces), nonces)

    def answer_with(self, alg, transport):
        c = self.client(transport)
        ua = it.UA(c, "bob", "bob-secret", prefer=(alg,))
        chal, ok = ua.register(expires=600)
        self.assertEqual(ua.last_chal.get("algorithm", "MD5").upper(), alg)
        self.assertStatus(ok, 200, f"REGISTER answered with {alg} over {transport}")
        self.assertTrue(any(f"127.0.0.1:{c.port}" in x for x in it.contacts_of(ok)), it.contacts_of(ok))

    def test_sha256_answer_registers_over_udp(self):
        self.answer_with("SHA-256", "udp")

    def test_sha256_answer_registers_over_tcp(self):
        self.answer_with("SHA-256", "tcp")

    def test_md5_answer_registers_over_udp(self):
        self.answer_with("MD5", "udp")

    def test_wrong_password_with_sha256_is_challenged_again(self):
        c = self.client("udp")
        _, r = it.UA(c, "carol", "carol-secret", prefer=("SHA-256",)).register(password="nope")
        self.assertStatus(r, (401, 403), "SHA-256 answer with a wrong password")


if __name__ == "__main__":
    unittest.main()
