// SPDX-License-Identifier: Apache-2.0
#include "scp/services/freephone.hpp"

#include <gtest/gtest.h>

namespace insip::scp::freephone {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

constexpr std::uint16_t hm(int h, int m = 0) { return static_cast<std::uint16_t>(h * 60 + m); }

FreephonePlan plan() {
  FreephonePlan p;
  p.number = "08001234567";
  p.default_destination = "+4930100";
  p.rules = {
      {"", days::kWorkdays, hm(8), hm(18), "+4930200"},        // business hours
      {"", days::kWorkdays, hm(18), hm(8), "+4930300"},        // after hours, wraps midnight
      {"", days::kWeekend, hm(0), hm(24), "+4930400"},         // weekend, all day
      {"+4989", days::kWorkdays, hm(8), hm(18), "+4989200"},   // Munich callers
      {"+49891", days::kWorkdays, hm(8), hm(18), "+4989100"},  // a part of Munich
  };
  return p;
}

InitialDP idp(std::string calling = "+4930555") {
  InitialDP i;
  i.call_id = "call-7@ssp";
  i.service_key = "1";
  i.called_party_number = "08001234567";
  i.calling_party_number = std::move(calling);
  return i;
}

/// The destination of a Connect, or "release:<cause>".
std::string outcome(const Decision& d) {
  if (const auto* c = std::get_if<Connect>(&d)) return c->destination_routing_address;
  if (const auto* r = std::get_if<ReleaseCall>(&d)) return "release:" + std::to_string(r->cause);
  return "continue";
}

std::string at(const FreephonePlan& p, weekday day, minutes t, std::string calling = "+4930555") {
  return outcome(decide(idp(std::move(calling)), &p, LocalTime{day, t}));
}

TEST(Freephone, BusinessHoursBandStartsInclusiveAndEndsExclusive) {
  const auto p = plan();
  EXPECT_EQ(at(p, Monday, 8h), "+4930200");
  EXPECT_EQ(at(p, Monday, 17h + 59min), "+4930200");
  EXPECT_EQ(at(p, Monday, 18h), "+4930300");
  EXPECT_EQ(at(p, Monday, 7h + 59min), "+4930300");
}

TEST(Freephone, BandThatWrapsPastMidnightCoversTheEarlyMorning) {
  const auto p = plan();
  EXPECT_EQ(at(p, Tuesday, 3h), "+4930300");
  EXPECT_EQ(at(p, Thursday, 0min), "+4930300");
  EXPECT_EQ(at(p, Friday, 23h + 59min), "+4930300");
}

TEST(Freephone, WeekendUsesItsOwnRuleAndWeekdaysDoNot) {
  const auto p = plan();
  EXPECT_EQ(at(p, Friday, 12h), "+4930200");
  EXPECT_EQ(at(p, Saturday, 12h), "+4930400");
  EXPECT_EQ(at(p, Sunday, 23h + 59min), "+4930400");
  EXPECT_EQ(at(p, Sunday, 3h), "+4930400");  // the workday night rule does not reach Sunday
  // A Munich caller on Saturday gets the weekend rule, not the workday Munich rule.
  EXPECT_EQ(at(p, Saturday, 12h, "+4989123"), "+4930400");
}

TEST(Freephone, LongestCallingAreaPrefixWins) {
  const auto p = plan();
  EXPECT_EQ(at(p, Wednesday, 10h, "+49891234"), "+4989100");
  EXPECT_EQ(at(p, Wednesday, 10h, "+4989777"), "+4989200");
  EXPECT_EQ(at(p, Wednesday, 10h, "+4930777"), "+4930200");
  // Outside the Munich rules' hours the general after-hours rule applies to Munich too.
  EXPECT_EQ(at(p, Wednesday, 20h, "+49891234"), "+4930300");
}

TEST(Freephone, RulesWithEqualPrefixLengthKeepProvisioningOrder) {
  FreephonePlan p = plan();
  p.rules = {{"+49", days::kEveryDay, hm(0), hm(24), "+1"}, {"+44", days::kEveryDay, hm(0), hm(24), "+2"},
             {"+49", days::kEveryDay, hm(0), hm(24), "+3"}};
  EXPECT_EQ(at(p, Monday, 1h, "+4930"), "+1");
  EXPECT_EQ(at(p, Monday, 1h, "+4420"), "+2");
}

TEST(Freephone, NoRuleInForceFallsBackToTheDefault) {
  FreephonePlan p = plan();
  p.rules.resize(1);  // business hours only
  EXPECT_EQ(at(p, Saturday, 12h), "+4930100");
  EXPECT_EQ(at(p, Monday, 20h), "+4930100");
  p.rules.clear();
  EXPECT_EQ(at(p, Monday, 10h), "+4930100");
}

TEST(Freephone, NoRuleAndNoDefaultReleasesWithNoRouteToDestination) {
  FreephonePlan p = plan();
  p.rules.resize(1);
  p.default_destination.clear();
  EXPECT_EQ(at(p, Saturday, 12h), "release:3");
}

TEST(Freephone, UnknownNumberIsReleasedAsUnallocated) {
  const Decision d = decide(idp(), nullptr, LocalTime{Monday, 10h});
  const auto* r = std::get_if<ReleaseCall>(&d);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->cause, 1);  // Q.850 cause 1: unallocated (unassigned) number
  EXPECT_EQ(r->call_id, "call-7@ssp");
}

TEST(Freephone, ConnectKeepsTheDialledNumberAsOriginalCalledParty) {
  const auto p = plan();
  const Decision d = decide(idp(), &p, LocalTime{Monday, 10h});
  const auto* c = std::get_if<Connect>(&d);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->call_id, "call-7@ssp");
  EXPECT_EQ(c->original_called_party_id, "08001234567");
  EXPECT_FALSE(c->calling_party_number);
  EXPECT_TRUE(encodeBody(toOperation(d)));  // a valid reply on the wire
}

TEST(Freephone, RuleDayMaskFollowsIsoWeekdays) {
  const FreephoneRule tuesday_only{"", days::kTuesday, hm(0), hm(24), "+1"};
  EXPECT_TRUE(inForce(tuesday_only, LocalTime{Tuesday, 0min}));
  EXPECT_FALSE(inForce(tuesday_only, LocalTime{Monday, 12h}));
  EXPECT_FALSE(inForce(tuesday_only, LocalTime{Wednesday, 12h}));
  const FreephoneRule sunday_only{"", days::kSunday, hm(0), hm(24), "+1"};
  EXPECT_TRUE(inForce(sunday_only, LocalTime{Sunday, 12h}));
  EXPECT_FALSE(inForce(sunday_only, LocalTime{Saturday, 12h}));
}

}  // namespace
}  // namespace insip::scp::freephone
