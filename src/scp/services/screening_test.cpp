// SPDX-License-Identifier: Apache-2.0
#include "scp/services/screening.hpp"

#include <gtest/gtest.h>

namespace insip::scp::screening {
namespace {

Policy germany() {
  Policy p;
  p.country_code = "49";
  p.international_prefix = "00";
  p.premium_prefixes = {"0900", "+49900", "004990"};
  return p;
}

InitialDP call(std::string calling, std::string called) {
  InitialDP i;
  i.call_id = "c9@ssp";
  i.service_key = "2";
  i.calling_party_number = std::move(calling);
  i.called_party_number = std::move(called);
  return i;
}

/// "continue" or "release:<cause>".
std::string outcome(const Decision& d) {
  if (const auto* r = std::get_if<ReleaseCall>(&d)) return "release:" + std::to_string(r->cause);
  if (std::holds_alternative<Continue>(d)) return "continue";
  return "connect";
}

std::string orig(const ScreeningProfile& prof, const std::string& called) {
  return outcome(screenOriginating(call("+4930123", called), &prof, germany()));
}

TEST(Screening, InternationalClassCoversForeignCountriesOnly) {
  const ScreeningProfile bar_intl{true, false, {}, {}};
  EXPECT_EQ(orig(bar_intl, "+33142685300"), "release:21");
  EXPECT_EQ(orig(bar_intl, "0033142685300"), "release:21");
  EXPECT_EQ(orig(bar_intl, "+4930999"), "continue");    // our own country code
  EXPECT_EQ(orig(bar_intl, "004930999"), "continue");
  EXPECT_EQ(orig(bar_intl, "030999"), "continue");      // national
  EXPECT_EQ(orig(bar_intl, "110"), "continue");         // short number
  EXPECT_EQ(orig(bar_intl, "+4"), "release:21");        // +4 is not +49
}

TEST(Screening, PremiumClassUsesTheConfiguredPrefixes) {
  const ScreeningProfile bar_premium{false, true, {}, {}};
  EXPECT_EQ(orig(bar_premium, "09001234567"), "release:21");
  EXPECT_EQ(orig(bar_premium, "+499001234567"), "release:21");
  EXPECT_EQ(orig(bar_premium, "00499001234"), "release:21");
  EXPECT_EQ(orig(bar_premium, "08001234567"), "continue");
  EXPECT_EQ(orig(bar_premium, "+33142685300"), "continue");  // international is another class
}

TEST(Screening, UnbarredClassesContinue) {
  const ScreeningProfile none{false, false, {}, {}};
  EXPECT_EQ(orig(none, "+33142685300"), "continue");
  EXPECT_EQ(orig(none, "09001234567"), "continue");
}

TEST(Screening, OriginatingListBarsExactNumbersOnly) {
  const ScreeningProfile list{false, false, {"+4930555", "0301234"}, {}};
  EXPECT_EQ(orig(list, "+4930555"), "release:21");
  EXPECT_EQ(orig(list, "0301234"), "release:21");
  EXPECT_EQ(orig(list, "+49305551"), "continue");  // longer number is another number
  EXPECT_EQ(orig(list, "+493055"), "continue");
}

TEST(Screening, TerminatingListBarsExactCallers) {
  const ScreeningProfile callee{false, false, {}, {"+4940666"}};
  EXPECT_EQ(outcome(screenTerminating(call("+4940666", "+4930123"), &callee)), "release:21");
  EXPECT_EQ(outcome(screenTerminating(call("+49406667", "+4930123"), &callee)), "continue");
  // The callee's originating settings do not apply to calls it receives.
  const ScreeningProfile callee_bars_intl{true, true, {"+4940666"}, {}};
  EXPECT_EQ(outcome(screenTerminating(call("+4940666", "+4930123"), &callee_bars_intl)), "continue");
}

TEST(Screening, NoProfileContinues) {
  EXPECT_EQ(outcome(screenOriginating(call("+1", "+33"), nullptr, germany())), "continue");
  EXPECT_EQ(outcome(screenTerminating(call("+1", "+33"), nullptr)), "continue");
}

TEST(Screening, ReleaseCarriesTheCallIdAndCause21) {
  const ScreeningProfile bar_intl{true, false, {}, {}};
  const Decision d = screenOriginating(call("+4930123", "+33"), &bar_intl, germany());
  const auto* r = std::get_if<ReleaseCall>(&d);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->call_id, "c9@ssp");
  EXPECT_EQ(r->cause, 21);  // Q.850 cause 21: call rejected
}

TEST(Screening, ClassifiersAgreeWithThePolicy) {
  Policy p = germany();
  EXPECT_TRUE(isInternational("+1212", p));
  EXPECT_FALSE(isInternational("+49", p));
  p.country_code = "1";
  EXPECT_FALSE(isInternational("+1212", p));
  EXPECT_TRUE(isInternational("+49", p));
  EXPECT_FALSE(isPremium("0800", p));
  EXPECT_TRUE(isPremium("0900", p));
  p.premium_prefixes = {""};  // an empty prefix must not make every number premium
  EXPECT_FALSE(isPremium("0900", p));
}

}  // namespace
}  // namespace insip::scp::screening
