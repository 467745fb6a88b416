// SPDX-License-Identifier: Apache-2.0
#include "util/flow.hpp"

#include <fmt/format.h>

namespace insip::util {

std::string_view protocolName(Protocol p) {
  switch (p) {
    case Protocol::Udp: return "UDP";
    case Protocol::Tcp: return "TCP";
    case Protocol::Tls: return "TLS";
  }
  return "UDP";
}

std::string Flow::str() const {
  std::string_view proto = protocol == Protocol::Udp ? "udp" : protocol == Protocol::Tcp ? "tcp" : "tls";
  if (remote_ip.find(':') != std::string::npos) {
    return fmt::format("{}:[{}]:{}", proto, remote_ip, remote_port);
  }
  return fmt::format("{}:{}:{}", proto, remote_ip, remote_port);
}

}  // namespace insip::util
