// SPDX-License-Identifier: Apache-2.0
//
// freephone.hpp — Freephone / number translation (0800-style; ITU-T Q.1211 CS-1 service FPH): the
// called freephone number is translated to a routing address chosen by day of week, time of day and
// the caller's calling-area prefix. Among the plan's rules that are in force now and whose
// prefix begins the calling party number, the longest prefix wins (ties: the rule provisioned
// first); no rule → the plan's default; no default → ReleaseCall cause 3 (no route to
// destination). An unknown freephone number → ReleaseCall cause 1 (Q.850 unallocated number).
#pragma once

#include <chrono>

#include "scp/service_data.hpp"
#include "scp/services/decision.hpp"

namespace insip::scp::freephone {

/// Local wall-clock time of the call at the SCP's configured time zone.
struct LocalTime {
  std::chrono::weekday day;
  std::chrono::minutes since_midnight;  // 0..1439
};

/// True if `rule` is in force at `now` (ignores the calling area).
bool inForce(const FreephoneRule& rule, LocalTime now) noexcept;

/// The decision for an InitialDP whose calledPartyNumber is a freephone number. `plan` is the
/// plan of idp.called_party_number, or nullptr if there is none. Connect carries the plan's
/// number as originalCalledPartyID so the destination sees which freephone number was dialled.
Decision decide(const InitialDP& idp, const FreephonePlan* plan, LocalTime now);

}  // namespace insip::scp::freephone
