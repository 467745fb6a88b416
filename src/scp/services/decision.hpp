// SPDX-License-Identifier: Apache-2.0
//
// decision.hpp — what an IN service decides for a call at InitialDP: route (Connect), go on
// unchanged (Continue) or release (ReleaseCall with a Q.850 cause). Services are pure functions
// from (InitialDP, service data, time) to a Decision; the SCP turns it into the reply operation.
// Q.850 (05/1998) §2.2.7 cause values used by the services are named here.
#pragma once

#include <variant>

#include "scp/operations.hpp"

namespace insip::scp {

using Decision = std::variant<Connect, Continue, ReleaseCall>;

namespace q850 {
inline constexpr int kUnallocatedNumber = 1;      // number not assigned
inline constexpr int kNoRouteToDestination = 3;
inline constexpr int kNormalCallClearing = 16;
inline constexpr int kUserBusy = 17;
inline constexpr int kCallRejected = 21;
}  // namespace q850

/// Converts a Decision to the reply Operation.
inline Operation toOperation(Decision d) {
  return std::visit([](auto&& v) -> Operation { return std::move(v); }, std::move(d));
}

}  // namespace insip::scp
