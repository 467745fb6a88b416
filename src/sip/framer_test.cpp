// SPDX-License-Identifier: Apache-2.0
// Tests of StreamFramer (RFC 3261 §18.3, RFC 5626 §3.5.1) on the stream cases of
// /work/shared/corpus/bugs (16, 17, 18, 22, 26, 28, 92, 93), inlined byte for byte.
#include "sip/framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace insip::sip {
namespace {

using Kind = StreamFramer::Kind;
using Event = StreamFramer::Event;

const std::string kOptions16 =
    "OPTIONS sip:bob@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b16\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@example.test>;tag=a-b16\r\n"
    "To: <sip:bob@example.test>\r\n"
    "Call-ID: b16@192.0.2.10\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

const std::string kResponse18 =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b18;received=192.0.2.10\r\n"
    "From: <sip:alice@example.test>;tag=a-b18\r\n"
    "To: <sip:alice@example.test>;tag=r-b18\r\n"
    "Call-ID: b18@192.0.2.10\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Contact: <sip:alice@192.0.2.10:5060;transport=tcp>;expires=3600\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

const std::string kPipelined92a =
    "OPTIONS sip:bob@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b92a\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@example.test>;tag=a-b92a\r\n"
    "To: <sip:bob@example.test>\r\n"
    "Call-ID: b92a@192.0.2.10\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Content-Length: 0\r\n"
    "\r\n";
const std::string kPipelined92b =
    "MESSAGE sip:bob@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b92b\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@example.test>;tag=a-b92b\r\n"
    "To: <sip:bob@example.test>\r\n"
    "Call-ID: b92b@192.0.2.10\r\n"
    "CSeq: 2 MESSAGE\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 10\r\n"
    "\r\n"
    "two in one";

const std::string kSplit93 =
    "MESSAGE sip:bob@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b93\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@example.test>;tag=a-b93\r\n"
    "To: <sip:bob@example.test>\r\n"
    "Call-ID: b93@192.0.2.10\r\n"
    "CSeq: 1 MESSAGE\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 27\r\n"
    "\r\n"
    "split across three segments";

const std::string kBareLf22 =
    "OPTIONS sip:bob@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b22\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@example.test>;tag=a-b22\r\n"
    "To: <sip:bob@example.test>\r\n"
    "Call-ID: b22@192.0.2.10\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "X-Pad: a\n"
    "Content-Length: 257\r\n"
    "Content-Length: 0\r\n"
    "\r\n"
    "OPTIONS sip:carol@example.test SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b22x\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@example.test>;tag=a-b22x\r\n"
    "To: <sip:carol@example.test>\r\n"
    "Call-ID: b22x@192.0.2.10\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/// A request with the given extra header lines (each without CRLF) and body.
std::string request(const std::vector<std::string>& headers, const std::string& body = "") {
  std::string m = "MESSAGE sip:bob@example.test SIP/2.0\r\nCall-ID: x@192.0.2.10\r\n";
  for (const auto& h : headers) m += h + "\r\n";
  return m + "\r\n" + body;
}

/// Drains events until NeedMore or Error (the Error is included).
std::vector<Event> drain(StreamFramer& f) {
  std::vector<Event> out;
  for (;;) {
    Event e = f.next();
    if (e.kind == Kind::NeedMore) return out;
    out.push_back(std::move(e));
    if (out.back().kind == Kind::Error) return out;
  }
}

std::vector<Event> feedWhole(const std::string& bytes, const ParseLimits& limits = {}) {
  StreamFramer f(limits);
  f.feed(bytes);
  return drain(f);
}

std::vector<Event> feedBytewise(const std::string& bytes, const ParseLimits& limits = {}) {
  StreamFramer f(limits);
  std::vector<Event> out;
  for (char c : bytes) {
    f.feed(std::string_view(&c, 1));
    for (auto& e : drain(f)) out.push_back(std::move(e));
    if (!out.empty() && out.back().kind == Kind::Error) break;
  }
  return out;
}

std::vector<Kind> kinds(const std::vector<Event>& events) {
  std::vector<Kind> k;
  for (const auto& e : events) k.push_back(e.kind);
  return k;
}

/// Runs the same check on whole and byte-by-byte delivery.
template <class Check>
void bothWays(const std::string& bytes, Check check, const ParseLimits& limits = {}) {
  {
    SCOPED_TRACE("whole");
    check(feedWhole(bytes, limits));
  }
  {
    SCOPED_TRACE("byte by byte");
    check(feedBytewise(bytes, limits));
  }
}

TEST(StreamFramer, PingThenRequestYieldsPingThenTheWholeRequest) {  // corpus 16
  bothWays("\r\n\r\n" + kOptions16, [](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Ping, Kind::Message}));
    EXPECT_EQ(ev[1].message, kOptions16);
  });
}

TEST(StreamFramer, FourBytesCrlfCrlfAreOnePing) {  // corpus 17
  bothWays("\r\n\r\n", [](const std::vector<Event>& ev) {
    EXPECT_EQ(kinds(ev), (std::vector<Kind>{Kind::Ping}));
  });
}

TEST(StreamFramer, StrayCrlfBeforeAResponseIsAPongAndIsSkipped) {  // corpus 18
  bothWays("\r\n" + kResponse18, [](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Pong, Kind::Message}));
    EXPECT_EQ(ev[1].message, kResponse18);
  });
}

TEST(StreamFramer, TwoPingsInARowAreTwoPings) {
  bothWays("\r\n\r\n\r\n\r\n", [](const std::vector<Event>& ev) {
    EXPECT_EQ(kinds(ev), (std::vector<Kind>{Kind::Ping, Kind::Ping}));
  });
}

TEST(StreamFramer, ALoneCrlfWaitsBecauseAPingMayStillBeArriving) {
  StreamFramer f(ParseLimits{});
  f.feed("\r\n");
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
  f.feed("\r");
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
  f.feed("\n");
  EXPECT_EQ(f.next().kind, Kind::Ping);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(StreamFramer, BareLfInTheHeaderSectionIsAFramingError) {  // corpus 22
  bothWays(kBareLf22, [](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
    EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::BadHeaderSyntax));
  });
}

TEST(StreamFramer, ConflictingDuplicateContentLengthsAreAFramingError) {
  bothWays(request({"Content-Length: 5", "Content-Length: 0"}, "hello"),
           [](const std::vector<Event>& ev) {
             ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
             EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::BadContentLength));
           });
}

TEST(StreamFramer, EqualDuplicateContentLengthsAreAccepted) {
  const auto m = request({"Content-Length: 5", "l: 5"}, "hello");
  bothWays(m, [&](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Message}));
    EXPECT_EQ(ev[0].message, m);
  });
}

TEST(StreamFramer, NegativeContentLengthIsAFramingErrorAndNothingAfterItIsFramed) {  // corpus 26
  const std::string bytes =
      "INVITE sip:bob@example.test SIP/2.0\r\n"
      "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-b26\r\n"
      "Content-Length: -1\r\n"
      "\r\n" +
      kOptions16;
  bothWays(bytes, [](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
    EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::BadContentLength));
  });
}

TEST(StreamFramer, ErrorIsStickyAndFurtherBytesAreNotFramed) {
  StreamFramer f(ParseLimits{});
  f.feed(request({"Content-Length: abc"}));
  EXPECT_EQ(f.next().kind, Kind::Error);
  f.feed(kOptions16);
  EXPECT_EQ(f.next().kind, Kind::Error);
  EXPECT_TRUE(f.failed());
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(StreamFramer, NonNumericOrEmptyContentLengthValuesAreFramingErrors) {
  for (const std::string v : {"abc", "1a", "+5", "0x10", "", "1 2", "5,5", "1.0"}) {
    SCOPED_TRACE(v);
    bothWays(request({"Content-Length: " + v}), [](const std::vector<Event>& ev) {
      ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
      EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::BadContentLength));
    });
  }
}

TEST(StreamFramer, ContentLengthAbove2Pow31IsRejectedEvenWithHugeLimits) {
  ParseLimits huge;
  huge.max_body_bytes = std::size_t{1} << 40;
  huge.max_message_bytes = std::size_t{1} << 40;
  for (const std::string v : {"2147483649", "18446744073709551616", "99999999999999999999999999"}) {
    SCOPED_TRACE(v);
    auto ev = feedWhole(request({"Content-Length: " + v}), huge);
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
    EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::BadContentLength));
  }
}

TEST(StreamFramer, ContentLengthOverMaxBodyBytesIsRejectedBeforeTheBodyArrives) {
  ParseLimits limits;
  limits.max_body_bytes = 100;
  auto ev = feedWhole(request({"Content-Length: 101"}), limits);
  ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
  EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::BodyTooLarge));
  // exactly at the limit is fine
  const auto ok = request({"Content-Length: 100"}, std::string(100, 'x'));
  EXPECT_EQ(kinds(feedWhole(ok, limits)), (std::vector<Kind>{Kind::Message}));
}

TEST(StreamFramer, MissingContentLengthIsAFramingErrorOnStreams) {
  auto ev = feedWhole(request({"CSeq: 1 MESSAGE"}, ""));
  ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
  EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::MissingMandatoryHeader));
}

TEST(StreamFramer, NulByteInTheHeaderSectionIsAFramingError) {
  std::string m = request({"Subject: a", "Content-Length: 0"});
  m[m.find("Subject: a") + 9] = '\0';
  bothWays(m, [](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
    EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::BadHeaderSyntax));
  });
}

TEST(StreamFramer, NulByteAsAQuotedPairIsLegal) {
  // RFC 3261 §25.1 quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F); RFC 4475 intmeth uses it.
  std::string m = request({"Subject: \"a\\Xb\"", "Content-Length: 0"});
  m[m.find("\\X") + 1] = '\0';
  bothWays(m, [&](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Message}));
    EXPECT_EQ(ev[0].message, m);
  });
}

TEST(StreamFramer, AFramingErrorCarriesTheCompleteHeaderLinesAndNamesTheHeader) {
  const std::string m = request({"Content-Length: -1"}) + kOptions16;
  bothWays(m, [&](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
    EXPECT_EQ(ev[0].header, "Content-Length");
    // whole lines only, none of the smuggled second message
    ASSERT_FALSE(ev[0].message.empty());
    EXPECT_EQ(m.compare(0, ev[0].message.size(), ev[0].message), 0);
    EXPECT_TRUE(ev[0].message.ends_with("\r\n"));
    EXPECT_EQ(ev[0].message.find("b16"), std::string::npos);
  });
}

TEST(StreamFramer, AFramingErrorInTheStartLineCarriesNoHead) {
  bothWays(std::string("OPTIONS sip:a SIP/2.0\nVia: x\r\n\r\n"), [](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
    EXPECT_TRUE(ev[0].message.empty());
  });
}

TEST(StreamFramer, NulByteInTheBodyIsJustBodyBytes) {
  const auto m = request({"Content-Length: 3"}, std::string("a\0b", 3));
  bothWays(m, [&](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Message}));
    EXPECT_EQ(ev[0].message, m);
  });
}

TEST(StreamFramer, BareCrInTheHeaderSectionIsAFramingError) {
  bothWays(request({"Subject: a\rb", "Content-Length: 0"}), [](const std::vector<Event>& ev) {
    EXPECT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
  });
}

TEST(StreamFramer, HeaderSectionOverMaxMessageBytesWithoutEndIsAnError) {
  ParseLimits limits;
  limits.max_message_bytes = 1000;
  StreamFramer f(limits);
  f.feed("OPTIONS sip:bob@example.test SIP/2.0\r\n");
  std::vector<Event> ev;
  for (int i = 0; i < 200 && ev.empty(); ++i) {
    f.feed("X-Slow: aaaaaaaaaa\r\n");  // never ends the header section
    ev = drain(f);
  }
  ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
  EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::MessageTooLarge));
  EXPECT_LE(f.buffered(), 1000u);
}

TEST(StreamFramer, HeadersPlusBodyOverMaxMessageBytesIsAnError) {
  ParseLimits limits;
  limits.max_message_bytes = 200;
  limits.max_body_bytes = 1000;
  auto ev = feedWhole(request({"Content-Length: 190"}), limits);
  ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Error}));
  EXPECT_EQ(ev[0].error, make_error_code(ParseErrc::MessageTooLarge));
}

TEST(StreamFramer, IncompleteContentLengthLineWaitsForMoreBytes) {  // corpus 28 over TCP
  StreamFramer f(ParseLimits{});
  f.feed("OPTIONS sip:bob@example.test SIP/2.0\r\nCSeq: 1 OPTIONS\r\nContent-Length: 1");
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
  f.feed("0\r\n\r\n0123456789");
  auto e = f.next();
  ASSERT_EQ(e.kind, Kind::Message);
  EXPECT_EQ(e.message.substr(e.message.size() - 10), "0123456789");
}

TEST(StreamFramer, TwoPipelinedRequestsInOneWriteAreTwoMessagesInOrder) {  // corpus 92
  bothWays(kPipelined92a + kPipelined92b, [](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Message, Kind::Message}));
    EXPECT_EQ(ev[0].message, kPipelined92a);
    EXPECT_EQ(ev[1].message, kPipelined92b);
  });
}

TEST(StreamFramer, RequestSplitInFourWritesIsReassembledExactlyOnce) {  // corpus 93
  ASSERT_EQ(kSplit93.size(), 304u);
  StreamFramer f(ParseLimits{});
  std::vector<Event> ev;
  for (auto [from, to] : {std::pair{0, 4}, {4, 275}, {275, 299}, {299, 304}}) {
    f.feed(std::string_view(kSplit93).substr(from, to - from));
    for (auto& e : drain(f)) ev.push_back(std::move(e));
  }
  ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Message}));
  EXPECT_EQ(ev[0].message, kSplit93);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(StreamFramer, CompactAndOddlyCasedContentLengthNamesAreRecognised) {
  for (const std::string h : {"l: 4", "L: 4", "cOnTeNt-LeNgTh: 4", "Content-Length :4",
                              "Content-Length:\t4 "}) {
    SCOPED_TRACE(h);
    const auto m = request({h}, "body");
    bothWays(m + kOptions16, [&](const std::vector<Event>& ev) {
      ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Message, Kind::Message}));
      EXPECT_EQ(ev[0].message, m);
      EXPECT_EQ(ev[1].message, kOptions16);
    });
  }
}

TEST(StreamFramer, HeadersThatMerelyContainTheNameDoNotCount) {
  // "X-Content-Length" and a body that looks like a header are not Content-Length.
  const auto m = request({"X-Content-Length: 99", "Lx: 7", "Content-Length: 18"},
                         "Content-Length: 55");
  bothWays(m, [&](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Message}));
    EXPECT_EQ(ev[0].message, m);
  });
}

TEST(StreamFramer, FoldedContentLengthValueIsJoined) {
  const auto m = request({"Content-Length:", " 3"}, "abc");
  bothWays(m, [&](const std::vector<Event>& ev) {
    ASSERT_EQ(kinds(ev), (std::vector<Kind>{Kind::Message}));
    EXPECT_EQ(ev[0].message, m);
  });
}

TEST(StreamFramer, ContentLengthInTheStartLineIsIgnored) {
  const std::string m = "l: 5 sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(kinds(feedWhole(m)), (std::vector<Kind>{Kind::Message}));
}

TEST(StreamFramer, ManyPipelinedMessagesWithKeepalivesBetweenThemAllComeOut) {
  std::string bytes;
  std::vector<Kind> expected;
  for (int i = 0; i < 50; ++i) {
    bytes += request({"Content-Length: 3"}, "abc");
    expected.push_back(Kind::Message);
    if (i % 7 == 0) {
      bytes += "\r\n\r\n";
      expected.push_back(Kind::Ping);
    }
    if (i % 11 == 0) {
      bytes += "\r\n";
      expected.push_back(Kind::Pong);
    }
  }
  bothWays(bytes, [&](const std::vector<Event>& ev) { EXPECT_EQ(kinds(ev), expected); });
}

}  // namespace
}  // namespace insip::sip
