// SPDX-License-Identifier: Apache-2.0
//
// flow.hpp — where a message came from / goes to, as a plain value shared by transport, txn and
// proxy (no Asio types). For streams, connection_id names the connection so responses reuse it
// (RFC 3261 §18.2.2); 0 means "any / open a new one".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace insip::util {

enum class Protocol : std::uint8_t { Udp, Tcp, Tls };

std::string_view protocolName(Protocol p);  // "UDP", "TCP", "TLS"

struct Flow {
  Protocol protocol = Protocol::Udp;
  std::string remote_ip;  // textual, no brackets for IPv6
  std::uint16_t remote_port = 0;
  std::uint64_t connection_id = 0;
  std::string str() const;  // "udp:127.0.0.1:5061"
  bool operator==(const Flow&) const = default;
};

}  // namespace insip::util
