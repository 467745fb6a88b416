// SPDX-License-Identifier: Apache-2.0
//
// result.hpp — the one place that names the Result library (CONVENTIONS R3).
// util::Result<T> is boost::system::result<T, std::error_code>; switch to std::expected with C++23.
#pragma once

#include <boost/system/result.hpp>
#include <system_error>

namespace insip::util {

template <class T>
using Result = boost::system::result<T, std::error_code>;

/// Convenience for returning an error: `return util::fail(ParseErrc::Truncated);`
template <class E>
inline std::error_code fail(E e) {
  return make_error_code(e);
}

}  // namespace insip::util
