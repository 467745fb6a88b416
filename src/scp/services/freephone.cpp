// SPDX-License-Identifier: Apache-2.0
#include "scp/services/freephone.hpp"

namespace insip::scp::freephone {

bool inForce(const FreephoneRule& rule, LocalTime now) noexcept {
  const unsigned iso = now.day.iso_encoding();  // 1 = Monday .. 7 = Sunday
  if (iso < 1 || iso > 7 || (rule.days & (1u << (iso - 1))) == 0) return false;
  const auto minute = now.since_midnight.count();
  if (minute < 0 || minute >= 1440) return false;
  if (rule.start_minute <= rule.end_minute) {
    return minute >= rule.start_minute && minute < rule.end_minute;
  }
  return minute >= rule.start_minute || minute < rule.end_minute;  // wraps past midnight
}

Decision decide(const InitialDP& idp, const FreephonePlan* plan, LocalTime now) {
  if (plan == nullptr) return ReleaseCall{idp.call_id, q850::kUnallocatedNumber};
  const FreephoneRule* best = nullptr;
  for (const FreephoneRule& rule : plan->rules) {
    if (!inForce(rule, now) || !idp.calling_party_number.starts_with(rule.calling_area_prefix)) {
      continue;
    }
    if (best == nullptr || rule.calling_area_prefix.size() > best->calling_area_prefix.size()) {
      best = &rule;
    }
  }
  const std::string& destination = best ? best->destination : plan->default_destination;
  if (destination.empty()) return ReleaseCall{idp.call_id, q850::kNoRouteToDestination};
  Connect c;
  c.call_id = idp.call_id;
  c.destination_routing_address = destination;
  c.original_called_party_id = idp.called_party_number;
  return c;
}

}  // namespace insip::scp::freephone
