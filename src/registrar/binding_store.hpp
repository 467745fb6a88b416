// SPDX-License-Identifier: Apache-2.0
//
// binding_store.hpp — the BindingStore port (CONVENTIONS R6): where registrations live.
// Written by registrar::Registrar (RFC 3261 §10.3 steps 6-7, applied atomically per AOR as the
// RFC requires: "committed if and only if all binding updates and additions succeed"), read by the
// proxy Router for request targeting (RFC 3261 §16.5 / §10 "location service").
// Implementations: MemoryBindingStore (tests, single process), SqliteBindingStore (persistent).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "registrar/binding.hpp"
#include "util/result.hpp"

namespace insip::registrar {

/// Errors of BindingStore operations.
enum class StoreErrc {
  InvalidChange = 1,  // a change names another AOR or has an empty contact: caller bug, answer 500
  OpenFailed,         // the database could not be opened/created: startup fails
  SchemaError,        // schema creation / version check failed: startup fails
  DatabaseError,      // a read or write failed (disk full, I/O): nothing was changed, answer 500
};

const std::error_category& storeCategory() noexcept;

inline std::error_code make_error_code(StoreErrc e) noexcept {
  return {static_cast<int>(e), storeCategory()};
}

/// One atomic update of one AOR's bindings. Removals are applied first, then upserts.
struct BindingChanges {
  /// Contacts to remove, exactly as stored in Binding::contact. Absent ones are ignored.
  std::vector<std::string> removals;
  /// Bindings to insert or replace, keyed by (aor, contact). Each aor must equal apply()'s aor.
  std::vector<Binding> upserts;
};

/// Thread affinity: implementations are internally synchronised (any thread).
class BindingStore {
 public:
  virtual ~BindingStore() = default;

  /// Unexpired bindings of `aor` (canonical form), highest q first; ties: most recently updated
  /// first. Empty when none. Never does I/O.
  virtual std::vector<Binding> lookup(std::string_view aor) const = 0;

  /// Applies all of `changes` to `aor`, or nothing on error. Also drops that AOR's expired
  /// bindings.
  virtual util::Result<void> apply(std::string_view aor, const BindingChanges& changes) = 0;
  /// Completion of applyAsync(): the outcome of the write to stable storage.
  using Done = std::function<void(util::Result<void>)>;
  /// As apply(), but the write to stable storage may finish later: lookups see the change at
  /// once, and `done` is called exactly once when the change is durable (or failed), on the
  /// thread the implementation documents. An error returned here (a bad change set) means
  /// nothing changed and `done` is never called. The default writes synchronously.
  virtual util::Result<void> applyAsync(std::string_view aor, const BindingChanges& changes,
                                        Done done) {
    auto r = apply(aor, changes);
    if (r) done(r);
    return r;
  }

  /// Removes every binding of `aor`.
  virtual util::Result<void> removeAll(std::string_view aor) = 0;

  /// Deletes every binding with expires_at <= now; returns how many were deleted. Call it
  /// periodically (lookups already hide expired bindings; this reclaims memory/disk).
  virtual util::Result<std::size_t> purgeExpired(util::SystemTime now) = 0;

  /// Bindings currently held, including expired ones not yet purged.
  virtual std::size_t count() const = 0;
};

using BindingStorePtr = std::unique_ptr<BindingStore>;

/// Checks `changes` for `aor` (every upsert names `aor`, no empty contact, q_milli <= 1000).
/// Implementations call it before touching anything, so a bad change set changes nothing.
util::Result<void> validateChanges(std::string_view aor, const BindingChanges& changes);

}  // namespace insip::registrar

template <>
struct std::is_error_code_enum<insip::registrar::StoreErrc> : std::true_type {};
