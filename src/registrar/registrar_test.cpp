// SPDX-License-Identifier: Apache-2.0
#include "registrar/registrar.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "registrar/memory_binding_store.hpp"
#include "registrar/sqlite_binding_store.hpp"
#include "sip/parser.hpp"
#include "util/fake_clock.hpp"

namespace insip::registrar {
namespace {

using std::chrono::seconds;

constexpr const char* kAor = "sip:alice@example.test";

/// A REGISTER for alice as a UA would send it; `headers` adds Contact / Expires / others.
std::string registerText(const std::string& headers,
                         const std::string& call_id = "cid-1@192.0.2.10", unsigned cseq = 1) {
  return "REGISTER sip:example.test SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-" +
         call_id + "-" + std::to_string(cseq) +
         "\r\n"
         "Max-Forwards: 70\r\n"
         "From: Alice <sip:alice@example.test>;tag=a73kszlfl\r\n"
         "To: Alice <sip:alice@example.test>\r\n"
         "Call-ID: " +
         call_id +
         "\r\n"
         "CSeq: " +
         std::to_string(cseq) + " REGISTER\r\n" + headers + "Content-Length: 0\r\n\r\n";
}

std::optional<std::string> expiresOf(const sip::NameAddr& c) {
  auto v = sip::paramValue(c.params, "expires");
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

class RegistrarTest : public testing::Test {
 protected:
  static config::Registrar makeConfig() {
    config::Registrar cfg;
    cfg.min_expires_s = 60;
    cfg.max_expires_s = 7200;
    cfg.default_expires_s = 1800;
    cfg.max_contacts_per_aor = 3;
    return cfg;
  }

  sip::Message parse(const std::string& wire) {
    auto m = sip::parseMessage(wire, sip::ParseLimits{});
    EXPECT_TRUE(m) << wire;
    return m ? *m : sip::Message{};
  }

  sip::Message send(const std::string& wire) {
    sip::Message req = parse(wire);
    return registrar_.handle(req, aorFromUri(req.to.uri), flow_);
  }

  util::FakeClock clock_;
  MemoryBindingStore store_{clock_};
  config::Registrar cfg_ = makeConfig();
  Registrar registrar_{cfg_, store_, clock_};
  util::Flow flow_{util::Protocol::Udp, "192.0.2.10", 5060, 0};
};

TEST_F(RegistrarTest, RegisterStoresTheBindingAndThe200ListsItWithExpires) {
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10:5060>\r\nExpires: 600\r\n"));
  EXPECT_FALSE(r.is_request);
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(r.contacts[0].uri.host, "192.0.2.10");
  EXPECT_EQ(expiresOf(r.contacts[0]), "600");
  EXPECT_EQ(r.call_id, "cid-1@192.0.2.10");
  EXPECT_EQ(r.cseq.seq, 1u);
  EXPECT_NE(r.header("Date"), nullptr);

  auto b = store_.lookup(kAor);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].aor, kAor);
  EXPECT_EQ(b[0].contact, "sip:alice@192.0.2.10:5060");
  EXPECT_EQ(b[0].call_id, "cid-1@192.0.2.10");
  EXPECT_EQ(b[0].cseq, 1u);
  EXPECT_EQ(b[0].expires_at, clock_.systemNow() + seconds(600));
  EXPECT_EQ(b[0].q_milli, 1000);
  EXPECT_EQ(b[0].flow, "udp:192.0.2.10:5060");
  EXPECT_EQ(b[0].updated_at, clock_.systemNow());
}

TEST_F(RegistrarTest, TheResponseCarriesAToTagThatIsStableForARetransmission) {
  const std::string wire = registerText("Contact: <sip:alice@192.0.2.10>\r\n");
  auto first = send(wire);
  auto again = send(registerText("", "cid-1@192.0.2.10", 1));  // different request, same keys
  ASSERT_TRUE(first.to.tag().has_value());
  EXPECT_FALSE(first.to.tag()->empty());
  EXPECT_EQ(first.to.tag(), again.to.tag());
  auto other = send(registerText("", "cid-2@192.0.2.10", 1));
  EXPECT_NE(first.to.tag(), other.to.tag());
}

TEST_F(RegistrarTest, TheDateHeaderIsTheClockInRfc1123Form) {
  // FakeClock starts at 2026-12-03 00:00:00 UTC, a Thursday.
  auto r = send(registerText(""));
  ASSERT_NE(r.header("Date"), nullptr);
  EXPECT_EQ(*r.header("Date"), "Thu, 03 Dec 2026 00:00:00 GMT");
}

TEST_F(RegistrarTest, TheContactExpiresParamWinsOverTheExpiresHeader) {
  auto r = send(registerText(
      "Contact: <sip:alice@192.0.2.10>;expires=120, <sip:alice@192.0.2.11>\r\nExpires: 900\r\n"));
  ASSERT_EQ(r.status, 200);
  auto b = store_.lookup(kAor);
  ASSERT_EQ(b.size(), 2u);
  for (const auto& x : b) {
    if (x.contact == "sip:alice@192.0.2.10") {
      EXPECT_EQ(x.expires_at, clock_.systemNow() + seconds(120));
    } else {
      EXPECT_EQ(x.contact, "sip:alice@192.0.2.11");
      EXPECT_EQ(x.expires_at, clock_.systemNow() + seconds(900));
    }
  }
}

TEST_F(RegistrarTest, WithoutAnyExpiryTheConfiguredDefaultApplies) {
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10>\r\n"));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(expiresOf(r.contacts[0]), "1800");
}

TEST_F(RegistrarTest, AnExpiryBelowTheMinimumIsRejectedWith423AndMinExpires) {
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10>\r\nExpires: 59\r\n"));
  EXPECT_EQ(r.status, 423);
  ASSERT_NE(r.header("Min-Expires"), nullptr);
  EXPECT_EQ(*r.header("Min-Expires"), "60");
  EXPECT_TRUE(store_.lookup(kAor).empty());
  const std::string wire = sip::serialize(r);
  EXPECT_NE(wire.find("SIP/2.0 423 "), std::string::npos) << wire;
  EXPECT_NE(wire.find("\r\nMin-Expires: 60\r\n"), std::string::npos) << wire;
}

TEST_F(RegistrarTest, AnExpiryAtTheMinimumIsAccepted) {
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10>;expires=60\r\n"));
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(expiresOf(r.contacts[0]), "60");
}

TEST_F(RegistrarTest, AnExpiryAboveTheMaximumIsShortenedToTheMaximum) {
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10>;expires=86400\r\n"));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(expiresOf(r.contacts[0]), "7200");
  EXPECT_EQ(store_.lookup(kAor)[0].expires_at, clock_.systemNow() + seconds(7200));
}

TEST_F(RegistrarTest, AMalformedExpiresParamCountsAs3600) {
  // RFC 3261 §20.19: malformed expiry values SHOULD be treated as 3600.
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10>;expires=soon\r\n"));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(expiresOf(r.contacts[0]), "3600");
}

TEST_F(RegistrarTest, ExpiresZeroRemovesThatBindingOnly) {
  ASSERT_EQ(
      send(registerText("Contact: <sip:alice@192.0.2.10>, <sip:alice@192.0.2.11>\r\n")).status,
      200);
  auto r =
      send(registerText("Contact: <sip:alice@192.0.2.10>;expires=0\r\n", "cid-1@192.0.2.10", 2));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(r.contacts[0].uri.host, "192.0.2.11");
  auto b = store_.lookup(kAor);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].contact, "sip:alice@192.0.2.11");
}

TEST_F(RegistrarTest, ExpiresZeroForAnUnknownContactIsHarmless) {
  auto r = send(registerText("Contact: <sip:alice@192.0.2.99>\r\nExpires: 0\r\n"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.contacts.empty());
  EXPECT_EQ(store_.count(), 0u);
}

TEST_F(RegistrarTest, StarWithExpiresZeroRemovesEveryBinding) {
  ASSERT_EQ(
      send(registerText("Contact: <sip:alice@192.0.2.10>, <sip:alice@192.0.2.11>\r\n")).status,
      200);
  auto r = send(registerText("Contact: *\r\nExpires: 0\r\n", "cid-9@192.0.2.10", 1));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.contacts.empty());
  EXPECT_TRUE(store_.lookup(kAor).empty());
}

TEST_F(RegistrarTest, StarWithoutExpiresZeroIsRejectedWith400) {
  ASSERT_EQ(send(registerText("Contact: <sip:alice@192.0.2.10>\r\n")).status, 200);
  EXPECT_EQ(send(registerText("Contact: *\r\nExpires: 60\r\n", "cid-9@h", 1)).status, 400);
  EXPECT_EQ(send(registerText("Contact: *\r\n", "cid-9@h", 2)).status, 400);
  EXPECT_EQ(store_.lookup(kAor).size(), 1u);
}

TEST_F(RegistrarTest, StarTogetherWithAnotherContactIsRejectedWith400) {
  // The parser already refuses this on the wire; the registrar must too if handed such a value.
  ASSERT_EQ(send(registerText("Contact: <sip:alice@192.0.2.10>\r\n")).status, 200);
  sip::Message req = parse(registerText("Contact: *\r\nExpires: 0\r\n", "cid-9@h", 1));
  auto extra = sip::parseNameAddr("<sip:alice@192.0.2.12>");
  ASSERT_TRUE(extra);
  req.contacts.push_back(*extra);
  EXPECT_EQ(registrar_.handle(req, kAor, flow_).status, 400);
  EXPECT_EQ(store_.lookup(kAor).size(), 1u);
}

TEST_F(RegistrarTest, StarFromTheSameCallIdWithAnOldCSeqIsRejectedWith500) {
  ASSERT_EQ(send(registerText("Contact: <sip:alice@192.0.2.10>\r\n", "cid-1@h", 5)).status, 200);
  EXPECT_EQ(send(registerText("Contact: *\r\nExpires: 0\r\n", "cid-1@h", 5)).status, 500);
  EXPECT_EQ(store_.lookup(kAor).size(), 1u);
  EXPECT_EQ(send(registerText("Contact: *\r\nExpires: 0\r\n", "cid-1@h", 6)).status, 200);
  EXPECT_TRUE(store_.lookup(kAor).empty());
}

TEST_F(RegistrarTest, SameCallIdWithALowerOrEqualCSeqIsRejectedWith500AndChangesNothing) {
  ASSERT_EQ(
      send(registerText("Contact: <sip:alice@192.0.2.10>;expires=600\r\n", "cid-1@h", 10)).status,
      200);
  auto lower = send(registerText("Contact: <sip:alice@192.0.2.10>;expires=0\r\n", "cid-1@h", 9));
  EXPECT_EQ(lower.status, 500);
  auto equal = send(registerText("Contact: <sip:alice@192.0.2.10>;expires=0\r\n", "cid-1@h", 10));
  EXPECT_EQ(equal.status, 500);
  auto b = store_.lookup(kAor);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].cseq, 10u);
}

TEST_F(RegistrarTest, SameCallIdWithAHigherCSeqRefreshesTheBinding) {
  ASSERT_EQ(
      send(registerText("Contact: <sip:alice@192.0.2.10>;expires=600\r\n", "cid-1@h", 1)).status,
      200);
  clock_.advance(seconds(300));
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10>;expires=600\r\n", "cid-1@h", 2));
  ASSERT_EQ(r.status, 200);
  auto b = store_.lookup(kAor);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].cseq, 2u);
  EXPECT_EQ(b[0].expires_at, clock_.systemNow() + seconds(600));
}

TEST_F(RegistrarTest, ADifferentCallIdUpdatesTheBindingWhateverItsCSeq) {
  ASSERT_EQ(send(registerText("Contact: <sip:alice@192.0.2.10>\r\n", "cid-1@h", 100)).status, 200);
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10>;q=0.5\r\n", "cid-2@h", 1));
  ASSERT_EQ(r.status, 200);
  auto b = store_.lookup(kAor);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].call_id, "cid-2@h");
  EXPECT_EQ(b[0].cseq, 1u);
  EXPECT_EQ(b[0].q_milli, 500);
}

TEST_F(RegistrarTest, AnEquivalentContactUriUpdatesTheSameBinding) {
  // RFC 3261 §19.1.4: host comparison is case-insensitive.
  ASSERT_EQ(
      send(registerText("Contact: <sip:alice@UA.Example.test:5060>\r\n", "cid-1@h", 1)).status,
      200);
  auto r = send(registerText("Contact: <sip:alice@ua.example.test:5060>\r\n", "cid-1@h", 2));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(store_.lookup(kAor).size(), 1u);
  // The user part is case-sensitive: a different binding.
  auto r2 = send(registerText("Contact: <sip:ALICE@ua.example.test:5060>\r\n", "cid-1@h", 3));
  EXPECT_EQ(r2.contacts.size(), 2u);
}

TEST_F(RegistrarTest, ARegisterWithoutContactIsAQueryListingCurrentBindings) {
  ASSERT_EQ(send(registerText("Contact: <sip:alice@192.0.2.10>;expires=600;q=0.2, "
                              "<sip:alice@192.0.2.11>;expires=300;q=0.9\r\n"))
                .status,
            200);
  clock_.advance(seconds(100));
  auto r = send(registerText("", "cid-1@192.0.2.10", 2));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.contacts.size(), 2u);
  EXPECT_EQ(r.contacts[0].uri.host, "192.0.2.11");  // q 0.9 first
  EXPECT_EQ(expiresOf(r.contacts[0]), "200");       // remaining time, not the original
  EXPECT_EQ(sip::paramValue(r.contacts[0].params, "q"), "0.9");
  EXPECT_EQ(r.contacts[1].uri.host, "192.0.2.10");
  EXPECT_EQ(expiresOf(r.contacts[1]), "500");
  EXPECT_EQ(sip::paramValue(r.contacts[1].params, "q"), "0.2");
  EXPECT_EQ(store_.lookup(kAor)[0].cseq, 1u);  // a query writes nothing
}

TEST_F(RegistrarTest, AQueryForAnAorWithoutBindingsAnswers200WithNoContact) {
  auto r = send(registerText(""));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.contacts.empty());
}

TEST_F(RegistrarTest, BindingsDisappearOnceTheyExpire) {
  ASSERT_EQ(send(registerText("Contact: <sip:alice@192.0.2.10>;expires=600\r\n")).status, 200);
  clock_.advance(seconds(599));
  EXPECT_EQ(send(registerText("", "cid-1@192.0.2.10", 2)).contacts.size(), 1u);
  clock_.advance(seconds(1));
  EXPECT_TRUE(send(registerText("", "cid-1@192.0.2.10", 3)).contacts.empty());
  EXPECT_TRUE(store_.lookup(kAor).empty());
}

TEST_F(RegistrarTest, QValuesAreStoredAndAnInvalidOneIsRejectedWith400) {
  ASSERT_EQ(
      send(registerText("Contact: <sip:alice@192.0.2.10>;q=0.125, <sip:alice@192.0.2.11>;q=1.0, "
                        "<sip:alice@192.0.2.12>;q=0\r\n"))
          .status,
      200);
  auto b = store_.lookup(kAor);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].q_milli, 1000);
  EXPECT_EQ(b[1].q_milli, 125);
  EXPECT_EQ(b[2].q_milli, 0);
  for (const char* bad : {"1.5", "0.1234", "2", "abc", ".5", "1.01"}) {
    auto r = send(registerText(std::string("Contact: <sip:alice@192.0.2.20>;q=") + bad + "\r\n",
                               std::string("cid-q-") + bad, 1));
    EXPECT_EQ(r.status, 400) << bad;
  }
  EXPECT_EQ(store_.lookup(kAor).size(), 3u);
}

TEST_F(RegistrarTest, OneBadContactAbortsTheWholeRequest) {
  // RFC 3261 §10.3 step 7: bindings are committed only if all updates succeed.
  auto r = send(registerText("Contact: <sip:alice@192.0.2.10>, <sip:alice@192.0.2.11>;q=7\r\n"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(store_.lookup(kAor).empty());
  auto r2 =
      send(registerText("Contact: <sip:alice@192.0.2.10>, <sip:alice@192.0.2.11>;expires=5\r\n",
                        "cid-1@192.0.2.10", 2));
  EXPECT_EQ(r2.status, 423);
  EXPECT_TRUE(store_.lookup(kAor).empty());
}

TEST_F(RegistrarTest, MoreContactsThanTheCapAreRejectedWith403ButRefreshesPass) {
  ASSERT_EQ(
      send(registerText("Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2>, <sip:c@192.0.2.3>\r\n",
                        "cid-1@h", 1))
          .status,
      200);
  auto r = send(registerText("Contact: <sip:d@192.0.2.4>\r\n", "cid-2@h", 1));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(store_.lookup(kAor).size(), 3u);
  // Refreshing an existing binding at the cap is fine.
  EXPECT_EQ(send(registerText("Contact: <sip:a@192.0.2.1>\r\n", "cid-1@h", 2)).status, 200);
  // Replacing one binding by another in the same request stays within the cap.
  auto swap = send(
      registerText("Contact: <sip:a@192.0.2.1>;expires=0, <sip:d@192.0.2.4>\r\n", "cid-1@h", 3));
  EXPECT_EQ(swap.status, 200);
  EXPECT_EQ(swap.contacts.size(), 3u);
}

TEST_F(RegistrarTest, TheSourceFlowAndInstanceAreRecorded) {
  flow_ = util::Flow{util::Protocol::Tcp, "198.51.100.7", 40123, 77};
  auto r =
      send(registerText("Contact: <sip:alice@10.0.0.5:5060;transport=tcp>;"
                        "+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"\r\n"));
  ASSERT_EQ(r.status, 200);
  auto b = store_.lookup(kAor);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].flow, "tcp:198.51.100.7:40123");
  EXPECT_EQ(b[0].connection_id, 77u);
  EXPECT_EQ(b[0].instance, "\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"");
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(sip::paramValue(r.contacts[0].params, "+sip.instance"),
            "\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"");
  EXPECT_EQ(sip::paramValue(r.contacts[0].uri.params, "transport"), "tcp");
}

TEST_F(RegistrarTest, TheSerialized200ParsesBackWithEveryBinding) {
  auto r = send(registerText(
      "Contact: <sip:alice@192.0.2.10>;expires=600, <sip:alice@192.0.2.11>;q=0.5\r\n"));
  ASSERT_EQ(r.status, 200);
  auto back = sip::parseMessage(sip::serialize(r), sip::ParseLimits{});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 200);
  ASSERT_EQ(back->contacts.size(), 2u);
  EXPECT_EQ(expiresOf(back->contacts[0]), "600");
  EXPECT_EQ(expiresOf(back->contacts[1]), "1800");
  EXPECT_TRUE(back->to.tag().has_value());
}

class FailingStore final : public BindingStore {
 public:
  std::vector<Binding> lookup(std::string_view) const override { return {}; }
  util::Result<void> apply(std::string_view, const BindingChanges&) override {
    return util::fail(StoreErrc::DatabaseError);
  }
  util::Result<void> removeAll(std::string_view) override { return {}; }
  util::Result<std::size_t> purgeExpired(util::SystemTime) override { return std::size_t{0}; }
  std::size_t count() const override { return 0; }
};

TEST(RegistrarStoreFailure, AStoreErrorIsAnswered500) {
  util::FakeClock clock;
  FailingStore store;
  Registrar registrar(config::Registrar{}, store, clock);
  auto req = sip::parseMessage(registerText("Contact: <sip:alice@192.0.2.10>\r\n"), {});
  ASSERT_TRUE(req);
  auto r = registrar.handle(*req, kAor, util::Flow{});
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(r.contacts.empty());
}

class RegistrarOnSqliteTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::path(testing::TempDir()) /
            ("insip-registrar-" + std::to_string(::getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name() + ".sqlite");
    cleanup();
  }
  void TearDown() override { cleanup(); }
  void cleanup() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }
  sip::Message send(Registrar& registrar, const std::string& wire) {
    auto req = sip::parseMessage(wire, sip::ParseLimits{});
    EXPECT_TRUE(req);
    return registrar.handle(*req, kAor, util::Flow{util::Protocol::Udp, "192.0.2.10", 5060, 0});
  }

  util::FakeClock clock_;
  std::filesystem::path path_;
};

TEST_F(RegistrarOnSqliteTest, CallIdAndCSeqOrderingSurvivesARestart) {
  {
    auto store = SqliteBindingStore::open(path_, clock_);
    ASSERT_TRUE(store);
    Registrar registrar(config::Registrar{}, **store, clock_);
    ASSERT_EQ(
        send(registrar, registerText("Contact: <sip:alice@192.0.2.10>\r\n", "cid-1@h", 7)).status,
        200);
  }
  auto store = SqliteBindingStore::open(path_, clock_);
  ASSERT_TRUE(store);
  Registrar registrar(config::Registrar{}, **store, clock_);
  auto query = send(registrar, registerText("", "cid-q@h", 1));
  ASSERT_EQ(query.contacts.size(), 1u);
  EXPECT_EQ(
      send(registrar, registerText("Contact: <sip:alice@192.0.2.10>;expires=0\r\n", "cid-1@h", 7))
          .status,
      500);
  EXPECT_EQ(
      send(registrar, registerText("Contact: <sip:alice@192.0.2.10>;expires=0\r\n", "cid-1@h", 8))
          .status,
      200);
  EXPECT_TRUE((*store)->lookup(kAor).empty());
}

TEST(AorFromUri, DropsPortParamsAndPasswordAndLowerCasesTheHostOnly) {
  auto u = sip::parseUri("sip:Alice:secret@EXAMPLE.Test:5070;transport=tcp;user=phone?subject=x");
  ASSERT_TRUE(u);
  EXPECT_EQ(aorFromUri(*u), "sip:Alice@example.test");
}

TEST(AorFromUri, UnescapesTheUserPart) {
  auto u = sip::parseUri("sip:al%69ce@example.test");
  ASSERT_TRUE(u);
  EXPECT_EQ(aorFromUri(*u), "sip:alice@example.test");
}

TEST(AorFromUri, MapsSipsToSipAndKeepsUserlessUris) {
  auto s = sip::parseUri("sips:bob@Example.test");
  ASSERT_TRUE(s);
  EXPECT_EQ(aorFromUri(*s), "sip:bob@example.test");
  auto d = sip::parseUri("sip:Example.test:5060");
  ASSERT_TRUE(d);
  EXPECT_EQ(aorFromUri(*d), "sip:example.test");
}

TEST(AorFromUri, GivesEmptyForNonSipSchemes) {
  auto t = sip::parseUri("tel:+1-201-555-0123");
  ASSERT_TRUE(t);
  EXPECT_EQ(aorFromUri(*t), "");
}

}  // namespace
}  // namespace insip::registrar
