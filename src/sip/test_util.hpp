// SPDX-License-Identifier: Apache-2.0
//
// test_util.hpp — helpers shared by the sip library's tests (not used by production code):
// read a corpus file as raw bytes, and parse with default limits.
#pragma once

#include <fstream>
#include <iterator>
#include <string>

#include "sip/parser.hpp"

namespace insip::sip::test {

inline std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string dataPath(const std::string& rel) { return std::string(INSIP_TEST_DATA) + "/" + rel; }

}  // namespace insip::sip::test
