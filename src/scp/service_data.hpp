// SPDX-License-Identifier: Apache-2.0
//
// service_data.hpp — the Service Data Point port of the SCP (ARCHITECTURE.md §5, issue 5): the
// data the IN services decide on. Subscribers (identity, line number, role for management
// authorisation), freephone number plans (translation rules by day, time and calling area) and
// screening profiles (barred classes, originating barring list, terminating barred-caller list).
// Implementations: SqliteServiceData (WAL, one transaction per write), MemoryServiceData (tests). Prepaid accounts,
// forwarding, VPN groups and content subscriptions join this port in later slices.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace insip::scp {

enum class Role { Subscriber, Admin };

/// A provisioned user of the IN services.
struct Subscriber {
  std::string id;    // the authenticated identity, e.g. "sip:alice@example.com"
  std::string line;  // the subscriber's number (E.164 with '+'), as in callingPartyNumber
  Role role = Role::Subscriber;
  bool operator==(const Subscriber&) const = default;
};

/// Day-of-week bit mask: bit 0 = Monday ... bit 6 = Sunday (ISO 8601 order).
namespace days {
inline constexpr std::uint8_t kMonday = 1u << 0;
inline constexpr std::uint8_t kTuesday = 1u << 1;
inline constexpr std::uint8_t kWednesday = 1u << 2;
inline constexpr std::uint8_t kThursday = 1u << 3;
inline constexpr std::uint8_t kFriday = 1u << 4;
inline constexpr std::uint8_t kSaturday = 1u << 5;
inline constexpr std::uint8_t kSunday = 1u << 6;
inline constexpr std::uint8_t kWorkdays = 0x1F;
inline constexpr std::uint8_t kWeekend = 0x60;
inline constexpr std::uint8_t kEveryDay = 0x7F;
}  // namespace days

/// One translation rule of a freephone number. Applies on the days of `days` from start_minute
/// (inclusive) to end_minute (exclusive), minutes after local midnight; start > end wraps past
/// midnight (e.g. 22:00-06:00, the days naming the day on which the current minute falls).
/// calling_area_prefix "" matches every caller.
struct FreephoneRule {
  std::string calling_area_prefix;
  std::uint8_t days = days::kEveryDay;
  std::uint16_t start_minute = 0;    // 0..1439
  std::uint16_t end_minute = 1440;   // 1..1440
  std::string destination;           // routing address (number or sip:/sips: URI)
  bool operator==(const FreephoneRule&) const = default;
};

/// A freephone (0800-style) number: its rules, in provisioning order, and the default route.
struct FreephonePlan {
  std::string number;
  std::string default_destination;  // "" = no default: calls matching no rule are released
  std::vector<FreephoneRule> rules;
  bool operator==(const FreephonePlan&) const = default;
};

/// Call screening settings of one line.
struct ScreeningProfile {
  bool bar_international = false;            // originating: class "international"
  bool bar_premium = false;                  // originating: class "premium rate"
  std::vector<std::string> barred_numbers;   // originating: exact called numbers
  std::vector<std::string> barred_callers;   // terminating: exact calling numbers
  bool operator==(const ScreeningProfile&) const = default;
};

/// The port. Every method is safe to call from any thread. Writes are atomic: a failed write
/// leaves the previous data unchanged. Write errors: ConstraintViolation (empty id/line/number/
/// destination, a line already held by another subscriber, a rule with days outside 1..127,
/// start_minute outside 0..1439 or end_minute outside 1..1440), StoreIoError, NotFound (remove).
/// Duplicate entries in a screening list collapse to the first.
class ServiceData {
 public:
  virtual ~ServiceData() = default;

  virtual util::Result<std::optional<Subscriber>> subscriberById(std::string_view id) = 0;
  virtual util::Result<std::optional<Subscriber>> subscriberByLine(std::string_view line) = 0;
  /// Inserts or replaces by id (a line belongs to at most one subscriber).
  virtual util::Result<void> putSubscriber(const Subscriber& s) = 0;
  /// NotFound if absent.
  virtual util::Result<void> removeSubscriber(std::string_view id) = 0;

  virtual util::Result<std::optional<FreephonePlan>> freephonePlan(std::string_view number) = 0;
  /// Replaces the whole plan (rules included) in one transaction.
  virtual util::Result<void> putFreephonePlan(const FreephonePlan& plan) = 0;
  virtual util::Result<void> removeFreephonePlan(std::string_view number) = 0;

  /// nullopt if the line has no screening profile.
  virtual util::Result<std::optional<ScreeningProfile>> screeningProfile(std::string_view line) = 0;
  /// Replaces the whole profile (lists included) in one transaction.
  virtual util::Result<void> putScreeningProfile(std::string_view line, const ScreeningProfile& p) = 0;
};

}  // namespace insip::scp
