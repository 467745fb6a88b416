// SPDX-License-Identifier: Apache-2.0
#include "registrar/binding_store.hpp"

namespace insip::registrar {

namespace {

class StoreCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "insip.registrar.store"; }
  std::string message(int ev) const override {
    switch (static_cast<StoreErrc>(ev)) {
      case StoreErrc::InvalidChange:
        return "invalid binding change";
      case StoreErrc::OpenFailed:
        return "binding database could not be opened";
      case StoreErrc::SchemaError:
        return "binding database schema error";
      case StoreErrc::DatabaseError:
        return "binding database error";
    }
    return "unknown binding store error";
  }
};

}  // namespace

const std::error_category& storeCategory() noexcept {
  static const StoreCategory category;
  return category;
}

util::Result<void> validateChanges(std::string_view aor, const BindingChanges& changes) {
  if (aor.empty()) {
    return util::fail(StoreErrc::InvalidChange);
  }
  for (const Binding& b : changes.upserts) {
    if (b.aor != aor || b.contact.empty() || b.q_milli > 1000) {
      return util::fail(StoreErrc::InvalidChange);
    }
  }
  return {};
}

}  // namespace insip::registrar
