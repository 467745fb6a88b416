// SPDX-License-Identifier: Apache-2.0
//
// fuzz_framer.cpp — libFuzzer target: the stream framer sip::StreamFramer (RFC 3261 §18.3,
// RFC 5626 §3.5.1) fed the input in chunks whose sizes come from a PRNG seeded by the input.
// Invariants: no crash/UB; Error is sticky (no Message/Ping/Pong ever after it); every Message
// event is non-empty, holds a CRLFCRLF header end, and either is rejected by parseMessage or parses
// with exactly the body the framer cut (framer and parser agree on Content-Length: no smuggling);
// events never account for more bytes than were fed; while waiting (NeedMore) the framer never
// holds more than max_message_bytes (no unbounded growth).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "sip/framer.hpp"
#include "sip/parser.hpp"

using namespace insip;

namespace {

struct State {
  std::size_t fed = 0;
  std::size_t consumed = 0;  // bytes accounted for by Message/Ping/Pong events
  bool errored = false;
};

void drain(sip::StreamFramer& framer, const sip::ParseLimits& limits, State& st) {
  for (int guard = 0;; ++guard) {
    INSIP_FUZZ_CHECK(guard < 1000000);  // next() must make progress
    sip::StreamFramer::Event ev = framer.next();
    using K = sip::StreamFramer::Kind;
    if (st.errored) {
      INSIP_FUZZ_CHECK(ev.kind == K::Error, "event after Error");
      return;
    }
    switch (ev.kind) {
      case K::NeedMore:
        INSIP_FUZZ_CHECK(framer.buffered() <= limits.max_message_bytes, "framer grows without bound");
        INSIP_FUZZ_CHECK(st.consumed + framer.buffered() == st.fed);
        return;
      case K::Error:
        INSIP_FUZZ_CHECK(static_cast<bool>(ev.error));
        INSIP_FUZZ_CHECK(framer.failed());
        st.errored = true;
        break;
      case K::Ping:
        st.consumed += 4;
        break;
      case K::Pong:
        st.consumed += 2;
        break;
      case K::Message: {
        const std::string& m = ev.message;
        INSIP_FUZZ_CHECK(!m.empty());
        INSIP_FUZZ_CHECK(m.size() <= limits.max_message_bytes);
        st.consumed += m.size();
        INSIP_FUZZ_CHECK(st.consumed <= st.fed);
        const std::size_t hdr_end = m.find("\r\n\r\n");
        INSIP_FUZZ_CHECK(hdr_end != std::string::npos, "message without end of headers", m);
        auto parsed = sip::parseMessage(m, limits);
        if (parsed) {
          const std::size_t framed_body = m.size() - (hdr_end + 4);
          if (parsed->body.size() != framed_body) {
            fuzz::fail("parser and framer disagree on the body length (smuggling risk)", {m, parsed->body});
          }
        }
        break;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const sip::ParseLimits limits;
  sip::StreamFramer framer(limits);
  fuzz::Prng prng(fuzz::fnv1a(in));
  State st;
  std::size_t pos = 0;
  while (pos < in.size()) {
    // Mostly small chunks (1..16 bytes), sometimes large ones (up to 4 KiB), sometimes the rest.
    const std::uint64_t r = prng.next();
    std::size_t chunk;
    switch (r % 8) {
      case 0: chunk = 1; break;
      case 1: case 2: case 3: chunk = 1 + (r >> 8) % 16; break;
      case 4: case 5: chunk = 1 + (r >> 8) % 512; break;
      case 6: chunk = 1 + (r >> 8) % 4096; break;
      default: chunk = in.size() - pos; break;
    }
    chunk = std::min(chunk, in.size() - pos);
    framer.feed(in.substr(pos, chunk));
    st.fed += chunk;
    pos += chunk;
    drain(framer, limits, st);
  }
  return 0;
}
