// SPDX-License-Identifier: Apache-2.0
#include "scp/services/screening.hpp"

#include <algorithm>

namespace insip::scp::screening {

namespace {

Decision rejected(const InitialDP& idp) { return ReleaseCall{idp.call_id, q850::kCallRejected}; }

bool contains(const std::vector<std::string>& list, std::string_view number) {
  return std::find(list.begin(), list.end(), number) != list.end();
}

}  // namespace

bool isInternational(std::string_view called, const Policy& policy) noexcept {
  std::string_view rest;
  if (called.starts_with('+')) {
    rest = called.substr(1);
  } else if (!policy.international_prefix.empty() && called.starts_with(policy.international_prefix)) {
    rest = called.substr(policy.international_prefix.size());
  } else {
    return false;  // national or short number
  }
  // An empty country code means every international-format number is international.
  return policy.country_code.empty() || !rest.starts_with(policy.country_code);
}

bool isPremium(std::string_view called, const Policy& policy) noexcept {
  return std::any_of(policy.premium_prefixes.begin(), policy.premium_prefixes.end(),
                     [&](const std::string& p) { return !p.empty() && called.starts_with(p); });
}

Decision screenOriginating(const InitialDP& idp, const ScreeningProfile* caller,
                           const Policy& policy) {
  if (caller == nullptr) return Continue{idp.call_id};
  const std::string& called = idp.called_party_number;
  if (contains(caller->barred_numbers, called)) return rejected(idp);
  if (caller->bar_international && isInternational(called, policy)) return rejected(idp);
  if (caller->bar_premium && isPremium(called, policy)) return rejected(idp);
  return Continue{idp.call_id};
}

Decision screenTerminating(const InitialDP& idp, const ScreeningProfile* callee) {
  if (callee == nullptr) return Continue{idp.call_id};
  if (contains(callee->barred_callers, idp.calling_party_number)) return rejected(idp);
  return Continue{idp.call_id};
}

}  // namespace insip::scp::screening
