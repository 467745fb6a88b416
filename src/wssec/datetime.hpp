// SPDX-License-Identifier: Apache-2.0
//
// datetime.hpp — xsd:dateTime (XML Schema Part 2 §3.2.7) as used by wsu:Created/wsu:Expires
// (WSS 1.1 §10): parse with any number of fraction digits and a mandatory zone (Z or ±hh:mm), and
// format in UTC with millisecond precision ("2030-06-01T12:00:00.000Z").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/clock.hpp"

namespace insip::wssec {

std::optional<util::SystemTime> parseXsdDateTime(std::string_view text);
std::string formatXsdDateTime(util::SystemTime t);

}  // namespace insip::wssec
