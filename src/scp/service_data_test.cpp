// SPDX-License-Identifier: Apache-2.0
//
// The ServiceData contract, run against every implementation (MemoryServiceData and
// SqliteServiceData on ":memory:"); file-level behaviour of SQLite is in sqlite_service_data_test.
#include "scp/service_data.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "scp/errors.hpp"
#include "scp/memory_service_data.hpp"
#include "scp/sqlite_service_data.hpp"

namespace insip::scp {
namespace {

struct Impl {
  const char* name;
  std::function<std::unique_ptr<ServiceData>()> make;
};

class ServiceDataContract : public ::testing::TestWithParam<Impl> {
 protected:
  void SetUp() override {
    store_ = GetParam().make();
    ASSERT_TRUE(store_);
  }
  static FreephonePlan plan1() {
    FreephonePlan p;
    p.number = "08001234567";
    p.default_destination = "+4930100";
    p.rules = {{"+4989", days::kWorkdays, 8 * 60, 18 * 60, "+4989200"},
               {"", days::kWeekend, 22 * 60, 6 * 60, "sip:night@callcenter.example.com"}};
    return p;
  }
  std::unique_ptr<ServiceData> store_;
};

TEST_P(ServiceDataContract, WhatIsPutIsReadBack) {
  ASSERT_TRUE(store_->putSubscriber({"sip:alice@example.com", "+4930123", Role::Admin}));
  ASSERT_TRUE(store_->putFreephonePlan(plan1()));
  const ScreeningProfile prof{true, false, {"+33123", "+4930555"}, {"+4940666"}};
  ASSERT_TRUE(store_->putScreeningProfile("+4930123", prof));
  EXPECT_EQ(**store_->subscriberByLine("+4930123"),
            (Subscriber{"sip:alice@example.com", "+4930123", Role::Admin}));
  EXPECT_EQ(**store_->subscriberById("sip:alice@example.com"),
            (Subscriber{"sip:alice@example.com", "+4930123", Role::Admin}));
  EXPECT_EQ(**store_->freephonePlan("08001234567"), plan1());
  EXPECT_EQ(**store_->screeningProfile("+4930123"), prof);
}

TEST_P(ServiceDataContract, UnknownKeysAreEmptyNotErrors) {
  auto a = store_->subscriberById("sip:nobody@example.com");
  ASSERT_TRUE(a);
  EXPECT_FALSE(*a);
  auto b = store_->freephonePlan("0800999");
  ASSERT_TRUE(b);
  EXPECT_FALSE(*b);
  auto c = store_->screeningProfile("+1");
  ASSERT_TRUE(c);
  EXPECT_FALSE(*c);
  EXPECT_EQ(store_->removeSubscriber("sip:nobody@example.com").error(), ScpErrc::NotFound);
  EXPECT_EQ(store_->removeFreephonePlan("0800999").error(), ScpErrc::NotFound);
}

TEST_P(ServiceDataContract, FailedPlanWriteLeavesThePreviousPlan) {
  ASSERT_TRUE(store_->putFreephonePlan(plan1()));
  for (const FreephoneRule& bad_rule :
       {FreephoneRule{"", days::kEveryDay, 1440, 1440, "+1"}, FreephoneRule{"", 0, 0, 1440, "+1"},
        FreephoneRule{"", 128, 0, 1440, "+1"}, FreephoneRule{"", 1, 0, 0, "+1"},
        FreephoneRule{"", 1, 0, 1441, "+1"}, FreephoneRule{"", 1, 0, 1440, ""}}) {
    FreephonePlan bad = plan1();
    bad.default_destination = "+4930999";
    bad.rules.push_back(bad_rule);  // the last rule is the bad one
    EXPECT_EQ(store_->putFreephonePlan(bad).error(), ScpErrc::ConstraintViolation);
    EXPECT_EQ(**store_->freephonePlan("08001234567"), plan1());
  }
  // Still writable after the failures.
  FreephonePlan replaced = plan1();
  replaced.rules.pop_back();
  ASSERT_TRUE(store_->putFreephonePlan(replaced));
  EXPECT_EQ(**store_->freephonePlan("08001234567"), replaced);
}

TEST_P(ServiceDataContract, FailedScreeningWriteLeavesThePreviousProfile) {
  const ScreeningProfile good{false, true, {"+4930555"}, {}};
  ASSERT_TRUE(store_->putScreeningProfile("+4930123", good));
  const ScreeningProfile bad{true, true, {"+33"}, {"+4940", ""}};  // empty number
  EXPECT_EQ(store_->putScreeningProfile("+4930123", bad).error(), ScpErrc::ConstraintViolation);
  EXPECT_EQ(**store_->screeningProfile("+4930123"), good);
  EXPECT_EQ(store_->putScreeningProfile("", good).error(), ScpErrc::ConstraintViolation);
}

TEST_P(ServiceDataContract, DuplicateListEntriesCollapse) {
  ASSERT_TRUE(store_->putScreeningProfile("+1", {false, false, {"+2", "+3", "+2"}, {"+2"}}));
  EXPECT_EQ(**store_->screeningProfile("+1"), (ScreeningProfile{false, false, {"+2", "+3"}, {"+2"}}));
}

TEST_P(ServiceDataContract, SubscribersAreKeyedByIdWithUniqueLines) {
  ASSERT_TRUE(store_->putSubscriber({"sip:a@x", "+1", Role::Subscriber}));
  ASSERT_TRUE(store_->putSubscriber({"sip:a@x", "+2", Role::Admin}));  // update in place
  EXPECT_FALSE(*store_->subscriberByLine("+1"));
  EXPECT_EQ(**store_->subscriberById("sip:a@x"), (Subscriber{"sip:a@x", "+2", Role::Admin}));
  EXPECT_EQ(store_->putSubscriber({"sip:b@x", "+2", Role::Subscriber}).error(),
            ScpErrc::ConstraintViolation);
  EXPECT_FALSE(*store_->subscriberById("sip:b@x"));
  EXPECT_EQ(store_->putSubscriber({"", "+3", Role::Subscriber}).error(), ScpErrc::ConstraintViolation);
  EXPECT_EQ(store_->putSubscriber({"sip:c@x", "", Role::Subscriber}).error(),
            ScpErrc::ConstraintViolation);
  ASSERT_TRUE(store_->removeSubscriber("sip:a@x"));
  EXPECT_FALSE(*store_->subscriberById("sip:a@x"));
  EXPECT_FALSE(*store_->subscriberByLine("+2"));
}

TEST_P(ServiceDataContract, RemovedPlanIsGoneAndCanBeRecreatedWithoutOldRules) {
  ASSERT_TRUE(store_->putFreephonePlan(plan1()));
  ASSERT_TRUE(store_->removeFreephonePlan(plan1().number));
  EXPECT_FALSE(*store_->freephonePlan(plan1().number));
  FreephonePlan bare{plan1().number, "+4930100", {}};
  ASSERT_TRUE(store_->putFreephonePlan(bare));
  EXPECT_EQ(**store_->freephonePlan(plan1().number), bare);
}

INSTANTIATE_TEST_SUITE_P(
    Implementations, ServiceDataContract,
    ::testing::Values(Impl{"Memory", [] { return std::make_unique<MemoryServiceData>(); }},
                      Impl{"Sqlite",
                           []() -> std::unique_ptr<ServiceData> {
                             auto s = SqliteServiceData::open(":memory:");
                             return s ? std::move(*s) : nullptr;
                           }}),
    [](const ::testing::TestParamInfo<Impl>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace insip::scp
