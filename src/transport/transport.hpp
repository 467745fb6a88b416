// SPDX-License-Identifier: Apache-2.0
//
// transport.hpp — SIP transports over Boost.Asio (RFC 3261 §18; RFC 3581 rport; RFC 5626 §3.5.1
// keep-alive). This header keeps Asio out: io_context is only forward-declared, the
// implementation lives in the .cpp files.
//
// Receives datagrams / framed stream messages and hands their raw bytes, with the Flow they came
// on, to a Receiver. Sends bytes to a Flow: for TCP, on the flow's connection if still open,
// otherwise on a new connection to remote_ip:remote_port. Parsing is the caller's business.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "config/config.hpp"
#include "util/clock.hpp"
#include "util/flow.hpp"
#include "util/result.hpp"

namespace boost::asio {
class io_context;
}

namespace insip::transport {

/// Callback for inbound messages; runs on the io_context thread. `bytes` is one complete SIP
/// message (UDP datagram or stream-framed message) and is valid only during the call.
using Receiver = std::function<void(std::string_view bytes, const util::Flow& from)>;

/// Callback for a stream whose framing was lost (bad / missing / conflicting Content-Length, bare
/// LF or CR, NUL, oversize). `head` holds the complete header lines of the failing message read
/// so far (possibly empty), `header` the header at fault (possibly empty). The receiver may send
/// one answer (400) on `from`; it must never process `head` as a message. The transport closes
/// the connection once that answer is written.
using FramingErrorReceiver = std::function<void(std::string_view head, const util::Flow& from,
                                                std::error_code error, std::string_view header)>;

struct Counters {
  std::uint64_t udp_in = 0, udp_out = 0, tcp_in = 0, tcp_out = 0;
  std::uint64_t tcp_accepted = 0, tcp_closed = 0, tcp_rejected = 0;
  std::uint64_t framing_errors = 0, keepalive_pings = 0, send_errors = 0, oversize = 0;
  std::uint64_t header_timeouts = 0;  // no complete message within limits.tcp_header_timeout_s
  std::uint64_t idle_timeouts = 0;    // closed after limits.tcp_idle_timeout_s without traffic
  std::uint64_t log_suppressed = 0;   // transport log lines withheld by the rate limit
};

/// The counters as `key=value` pairs separated by spaces (for the STATS line).
std::string countersLine(const Counters& c);


class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends one message. Errors are counted and logged (rate limited), never thrown.
  virtual void send(const util::Flow& to, std::string_view bytes) = 0;
  /// Host and port to put in our Via / Record-Route for this protocol.
  virtual std::string sentBy() const = 0;
  virtual std::uint16_t port() const = 0;  // actual bound port (when configured 0)
  virtual const Counters& counters() const = 0;
  /// Stops listening and closes every connection.
  virtual void close() = 0;
};
using TransportPtr = std::unique_ptr<Transport>;

/// Binds UDP and/or TCP as configured (same port for both). Fails with a clear error (address in
/// use, permission) instead of throwing.
util::Result<TransportPtr> makeAsioTransport(boost::asio::io_context& io, const config::Listen& listen,
                                             const config::Limits& limits, Receiver receiver,
                                             FramingErrorReceiver on_framing_error = {});

/// A TimerService on the io_context (one steady_timer over a heap of deadlines).
std::unique_ptr<util::TimerService> makeAsioTimerService(boost::asio::io_context& io);

}  // namespace insip::transport
