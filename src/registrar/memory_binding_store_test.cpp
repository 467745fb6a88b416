// SPDX-License-Identifier: Apache-2.0
#include "registrar/memory_binding_store.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "util/fake_clock.hpp"

namespace insip::registrar {
namespace {

using std::chrono::seconds;

Binding makeBinding(const util::FakeClock& clock, std::string aor, std::string contact,
                    std::uint16_t q_milli = 1000, seconds ttl = seconds(600)) {
  Binding b;
  b.aor = std::move(aor);
  b.contact = std::move(contact);
  b.call_id = "cid@host";
  b.cseq = 1;
  b.expires_at = clock.systemNow() + ttl;
  b.q_milli = q_milli;
  b.flow = "udp:192.0.2.1:5060";
  b.updated_at = clock.systemNow();
  return b;
}

class MemoryBindingStoreTest : public testing::Test {
 protected:
  util::FakeClock clock_;
  MemoryBindingStore store_{clock_};
};

TEST_F(MemoryBindingStoreTest, LookupOfUnknownAorIsEmpty) {
  EXPECT_TRUE(store_.lookup("sip:nobody@example.test").empty());
  EXPECT_EQ(store_.count(), 0u);
}

TEST_F(MemoryBindingStoreTest, LookupReturnsBindingsByQDescending) {
  const std::string aor = "sip:alice@example.test";
  BindingChanges c;
  c.upserts = {makeBinding(clock_, aor, "sip:a@192.0.2.1", 100),
               makeBinding(clock_, aor, "sip:b@192.0.2.2", 900),
               makeBinding(clock_, aor, "sip:c@192.0.2.3", 500)};
  ASSERT_TRUE(store_.apply(aor, c));
  auto got = store_.lookup(aor);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].contact, "sip:b@192.0.2.2");
  EXPECT_EQ(got[1].contact, "sip:c@192.0.2.3");
  EXPECT_EQ(got[2].contact, "sip:a@192.0.2.1");
  EXPECT_EQ(got[0], c.upserts[1]);
  EXPECT_EQ(store_.count(), 3u);
}

TEST_F(MemoryBindingStoreTest, EqualQPutsTheMostRecentlyUpdatedFirst) {
  const std::string aor = "sip:alice@example.test";
  ASSERT_TRUE(store_.apply(aor, {{}, {makeBinding(clock_, aor, "sip:old@192.0.2.1")}}));
  clock_.advance(seconds(5));
  ASSERT_TRUE(store_.apply(aor, {{}, {makeBinding(clock_, aor, "sip:new@192.0.2.1")}}));
  auto got = store_.lookup(aor);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].contact, "sip:new@192.0.2.1");
}

TEST_F(MemoryBindingStoreTest, LookupHidesExpiredBindings) {
  const std::string aor = "sip:alice@example.test";
  BindingChanges c;
  c.upserts = {makeBinding(clock_, aor, "sip:short@192.0.2.1", 1000, seconds(10)),
               makeBinding(clock_, aor, "sip:long@192.0.2.1", 1000, seconds(100))};
  ASSERT_TRUE(store_.apply(aor, c));
  clock_.advance(seconds(9));
  EXPECT_EQ(store_.lookup(aor).size(), 2u);
  clock_.advance(seconds(1));  // exactly at expires_at: expired
  auto got = store_.lookup(aor);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].contact, "sip:long@192.0.2.1");
}

TEST_F(MemoryBindingStoreTest, UpsertReplacesTheBindingWithTheSameContact) {
  const std::string aor = "sip:alice@example.test";
  ASSERT_TRUE(store_.apply(aor, {{}, {makeBinding(clock_, aor, "sip:a@192.0.2.1")}}));
  Binding again = makeBinding(clock_, aor, "sip:a@192.0.2.1", 300);
  again.cseq = 2;
  ASSERT_TRUE(store_.apply(aor, {{}, {again}}));
  auto got = store_.lookup(aor);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].cseq, 2u);
  EXPECT_EQ(got[0].q_milli, 300);
  EXPECT_EQ(store_.count(), 1u);
}

TEST_F(MemoryBindingStoreTest, ApplyRemovesThenUpsertsInOneStep) {
  const std::string aor = "sip:alice@example.test";
  ASSERT_TRUE(store_.apply(aor, {{},
                                 {makeBinding(clock_, aor, "sip:a@192.0.2.1"),
                                  makeBinding(clock_, aor, "sip:b@192.0.2.1")}}));
  BindingChanges c;
  c.removals = {"sip:a@192.0.2.1", "sip:absent@192.0.2.9"};
  c.upserts = {makeBinding(clock_, aor, "sip:c@192.0.2.1")};
  ASSERT_TRUE(store_.apply(aor, c));
  auto got = store_.lookup(aor);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[0].contact, "sip:a@192.0.2.1");
  EXPECT_NE(got[1].contact, "sip:a@192.0.2.1");
  EXPECT_EQ(store_.count(), 2u);
}

TEST_F(MemoryBindingStoreTest, ApplyWithABindingOfAnotherAorChangesNothing) {
  const std::string aor = "sip:alice@example.test";
  ASSERT_TRUE(store_.apply(aor, {{}, {makeBinding(clock_, aor, "sip:a@192.0.2.1")}}));
  BindingChanges c;
  c.removals = {"sip:a@192.0.2.1"};
  c.upserts = {makeBinding(clock_, aor, "sip:b@192.0.2.1"),
               makeBinding(clock_, "sip:bob@example.test", "sip:c@192.0.2.1")};
  auto r = store_.apply(aor, c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(StoreErrc::InvalidChange));
  auto got = store_.lookup(aor);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].contact, "sip:a@192.0.2.1");
}

TEST_F(MemoryBindingStoreTest, RemoveAllDropsEveryBindingOfThatAorOnly) {
  ASSERT_TRUE(store_.apply("sip:a@x.test", {{},
                                            {makeBinding(clock_, "sip:a@x.test", "sip:1@h"),
                                             makeBinding(clock_, "sip:a@x.test", "sip:2@h")}}));
  ASSERT_TRUE(store_.apply("sip:b@x.test", {{}, {makeBinding(clock_, "sip:b@x.test", "sip:3@h")}}));
  ASSERT_TRUE(store_.removeAll("sip:a@x.test"));
  EXPECT_TRUE(store_.lookup("sip:a@x.test").empty());
  EXPECT_EQ(store_.lookup("sip:b@x.test").size(), 1u);
  EXPECT_EQ(store_.count(), 1u);
}

TEST_F(MemoryBindingStoreTest, PurgeExpiredDeletesOnlyExpiredBindingsAndCountsThem) {
  ASSERT_TRUE(store_.apply("sip:a@x.test",
                           {{},
                            {makeBinding(clock_, "sip:a@x.test", "sip:1@h", 1000, seconds(10)),
                             makeBinding(clock_, "sip:a@x.test", "sip:2@h", 1000, seconds(60))}}));
  ASSERT_TRUE(store_.apply(
      "sip:b@x.test", {{}, {makeBinding(clock_, "sip:b@x.test", "sip:3@h", 1000, seconds(5))}}));
  clock_.advance(seconds(30));
  EXPECT_EQ(store_.count(), 3u);  // expired but not yet purged
  auto purged = store_.purgeExpired(clock_.systemNow());
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 2u);
  EXPECT_EQ(store_.count(), 1u);
  EXPECT_EQ(store_.lookup("sip:a@x.test").size(), 1u);
}

TEST_F(MemoryBindingStoreTest, ApplyDropsExpiredBindingsOfThatAor) {
  const std::string aor = "sip:a@x.test";
  ASSERT_TRUE(store_.apply(aor, {{}, {makeBinding(clock_, aor, "sip:1@h", 1000, seconds(10))}}));
  clock_.advance(seconds(20));
  ASSERT_TRUE(store_.apply(aor, {{}, {makeBinding(clock_, aor, "sip:2@h")}}));
  EXPECT_EQ(store_.count(), 1u);
}

}  // namespace
}  // namespace insip::registrar
