// SPDX-License-Identifier: Apache-2.0
//
// memory_service_data.hpp — ServiceData in process memory (maps under one mutex), with the same
// constraints and error codes as SqliteServiceData (service_data_test.cpp runs one contract
// suite against both). For unit tests of the SCP and its services; nothing survives the process.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "scp/service_data.hpp"

namespace insip::scp {

class MemoryServiceData final : public ServiceData {
 public:
  util::Result<std::optional<Subscriber>> subscriberById(std::string_view id) override;
  util::Result<std::optional<Subscriber>> subscriberByLine(std::string_view line) override;
  util::Result<void> putSubscriber(const Subscriber& s) override;
  util::Result<void> removeSubscriber(std::string_view id) override;

  util::Result<std::optional<FreephonePlan>> freephonePlan(std::string_view number) override;
  util::Result<void> putFreephonePlan(const FreephonePlan& plan) override;
  util::Result<void> removeFreephonePlan(std::string_view number) override;

  util::Result<std::optional<ScreeningProfile>> screeningProfile(std::string_view line) override;
  util::Result<void> putScreeningProfile(std::string_view line, const ScreeningProfile& p) override;

 private:
  std::mutex mutex_;
  std::map<std::string, Subscriber, std::less<>> subscribers_;  // by id
  std::map<std::string, FreephonePlan, std::less<>> plans_;
  std::map<std::string, ScreeningProfile, std::less<>> profiles_;
};

}  // namespace insip::scp
