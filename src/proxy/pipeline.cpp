// SPDX-License-Identifier: Apache-2.0
#include "proxy/pipeline.hpp"

namespace insip::proxy {

Outcome Pipeline::run(RequestContext& ctx) const {
  for (const auto& p : processors_) {
    Outcome o = p->onRequest(ctx);
    if (!o.isNext()) {
      return o;
    }
  }
  return Outcome::reply(sip::makeResponse(ctx.request(), 500, "No Route Decision"));
}

std::vector<std::string_view> Pipeline::names() const {
  std::vector<std::string_view> out;
  out.reserve(processors_.size());
  for (const auto& p : processors_) {
    out.push_back(p->name());
  }
  return out;
}

}  // namespace insip::proxy
