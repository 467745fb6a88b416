// SPDX-License-Identifier: Apache-2.0
//
// memory_binding_store.hpp — BindingStore kept in process memory: an unordered_map from AOR to
// that AOR's bindings, each vector kept sorted (q descending, newest first) so lookup() is a
// filtered copy. Used alone in tests / single-node setups without persistence, and as the read
// index of SqliteBindingStore. RFC 3261 §10.3 (atomic per-AOR update).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registrar/binding_store.hpp"
#include "util/clock.hpp"

namespace insip::registrar {

/// Thread affinity: any; one mutex guards the map (uncontended on the single SIP thread).
class MemoryBindingStore final : public BindingStore {
 public:
  /// `clock` must outlive the store; it decides which bindings lookup() treats as expired.
  explicit MemoryBindingStore(const util::Clock& clock) : clock_(clock) {}

  std::vector<Binding> lookup(std::string_view aor) const override;
  util::Result<void> apply(std::string_view aor, const BindingChanges& changes) override;
  util::Result<void> removeAll(std::string_view aor) override;
  util::Result<std::size_t> purgeExpired(util::SystemTime now) override;
  std::size_t count() const override;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using Map = std::unordered_map<std::string, std::vector<Binding>, StringHash, std::equal_to<>>;

  const util::Clock& clock_;
  mutable std::mutex mutex_;
  Map by_aor_;             // guarded by mutex_; no empty vectors
  std::size_t count_ = 0;  // guarded by mutex_; sum of vector sizes
};

}  // namespace insip::registrar
