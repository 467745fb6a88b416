#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# Attacks on digest authentication against the real insip binary (RFC 3261 22, RFC 7616 3.3/5):
# user enumeration through challenge shape, replayed Authorization / Proxy-Authorization, forged
# nonce, expired nonce (stale=true), brute force lockout (403), INVITE without credentials (407,
# ACK absorbed). Digests are computed here with hashlib.
import time
import unittest

import insiptest as it


def shape(resp):
    """What an observer can compare between two challenges: code, reason, header names, challenge
    parameter names and value lengths (nonces differ, their shape must not)."""
    chals = []
    for v in resp.get_all("www-authenticate") + resp.get_all("proxy-authenticate"):
        scheme, p = it.parse_auth_params(v)
        chals.append((scheme, sorted((k, len(val)) if k in ("nonce", "opaque") else (k, val)
                                     for k, val in p.items())))
    names = sorted(set(resp.header_names()) - {"content-length"})
    return resp.status, resp.reason, names, chals


class AuthAttacksTest(it.ProxyTestCase):
    PROXY_ARGS = {"algorithms": ("SHA-256", "MD5"), "max_failures": 3, "lockout_s": 300}
    USERS = {"alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret", "dave": "dave-secret",
             "erin": "erin-secret"}

    def enumeration(self, transport):
        c = self.client(transport)
        known = c.request(it.UA(c, "alice", "x").register_msg())
        c2 = self.client(transport)
        unknown = c2.request(it.UA(c2, "nosuchuser", "x").register_msg())
        self.assertStatus(known, 401, "REGISTER of a known user")
        self.assertStatus(unknown, 401, "REGISTER of an unknown user (must not reveal that it is unknown)")
        self.assertEqual(shape(known), shape(unknown))

    def test_unknown_user_gets_the_same_challenge_as_a_known_user_over_udp(self):
        self.enumeration("udp")

    def test_unknown_user_gets_the_same_challenge_as_a_known_user_over_tcp(self):
        self.enumeration("tcp")

    def test_unknown_user_with_credentials_is_answered_like_a_wrong_password(self):
        c = self.client("udp")
        _, unknown = it.UA(c, "nosuchuser", "whatever").register()
        c2 = self.client("udp")
        _, wrong = it.UA(c2, "erin", "erin-secret").register(password="whatever")
        self.assertIsNotNone(unknown)
        self.assertIsNotNone(wrong)
        self.assertNotEqual(unknown.status, 200)
        self.assertEqual(shape(unknown), shape(wrong))

    def replay_register(self, transport):
        c = self.client(transport)
        ua = it.UA(c, "bob", "bob-secret")
        _, ok = ua.register(expires=600)
        self.assertStatus(ok, 200, "first use of the credentials")
        # the very same Authorization (same nonce, nc, cnonce, response) in a new REGISTER transaction
        replay = c.request(ua.register_msg(expires=600, auth=ua.last_auth))
        self.assertStatus(replay, 401, f"replayed Authorization over {transport} (RFC 7616 3.3, 5.5)")
        # and from another connection / port, as an eavesdropper would
        c2 = self.client(transport)
        ua2 = it.UA(c2, "bob", "bob-secret")
        replay2 = c2.request(ua2.register_msg(expires=600, auth=ua.last_auth))
        self.assertStatus(replay2, 401, "replayed Authorization from another source")

    def test_replayed_register_authorization_is_challenged_again_over_udp(self):
        self.replay_register("udp")

    def test_replayed_register_authorization_is_challenged_again_over_tcp(self):
        self.replay_register("tcp")

    def test_replayed_invite_proxy_authorization_is_challenged_again(self):
        c = self.client("udp")
        ua = it.UA(c, "alice", "alice-secret")
        inv = ua.invite_msg("carol")
        r = c.request(inv)
        self.assertStatus(r, 407, "INVITE without credentials")
        c.send(c.ack_for(inv, r))
        chal = it.pick_challenge(r)
        auth = it.authorization(chal, "alice", "alice-secret", "INVITE", "sip:carol@example.test")
        inv2 = ua.invite_msg("carol", auth=auth)
        first = c.request(inv2)
        self.assertIsNotNone(first, "authenticated INVITE got no final answer")
        self.assertNotIn(first.status, (401, 407), "valid credentials were refused:\n" + first.raw.decode())
        c.send(c.ack_for(inv2, first))
        inv3 = ua.invite_msg("carol", auth=auth)  # same credentials, new transaction
        again = c.request(inv3)
        self.assertStatus(again, 407, "replayed Proxy-Authorization")
        c.send(c.ack_for(inv3, again))

    def test_forged_nonce_is_never_accepted(self):
        c = self.client("udp")
        ua = it.UA(c, "alice", "alice-secret", prefer=("MD5",))
        r = c.request(ua.register_msg())
        self.assertStatus(r, 401, "REGISTER")
        chal = dict(it.pick_challenge(r, ("MD5",)))
        n = chal["nonce"]
        chal["nonce"] = n[:-2] + ("AA" if not n.endswith("AA") else "BB")
        auth = it.authorization(chal, "alice", "alice-secret", "REGISTER", "sip:example.test")
        r2 = c.request(ua.register_msg(auth=auth))
        self.assertStatus(r2, 401, "correct digest over a forged nonce")
        made_up = dict(chal, nonce="0123456789abcdef")
        r3 = c.request(ua.register_msg(auth=it.authorization(made_up, "alice", "alice-secret", "REGISTER",
                                                              "sip:example.test")))
        self.assertStatus(r3, 401, "correct digest over a made-up nonce")

    def test_wrong_realm_in_credentials_is_refused(self):
        c = self.client("udp")
        ua = it.UA(c, "carol", "carol-secret")
        r = c.request(ua.register_msg())
        chal = it.pick_challenge(r)
        auth = it.authorization(chal, "carol", "carol-secret", "REGISTER", "sip:example.test", realm="evil.test")
        r2 = c.request(ua.register_msg(auth=auth))
        self.assertStatus(r2, (401, 403), "credentials for another realm")

    def test_lockout_after_max_failures_gives_403_even_with_the_right_password(self):
        c = self.client("udp")
        ua = it.UA(c, "dave", "dave-secret")
        codes = []
        for _ in range(5):
            _, r = ua.register(password="guess")
            if r is None:  # 403 may replace the first challenge once locked
                r = c.request(ua.register_msg())
            self.assertIsNotNone(r)
            codes.append(r.status)
            if r.status == 403:
                break
        self.assertIn(403, codes, f"max_failures=3 but codes were {codes}")
        self.assertLessEqual(codes.index(403), 3, f"403 must come after at most max_failures failures: {codes}")
        self.assertTrue(all(x == 401 for x in codes[:codes.index(403)]), codes)
        first, second = ua.register()  # the right password during the lockout
        final = second if second is not None else first
        self.assertStatus(final, 403, "right password while locked out")
        # another user is not affected
        c2 = self.client("udp")
        _, ok = it.UA(c2, "erin", "erin-secret").register()
        self.assertStatus(ok, 200, "other user during dave's lockout")

    def invite_without_credentials(self, transport):
        c = self.client(transport)
        ua = it.UA(c, "alice", "alice-secret")
        inv = ua.invite_msg("bob")
        r = c.request(inv)
        self.assertStatus(r, 407, f"INVITE without credentials over {transport}")
        self.assertTrue(r.get_all("proxy-authenticate"), "407 without Proxy-Authenticate")
        self.assertEqual(r.get("cseq"), "1 INVITE")
        c.send(c.ack_for(inv, r))
        # the ACK of a non-2xx is hop-by-hop: the proxy absorbs it, nothing comes back
        self.assertIsNone(c.recv(1.0), "the proxy answered an ACK")

    def test_invite_without_credentials_gets_407_and_the_ack_is_absorbed_over_udp(self):
        self.invite_without_credentials("udp")

    def test_invite_without_credentials_gets_407_and_the_ack_is_absorbed_over_tcp(self):
        self.invite_without_credentials("tcp")


class StaleNonceTest(it.ProxyTestCase):
    PROXY_ARGS = {"algorithms": ("SHA-256", "MD5"), "nonce_ttl_s": 1}

    def register_stale(self, transport):
        c = self.client(transport)
        ua = it.UA(c, "alice", "alice-secret")
        r = c.request(ua.register_msg())
        self.assertStatus(r, 401, "REGISTER")
        chal = it.pick_challenge(r)
        self.assertNotEqual(chal.get("stale", "false").lower(), "true", "first challenge must not be stale")
        time.sleep(2.5)
        auth = it.authorization(chal, "alice", "alice-secret", "REGISTER", "sip:example.test")
        r2 = c.request(ua.register_msg(auth=auth))
        self.assertStatus(r2, 401, f"expired nonce over {transport}")
        stale = [it.parse_auth_params(v)[1].get("stale", "").lower() for v in r2.get_all("www-authenticate")]
        self.assertTrue(stale and all(s == "true" for s in stale), f"RFC 7616 3.3: stale=true expected: {stale}")
        # a fresh nonce works at once
        auth2 = it.authorization(it.pick_challenge(r2), "alice", "alice-secret", "REGISTER", "sip:example.test")
        r3 = c.request(ua.register_msg(auth=auth2))
        self.assertStatus(r3, 200, "answer to the fresh challenge")

    def test_expired_nonce_on_register_gets_401_stale_true_over_udp(self):
        self.register_stale("udp")

    def test_expired_nonce_on_register_gets_401_stale_true_over_tcp(self):
        self.register_stale("tcp")

    def test_expired_nonce_on_invite_gets_407_stale_true(self):
        c = self.client("udp")
        ua = it.UA(c, "alice", "alice-secret")
        inv = ua.invite_msg("carol")
        r = c.request(inv)
        self.assertStatus(r, 407, "INVITE")
        c.send(c.ack_for(inv, r))
        time.sleep(2.5)
        auth = it.authorization(it.pick_challenge(r), "alice", "alice-secret", "INVITE", "sip:carol@example.test")
        inv2 = ua.invite_msg("carol", auth=auth)
        r2 = c.request(inv2)
        self.assertStatus(r2, 407, "INVITE with an expired nonce")
        c.send(c.ack_for(inv2, r2))
        stale = [it.parse_auth_params(v)[1].get("stale", "").lower() for v in r2.get_all("proxy-authenticate")]
        self.assertTrue(stale and all(s == "true" for s in stale), stale)

    def test_wrong_password_with_expired_nonce_is_not_reported_stale(self):
        c = self.client("udp")
        ua = it.UA(c, "bob", "bob-secret")
        r = c.request(ua.register_msg())
        time.sleep(2.5)
        auth = it.authorization(it.pick_challenge(r), "bob", "wrong", "REGISTER", "sip:example.test")
        r2 = c.request(ua.register_msg(auth=auth))
        self.assertStatus(r2, (401, 403), "wrong password on an expired nonce")
        # RFC 7616 3.3: stale=true only when the digest was valid; a wrong password must not get it
        stale = [it.parse_auth_params(v)[1].get("stale", "false").lower() for v in r2.get_all("www-authenticate")]
        self.assertFalse(any(s == "true" for s in stale), stale)


if __name__ == "__main__":
    unittest.main()
