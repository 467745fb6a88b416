// SPDX-License-Identifier: Apache-2.0
//
// corpus_test.cpp — table-driven parser tests over tests/data/torture (RFC 4475, RFC 5118) and
// tests/data/bugs. Expected outcomes come from INDEX.tsv / LOG.tsv and the RFC texts, not from
// the parser. Also checks the round-trip property parse(serialize(parse(x))) == parse(x).
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <sstream>

#include "sip/parser.hpp"
#include "sip/test_util.hpp"

namespace insip::sip {
namespace {

using test::dataPath;
using test::readBytes;

struct Expect {
  std::optional<ParseErrc> error;  // nullopt: must parse
  std::string header = {};         // expected ParseFailure.header when failing ("" = don't care)
  bool partial = false;            // ParseFailure.partial must be set
};

// Parser-level expectations for every torture file. Files INDEX.tsv marks valid must parse;
// invalid ones fail with the error the RFC 4475 / 5118 text describes. Proxy-level cases (483,
// 420, 416, 415, 406) are syntactically fine and must parse.
const std::map<std::string, Expect>& tortureExpectations() {
  static const std::map<std::string, Expect> m = {
      {"wsinv.sip", {}}, {"intmeth.sip", {}}, {"esc02.sip", {}}, {"lwsdisp.sip", {}},
      {"longreq.sip", {}}, {"semiuri.sip", {}}, {"transports.sip", {}}, {"unreason.sip", {}},
      {"noreason.sip", {}}, {"unkscm.sip", {}}, {"novelsc.sip", {}}, {"bext01.sip", {}},
      {"invut.sip", {}}, {"zeromf.sip", {}}, {"cparam02.sip", {}}, {"sdp01.sip", {}},
      {"ipv6-good.sip", {}}, {"port-ambiguous.sip", {}}, {"port-unambiguous.sip", {}},
      {"ipv6-in-sdp.sip", {}}, {"mult-ip-in-header.sip", {}}, {"mult-ip-in-sdp.sip", {}},
      {"ipv6-correct-abnf-2-colons.sip", {}},
      // invalid
      {"badinv01.sip", {ParseErrc::BadVia, "Via"}},  // Via ";;,;,," comes before Contact
      {"clerr.sip", {ParseErrc::BodyLengthMismatch, "Content-Length", true}},
      {"ncl.sip", {ParseErrc::BadContentLength, "Content-Length", true}},
      {"scalar02.sip", {ParseErrc::BadCSeq, "CSeq"}},
      {"scalarlg.sip", {ParseErrc::BadCSeq, "CSeq"}},
      {"quotbal.sip", {ParseErrc::BadNameAddr, "To"}},
      {"ltgtruri.sip", {ParseErrc::BadUri, "", true}},
      {"lwsstart.sip", {ParseErrc::BadStartLine}},
      // baddate: only GMT is legal, but RFC 4475 says process normally if Date is unused: the
      // parser keeps Date as an opaque header (checked below), so it parses.
      {"baddate.sip", {}},
      {"regbadct.sip", {ParseErrc::BadNameAddr, "Contact", true}},
      {"badaspec.sip", {ParseErrc::BadNameAddr, "To"}},
      {"baddn.sip", {ParseErrc::Truncated}},  // archive bytes: no empty line
      {"badvers.sip", {ParseErrc::BadVersion, "", true}},
      {"mismatch01.sip", {ParseErrc::BadCSeq, "CSeq", true}},
      {"multi01.sip", {ParseErrc::BadCSeq, "CSeq", true}},  // second CSeq is the first duplicate
      {"mcl01.sip", {ParseErrc::BadContentLength, "Content-Length", true}},
      {"ipv6-bad.sip", {ParseErrc::BadUri, "", true}},
  };
  return m;
}

std::vector<std::vector<std::string>> readTsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(readBytes(path));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (;;) {
      std::size_t tab = line.find('\t', start);
      cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(cols));
  }
  return rows;
}

TEST(TortureCorpus, EveryIndexedFileParsesOrFailsAsTheRfcSays) {
  auto rows = readTsv(dataPath("torture/INDEX.tsv"));
  ASSERT_GT(rows.size(), 40u);
  ASSERT_EQ(rows[0][0], "file");
  const auto& expectations = tortureExpectations();
  std::size_t checked = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::string& file = rows[i][0];
    const std::string& validity = rows[i][1];
    SCOPED_TRACE(file);
    auto it = expectations.find(file);
    ASSERT_NE(it, expectations.end()) << "no expectation written for " << file;
    const Expect& e = it->second;
    if (validity == "valid") {
      EXPECT_FALSE(e.error.has_value()) << "valid file expected to fail";
    }
    std::string bytes = readBytes(dataPath("torture/" + file));
    ASSERT_FALSE(bytes.empty());
    ParseFailure failure;
    auto r = parseMessage(bytes, ParseLimits{}, &failure);
    if (!e.error) {
      EXPECT_TRUE(r.has_value()) << failure.code.message() << " [" << failure.header << "]";
    } else {
      ASSERT_FALSE(r.has_value());
      EXPECT_EQ(r.error(), make_error_code(*e.error)) << r.error().message();
      EXPECT_EQ(failure.code, make_error_code(*e.error));
      if (!e.header.empty()) {
        EXPECT_EQ(failure.header, e.header);
      }
      if (e.partial) {
        ASSERT_TRUE(failure.partial);
        EXPECT_FALSE(failure.partial->vias.empty());
        EXPECT_FALSE(failure.partial->call_id.empty());
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, expectations.size());
}

TEST(TortureCorpus, BaddateIsDetectableByItsNonGmtDateHeader) {
  auto r = parseMessage(readBytes(dataPath("torture/baddate.sip")), ParseLimits{});
  ASSERT_TRUE(r);
  const std::string* date = r->header("Date");
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(date->find("GMT"), std::string::npos);
  EXPECT_NE(date->find("EST"), std::string::npos);
}

TEST(TortureCorpus, ExtraFilesBehaveAsTheReadmeSays) {
  ParseFailure f;
  auto t = parseMessage(readBytes(dataPath("torture/extra/baddn-terminated.sip")), ParseLimits{}, &f);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), make_error_code(ParseErrc::BadNameAddr));
  EXPECT_EQ(f.header, "From");  // From comes before To in the file
  auto a = parseMessage(readBytes(dataPath("torture/extra/archive-test.sip")), ParseLimits{});
  EXPECT_FALSE(a);
}

TEST(TortureCorpus, BadversPartialCanAnswer505) {
  ParseFailure f;
  auto r = parseMessage(readBytes(dataPath("torture/badvers.sip")), ParseLimits{}, &f);
  ASSERT_FALSE(r);
  ASSERT_TRUE(f.partial);
  Message resp = makeResponse(*f.partial, 505);
  EXPECT_EQ(resp.reason, "Version Not Supported");
  EXPECT_EQ(resp.call_id, f.partial->call_id);
  EXPECT_EQ(resp.vias.size(), 1u);
  EXPECT_EQ(resp.vias[0].protocol, "SIP/7.0");
}

// Bugs corpus: parse-level outcome per LOG.tsv "correct_behaviour" (datagram semantics).
TEST(BugsCorpus, EveryLoggedFileHasTheExpectedParseOutcome) {
  const std::map<std::string, Expect> expect = {
      {"02-digest-escaped-quote.sip", {}},
      {"03-quoted-escaped-backslash.sip", {}},
      {"04-double-to-empty-tag.sip", {ParseErrc::BadNameAddr, "To"}},  // tag= with no value
      {"05-invalid-via-host.sip", {ParseErrc::BadVia, "Via"}},
      {"06-missing-cseq.sip", {ParseErrc::MissingMandatoryHeader, "CSeq"}},
      {"07-cseq-long-method-no-branch.sip", {ParseErrc::BadCSeq, "CSeq", true}},
      {"08-multipart-malformed.sip", {}},
      {"09-sdp-payload-type-2pow32.sip", {}},
      {"10-sdp-fmtp-nul.sip", {}},
      {"13-ends-inside-cseq-method.sip", {ParseErrc::Truncated}},
      {"14-empty-sip-uri-params.sip", {ParseErrc::BadNameAddr}},
      {"15-ctl-before-header-colon.sip", {ParseErrc::BadHeaderSyntax, "", true}},
      {"16-tcp-crlf-ping-then-request.sip", {}},
      {"17-tcp-crlf-ping-only.sip", {ParseErrc::Truncated}},
      {"18-tcp-stray-crlf-before-message.sip", {}},
      {"21-compact-header-names.sip", {}},
      {"22-bare-lf-hides-content-length.sip", {ParseErrc::BadContentLength, "Content-Length"}},
      {"24-crlf-inside-uri-brackets.sip", {ParseErrc::BadNameAddr, "From"}},
      {"25-body-ends-with-digits.sip", {}},
      {"26-negative-content-length-tcp.sip", {ParseErrc::BadContentLength, "Content-Length"}},
      {"28-ends-inside-content-length.sip", {ParseErrc::Truncated}},
      {"30-long-call-id.sip", {}},
      {"32-status-code-one-digit.sip", {ParseErrc::BadStartLine}},
      {"33-cseq-not-a-number.sip", {ParseErrc::BadCSeq, "CSeq"}},
      {"34-junk-line-before-via.sip", {ParseErrc::BadHeaderSyntax}},
      {"35-body-without-content-type.sip", {}},
      {"36-generic-uri-lone-slash.sip", {}},
      {"40-digest-algorithm-lowercase.sip", {}},
      {"92-synthetic-tcp-pipelined.sip", {}},
      {"93-synthetic-tcp-split.sip", {}},
  };
  auto rows = readTsv(dataPath("bugs/LOG.tsv"));
  ASSERT_GT(rows.size(), 1u);
  std::size_t checked = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::string& file = rows[i][4];
    SCOPED_TRACE(file);
    auto it = expect.find(file);
    ASSERT_NE(it, expect.end()) << "no expectation for " << file;
    ParseFailure f;
    auto r = parseMessage(readBytes(dataPath("bugs/" + file)), ParseLimits{}, &f);
    if (!it->second.error) {
      EXPECT_TRUE(r) << f.code.message() << " [" << f.header << "]";
    } else {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error(), make_error_code(*it->second.error)) << r.error().message();
      if (!it->second.header.empty()) {
        EXPECT_EQ(f.header, it->second.header);
      }
      if (it->second.partial) {
        EXPECT_TRUE(f.partial);
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, expect.size());
}

TEST(BugsCorpus, EscapedBackslashEndsTheDisplayName) {
  auto r = parseMessage(readBytes(dataPath("bugs/03-quoted-escaped-backslash.sip")), ParseLimits{});
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->from.display_name);
  EXPECT_EQ(unquote(*r->from.display_name), "alice\\");
  EXPECT_EQ(r->from.tag(), "a-b03");
  ASSERT_TRUE(r->to.display_name);
  EXPECT_EQ(unquote(*r->to.display_name), "bob");
}

TEST(BugsCorpus, NulInBodyIsKeptByteForByte) {
  std::string bytes = readBytes(dataPath("bugs/10-sdp-fmtp-nul.sip"));
  auto r = parseMessage(bytes, ParseLimits{});
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find('\0'), std::string::npos);
  std::size_t hdr_end = bytes.find("\r\n\r\n");
  EXPECT_EQ(r->body, bytes.substr(hdr_end + 4));
}

TEST(BugsCorpus, BodyEndingInDigitsIsMeasuredByContentLength) {
  auto r = parseMessage(readBytes(dataPath("bugs/25-body-ends-with-digits.sip")), ParseLimits{});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "see you at 7");
}

TEST(BugsCorpus, GenericUriLoneSlashIsAnOpaqueUri) {
  auto r = parseMessage(readBytes(dataPath("bugs/36-generic-uri-lone-slash.sip")), ParseLimits{});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->from.uri.scheme, Scheme::Other);
  EXPECT_EQ(r->from.uri.opaque, "/");
  EXPECT_TRUE(r->from.uri.host.empty());
  EXPECT_EQ(r->from.tag(), "a-b36");
}

TEST(BugsCorpus, MalformedMultipartIsRejectedWithoutReadingPastTheBody) {
  auto r = parseMessage(readBytes(dataPath("bugs/08-multipart-malformed.sip")), ParseLimits{});
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->content_type);
  auto parts = parseMultipart(*r->content_type, r->body);
  ASSERT_FALSE(parts);
  EXPECT_EQ(parts.error(), make_error_code(ParseErrc::BadMultipart));
}

TEST(BugsCorpus, PipelinedDatagramYieldsTheFirstMessageCutAtContentLength) {
  auto r = parseMessage(readBytes(dataPath("bugs/92-synthetic-tcp-pipelined.sip")), ParseLimits{});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->body.empty());
}

// Round trip: parse(serialize(parse(x))) == parse(x) for every parsable corpus file.
TEST(RoundTrip, EveryParsableCorpusFileSurvivesSerializeAndReparse) {
  std::vector<std::string> files;
  for (const auto& [name, e] : tortureExpectations())
    if (!e.error) files.push_back("torture/" + name);
  for (auto n : {"02-digest-escaped-quote.sip", "03-quoted-escaped-backslash.sip",
                 "08-multipart-malformed.sip", "09-sdp-payload-type-2pow32.sip",
                 "10-sdp-fmtp-nul.sip", "16-tcp-crlf-ping-then-request.sip",
                 "18-tcp-stray-crlf-before-message.sip", "21-compact-header-names.sip",
                 "25-body-ends-with-digits.sip", "30-long-call-id.sip",
                 "35-body-without-content-type.sip", "36-generic-uri-lone-slash.sip",
                 "40-digest-algorithm-lowercase.sip", "93-synthetic-tcp-split.sip"})
    files.push_back(std::string("bugs/") + n);
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    auto first = parseMessage(readBytes(dataPath(file)), ParseLimits{});
    ASSERT_TRUE(first);
    std::string wire = serialize(*first);
    auto second = parseMessage(wire, ParseLimits{});
    ASSERT_TRUE(second) << wire;
    EXPECT_EQ(*second, *first) << wire;
    // and the wire form is a fixed point
    EXPECT_EQ(serialize(*second), wire);
  }
}

// Deterministic mutation fuzzing of every corpus file: flips, inserts and truncations must never
// crash (run under ASan/UBSan with -DINSIP_SANITIZE=ON), and whatever still parses must round-trip.
TEST(RoundTrip, MutatedCorpusFilesNeverCrashAndWhatParsesRoundTrips) {
  std::vector<std::string> inputs;
  for (const auto& [name, e] : tortureExpectations()) inputs.push_back(readBytes(dataPath("torture/" + name)));
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const char interesting[] = {'\r', '\n', ' ', '\t', ':', ';', ',', '"', '<', '>', '\\', '[', ']',
                              '@', '=', '?', '%', '\0', '\x01', '0', '9', '-', 'v', 'l'};
  std::size_t parsed = 0, total = 0;
  for (const auto& original : inputs) {
    for (int round = 0; round < 300; ++round) {
      std::string s = original;
      int edits = 1 + static_cast<int>(next() % 4);
      for (int k = 0; k < edits && !s.empty(); ++k) {
        std::size_t at = next() % s.size();
        switch (next() % 4) {
          case 0: s[at] = interesting[next() % sizeof interesting]; break;
          case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), interesting[next() % sizeof interesting]); break;
          case 2: s.erase(at, 1 + next() % 8); break;
          default: s.resize(at); break;
        }
      }
      ++total;
      ParseFailure f;
      auto r = parseMessage(s, ParseLimits{}, &f);
      if (!r) {
        EXPECT_TRUE(f.code);
        continue;
      }
      ++parsed;
      std::string wire = serialize(*r);
      auto again = parseMessage(wire, ParseLimits{});
      ASSERT_TRUE(again) << "serialized form of a parsed mutation does not parse:\n" << wire;
      EXPECT_EQ(*again, *r) << wire;
    }
  }
  EXPECT_GT(parsed, 0u);
  EXPECT_LT(parsed, total);
}

}  // namespace
}  // namespace insip::sip
