// SPDX-License-Identifier: Apache-2.0
//
// xml_test.cpp — hardened parsing (own XXE / entity-expansion / nesting variants, PIs, limits,
// bounded time), xsd:dateTime, the replay caches and the SOAP envelope model.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include "wssec/datetime.hpp"
#include "wssec/envelope.hpp"
#include "wssec/errors.hpp"
#include "wssec/replay_cache.hpp"
#include "wssec/xml.hpp"

namespace insip::wssec {
namespace {

const std::string kEnvOpen = "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>";
const std::string kEnvClose = "</soap:Body></soap:Envelope>";

std::error_code parseError(const std::string& doc, ParseLimits limits = {}) {
  auto r = Envelope::parse(doc, limits);
  return r ? std::error_code{} : r.error();
}

TEST(HardenedParser, ParameterEntityXxeIsRejectedBeforeAnyFetch) {
  const std::string doc = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/x.dtd\"> %p;]>" +
                          kEnvOpen + kEnvClose;
  EXPECT_EQ(parseError(doc), make_error_code(WssErrc::DoctypeForbidden));
}

TEST(HardenedParser, ExternalEntityInBodyIsRejected) {
  const std::string doc = "<!DOCTYPE soap:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + kEnvOpen +
                          "<a>&x;</a>" + kEnvClose;
  EXPECT_EQ(parseError(doc), make_error_code(WssErrc::DoctypeForbidden));
}

TEST(HardenedParser, UndeclaredEntityReferenceIsNotWellFormed) {
  EXPECT_EQ(parseError(kEnvOpen + "<a>&x;</a>" + kEnvClose), make_error_code(WssErrc::NotWellFormed));
}

TEST(HardenedParser, QuadraticBlowupIsRejectedQuickly) {
  std::string big(50000, 'a');
  std::string refs;
  for (int i = 0; i < 50000; ++i) refs += "&a;";
  const std::string doc = "<!DOCTYPE e [<!ENTITY a \"" + big + "\">]>" + kEnvOpen + "<x>" + refs + "</x>" + kEnvClose;
  ParseLimits l;
  l.max_bytes = 4 * 1024 * 1024;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(parseError(doc, l), make_error_code(WssErrc::DoctypeForbidden));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
}

TEST(HardenedParser, DeepNestingIsRejectedAtTheDepthLimit) {
  auto nested = [](int depth) {
    std::string s = kEnvOpen;
    for (int i = 0; i < depth; ++i) s += "<a>";
    for (int i = 0; i < depth; ++i) s += "</a>";
    return s + kEnvClose;
  };
  ParseLimits l;  // max_depth 64 counts Envelope and Body too
  EXPECT_TRUE(Envelope::parse(nested(60), l));
  EXPECT_EQ(parseError(nested(70), l), make_error_code(WssErrc::TooDeep));
  l.max_bytes = 8 * 1024 * 1024;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(parseError(nested(200000), l), make_error_code(WssErrc::TooDeep));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
}

TEST(HardenedParser, ProcessingInstructionsSizeAndNodeLimits) {
  EXPECT_EQ(parseError(kEnvOpen + "<?evil x?>" + kEnvClose), make_error_code(WssErrc::ProcessingInstructionForbidden));
  EXPECT_EQ(parseError("<?xml-stylesheet href=\"x\"?>" + kEnvOpen + kEnvClose),
            make_error_code(WssErrc::ProcessingInstructionForbidden));
  ParseLimits small;
  small.max_bytes = 100;
  EXPECT_EQ(parseError(kEnvOpen + std::string(200, ' ') + kEnvClose, small), make_error_code(WssErrc::TooLarge));
  ParseLimits few;
  few.max_nodes = 50;
  std::string many = kEnvOpen;
  for (int i = 0; i < 100; ++i) many += "<a/>";
  EXPECT_EQ(parseError(many + kEnvClose, few), make_error_code(WssErrc::TooManyNodes));
  EXPECT_EQ(parseError(""), make_error_code(WssErrc::NotWellFormed));
  EXPECT_EQ(parseError(kEnvOpen), make_error_code(WssErrc::NotWellFormed));
}

TEST(SoapEnvelope, StructureIsChecked) {
  EXPECT_EQ(parseError("<Envelope/>"), make_error_code(WssErrc::NotSoapEnvelope));
  // SOAP 1.1 namespace is not SOAP 1.2
  EXPECT_EQ(parseError("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>"),
            make_error_code(WssErrc::NotSoapEnvelope));
  const std::string ns = "xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"";
  EXPECT_EQ(parseError("<soap:Envelope " + ns + "><soap:Body/><soap:Header/></soap:Envelope>"),
            make_error_code(WssErrc::BadEnvelopeStructure));
  EXPECT_EQ(parseError("<soap:Envelope " + ns + "><soap:Body/><soap:Body/></soap:Envelope>"),
            make_error_code(WssErrc::BadEnvelopeStructure));
  auto env = Envelope::create("<m:x xmlns:m=\"urn:m\">a<!-- c -->b<![CDATA[<c>]]></m:x>");
  ASSERT_TRUE(env);
  EXPECT_NE(env->header(), nullptr);
  EXPECT_EQ(env->bodyText("urn:m", "x"), "ab<c>");
  EXPECT_EQ(env->bodyText("urn:m", "y"), std::nullopt);
  EXPECT_EQ(kSoapMediaType, "application/soap+xml");
}

TEST(XsdDateTime, ParsesFractionsAndZonesAgainstPythonEpochValues) {
  using namespace std::chrono;
  // python3: datetime(2030,6,1,12,tzinfo=timezone.utc).timestamp() == 1906545600
  auto t = parseXsdDateTime("2030-06-01T12:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(duration_cast<seconds>(t->time_since_epoch()).count(), 1906545600);
  auto n = parseXsdDateTime("2030-06-01T12:00:00.123456789Z");
  ASSERT_TRUE(n);
  EXPECT_EQ(duration_cast<microseconds>(*n - *t).count(), 123456);
  auto o = parseXsdDateTime("2030-06-01T14:00:00+02:00");
  ASSERT_TRUE(o);
  EXPECT_EQ(*o, *t);
  EXPECT_FALSE(parseXsdDateTime("2030-06-01T12:00:00"));     // no zone
  EXPECT_FALSE(parseXsdDateTime("2030-02-30T12:00:00Z"));    // no such day
  EXPECT_FALSE(parseXsdDateTime("2030-06-01T24:00:00Z"));
  EXPECT_FALSE(parseXsdDateTime("2030-06-01T12:00:00.Z"));
  EXPECT_FALSE(parseXsdDateTime("2030-06-01T12:00:00Zjunk"));
  EXPECT_EQ(formatXsdDateTime(*n), "2030-06-01T12:00:00.123Z");
}

TEST(ReplayCacheTest, MemoryCacheRejectsRepeatsUntilExpiryAndStaysBounded) {
  using namespace std::chrono;
  const util::SystemTime t0{seconds(1000)};
  MemoryReplayCache c(2);
  EXPECT_TRUE(c.checkAndRemember("a", t0 + seconds(10), t0));
  EXPECT_EQ(c.checkAndRemember("a", t0 + seconds(10), t0 + seconds(5)).error(), make_error_code(WssErrc::Replay));
  EXPECT_TRUE(c.checkAndRemember("b", t0 + seconds(20), t0));
  EXPECT_EQ(c.checkAndRemember("c", t0 + seconds(20), t0).error(), make_error_code(WssErrc::ReplayCacheFull));
  // after "a" expired there is room again, and "a" is forgotten
  EXPECT_TRUE(c.checkAndRemember("c", t0 + seconds(20), t0 + seconds(11)));
  EXPECT_EQ(c.size(), 2u);
}

TEST(ReplayCacheTest, FileCachePersistsAcrossInstances) {
  using namespace std::chrono;
  const auto path = std::filesystem::temp_directory_path() / ("wssec-replay-" + uniqueIdSuffix());
  const util::SystemTime t0{seconds(5000)};
  {
    auto c = FileReplayCache::open(path);
    ASSERT_TRUE(c);
    EXPECT_TRUE((*c)->checkAndRemember(std::string("\x01\xff k", 4), t0 + seconds(60), t0));
  }
  {
    auto c = FileReplayCache::open(path);
    ASSERT_TRUE(c);
    EXPECT_EQ((*c)->checkAndRemember(std::string("\x01\xff k", 4), t0 + seconds(60), t0 + seconds(1)).error(),
              make_error_code(WssErrc::Replay));
    EXPECT_TRUE((*c)->checkAndRemember(std::string("\x01\xff k", 4), t0 + seconds(200), t0 + seconds(61)));
  }
  std::filesystem::remove(path);
}

TEST(UniqueIdSuffixTest, SixteenHexDigitsAndNeverTheSameTwice) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string s = uniqueIdSuffix();
    ASSERT_EQ(s.size(), 16u);
    EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos) << s;
    EXPECT_TRUE(seen.insert(s).second) << "repeated " << s;
  }
}

}  // namespace
}  // namespace insip::wssec
