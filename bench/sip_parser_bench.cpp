// SPDX-License-Identifier: Apache-2.0
//
// sip_parser_bench.cpp — micro benchmark of the sip library hot path: parse and serialize a
// typical INVITE (RFC 3261 §24.2 style, with SDP body).
#include <benchmark/benchmark.h>

#include <string>

#include "sip/parser.hpp"

namespace {

const std::string kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
    "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO\r\n"
    "Supported: replaces, timer\r\n"
    "User-Agent: insip-bench/1.0\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 149\r\n"
    "\r\n"
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.101\r\n"
    "t=0 0\r\n"
    "m=audio 49172 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";

void BM_ParseInvite(benchmark::State& state) {
  insip::sip::ParseLimits limits;
  for (auto _ : state) {
    auto m = insip::sip::parseMessage(kInvite, limits);
    if (!m) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kInvite.size()));
}
BENCHMARK(BM_ParseInvite);

void BM_SerializeInvite(benchmark::State& state) {
  auto m = insip::sip::parseMessage(kInvite, insip::sip::ParseLimits{});
  if (!m) {
    state.SkipWithError("parse failed");
    return;
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    insip::sip::serializeTo(*m, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_SerializeInvite);

void BM_ParseAndSerializeInvite(benchmark::State& state) {
  insip::sip::ParseLimits limits;
  for (auto _ : state) {
    auto m = insip::sip::parseMessage(kInvite, limits);
    std::string out = insip::sip::serialize(*m);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_ParseAndSerializeInvite);

}  // namespace
