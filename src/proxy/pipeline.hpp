// SPDX-License-Identifier: Apache-2.0
//
// pipeline.hpp — the ordered request chain (assembled in app/build_pipeline.cpp). Runs processors
// in order until one returns something other than next(). A chain that ends without a decision
// answers 500: every request gets a final response (repro's rule).
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "proxy/processor.hpp"

namespace insip::proxy {

class Pipeline {
 public:
  template <class P, class... Args>
  P& request(Args&&... args) {
    auto p = std::make_unique<P>(std::forward<Args>(args)...);
    P& ref = *p;
    processors_.push_back(std::move(p));
    return ref;
  }
  void add(RequestProcessorPtr p) { processors_.push_back(std::move(p)); }

  Outcome run(RequestContext& ctx) const;
  std::size_t size() const { return processors_.size(); }
  std::vector<std::string_view> names() const;

 private:
  std::vector<RequestProcessorPtr> processors_;
};

}  // namespace insip::proxy
