// SPDX-License-Identifier: Apache-2.0
//
// proxy_core.hpp — the transaction user of a stateful proxy (RFC 3261 §16). Processors decide,
// ProxyCore acts: it parses inbound bytes, answers unparsable requests statelessly (400 naming the
// header, 505, 416) or drops what cannot be answered, matches server and client transactions
// (§17), runs the request chain for each new request, forwards to the chosen targets (§16.6:
// Request-URI, Max-Forwards, Record-Route, Via with a loop-detecting branch, next hop from the
// Route set), relays responses and picks the best final one (§16.7), handles CANCEL (§16.10),
// Timer C and 408 on timeout, sends 100 Trying for forwarded INVITEs, and forwards ACK for 2xx
// statelessly (§16.11). Responses matching no client transaction are discarded (RFC 6026 §8.10).
//
// Layer: proxy. No sockets: bytes leave through the injected send function, time through the
// TimerService. Thread affinity: the SIP loop thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "proxy/local_identity.hpp"
#include "proxy/pipeline.hpp"
#include "proxy/stats.hpp"
#include "sip/parser.hpp"
#include "txn/transaction.hpp"
#include "util/rate_limited_log.hpp"

namespace insip::proxy {

class ProxyCore {
 public:
  using SendFn = std::function<void(const util::Flow& to, std::string_view bytes)>;

  /// @param pipeline, identity, timers, stats: not owned, must outlive the core.
  ProxyCore(const config::Config& cfg, const Pipeline& pipeline, const LocalIdentity& identity,
            util::TimerService& timers, Stats& stats, SendFn send);
  ~ProxyCore();
  ProxyCore(const ProxyCore&) = delete;
  ProxyCore& operator=(const ProxyCore&) = delete;

  /// One complete inbound message (datagram or framed stream message).
  void onBytes(std::string_view bytes, const util::Flow& from);
  /// A stream lost its framing (transport::FramingErrorReceiver): `head` holds the complete header
  /// lines of the failing message read so far. If they name a request we can answer (readable
  /// Via, From, To, Call-ID, CSeq), a stateless 400 naming `header` goes back on `from`; the
  /// message itself is never processed. Otherwise the input is dropped and counted.
  void onFramingError(std::string_view head, const util::Flow& from, std::error_code error,
                      std::string_view header);

  std::size_t serverTransactions() const { return servers_.size(); }
  std::size_t clientTransactions() const { return clients_.size(); }

 private:
  struct ResponseContext;
  struct ServerEntry;
  struct ClientEntry;

  void onRequest(sip::Message&& request, const util::Flow& from);
  void onResponse(sip::Message&& response, const util::Flow& from);
  void onParseFailure(std::string_view bytes, const sip::ParseFailure& failure, const util::Flow& from);
  void onCancel(sip::Message&& cancel, const util::Flow& from);
  void forwardAckStatelessly(RequestContext& ctx);
  void forward(ServerEntry& server, const std::string& key, RequestContext& ctx);
  /// Acts on a processor chain's outcome for the new server transaction `server` (`key`).
  void act(ServerEntry& server, const std::string& key, RequestContext& ctx, Outcome o);
  void startBranch(const std::shared_ptr<ResponseContext>& rc, const Target& target,
                   sip::Message request);
  void onBranchResponse(const std::shared_ptr<ResponseContext>& rc, std::size_t branch,
                        const sip::Message& response);
  void onBranchTimeout(const std::shared_ptr<ResponseContext>& rc, std::size_t branch);
  void maybeSendBest(ResponseContext& rc);
  void cancelBranch(ResponseContext& rc, std::size_t branch);
  void cancelPendingBranches(ResponseContext& rc);
  void armTimerC(const std::shared_ptr<ResponseContext>& rc, std::size_t branch);
  void relayUpstream(ResponseContext& rc, sip::Message response);
  void replyStateless(const sip::Message& request, const util::Flow& to, int status,
                      std::string_view reason, const std::vector<sip::HeaderField>& extra = {});
  void sendResponseTo(const util::Flow& to, const sip::Message& response);
  void send(const util::Flow& to, std::string_view bytes);

  std::string loopHash(const sip::Message& request) const;
  std::string toTagFor(const sip::Message& request) const;
  void stripOurCredentials(sip::Message& request) const;
  bool isLooped(const sip::Message& request) const;
  sip::Via ourVia(util::Protocol protocol, std::string branch) const;
  std::optional<util::Flow> nextHop(const sip::Message& request, const Target& target) const;
  std::optional<util::Flow> responseFlow(const sip::Via& via) const;
  void addReceived(sip::Message& request, const util::Flow& from) const;
  void scheduleSweep();
  void sweep();
  void logMessage(std::string_view dir, const util::Flow& flow, std::string_view bytes) const;
  void countLimit(std::error_code code, const util::Flow& from);

  const config::Config& cfg_;
  const Pipeline& pipeline_;
  const LocalIdentity& identity_;
  util::TimerService& timers_;
  SendFn send_;
  sip::ParseLimits limits_;
  txn::Env env_;
  Stats& stats_;
  util::RateLimitedLog bad_input_log_{"bad input"};
  std::uint64_t branch_counter_ = 0;
  std::string to_tag_;
  std::unordered_map<std::string, std::unique_ptr<ServerEntry>> servers_;
  std::unordered_map<std::string, std::unique_ptr<ClientEntry>> clients_;
  std::vector<std::string> dead_servers_;
  std::vector<std::string> dead_clients_;
  util::TimerService::Id sweep_timer_ = 0;
  std::uint64_t entry_counter_ = 0;
  // Resumes of suspended requests hold a weak reference: after the core is gone they do nothing.
  std::shared_ptr<const char> alive_ = std::make_shared<const char>('\0');
};

}  // namespace insip::proxy
