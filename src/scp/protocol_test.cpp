// SPDX-License-Identifier: Apache-2.0
//
// docs/protocol/in.xsd against docs/protocol/examples/*.xml and against the codec: every example
// validates with libxml2's XML Schema validator and decodes; mutated examples (cause 0, no callId)
// fail both; whatever encodeBody() emits validates.
#include <gtest/gtest.h>
#include <libxml/xmlschemas.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "scp/operations.hpp"
#include "wssec/xml.hpp"

namespace insip::scp {
namespace {

namespace fs = std::filesystem;

const fs::path kProtocolDir = fs::path(INSIP_TEST_DATA) / ".." / ".." / "docs" / "protocol";

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void collectError(void* ctx, const xmlError* e) {
  auto* out = static_cast<std::string*>(ctx);
  if (e != nullptr && e->message != nullptr) *out += e->message;
}

class Schema {
 public:
  Schema() {
    wssec::ensureXmlsecInitialized();
    const std::string path = (kProtocolDir / "in.xsd").string();
    std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)> pctx(
        xmlSchemaNewParserCtxt(path.c_str()), xmlSchemaFreeParserCtxt);
    if (pctx) {
      xmlSchemaSetParserStructuredErrors(
          pctx.get(), [](void* c, xmlErrorPtr e) { collectError(c, e); }, &errors_);
      schema_ = xmlSchemaParse(pctx.get());
    }
  }
  ~Schema() {
    if (schema_ != nullptr) xmlSchemaFree(schema_);
  }
  bool ok() const { return schema_ != nullptr; }
  const std::string& errors() const { return errors_; }

  /// Validates one element (the Body child) in place; returns "" if valid, else the messages.
  std::string validate(xmlNode* element) const {
    std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> vctx(
        xmlSchemaNewValidCtxt(schema_), xmlSchemaFreeValidCtxt);
    std::string errs;
    xmlSchemaSetValidStructuredErrors(
        vctx.get(), [](void* c, xmlErrorPtr e) { collectError(c, e); }, &errs);
    const int rc = xmlSchemaValidateOneElement(vctx.get(), element);
    if (rc == 0) return {};
    return errs.empty() ? "invalid (rc " + std::to_string(rc) + ")" : errs;
  }

  /// Validates a standalone operation document with xmlSchemaValidateDoc.
  std::string validateDoc(xmlDoc* doc) const {
    std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> vctx(
        xmlSchemaNewValidCtxt(schema_), xmlSchemaFreeValidCtxt);
    std::string errs;
    xmlSchemaSetValidStructuredErrors(
        vctx.get(), [](void* c, xmlErrorPtr e) { collectError(c, e); }, &errs);
    const int rc = xmlSchemaValidateDoc(vctx.get(), doc);
    if (rc == 0) return {};
    return errs.empty() ? "invalid (rc " + std::to_string(rc) + ")" : errs;
  }

 private:
  xmlSchemaPtr schema_ = nullptr;
  std::string errors_;
};

const Schema& schema() {
  static const Schema s;
  return s;
}

/// Parses a SOAP envelope and validates its single Body child against in.xsd.
std::string validateEnvelope(const std::string& xml) {
  auto doc = wssec::parseXml(xml, wssec::ParseLimits{});
  if (!doc) return "parse: " + doc.error().message();
  xmlNode* env = xmlDocGetRootElement(doc->get());
  if (!wssec::isElement(env, wssec::ns::kSoap12, "Envelope")) return "not a SOAP 1.2 envelope";
  xmlNode* body = wssec::firstChildElement(env, wssec::ns::kSoap12, "Body");
  const auto kids = wssec::childElements(body);
  if (kids.size() != 1) return "Body must have exactly one child";
  return schema().validate(kids.front());
}

std::string validateBodyXml(const std::string& xml) {
  auto doc = wssec::parseXml(xml, wssec::ParseLimits{});
  if (!doc) return "parse: " + doc.error().message();
  return schema().validateDoc(doc->get());
}

std::string replaceOnce(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST(ScpProtocol, SchemaParses) { ASSERT_TRUE(schema().ok()) << schema().errors(); }

TEST(ScpProtocol, EveryOperationHasOneExampleThatValidatesAndDecodes) {
  ASSERT_TRUE(schema().ok()) << schema().errors();
  const std::set<std::string> expected = {
      "InitialDP", "Connect", "Continue", "ReleaseCall", "RequestReportBCSMEvent",
      "EventReportBCSM", "ApplyCharging", "ApplyChargingReport", "CallInformationRequest",
      "CallInformationReport", "FurnishChargingInformation", "ActivityTest", "ActivityTestResponse"};
  std::set<std::string> seen;
  for (const auto& entry : fs::directory_iterator(kProtocolDir / "examples")) {
    if (entry.path().extension() != ".xml") continue;
    const std::string name = entry.path().stem().string();
    SCOPED_TRACE(name);
    seen.insert(name);
    const std::string xml = readFile(entry.path());
    EXPECT_EQ(validateEnvelope(xml), "");
    auto op = decodeEnvelope(xml);
    ASSERT_TRUE(op) << op.error().message();
    EXPECT_EQ(operationName(*op), name);
    EXPECT_EQ(callIdOf(*op), "a84b4c76e66710@pc33.atlanta.example.com");
  }
  EXPECT_EQ(seen, expected);
}

TEST(ScpProtocol, ReleaseCallWithCauseZeroFailsSchemaAndCodec) {
  const std::string xml = readFile(kProtocolDir / "examples" / "ReleaseCall.xml");
  ASSERT_NE(xml.find("<in:cause>21</in:cause>"), std::string::npos);
  for (const char* bad : {"0", "128"}) {
    const std::string mutated =
        replaceOnce(xml, "<in:cause>21</in:cause>", std::string("<in:cause>") + bad + "</in:cause>");
    EXPECT_NE(validateEnvelope(mutated), "") << bad;
    EXPECT_FALSE(decodeEnvelope(mutated)) << bad;
  }
}

TEST(ScpProtocol, InitialDpWithoutCallIdFailsSchemaAndCodec) {
  const std::string xml = readFile(kProtocolDir / "examples" / "InitialDP.xml");
  const std::string call_id =
      "<in:callId>a84b4c76e66710@pc33.atlanta.example.com</in:callId>";
  ASSERT_NE(xml.find(call_id), std::string::npos);
  const std::string mutated = replaceOnce(xml, call_id, "");
  EXPECT_NE(validateEnvelope(mutated), "");
  EXPECT_FALSE(decodeEnvelope(mutated));
}

TEST(ScpProtocol, SchemaRejectsWhatTheCodecRejects) {
  const std::string ns = R"(xmlns:in="urn:insip:in:1")";
  // Wrong order, unknown enum value, wrong namespace, unknown element.
  const std::string cases[] = {
      "<in:ReleaseCall " + ns + "><in:cause>1</in:cause><in:callId>c</in:callId></in:ReleaseCall>",
      "<in:EventReportBCSM " + ns + "><in:callId>c</in:callId><in:eventTypeBCSM>oBusy</in:eventTypeBCSM>"
          "<in:messageType>request</in:messageType></in:EventReportBCSM>",
      R"(<in:Continue xmlns:in="urn:insip:in:2"><in:callId>c</in:callId></in:Continue>)",
      "<in:Continue " + ns + "><in:callId>c</in:callId><in:extra/></in:Continue>",
      "<in:ApplyCharging " + ns + "><in:callId>c</in:callId><in:maxCallPeriodDuration>0"
          "</in:maxCallPeriodDuration><in:releaseIfDurationExceeded>true"
          "</in:releaseIfDurationExceeded></in:ApplyCharging>",
  };
  for (const auto& c : cases) {
    EXPECT_NE(validateBodyXml(c), "") << c;
    EXPECT_FALSE(decodeBody(c)) << c;
  }
}

TEST(ScpProtocol, EncoderOutputValidatesAgainstTheSchema) {
  ASSERT_TRUE(schema().ok());
  InitialDP idp;
  idp.call_id = "x@y";
  idp.service_key = "2147483647";
  idp.called_party_number = "0800#1*";
  idp.calling_party_number = "+1";
  idp.calling_partys_category = "255";
  idp.event_type_bcsm = EventTypeBcsm::TAbandon;
  idp.user_service_request = std::string(3000, '\x7f');
  const Operation ops[] = {
      idp,
      Connect{"x@y", "sips:ivr@media.example.com;lr", "+1", "2", "3"},
      Continue{"x"},
      ReleaseCall{"x", 1},
      RequestReportBcsmEvent{"x", std::vector<BcsmEvent>(16, BcsmEvent{EventTypeBcsm::TBusy, MonitorMode::Interrupted, "2"})},
      EventReportBcsm{"x", EventTypeBcsm::ODisconnect, "1", MessageType::Notification, 127},
      ApplyCharging{"x", "1", true},
      ApplyChargingReport{"x", "864000", false},
      CallInformationRequest{"x", {RequestedInformationType::CallAttemptElapsedTime}},
      CallInformationReport{"x", {{RequestedInformationType::CalledAddress, " <a & b> "}}},
      FurnishChargingInformation{"x", "tab\there \xe2\x82\xac & <ok>"},
      ActivityTest{"x"},
      ActivityTestResponse{"x"},
  };
  for (const auto& op : ops) {
    SCOPED_TRACE(std::string(operationName(op)));
    auto body = encodeBody(op);
    ASSERT_TRUE(body) << body.error().message();
    EXPECT_EQ(validateBodyXml(*body), "") << *body;
    auto env = encodeEnvelope(op);
    ASSERT_TRUE(env);
    EXPECT_EQ(validateEnvelope(*env), "");
  }
}

}  // namespace
}  // namespace insip::scp
