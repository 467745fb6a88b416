// SPDX-License-Identifier: Apache-2.0
#include "scp/operations.hpp"

#include <gtest/gtest.h>

#include <string>

#include "scp/errors.hpp"

namespace insip::scp {
namespace {

const std::string kNs = R"(xmlns:in="urn:insip:in:1")";

InitialDP sampleInitialDp() {
  InitialDP o;
  o.call_id = "a84b4c76e66710@pc33.example.com";
  o.service_key = "100";
  o.called_party_number = "+498001234567";
  o.calling_party_number = "+4930123456";
  o.calling_partys_category = "10";
  o.event_type_bcsm = EventTypeBcsm::CollectedInfo;
  o.redirecting_party_id = "+4940111";
  o.original_called_party_id = "+4940222";
  o.user_service_request = std::string("<env:Envelope>\x01\xff binary & <stuff>", 33);
  return o;
}

std::vector<Operation> oneOfEach() {
  std::vector<Operation> ops;
  ops.emplace_back(sampleInitialDp());
  ops.emplace_back(Connect{"c1", "sip:helpdesk@media.example.com;transport=tls", "+4930999",
                           "+498001234567", std::nullopt});
  ops.emplace_back(Continue{"c1"});
  ops.emplace_back(ReleaseCall{"c1", 127});
  ops.emplace_back(RequestReportBcsmEvent{
      "c1",
      {{EventTypeBcsm::OCalledPartyBusy, MonitorMode::Interrupted, "2"},
       {EventTypeBcsm::ONoAnswer, MonitorMode::Interrupted, std::nullopt},
       {EventTypeBcsm::ODisconnect, MonitorMode::NotifyAndContinue, "1"},
       {EventTypeBcsm::OAbandon, MonitorMode::Transparent, std::nullopt}}});
  ops.emplace_back(EventReportBcsm{"c1", EventTypeBcsm::OCalledPartyBusy, "2", MessageType::Request, 17});
  ops.emplace_back(ApplyCharging{"c1", "864000", false});
  ops.emplace_back(ApplyChargingReport{"c1", "0", true});
  ops.emplace_back(CallInformationRequest{
      "c1", {RequestedInformationType::CallStopTime, RequestedInformationType::ReleaseCause}});
  ops.emplace_back(CallInformationReport{
      "c1", {{RequestedInformationType::CallStopTime, "2026-12-03T17:00:00Z"},
             {RequestedInformationType::CalledAddress, " +49 <30> & 1 "}}});
  ops.emplace_back(FurnishChargingInformation{"c1", "tariff=\"free\" & <zone> \xc3\xa4\r\n"});
  ops.emplace_back(ActivityTest{"c1"});
  ops.emplace_back(ActivityTestResponse{"c1"});
  return ops;
}

TEST(ScpOperations, EveryOperationRoundTripsThroughBodyAndEnvelope) {
  const auto ops = oneOfEach();
  ASSERT_EQ(ops.size(), std::variant_size_v<Operation>);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    SCOPED_TRACE(std::string(operationName(ops[i])));
    EXPECT_EQ(ops[i].index(), i);
    auto body = encodeBody(ops[i]);
    ASSERT_TRUE(body) << body.error().message();
    auto back = decodeBody(*body);
    ASSERT_TRUE(back) << back.error().message() << "\n" << *body;
    EXPECT_EQ(*back, ops[i]);
    auto env = encodeEnvelope(ops[i]);
    ASSERT_TRUE(env);
    auto back2 = decodeEnvelope(*env);
    ASSERT_TRUE(back2) << back2.error().message();
    EXPECT_EQ(*back2, ops[i]);
  }
}

TEST(ScpOperations, OperationNamesAndCallIdsFollowTheSchema) {
  const auto ops = oneOfEach();
  const char* names[] = {"InitialDP", "Connect", "Continue", "ReleaseCall", "RequestReportBCSMEvent",
                         "EventReportBCSM", "ApplyCharging", "ApplyChargingReport",
                         "CallInformationRequest", "CallInformationReport",
                         "FurnishChargingInformation", "ActivityTest", "ActivityTestResponse"};
  for (std::size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(operationName(ops[i]), names[i]);
  }
  EXPECT_EQ(callIdOf(ops[0]), "a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(callIdOf(ops[3]), "c1");
}

TEST(ScpOperations, HandWrittenInitialDpDecodesFieldByField) {
  // userServiceRequest "aGVsbG8=" is base64 of "hello" (RFC 4648 §4).
  const std::string xml = "<in:InitialDP " + kNs + R"(>
      <in:callId> call-1@ssp </in:callId>
      <in:serviceKey>7</in:serviceKey>
      <in:calledPartyNumber>08001234</in:calledPartyNumber>
      <in:callingPartyNumber>+4930123</in:callingPartyNumber>
      <in:eventTypeBCSM>termAttemptAuthorized</in:eventTypeBCSM>
      <in:userServiceRequest>aGVs
        bG8=</in:userServiceRequest>
    </in:InitialDP>)";
  auto op = decodeBody(xml);
  ASSERT_TRUE(op) << op.error().message();
  const auto& idp = std::get<InitialDP>(*op);
  EXPECT_EQ(idp.call_id, "call-1@ssp");
  EXPECT_EQ(idp.service_key, "7");
  EXPECT_EQ(idp.called_party_number, "08001234");
  EXPECT_EQ(idp.calling_party_number, "+4930123");
  EXPECT_FALSE(idp.calling_partys_category);
  EXPECT_EQ(idp.event_type_bcsm, EventTypeBcsm::TermAttemptAuthorized);
  EXPECT_EQ(static_cast<int>(idp.event_type_bcsm), 12);  // Q.1218 termAttemptAuthorized(12)
  EXPECT_FALSE(idp.redirecting_party_id);
  ASSERT_TRUE(idp.user_service_request);
  EXPECT_EQ(*idp.user_service_request, "hello");
}

TEST(ScpOperations, EncodedReleaseCallIsTheExpectedXml) {
  auto body = encodeBody(ReleaseCall{"x@y", 21});
  ASSERT_TRUE(body);
  EXPECT_EQ(*body, "<in:ReleaseCall " + kNs +
                       "><in:callId>x@y</in:callId><in:cause>21</in:cause></in:ReleaseCall>");
}

TEST(ScpOperations, BooleansAcceptTheFourXsdLexicalForms) {
  auto t = decodeBody("<in:ApplyChargingReport " + kNs +
                      "><in:callId>c</in:callId><in:timeUsed>5</in:timeUsed>"
                      "<in:callActive>1</in:callActive></in:ApplyChargingReport>");
  ASSERT_TRUE(t);
  EXPECT_TRUE(std::get<ApplyChargingReport>(*t).call_active);
  auto f = decodeBody("<in:ApplyChargingReport " + kNs +
                      "><in:callId>c</in:callId><in:timeUsed>5</in:timeUsed>"
                      "<in:callActive>0</in:callActive></in:ApplyChargingReport>");
  ASSERT_TRUE(f);
  EXPECT_FALSE(std::get<ApplyChargingReport>(*f).call_active);
  auto bad = decodeBody("<in:ApplyChargingReport " + kNs +
                        "><in:callId>c</in:callId><in:timeUsed>5</in:timeUsed>"
                        "<in:callActive>yes</in:callActive></in:ApplyChargingReport>");
  EXPECT_EQ(bad.error(), ScpErrc::InvalidValue);
}

std::string releaseWithCause(const std::string& cause) {
  return "<in:ReleaseCall " + kNs + "><in:callId>c</in:callId><in:cause>" + cause +
         "</in:cause></in:ReleaseCall>";
}

TEST(ScpOperations, DecodeRejectsCauseOutsideQ850Range) {
  EXPECT_EQ(decodeBody(releaseWithCause("0")).error(), ScpErrc::OutOfRange);
  EXPECT_EQ(decodeBody(releaseWithCause("128")).error(), ScpErrc::OutOfRange);
  EXPECT_EQ(decodeBody(releaseWithCause("-1")).error(), ScpErrc::InvalidValue);
  EXPECT_EQ(decodeBody(releaseWithCause("1000")).error(), ScpErrc::InvalidValue);
  EXPECT_TRUE(decodeBody(releaseWithCause("1")));
  EXPECT_TRUE(decodeBody(releaseWithCause("127")));
}

TEST(ScpOperations, DecodeRejectsWrongNamespace) {
  EXPECT_EQ(decodeBody(R"(<in:Continue xmlns:in="urn:insip:in:2"><in:callId>c</in:callId></in:Continue>)")
                .error(),
            ScpErrc::WrongNamespace);
  EXPECT_EQ(decodeBody("<Continue><callId>c</callId></Continue>").error(), ScpErrc::WrongNamespace);
  // Right operation namespace, child in another namespace.
  EXPECT_EQ(decodeBody("<in:Continue " + kNs +
                       R"(><x:callId xmlns:x="urn:other">c</x:callId></in:Continue>)")
                .error(),
            ScpErrc::WrongNamespace);
}

TEST(ScpOperations, DecodeRejectsMissingMandatoryElement) {
  EXPECT_EQ(decodeBody("<in:Continue " + kNs + "/>").error(), ScpErrc::MissingElement);
  EXPECT_EQ(decodeBody("<in:InitialDP " + kNs +
                       "><in:serviceKey>1</in:serviceKey><in:calledPartyNumber>1</in:calledPartyNumber>"
                       "<in:callingPartyNumber>2</in:callingPartyNumber>"
                       "<in:eventTypeBCSM>collectedInfo</in:eventTypeBCSM></in:InitialDP>")
                .error(),
            ScpErrc::MissingElement);
  EXPECT_EQ(decodeBody("<in:RequestReportBCSMEvent " + kNs +
                       "><in:callId>c</in:callId></in:RequestReportBCSMEvent>")
                .error(),
            ScpErrc::MissingElement);
  EXPECT_EQ(decodeBody("<in:RequestReportBCSMEvent " + kNs +
                       "><in:callId>c</in:callId><in:bcsmEvent><in:eventTypeBCSM>oAnswer"
                       "</in:eventTypeBCSM></in:bcsmEvent></in:RequestReportBCSMEvent>")
                .error(),
            ScpErrc::MissingElement);
}

TEST(ScpOperations, DecodeRejectsExtraMisplacedOrComplexElements) {
  // Order matters (xs:sequence).
  EXPECT_EQ(decodeBody("<in:ReleaseCall " + kNs +
                       "><in:cause>1</in:cause><in:callId>c</in:callId></in:ReleaseCall>")
                .error(),
            ScpErrc::MissingElement);
  EXPECT_EQ(decodeBody("<in:Continue " + kNs +
                       "><in:callId>c</in:callId><in:callId>d</in:callId></in:Continue>")
                .error(),
            ScpErrc::UnexpectedElement);
  EXPECT_EQ(decodeBody("<in:Continue " + kNs + ">text<in:callId>c</in:callId></in:Continue>").error(),
            ScpErrc::UnexpectedElement);
  EXPECT_EQ(decodeBody("<in:Continue " + kNs + "><in:callId><in:x/></in:callId></in:Continue>").error(),
            ScpErrc::NotSimpleContent);
  EXPECT_EQ(decodeBody("<in:Continue " + kNs + R"( a="1"><in:callId>c</in:callId></in:Continue>)").error(),
            ScpErrc::UnexpectedElement);
}

TEST(ScpOperations, DecodeAcceptsForeignAttributesSuchAsWsuId) {
  auto op = decodeBody(
      "<in:Continue " + kNs +
      R"( xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" wsu:Id="b1"><in:callId>c</in:callId></in:Continue>)");
  EXPECT_TRUE(op);
}

TEST(ScpOperations, DecodeRejectsBadValues) {
  EXPECT_EQ(decodeBody("<in:Foo " + kNs + "/>").error(), ScpErrc::UnknownOperation);
  EXPECT_EQ(decodeBody("<in:Continue " + kNs + "><in:callId>a b</in:callId></in:Continue>").error(),
            ScpErrc::InvalidValue);
  EXPECT_EQ(decodeBody("<in:Connect " + kNs +
                       "><in:callId>c</in:callId><in:destinationRoutingAddress>http://x"
                       "</in:destinationRoutingAddress></in:Connect>")
                .error(),
            ScpErrc::InvalidValue);
  EXPECT_EQ(decodeBody("<in:EventReportBCSM " + kNs +
                       "><in:callId>c</in:callId><in:eventTypeBCSM>oBusy</in:eventTypeBCSM>"
                       "<in:messageType>request</in:messageType></in:EventReportBCSM>")
                .error(),
            ScpErrc::InvalidValue);
  EXPECT_EQ(decodeBody("<in:ApplyCharging " + kNs +
                       "><in:callId>c</in:callId><in:maxCallPeriodDuration>0</in:maxCallPeriodDuration>"
                       "<in:releaseIfDurationExceeded>true</in:releaseIfDurationExceeded>"
                       "</in:ApplyCharging>")
                .error(),
            ScpErrc::OutOfRange);
}

TEST(ScpOperations, HostileDocumentsAreRejectedByTheHardenedParser) {
  EXPECT_EQ(decodeBody(R"(<!DOCTYPE x [<!ENTITY e "c">]><in:Continue xmlns:in="urn:insip:in:1"><in:callId>&e;</in:callId></in:Continue>)")
                .error(),
            ScpErrc::NotWellFormed);
  EXPECT_EQ(decodeBody("<in:Continue").error(), ScpErrc::NotWellFormed);
}

TEST(ScpOperations, EnvelopeMustHoldExactlyOneOperation) {
  const std::string env = R"(<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>)";
  const std::string op = "<in:Continue " + kNs + "><in:callId>c</in:callId></in:Continue>";
  EXPECT_TRUE(decodeEnvelope(env + op + "</e:Body></e:Envelope>"));
  EXPECT_EQ(decodeEnvelope(env + op + op + "</e:Body></e:Envelope>").error(), ScpErrc::BodyNotSingle);
  EXPECT_EQ(decodeEnvelope(env + "</e:Body></e:Envelope>").error(), ScpErrc::BodyNotSingle);
  EXPECT_EQ(decodeEnvelope(R"(<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>)" +
                           op + "</e:Body></e:Envelope>")
                .error(),
            ScpErrc::NotSoapEnvelope);
}

TEST(ScpOperations, EncodeRejectsInvalidOperations) {
  EXPECT_EQ(encodeBody(ReleaseCall{"c", 0}).error(), ScpErrc::OutOfRange);
  EXPECT_EQ(encodeBody(Continue{""}).error(), ScpErrc::InvalidValue);
  EXPECT_EQ(encodeBody(Connect{"c", "12 34", {}, {}, {}}).error(), ScpErrc::InvalidValue);
  EXPECT_EQ(encodeBody(RequestReportBcsmEvent{"c", {}}).error(), ScpErrc::MissingElement);
  EXPECT_EQ(encodeBody(FurnishChargingInformation{"c", std::string("a\x01", 2)}).error(),
            ScpErrc::InvalidValue);
  EXPECT_EQ(encodeBody(FurnishChargingInformation{"c", "\xc3"}).error(), ScpErrc::InvalidValue);
  EXPECT_EQ(encodeBody(FurnishChargingInformation{"c", std::string(1025, 'x')}).error(),
            ScpErrc::InvalidValue);
  // 1024 two-byte characters are 1024 characters, within maxLength.
  std::string umlauts;
  for (int i = 0; i < 1024; ++i) umlauts += "\xc3\xa4";
  EXPECT_TRUE(encodeBody(FurnishChargingInformation{"c", umlauts}));
  InitialDP idp = sampleInitialDp();
  idp.service_key = "2147483648";
  EXPECT_EQ(encodeBody(idp).error(), ScpErrc::OutOfRange);
}

}  // namespace
}  // namespace insip::scp
