// SPDX-License-Identifier: Apache-2.0
// Tests of makeAsioTransport over real sockets on 127.0.0.1 (ephemeral ports). The transport runs
// on `io`; the test's peers are plain Asio sockets used synchronously for writes and polled
// non-blocking for reads while `io` runs, with bounded waits.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "transport/transport.hpp"

namespace insip::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
using namespace std::chrono_literals;

const std::string kOptions =
    "OPTIONS sip:bob@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b16\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@example.test>;tag=a-b16\r\n"
    "To: <sip:bob@example.test>\r\n"
    "Call-ID: b16@192.0.2.10\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

// corpus 92: two requests, the second with a body
const std::string kPipelinedA =
    "OPTIONS sip:bob@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b92a\r\n"
    "Call-ID: b92a@192.0.2.10\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Content-Length: 0\r\n"
    "\r\n";
const std::string kPipelinedB =
    "MESSAGE sip:bob@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b92b\r\n"
    "Call-ID: b92b@192.0.2.10\r\n"
    "CSeq: 2 MESSAGE\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 10\r\n"
    "\r\n"
    "two in one";

const std::string kResponse =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b16\r\n"
    "Call-ID: b16@192.0.2.10\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

struct Received {
  std::string bytes;
  util::Flow flow;
};

class AsioTransportTest : public ::testing::Test {
 protected:
  void start(config::Limits limits = {}, config::Listen listen = localListen()) {
    auto r = makeAsioTransport(io_, listen, limits, [this](std::string_view b, const util::Flow& f) {
      received_.push_back({std::string(b), f});
      if (on_receive_) on_receive_(b, f);
    });
    ASSERT_TRUE(r.has_value()) << r.error().message();
    transport_ = std::move(*r);
    ASSERT_NE(transport_->port(), 0);
  }

  static config::Listen localListen() {
    config::Listen l;
    l.address = "127.0.0.1";
    l.port = 0;
    return l;
  }

  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 3000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {  // done() may have side effects: call it once per round
      if (done()) return true;
      if (std::chrono::steady_clock::now() >= end) return false;
      io_.restart();
      io_.run_for(2ms);
    }
  }

  tcp::socket connectClient() {
    tcp::socket s(client_io_);
    error_code ec;
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), transport_->port()), ec);
    EXPECT_FALSE(ec) << ec.message();
    s.non_blocking(true);
    return s;
  }

  static void writeAll(tcp::socket& s, std::string_view bytes) {
    s.non_blocking(false);
    asio::write(s, asio::buffer(bytes.data(), bytes.size()));
    s.non_blocking(true);
  }

  /// Reads from a non-blocking client socket while the transport runs, until `want` bytes
  /// arrived, EOF, or the time limit. Sets *eof when the server closed the connection.
  std::string readClient(tcp::socket& s, std::size_t want, bool* eof = nullptr,
                         std::chrono::milliseconds limit = 3000ms) {
    std::string got;
    bool closed = false;
    runUntil(
        [&] {
          char buf[4096];
          for (;;) {
            error_code ec;
            const auto n = s.read_some(asio::buffer(buf), ec);
            if (ec == asio::error::would_block) break;
            if (ec) {
              closed = true;
              break;
            }
            got.append(buf, n);
          }
          return closed || got.size() >= want;
        },
        limit);
    if (eof) *eof = closed;
    return got;
  }

  asio::io_context io_;
  asio::io_context client_io_;
  TransportPtr transport_;
  std::vector<Received> received_;
  std::function<void(std::string_view, const util::Flow&)> on_receive_;
};

TEST_F(AsioTransportTest, UdpDatagramIsReceivedWithItsSourceAndAReplyGoesBack) {
  start();
  udp::socket client(client_io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto server = udp::endpoint(asio::ip::make_address("127.0.0.1"), transport_->port());
  client.send_to(asio::buffer(kOptions), server);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  EXPECT_EQ(received_[0].bytes, kOptions);
  EXPECT_EQ(received_[0].flow.protocol, util::Protocol::Udp);
  EXPECT_EQ(received_[0].flow.remote_ip, "127.0.0.1");
  EXPECT_EQ(received_[0].flow.remote_port, client.local_endpoint().port());
  EXPECT_EQ(received_[0].flow.connection_id, 0u);

  transport_->send(received_[0].flow, kResponse);
  client.non_blocking(true);
  std::string reply;
  ASSERT_TRUE(runUntil([&] {
    char buf[2048];
    udp::endpoint from;
    error_code ec;
    const auto n = client.receive_from(asio::buffer(buf), from, 0, ec);
    if (!ec) reply.assign(buf, n);
    return !reply.empty();
  }));
  EXPECT_EQ(reply, kResponse);
  EXPECT_EQ(transport_->counters().udp_in, 1u);
  EXPECT_EQ(transport_->counters().udp_out, 1u);
}

TEST_F(AsioTransportTest, ManyUdpDatagramsInABurstAreAllReceived) {
  start();
  udp::socket client(client_io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto server = udp::endpoint(asio::ip::make_address("127.0.0.1"), transport_->port());
  for (int i = 0; i < 500; ++i) client.send_to(asio::buffer(kOptions + std::to_string(i)), server);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 500; }));
  EXPECT_EQ(received_.back().bytes, kOptions + "499");
}

TEST_F(AsioTransportTest, OversizeUdpDatagramIsDroppedAndCounted) {
  config::Limits limits;
  limits.max_message_bytes = 100;
  start(limits);
  udp::socket client(client_io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto server = udp::endpoint(asio::ip::make_address("127.0.0.1"), transport_->port());
  client.send_to(asio::buffer(std::string(101, 'x')), server);
  client.send_to(asio::buffer(std::string(100, 'y')), server);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  EXPECT_EQ(received_[0].bytes, std::string(100, 'y'));
  EXPECT_EQ(transport_->counters().oversize, 1u);
}

TEST_F(AsioTransportTest, TcpMessageArrivesFramedWithAConnectionId) {
  start();
  auto client = connectClient();
  writeAll(client, kOptions);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  EXPECT_EQ(received_[0].bytes, kOptions);
  EXPECT_EQ(received_[0].flow.protocol, util::Protocol::Tcp);
  EXPECT_EQ(received_[0].flow.remote_ip, "127.0.0.1");
  EXPECT_EQ(received_[0].flow.remote_port, client.local_endpoint().port());
  EXPECT_NE(received_[0].flow.connection_id, 0u);
  EXPECT_EQ(transport_->counters().tcp_accepted, 1u);
  EXPECT_EQ(transport_->counters().tcp_in, 1u);
}

TEST_F(AsioTransportTest, TcpMessageSplitAcrossWritesIsReassembledOnce) {  // corpus 93 style
  start();
  auto client = connectClient();
  const std::string m = kPipelinedB;
  const std::size_t cuts[] = {0, 4, m.find("\r\n\r\n") + 2, m.size() - 3, m.size()};
  for (std::size_t i = 0; i + 1 < std::size(cuts); ++i) {
    writeAll(client, std::string_view(m).substr(cuts[i], cuts[i + 1] - cuts[i]));
    io_.restart();
    io_.run_for(10ms);
    if (i + 2 < std::size(cuts)) {
      EXPECT_TRUE(received_.empty()) << "after piece " << i;
    }
  }
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  EXPECT_EQ(received_[0].bytes, m);
  io_.restart();
  io_.run_for(10ms);
  EXPECT_EQ(received_.size(), 1u);
}

TEST_F(AsioTransportTest, PipelinedTcpMessagesInOneWriteArriveInOrder) {  // corpus 92
  start();
  auto client = connectClient();
  writeAll(client, kPipelinedA + kPipelinedB);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 2; }));
  EXPECT_EQ(received_[0].bytes, kPipelinedA);
  EXPECT_EQ(received_[1].bytes, kPipelinedB);
  EXPECT_EQ(received_[0].flow, received_[1].flow);
}

TEST_F(AsioTransportTest, CrlfCrlfPingIsAnsweredWithOneCrlfAndTheConnectionStaysUsable) {
  start();
  auto client = connectClient();
  writeAll(client, "\r\n\r\n");  // corpus 17
  bool eof = false;
  EXPECT_EQ(readClient(client, 2, &eof), "\r\n");
  EXPECT_FALSE(eof);
  EXPECT_EQ(transport_->counters().keepalive_pings, 1u);
  EXPECT_TRUE(received_.empty());
  writeAll(client, "\r\n\r\n" + kOptions);  // corpus 16: ping then request in one write
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  EXPECT_EQ(received_[0].bytes, kOptions);
  EXPECT_EQ(readClient(client, 2), "\r\n");
  EXPECT_EQ(transport_->counters().keepalive_pings, 2u);
}

TEST_F(AsioTransportTest, ResponseToTheReceivedFlowGoesBackOnTheSameConnection) {
  start();
  on_receive_ = [this](std::string_view, const util::Flow& f) { transport_->send(f, kResponse); };
  auto client = connectClient();
  writeAll(client, kOptions);
  EXPECT_EQ(readClient(client, kResponse.size()), kResponse);
  EXPECT_EQ(transport_->counters().tcp_accepted, 1u);  // no new connection was made
  EXPECT_EQ(transport_->counters().tcp_out, 1u);
}

TEST_F(AsioTransportTest, SendWithoutOrWithStaleConnectionIdReusesTheConnectionToThatPeer) {
  start();
  auto client = connectClient();
  writeAll(client, kOptions);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  util::Flow by_address = received_[0].flow;
  by_address.connection_id = 0;
  transport_->send(by_address, kResponse);
  EXPECT_EQ(readClient(client, kResponse.size()), kResponse);
  util::Flow stale = received_[0].flow;
  stale.connection_id = 987654;
  transport_->send(stale, kResponse);
  EXPECT_EQ(readClient(client, kResponse.size()), kResponse);
  EXPECT_EQ(transport_->counters().tcp_accepted, 1u);
  EXPECT_EQ(transport_->counters().send_errors, 0u);
}

TEST_F(AsioTransportTest, SendToAPeerWithoutConnectionDialsAndDeliversQueuedBytes) {
  start();
  tcp::acceptor peer(client_io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  peer.non_blocking(true);
  const util::Flow to{util::Protocol::Tcp, "127.0.0.1", peer.local_endpoint().port(), 0};
  transport_->send(to, kPipelinedA);
  transport_->send(to, kPipelinedB);  // queued while connecting, same connection
  tcp::socket accepted(client_io_);
  ASSERT_TRUE(runUntil([&] {
    error_code ec;
    peer.accept(accepted, ec);
    return !ec;
  }));
  accepted.non_blocking(true);
  EXPECT_EQ(readClient(accepted, kPipelinedA.size() + kPipelinedB.size()), kPipelinedA + kPipelinedB);
  // The peer answers on that connection: the transport frames it like any inbound stream.
  writeAll(accepted, kResponse);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  EXPECT_EQ(received_[0].bytes, kResponse);
  EXPECT_EQ(received_[0].flow.remote_port, peer.local_endpoint().port());
  // A second send reuses the dialled connection rather than dialling again.
  transport_->send(to, kOptions);
  EXPECT_EQ(readClient(accepted, kOptions.size()), kOptions);
  error_code ec;
  tcp::socket second(client_io_);
  peer.accept(second, ec);
  EXPECT_EQ(ec, asio::error::would_block);
}

TEST_F(AsioTransportTest, FramingErrorClosesTheConnectionAndNothingAfterItIsDelivered) {
  start();
  auto client = connectClient();
  // corpus 26: Content-Length -1, then a complete OPTIONS in the same write
  writeAll(client,
           "INVITE sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-"
           "b26\r\nContent-Length: -1\r\n\r\n" +
               kOptions);
  bool eof = false;
  EXPECT_EQ(readClient(client, 1, &eof), "");
  EXPECT_TRUE(eof);
  EXPECT_TRUE(received_.empty());
  EXPECT_EQ(transport_->counters().framing_errors, 1u);
  EXPECT_EQ(transport_->counters().tcp_closed, 1u);
}

TEST_F(AsioTransportTest, BareLfHeaderSectionClosesTheConnection) {  // corpus 22
  start();
  auto client = connectClient();
  writeAll(client, "OPTIONS sip:bob@example.test SIP/2.0\r\nX-Pad: a\nContent-Length: 257\r\n"
                   "Content-Length: 0\r\n\r\n" + kOptions);
  bool eof = false;
  readClient(client, 1, &eof);
  EXPECT_TRUE(eof);
  EXPECT_TRUE(received_.empty());
  EXPECT_EQ(transport_->counters().framing_errors, 1u);
}

TEST_F(AsioTransportTest, IdleConnectionIsClosedAfterTheConfiguredTimeout) {
  config::Limits limits;
  limits.tcp_idle_timeout_s = 1;
  start(limits);
  const auto t0 = std::chrono::steady_clock::now();
  auto client = connectClient();
  bool eof = false;
  readClient(client, 1, &eof, 3000ms);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(eof);
  EXPECT_GE(elapsed, 950ms);
  EXPECT_LT(elapsed, 2500ms);
  EXPECT_EQ(transport_->counters().tcp_closed, 1u);
}

TEST_F(AsioTransportTest, ConnectionsOverThePerSourceLimitAreRejected) {
  config::Limits limits;
  limits.max_connections_per_source = 1;
  start(limits);
  auto first = connectClient();
  ASSERT_TRUE(runUntil([&] { return transport_->counters().tcp_accepted == 1; }));
  auto second = connectClient();
  bool eof = false;
  readClient(second, 1, &eof);
  EXPECT_TRUE(eof);
  EXPECT_EQ(transport_->counters().tcp_rejected, 1u);
  // the first connection still works
  writeAll(first, kOptions);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
}

TEST_F(AsioTransportTest, ConnectionsOverTheTotalLimitAreRejected) {
  config::Limits limits;
  limits.max_tcp_connections = 2;
  start(limits);
  auto a = connectClient();
  auto b = connectClient();
  ASSERT_TRUE(runUntil([&] { return transport_->counters().tcp_accepted == 2; }));
  auto c = connectClient();
  bool eof = false;
  readClient(c, 1, &eof);
  EXPECT_TRUE(eof);
  EXPECT_EQ(transport_->counters().tcp_rejected, 1u);
  EXPECT_EQ(transport_->counters().tcp_accepted, 2u);
  // and an outbound connection is refused too while full
  transport_->send(util::Flow{util::Protocol::Tcp, "127.0.0.1", 9, 0}, kOptions);
  EXPECT_EQ(transport_->counters().send_errors, 1u);
}

TEST_F(AsioTransportTest, ClosingTheFirstConnectionFreesItsPerSourceSlot) {
  config::Limits limits;
  limits.max_connections_per_source = 1;
  start(limits);
  {
    auto first = connectClient();
    ASSERT_TRUE(runUntil([&] { return transport_->counters().tcp_accepted == 1; }));
  }
  ASSERT_TRUE(runUntil([&] { return transport_->counters().tcp_closed == 1; }));
  auto second = connectClient();
  writeAll(second, kOptions);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  EXPECT_EQ(transport_->counters().tcp_rejected, 0u);
}

TEST_F(AsioTransportTest, SentByIsTheListenAddressOrTheAdvertisedHostWithTheBoundPort) {
  start();
  EXPECT_EQ(transport_->sentBy(), "127.0.0.1:" + std::to_string(transport_->port()));
  config::Listen listen = localListen();
  listen.advertised_host = "proxy.example.test";
  auto other = makeAsioTransport(io_, listen, {}, {});
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ((*other)->sentBy(), "proxy.example.test:" + std::to_string((*other)->port()));
}

TEST_F(AsioTransportTest, UdpAndTcpShareTheBoundPort) {
  start();
  udp::socket u(client_io_, udp::v4());
  error_code ec;
  u.bind(udp::endpoint(asio::ip::make_address("127.0.0.1"), transport_->port()), ec);
  EXPECT_EQ(ec, asio::error::address_in_use);
  auto client = connectClient();  // and TCP accepts on the same number
  EXPECT_TRUE(client.is_open());
}

TEST_F(AsioTransportTest, BindingAPortInUseFailsWithAnErrorInsteadOfThrowing) {
  start();
  config::Listen listen = localListen();
  listen.port = transport_->port();
  auto second = makeAsioTransport(io_, listen, {}, {});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error(), std::errc::address_in_use);
  listen.address = "not-an-address";
  listen.port = 0;
  EXPECT_FALSE(makeAsioTransport(io_, listen, {}, {}).has_value());
}

TEST_F(AsioTransportTest, SendsThatCannotBeDoneAreCountedNotThrown) {
  start();
  transport_->send(util::Flow{util::Protocol::Tls, "127.0.0.1", 5061, 0}, kOptions);
  transport_->send(util::Flow{util::Protocol::Udp, "no.such.host", 5060, 0}, kOptions);
  transport_->send(util::Flow{util::Protocol::Tcp, "bad", 5060, 0}, kOptions);
  EXPECT_EQ(transport_->counters().send_errors, 3u);
}

TEST_F(AsioTransportTest, CloseStopsListeningAndClosesConnections) {
  start();
  auto client = connectClient();
  writeAll(client, kOptions);
  ASSERT_TRUE(runUntil([&] { return received_.size() == 1; }));
  transport_->close();
  bool eof = false;
  readClient(client, 1, &eof);
  EXPECT_TRUE(eof);
  tcp::socket late(client_io_);
  error_code ec;
  late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), transport_->port()), ec);
  EXPECT_EQ(ec, asio::error::connection_refused);
}

}  // namespace
}  // namespace insip::transport
