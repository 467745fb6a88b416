// SPDX-License-Identifier: Apache-2.0
#include "scp/memory_service_data.hpp"

#include <algorithm>

#include "scp/errors.hpp"

namespace insip::scp {

namespace {

bool validRule(const FreephoneRule& r) {
  return r.days >= 1 && r.days <= 127 && r.start_minute <= 1439 && r.end_minute >= 1 &&
         r.end_minute <= 1440 && !r.destination.empty();
}

/// Keeps the first occurrence of each entry, as the SQLite store's primary key does.
std::vector<std::string> dedup(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

}  // namespace

util::Result<std::optional<Subscriber>> MemoryServiceData::subscriberById(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return std::optional<Subscriber>();
  return std::optional<Subscriber>(it->second);
}

util::Result<std::optional<Subscriber>> MemoryServiceData::subscriberByLine(std::string_view line) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, s] : subscribers_) {
    if (s.line == line) return std::optional<Subscriber>(s);
  }
  return std::optional<Subscriber>();
}

util::Result<void> MemoryServiceData::putSubscriber(const Subscriber& sub) {
  std::lock_guard lock(mutex_);
  if (sub.id.empty() || sub.line.empty()) return util::fail(ScpErrc::ConstraintViolation);
  for (const auto& [id, s] : subscribers_) {
    if (id != sub.id && s.line == sub.line) return util::fail(ScpErrc::ConstraintViolation);
  }
  subscribers_[sub.id] = sub;
  return {};
}

util::Result<void> MemoryServiceData::removeSubscriber(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return util::fail(ScpErrc::NotFound);
  subscribers_.erase(it);
  return {};
}

util::Result<std::optional<FreephonePlan>> MemoryServiceData::freephonePlan(std::string_view number) {
  std::lock_guard lock(mutex_);
  auto it = plans_.find(number);
  if (it == plans_.end()) return std::optional<FreephonePlan>();
  return std::optional<FreephonePlan>(it->second);
}

util::Result<void> MemoryServiceData::putFreephonePlan(const FreephonePlan& plan) {
  if (plan.number.empty() || !std::all_of(plan.rules.begin(), plan.rules.end(), validRule)) {
    return util::fail(ScpErrc::ConstraintViolation);
  }
  std::lock_guard lock(mutex_);
  plans_[plan.number] = plan;
  return {};
}

util::Result<void> MemoryServiceData::removeFreephonePlan(std::string_view number) {
  std::lock_guard lock(mutex_);
  auto it = plans_.find(number);
  if (it == plans_.end()) return util::fail(ScpErrc::NotFound);
  plans_.erase(it);
  return {};
}

util::Result<std::optional<ScreeningProfile>> MemoryServiceData::screeningProfile(
    std::string_view line) {
  std::lock_guard lock(mutex_);
  auto it = profiles_.find(line);
  if (it == profiles_.end()) return std::optional<ScreeningProfile>();
  return std::optional<ScreeningProfile>(it->second);
}

util::Result<void> MemoryServiceData::putScreeningProfile(std::string_view line,
                                                          const ScreeningProfile& p) {
  auto empty = [](const std::string& s) { return s.empty(); };
  if (line.empty() || std::any_of(p.barred_numbers.begin(), p.barred_numbers.end(), empty) ||
      std::any_of(p.barred_callers.begin(), p.barred_callers.end(), empty)) {
    return util::fail(ScpErrc::ConstraintViolation);
  }
  ScreeningProfile stored{p.bar_international, p.bar_premium, dedup(p.barred_numbers),
                          dedup(p.barred_callers)};
  std::lock_guard lock(mutex_);
  profiles_[std::string(line)] = std::move(stored);
  return {};
}

}  // namespace insip::scp
