// SPDX-License-Identifier: Apache-2.0
#include "registrar/memory_binding_store.hpp"

#include <algorithm>

namespace insip::registrar {

namespace {

bool higherPriority(const Binding& a, const Binding& b) {
  if (a.q_milli != b.q_milli) {
    return a.q_milli > b.q_milli;
  }
  if (a.updated_at != b.updated_at) {
    return a.updated_at > b.updated_at;
  }
  return a.contact < b.contact;  // deterministic order
}

}  // namespace

std::vector<Binding> MemoryBindingStore::lookup(std::string_view aor) const {
  const util::SystemTime now = clock_.systemNow();
  std::vector<Binding> out;
  std::lock_guard lock(mutex_);
  auto it = by_aor_.find(aor);
  if (it == by_aor_.end()) {
    return out;
  }
  out.reserve(it->second.size());
  for (const Binding& b : it->second) {
    if (b.expires_at > now) {
      out.push_back(b);
    }
  }
  return out;
}

util::Result<void> MemoryBindingStore::apply(std::string_view aor, const BindingChanges& changes) {
  if (auto ok = validateChanges(aor, changes); !ok) {
    return ok;
  }
  const util::SystemTime now = clock_.systemNow();
  std::lock_guard lock(mutex_);
  auto it = by_aor_.find(aor);
  if (it == by_aor_.end()) {
    if (changes.upserts.empty()) {
      return {};
    }
    it = by_aor_.emplace(std::string(aor), std::vector<Binding>{}).first;
  }
  std::vector<Binding>& v = it->second;
  const std::size_t before = v.size();
  std::erase_if(v, [&](const Binding& b) {
    if (b.expires_at <= now) {
      return true;
    }
    return std::find(changes.removals.begin(), changes.removals.end(), b.contact) !=
           changes.removals.end();
  });
  for (const Binding& u : changes.upserts) {
    auto same =
        std::find_if(v.begin(), v.end(), [&](const Binding& b) { return b.contact == u.contact; });
    if (same != v.end()) {
      *same = u;
    } else {
      v.push_back(u);
    }
  }
  std::sort(v.begin(), v.end(), higherPriority);
  count_ = count_ - before + v.size();
  if (v.empty()) {
    by_aor_.erase(it);
  }
  return {};
}

util::Result<void> MemoryBindingStore::removeAll(std::string_view aor) {
  std::lock_guard lock(mutex_);
  auto it = by_aor_.find(aor);
  if (it != by_aor_.end()) {
    count_ -= it->second.size();
    by_aor_.erase(it);
  }
  return {};
}

util::Result<std::size_t> MemoryBindingStore::purgeExpired(util::SystemTime now) {
  std::lock_guard lock(mutex_);
  std::size_t removed = 0;
  for (auto it = by_aor_.begin(); it != by_aor_.end();) {
    removed += std::erase_if(it->second, [&](const Binding& b) { return b.expires_at <= now; });
    if (it->second.empty()) {
      it = by_aor_.erase(it);
    } else {
      ++it;
    }
  }
  count_ -= removed;
  return removed;
}

std::size_t MemoryBindingStore::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace insip::registrar
