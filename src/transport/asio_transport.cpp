// SPDX-License-Identifier: Apache-2.0
//
// asio_transport.cpp — UDP + TCP SIP transport on one io_context thread (RFC 3261 §18; RFC 5626
// §3.5.1 CRLF keep-alive; RFC 3261 §18.2.2 response on the request's connection).
//
// UDP: one socket with a large SO_RCVBUF (receive-buffer overflow is what collapses SIP servers
// under load), drained in a non-blocking loop (several datagrams per wakeup) into one reusable
// buffer. TCP: an acceptor on the same port; one Connection per socket with its own StreamFramer,
// a write queue (one async_write at a time) and an idle timer. Connections are found by id and by
// remote ip:port, so a send to a Flow whose connection is gone reuses another connection to the
// same peer or dials a new one (bytes wait in the queue while connecting). Reads use the reactor
// style (async_wait + non-blocking read_some into one shared buffer) so idle connections hold no
// read buffer. Nothing here throws on the traffic path; errors are counted and logged, rate
// limited.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <chrono>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "sip/framer.hpp"
#include "transport/transport.hpp"
#include "util/rate_limited_log.hpp"

namespace insip::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr int kUdpRecvBufferBytes = 8 * 1024 * 1024;
constexpr int kUdpSendBufferBytes = 4 * 1024 * 1024;
constexpr int kMaxDatagramsPerWakeup = 64;
constexpr int kMaxReadsPerWakeup = 4;
constexpr std::size_t kTcpReadChunk = 64 * 1024;
constexpr std::size_t kMaxQueuedBytesPerConnection = 8 * 1024 * 1024;
constexpr std::size_t kMaxBuffersPerWrite = 64;
constexpr std::size_t kMaxUdpPayload = 65507;
constexpr auto kLingerTimeout = std::chrono::seconds(2);

/// Textual address with IPv4-mapped IPv6 shown as IPv4 (so keys and Flows are canonical).
std::string addressText(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
  }
  return a.to_string();
}

/// Parses a Flow's remote_ip; maps IPv4 to IPv4-mapped IPv6 when the local socket is IPv6.
std::optional<asio::ip::address> parseAddress(const std::string& text, bool socket_is_v6) {
  error_code ec;
  auto a = asio::ip::make_address(text, ec);
  if (ec) return std::nullopt;
  if (socket_is_v6 && a.is_v4()) return asio::ip::make_address_v6(asio::ip::v4_mapped, a.to_v4());
  return a;
}

std::string remoteKey(const std::string& ip, std::uint16_t port) {
  return ip + "|" + std::to_string(port);
}

bool onlyLineEnds(std::string_view bytes) {
  for (char c : bytes) {
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') return false;
  }
  return true;
}

class Core;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Core> core, tcp::socket socket, std::uint64_t id, std::string ip,
             std::uint16_t port, bool inbound);

  void start();                         // connected: begin reading and flush the queue
  void connect(const tcp::endpoint& ep);  // outbound: dial, then start()
  void enqueue(std::string bytes);
  void close();
  /// Stops reading; closes once the queued bytes are written (bounded by kLingerTimeout).
  void closeAfterFlush();

  bool closed() const { return closed_; }
  bool inbound() const { return inbound_; }
  std::uint64_t id() const { return flow_.connection_id; }
  const util::Flow& flow() const { return flow_; }

 private:
  void waitRead();
  void onReadable();
  bool drainFramer();  // false when the connection closed meanwhile
  void writeNext();
  void armIdle();

  std::shared_ptr<Core> core_;  // the cycle through Core's table is broken in close()
  tcp::socket socket_;
  asio::steady_timer idle_timer_;
  sip::StreamFramer framer_;
  util::Flow flow_;
  bool inbound_;
  bool connected_ = false;
  bool closed_ = false;
  bool writing_ = false;
  bool closing_ = false;  // closeAfterFlush() called: read nothing more
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t in_flight_ = 0;  // queue_ entries being written
  std::vector<asio::const_buffer> write_bufs_;
  Clock::time_point last_activity_ = Clock::now();
  /// When the bytes of the message now being received began to arrive (nullopt: between
  /// messages). A message must be complete within limits.tcp_header_timeout_s (slowloris).
  std::optional<Clock::time_point> partial_since_;
};

class Core : public std::enable_shared_from_this<Core> {
 public:
  Core(asio::io_context& io, const config::Listen& listen, const config::Limits& limits,
       Receiver receiver, FramingErrorReceiver on_framing_error)
      : io_(io),
        listen_(listen),
        limits_(limits),
        receiver_(std::move(receiver)),
        on_framing_error_(std::move(on_framing_error)),
        accept_retry_(io),
        udp_retry_(io) {
    parse_limits_.max_message_bytes = limits.max_message_bytes;
    parse_limits_.max_headers = limits.max_headers;
    parse_limits_.max_line_bytes = limits.max_line_bytes;
    parse_limits_.max_body_bytes = limits.max_body_bytes;
    parse_limits_.max_uri_bytes = limits.max_uri_bytes;
    parse_limits_.max_vias = limits.max_vias;
    udp_buf_.resize(std::size_t{limits.max_message_bytes} + 1);
    read_buf_.resize(kTcpReadChunk);
  }

  std::error_code open();
  void start() {
    if (udp_) udpWait();
    if (acceptor_) acceptLoop();
  }
  void send(const util::Flow& to, std::string_view bytes);
  void close();
  std::string sentBy() const;
  void onConnectionClosed(const Connection& c);

  asio::io_context& io_;
  config::Listen listen_;
  config::Limits limits_;
  sip::ParseLimits parse_limits_;
  Receiver receiver_;
  FramingErrorReceiver on_framing_error_;
  Counters counters_;
  util::RateLimitedLog log_{"transport"};
  std::vector<char> read_buf_;  // shared by all TCP connections (reads are synchronous)
  std::uint16_t port_ = 0;
  bool v6_ = false;  // listening on IPv6: IPv4 destinations become IPv4-mapped
  bool closed_ = false;

 private:
  std::error_code bindOnce(const asio::ip::address& addr, std::uint16_t port);
  void tuneUdpBuffers();
  void udpWait();
  void udpDrain();
  void acceptLoop();
  void onAccepted(tcp::socket socket);
  void sendUdp(const util::Flow& to, std::string_view bytes);
  void sendTcp(const util::Flow& to, std::string_view bytes);
  std::shared_ptr<Connection> dial(const std::string& ip, std::uint16_t port);

  std::optional<udp::socket> udp_;
  std::optional<tcp::acceptor> acceptor_;
  asio::steady_timer accept_retry_;
  asio::steady_timer udp_retry_;
  std::vector<char> udp_buf_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> conns_;
  std::unordered_map<std::string, std::uint64_t> by_remote_;
  std::unordered_map<std::string, std::uint32_t> per_source_;
  std::uint64_t next_connection_id_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Connection

Connection::Connection(std::shared_ptr<Core> core, tcp::socket socket, std::uint64_t id,
                       std::string ip, std::uint16_t port, bool inbound)
    : core_(std::move(core)),
      socket_(std::move(socket)),
      idle_timer_(core_->io_),
      framer_(core_->parse_limits_),
      flow_{util::Protocol::Tcp, std::move(ip), port, id},
      inbound_(inbound) {}

void Connection::start() {
  connected_ = true;
  last_activity_ = Clock::now();
  error_code ec;
  socket_.non_blocking(true, ec);
  socket_.set_option(tcp::no_delay(true), ec);
  armIdle();
  waitRead();
  if (!writing_) writeNext();
}

void Connection::connect(const tcp::endpoint& ep) {
  armIdle();  // a connect that hangs is closed by the header (or idle) timeout
  socket_.async_connect(ep, [self = shared_from_this()](const error_code& ec) {
    if (self->closed_) return;
    if (ec) {
      self->core_->counters_.send_errors += self->queue_.size();
      self->core_->log_.warn("tcp: connect to {}:{} failed: {}", self->flow_.remote_ip,
                             self->flow_.remote_port, ec.message());
      self->close();
      return;
    }
    self->start();
  });
}

void Connection::waitRead() {
  if (closing_) return;
  socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
    if (self->closed_) return;
    if (ec) {
      self->close();
      return;
    }
    if (!self->closing_) self->onReadable();
  });
}

void Connection::onReadable() {
  auto& buf = core_->read_buf_;
  for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
    error_code ec;
    const std::size_t n = socket_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) {  // eof, reset: the peer is gone
      if (ec != asio::error::eof) {
        spdlog::debug("tcp: read from {} failed: {}", flow_.str(), ec.message());
      }
      close();
      return;
    }
    last_activity_ = Clock::now();
    framer_.feed(std::string_view(buf.data(), n));
    if (!drainFramer()) return;
    if (n < buf.size()) break;
  }
  if (framer_.buffered() == 0) {
    partial_since_.reset();
  } else if (!partial_since_) {
    partial_since_ = last_activity_;
    armIdle();  // the message deadline is usually nearer than the idle one
  }
  waitRead();
}

bool Connection::drainFramer() {
  for (;;) {
    auto ev = framer_.next();
    switch (ev.kind) {
      case sip::StreamFramer::Kind::NeedMore:
        return true;
      case sip::StreamFramer::Kind::Ping:
        ++core_->counters_.keepalive_pings;
        enqueue("\r\n");  // RFC 5626 §3.5.1 pong
        break;
      case sip::StreamFramer::Kind::Pong:
        break;
      case sip::StreamFramer::Kind::Message:
        ++core_->counters_.tcp_in;
        if (core_->receiver_ && !core_->closed_) core_->receiver_(ev.message, flow_);
        if (closed_) return false;
        break;
      case sip::StreamFramer::Kind::Error:
        // Framing is lost: nothing after this point can be trusted to start a message, so the
        // connection goes. The head of the failing message may still allow a 400 first.
        ++core_->counters_.framing_errors;
        core_->log_.warn("tcp: framing error from {} ({}{}{}); closing", flow_.str(),
                         ev.error.message(), ev.header.empty() ? "" : ", ", ev.header);
        closing_ = true;
        if (core_->on_framing_error_ && !core_->closed_) {
          core_->on_framing_error_(ev.message, flow_, ev.error, ev.header);
        }
        closeAfterFlush();
        return false;
    }
  }
}

void Connection::closeAfterFlush() {
  if (closed_) return;
  closing_ = true;
  if (queue_.empty() || !connected_) {
    close();
    return;
  }
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_receive, ec);
  idle_timer_.expires_after(kLingerTimeout);  // a peer that does not read cannot keep us
  idle_timer_.async_wait([self = shared_from_this()](const error_code& e) {
    if (!e && !self->closed_) self->close();
  });
}

void Connection::enqueue(std::string bytes) {
  if (closed_) {
    ++core_->counters_.send_errors;
    return;
  }
  if (queued_bytes_ + bytes.size() > kMaxQueuedBytesPerConnection) {
    ++core_->counters_.send_errors;
    core_->log_.warn("tcp: {} is not reading ({} bytes queued); closing", flow_.str(),
                     queued_bytes_);
    close();
    return;
  }
  queued_bytes_ += bytes.size();
  queue_.push_back(std::move(bytes));
  if (connected_ && !writing_) writeNext();
}

void Connection::writeNext() {
  if (closed_ || queue_.empty()) {
    writing_ = false;
    if (closing_ && !closed_) close();
    return;
  }
  writing_ = true;
  write_bufs_.clear();
  in_flight_ = std::min(queue_.size(), kMaxBuffersPerWrite);
  for (std::size_t i = 0; i < in_flight_; ++i) write_bufs_.push_back(asio::buffer(queue_[i]));
  asio::async_write(socket_, write_bufs_,
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      if (self->closed_) return;
                      if (ec) {
                        ++self->core_->counters_.send_errors;
                        self->core_->log_.warn("tcp: write to {} failed: {}", self->flow_.str(),
                                               ec.message());
                        self->close();
                        return;
                      }
                      for (std::size_t i = 0; i < self->in_flight_; ++i) {
                        self->queued_bytes_ -= self->queue_.front().size();
                        self->queue_.pop_front();
                      }
                      self->in_flight_ = 0;
                      self->last_activity_ = Clock::now();
                      self->writeNext();
                    });
}

void Connection::armIdle() {
  if (closing_) return;  // the linger timer owns idle_timer_ now
  const auto idle = std::chrono::seconds(core_->limits_.tcp_idle_timeout_s);
  const auto header = std::chrono::seconds(core_->limits_.tcp_header_timeout_s);
  // One timer serves both deadlines: idle (no bytes either way) and message completion.
  auto deadline = Clock::time_point::max();
  if (idle.count() > 0) deadline = last_activity_ + idle;
  if (partial_since_ && header.count() > 0) deadline = std::min(deadline, *partial_since_ + header);
  if (!connected_ && header.count() > 0) deadline = std::min(deadline, last_activity_ + header);
  if (deadline == Clock::time_point::max()) return;  // both disabled
  idle_timer_.expires_at(deadline);
  idle_timer_.async_wait([self = shared_from_this(), idle, header](const error_code& ec) {
    if (ec || self->closed_) return;
    const auto now = Clock::now();
    auto& core = *self->core_;
    if (self->partial_since_ && header.count() > 0 && now >= *self->partial_since_ + header) {
      ++core.counters_.header_timeouts;
      core.log_.warn("tcp: {} sent no complete message within {} s ({} bytes held); closing",
                     self->flow_.str(), header.count(), self->framer_.buffered());
      self->close();
    } else if (!self->connected_ && header.count() > 0 &&
               now >= self->last_activity_ + header) {
      ++core.counters_.send_errors;
      core.log_.warn("tcp: connect to {} timed out; closing", self->flow_.str());
      self->close();
    } else if (idle.count() > 0 && now >= self->last_activity_ + idle) {
      ++core.counters_.idle_timeouts;
      spdlog::debug("tcp: {} idle for {} s; closing", self->flow_.str(), idle.count());
      self->close();
    } else {
      self->armIdle();  // activity since: sleep until the new deadline
    }
  });
}

void Connection::close() {
  if (closed_) return;
  auto keep_alive = shared_from_this();
  closed_ = true;
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  idle_timer_.cancel();
  queue_.clear();
  queued_bytes_ = 0;
  core_->onConnectionClosed(*this);
}

// ---------------------------------------------------------------------------------------------
// Core

std::error_code Core::bindOnce(const asio::ip::address& addr, std::uint16_t port) {
  error_code ec;
  port_ = port;
  v6_ = addr.is_v6();
  if (listen_.udp) {
    udp_.emplace(io_);
    udp_->open(addr.is_v6() ? udp::v6() : udp::v4(), ec);
    if (!ec) udp_->bind(udp::endpoint(addr, port_), ec);
    if (ec) return ec;
    port_ = udp_->local_endpoint(ec).port();
    if (ec) return ec;
    udp_->non_blocking(true, ec);
    if (ec) return ec;
    tuneUdpBuffers();
  }
  if (listen_.tcp) {
    acceptor_.emplace(io_);
    acceptor_->open(addr.is_v6() ? tcp::v6() : tcp::v4(), ec);
    if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_->bind(tcp::endpoint(addr, port_), ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    port_ = acceptor_->local_endpoint(ec).port();
    if (ec) return ec;
  }
  return {};
}

std::error_code Core::open() {
  error_code ec;
  const auto addr = asio::ip::make_address(listen_.address, ec);
  if (ec) {
    spdlog::error("transport: listen address '{}' is not an IP address", listen_.address);
    return std::make_error_code(std::errc::invalid_argument);
  }
  if (!listen_.udp && !listen_.tcp) return std::make_error_code(std::errc::invalid_argument);
  // With port 0 and both protocols, the ephemeral UDP port may be taken on TCP: retry.
  const int attempts = (listen_.port == 0 && listen_.udp && listen_.tcp) ? 16 : 1;
  std::error_code last;
  for (int i = 0; i < attempts; ++i) {
    last = bindOnce(addr, listen_.port);
    if (!last) return {};
    error_code ignored;
    if (udp_) udp_->close(ignored);
    if (acceptor_) acceptor_->close(ignored);
    udp_.reset();
    acceptor_.reset();
  }
  spdlog::error("transport: cannot listen on {}:{}: {}", listen_.address, listen_.port,
                last.message());
  return last;
}

void Core::tuneUdpBuffers() {
  error_code ec;
  udp_->set_option(asio::socket_base::send_buffer_size(kUdpSendBufferBytes), ec);
  udp_->set_option(asio::socket_base::receive_buffer_size(kUdpRecvBufferBytes), ec);
  asio::socket_base::receive_buffer_size got;
  udp_->get_option(got, ec);
  // Linux reports twice the value it honours; below the target the sysctl capped us. Try the
  // privileged override before settling.
  if (!ec && got.value() < kUdpRecvBufferBytes) {
#ifdef SO_RCVBUFFORCE
    int want = kUdpRecvBufferBytes;
    ::setsockopt(udp_->native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want);
    udp_->get_option(got, ec);
#endif
  }
  if (!ec && got.value() < kUdpRecvBufferBytes) {
    spdlog::warn("transport: UDP receive buffer is {} bytes (wanted {}); raise net.core.rmem_max",
                 got.value(), kUdpRecvBufferBytes);
  }
}

std::string Core::sentBy() const {
  std::string host = listen_.advertised_host.empty() ? listen_.address : listen_.advertised_host;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return host + ":" + std::to_string(port_);
}

void Core::udpWait() {
  udp_->async_wait(udp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
    if (self->closed_) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      self->log_.warn("udp: wait failed: {}", ec.message());
      self->udp_retry_.expires_after(std::chrono::milliseconds(10));
      self->udp_retry_.async_wait([self](const error_code& e) {
        if (!e && !self->closed_) self->udpWait();
      });
      return;
    }
    self->udpDrain();
  });
}

void Core::udpDrain() {
  for (int i = 0; i < kMaxDatagramsPerWakeup && !closed_; ++i) {
    udp::endpoint from;
    error_code ec;
    const std::size_t n = udp_->receive_from(asio::buffer(udp_buf_), from, 0, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) {
      log_.warn("udp: receive failed: {}", ec.message());
      continue;
    }
    if (n > limits_.max_message_bytes) {  // the buffer is one byte larger than allowed
      ++counters_.oversize;
      log_.warn("udp: datagram from {}:{} over {} bytes dropped", addressText(from.address()),
                from.port(), limits_.max_message_bytes);
      continue;
    }
    const std::string_view bytes(udp_buf_.data(), n);
    if (onlyLineEnds(bytes)) continue;  // CRLF keep-alive noise on UDP: nothing to parse
    ++counters_.udp_in;
    if (receiver_) {
      receiver_(bytes, util::Flow{util::Protocol::Udp, addressText(from.address()), from.port(), 0});
    }
  }
  if (!closed_) udpWait();
}

void Core::acceptLoop() {
  acceptor_->async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
    if (self->closed_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // EMFILE and friends: back off instead of spinning.
      self->log_.warn("tcp: accept failed: {}", ec.message());
      self->accept_retry_.expires_after(std::chrono::milliseconds(100));
      self->accept_retry_.async_wait([self](const error_code& e) {
        if (!e && !self->closed_) self->acceptLoop();
      });
      return;
    }
    self->onAccepted(std::move(socket));
    self->acceptLoop();
  });
}

void Core::onAccepted(tcp::socket socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) {
    socket.close(ec);
    return;
  }
  std::string ip = addressText(ep.address());
  if (conns_.size() >= limits_.max_tcp_connections) {
    ++counters_.tcp_rejected;
    log_.warn("tcp: connection from {}:{} rejected: {} connections open", ip, ep.port(),
              conns_.size());
    socket.close(ec);
    return;
  }
  auto& from_source = per_source_[ip];
  if (from_source >= limits_.max_connections_per_source) {
    ++counters_.tcp_rejected;
    log_.warn("tcp: connection from {}:{} rejected: {} connections from that address", ip,
              ep.port(), from_source);
    socket.close(ec);
    return;
  }
  ++from_source;
  ++counters_.tcp_accepted;
  const auto id = ++next_connection_id_;
  const auto port = ep.port();
  auto conn = std::make_shared<Connection>(shared_from_this(), std::move(socket), id, ip, port,
                                           /*inbound=*/true);
  conns_.emplace(id, conn);
  by_remote_[remoteKey(ip, port)] = id;
  spdlog::debug("tcp: accepted connection {} from {}:{}", id, ip, port);
  conn->start();
}

void Core::onConnectionClosed(const Connection& c) {
  ++counters_.tcp_closed;
  const auto& f = c.flow();
  spdlog::debug("tcp: connection {} to {} closed", c.id(), f.str());
  if (auto it = by_remote_.find(remoteKey(f.remote_ip, f.remote_port));
      it != by_remote_.end() && it->second == c.id()) {
    by_remote_.erase(it);
  }
  if (c.inbound()) {
    if (auto it = per_source_.find(f.remote_ip); it != per_source_.end()) {
      if (--it->second == 0) per_source_.erase(it);
    }
  }
  conns_.erase(c.id());  // may drop the last table reference; the caller holds another
}

void Core::send(const util::Flow& to, std::string_view bytes) {
  if (closed_) {
    ++counters_.send_errors;
    return;
  }
  switch (to.protocol) {
    case util::Protocol::Udp: sendUdp(to, bytes); return;
    case util::Protocol::Tcp: sendTcp(to, bytes); return;
    case util::Protocol::Tls: break;
  }
  ++counters_.send_errors;
  log_.warn("transport: {} is not supported; dropped a message to {}", util::protocolName(to.protocol),
            to.str());
}

void Core::sendUdp(const util::Flow& to, std::string_view bytes) {
  if (!udp_) {
    ++counters_.send_errors;
    log_.warn("udp: not listening on UDP; dropped a message to {}", to.str());
    return;
  }
  if (bytes.size() > kMaxUdpPayload) {
    ++counters_.send_errors;
    log_.warn("udp: {} bytes do not fit a datagram to {}", bytes.size(), to.str());
    return;
  }
  const auto addr = parseAddress(to.remote_ip, v6_);
  if (!addr || to.remote_port == 0) {
    ++counters_.send_errors;
    log_.warn("udp: bad destination {}", to.str());
    return;
  }
  error_code ec;
  udp_->send_to(asio::buffer(bytes.data(), bytes.size()), udp::endpoint(*addr, to.remote_port), 0,
                ec);
  if (ec) {
    ++counters_.send_errors;
    log_.warn("udp: send to {} failed: {}", to.str(), ec.message());
    return;
  }
  ++counters_.udp_out;
}

void Core::sendTcp(const util::Flow& to, std::string_view bytes) {
  std::shared_ptr<Connection> conn;
  if (to.connection_id != 0) {
    if (auto it = conns_.find(to.connection_id); it != conns_.end()) conn = it->second;
  }
  // The flow's connection is gone (or none was named): any connection to that ip:port will do.
  std::string ip = to.remote_ip;
  if (!conn) {
    error_code ec;
    const auto a = asio::ip::make_address(to.remote_ip, ec);
    if (ec || to.remote_port == 0) {
      ++counters_.send_errors;
      log_.warn("tcp: bad destination {}", to.str());
      return;
    }
    ip = addressText(a);
    if (auto it = by_remote_.find(remoteKey(ip, to.remote_port)); it != by_remote_.end()) {
      if (auto c = conns_.find(it->second); c != conns_.end()) conn = c->second;
    }
  }
  if (!conn) conn = dial(ip, to.remote_port);
  if (!conn) return;  // counted and logged by dial()
  ++counters_.tcp_out;
  conn->enqueue(std::string(bytes));
}

std::shared_ptr<Connection> Core::dial(const std::string& ip, std::uint16_t port) {
  if (conns_.size() >= limits_.max_tcp_connections) {
    ++counters_.send_errors;
    log_.warn("tcp: cannot connect to {}:{}: {} connections open", ip, port, conns_.size());
    return nullptr;
  }
  const auto addr = parseAddress(ip, v6_);
  if (!addr) {
    ++counters_.send_errors;
    return nullptr;
  }
  const auto id = ++next_connection_id_;
  auto conn = std::make_shared<Connection>(shared_from_this(), tcp::socket(io_), id, ip, port,
                                           /*inbound=*/false);
  conns_.emplace(id, conn);
  by_remote_[remoteKey(ip, port)] = id;
  conn->connect(tcp::endpoint(*addr, port));
  return conn;
}

void Core::close() {
  if (closed_) return;
  closed_ = true;
  error_code ec;
  if (udp_) udp_->close(ec);
  if (acceptor_) acceptor_->close(ec);
  accept_retry_.cancel();
  udp_retry_.cancel();
  std::vector<std::shared_ptr<Connection>> all;
  all.reserve(conns_.size());
  for (auto& [id, c] : conns_) all.push_back(c);
  for (auto& c : all) c->close();
  conns_.clear();
  by_remote_.clear();
  per_source_.clear();
}

// ---------------------------------------------------------------------------------------------

class AsioTransport final : public Transport {
 public:
  explicit AsioTransport(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  ~AsioTransport() override { core_->close(); }

  void send(const util::Flow& to, std::string_view bytes) override { core_->send(to, bytes); }
  std::string sentBy() const override { return core_->sentBy(); }
  std::uint16_t port() const override { return core_->port_; }
  const Counters& counters() const override {
    core_->counters_.log_suppressed = core_->log_.totalSuppressed();
    return core_->counters_;
  }
  void close() override { core_->close(); }

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace

std::string countersLine(const Counters& c) {
  return fmt::format(
      "udp_in={} udp_out={} tcp_in={} tcp_out={} tcp_accepted={} tcp_closed={} tcp_rejected={} "
      "framing_errors={} keepalive_pings={} send_errors={} oversize={} header_timeouts={} "
      "idle_timeouts={} log_suppressed={}",
      c.udp_in, c.udp_out, c.tcp_in, c.tcp_out, c.tcp_accepted, c.tcp_closed, c.tcp_rejected,
      c.framing_errors, c.keepalive_pings, c.send_errors, c.oversize, c.header_timeouts,
      c.idle_timeouts, c.log_suppressed);
}

util::Result<TransportPtr> makeAsioTransport(asio::io_context& io, const config::Listen& listen,
                                             const config::Limits& limits, Receiver receiver,
                                             FramingErrorReceiver on_framing_error) {
  auto core = std::make_shared<Core>(io, listen, limits, std::move(receiver),
                                     std::move(on_framing_error));
  if (auto ec = core->open()) return ec;
  core->start();
  spdlog::info("transport: listening on {}:{} ({}{})", listen.address, core->port_,
               listen.udp ? "udp" : "", listen.tcp ? (listen.udp ? "+tcp" : "tcp") : "");
  return TransportPtr(std::make_unique<AsioTransport>(std::move(core)));
}

}  // namespace insip::transport
