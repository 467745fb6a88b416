// SPDX-License-Identifier: Apache-2.0
//
// asio_timer_service.cpp — util::TimerService on one boost::asio::steady_timer. Pending timers sit
// in a binary min-heap of (deadline, id); callbacks live in a hash map keyed by id, so cancel() is
// an O(1) erase and the heap entry is skipped lazily when it reaches the top. The heap is rebuilt
// when cancelled entries outnumber live ones, so memory stays O(live timers) even when almost
// every RFC 3261 §17 timer is cancelled (the common case). The steady_timer is re-armed only when
// the earliest deadline changes.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "transport/transport.hpp"

namespace insip::transport {
namespace {

using util::Millis;
using util::SteadyTime;
using Id = util::TimerService::Id;

struct HeapEntry {
  SteadyTime deadline;
  Id id;
  // std::push_heap builds a max-heap: "less" means "later", so the earliest is on top; equal
  // deadlines fire in scheduling order (smaller id first).
  bool operator<(const HeapEntry& o) const {
    return deadline != o.deadline ? deadline > o.deadline : id > o.id;
  }
};

struct State : std::enable_shared_from_this<State> {
  explicit State(boost::asio::io_context& io) : timer(io) {}

  boost::asio::steady_timer timer;
  util::RealClock clock;
  std::vector<HeapEntry> heap;
  std::unordered_map<Id, std::function<void()>> live;
  Id next_id = 0;
  bool armed = false;
  SteadyTime armed_at{};

  void dropDeadTop() {
    while (!heap.empty() && !live.contains(heap.front().id)) {
      std::pop_heap(heap.begin(), heap.end());
      heap.pop_back();
    }
  }

  void compactIfSparse() {
    if (heap.size() < 1024 || heap.size() < 2 * live.size()) return;
    std::erase_if(heap, [this](const HeapEntry& e) { return !live.contains(e.id); });
    std::make_heap(heap.begin(), heap.end());
  }

  void arm() {
    dropDeadTop();
    if (heap.empty()) {
      if (armed) timer.cancel();
      armed = false;
      return;
    }
    const SteadyTime at = heap.front().deadline;
    if (armed && at == armed_at) return;
    armed = true;
    armed_at = at;
    timer.expires_at(at);  // cancels a pending wait (its handler sees operation_aborted)
    std::weak_ptr<State> weak = weak_from_this();
    timer.async_wait([weak](const boost::system::error_code& ec) {
      if (ec == boost::asio::error::operation_aborted) return;
      if (auto self = weak.lock()) self->fire();
    });
  }

  void fire() {
    armed = false;
    const SteadyTime now = std::chrono::steady_clock::now();
    // Bounded batch so a flood of due timers cannot starve socket handlers forever.
    for (int batch = 0; batch < 4096; ++batch) {
      dropDeadTop();
      if (heap.empty() || heap.front().deadline > now) break;
      const Id id = heap.front().id;
      std::pop_heap(heap.begin(), heap.end());
      heap.pop_back();
      auto it = live.find(id);
      auto fn = std::move(it->second);
      live.erase(it);
      fn();  // may schedule or cancel re-entrantly
    }
    compactIfSparse();
    arm();
  }
};

class AsioTimerService final : public util::TimerService {
 public:
  explicit AsioTimerService(boost::asio::io_context& io) : state_(std::make_shared<State>(io)) {}
  ~AsioTimerService() override {
    state_->live.clear();
    state_->heap.clear();
    state_->timer.cancel();  // the pending handler sees operation_aborted (or a dead weak_ptr)
  }

  Id schedule(Millis after, std::function<void()> fn) override {
    auto& s = *state_;
    const Id id = ++s.next_id;
    const SteadyTime at = std::chrono::steady_clock::now() + std::max(after, Millis{0});
    s.live.emplace(id, std::move(fn));
    s.heap.push_back({at, id});
    std::push_heap(s.heap.begin(), s.heap.end());
    if (!s.armed || at < s.armed_at) s.arm();
    return id;
  }

  void cancel(Id id) override {
    state_->live.erase(id);  // the heap entry is skipped when it surfaces
  }

  const util::Clock& clock() const override { return state_->clock; }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace

std::unique_ptr<util::TimerService> makeAsioTimerService(boost::asio::io_context& io) {
  return std::make_unique<AsioTimerService>(io);
}

}  // namespace insip::transport
