// SPDX-License-Identifier: Apache-2.0
//
// screening.hpp — Originating and terminating call screening (Q.1211 CS-1 services OCS / TCS).
// Originating: the caller's profile bars exact called numbers and classes of destinations —
// international (the called number starts with the international prefix "00" or with "+", and
// not with our own country code) and premium rate (a configured prefix list). Terminating: the
// callee's profile bars exact calling numbers. A barred call → ReleaseCall cause 21 (Q.850 call
// rejected); otherwise Continue. Pure functions; the profiles come from the ServiceData port.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scp/service_data.hpp"
#include "scp/services/decision.hpp"

namespace insip::scp::screening {

/// Operator-wide numbering facts the classes are derived from.
struct Policy {
  std::string country_code = "49";               // our E.164 country code, digits only
  std::string international_prefix = "00";
  std::vector<std::string> premium_prefixes;     // e.g. {"0900", "+49900", "004990"}
};

bool isInternational(std::string_view called, const Policy& policy) noexcept;
bool isPremium(std::string_view called, const Policy& policy) noexcept;

/// Originating screening with the calling line's profile (nullptr = no profile: Continue).
Decision screenOriginating(const InitialDP& idp, const ScreeningProfile* caller, const Policy& policy);
/// Terminating screening with the called line's profile (nullptr = no profile: Continue).
Decision screenTerminating(const InitialDP& idp, const ScreeningProfile* callee);

}  // namespace insip::scp::screening
