// SPDX-License-Identifier: Apache-2.0
//
// operations.hpp — the SCP protocol (docs/protocol/README.md, in.xsd): one plain struct per
// operation of our SOAP 1.2 mirror of INAP CS-1 (ITU-T Q.1218 §6: InitialDP, Connect, Continue,
// ReleaseCall, RequestReportBCSMEvent, EventReportBCSM, ApplyCharging, ApplyChargingReport,
// CallInformationRequest/Report, FurnishChargingInformation, ActivityTest), the Operation variant,
// and the codec between an Operation and the single child element of soap12:Body in namespace
// urn:insip:in:1. The codec enforces in.xsd (element order, mandatory elements, value types and
// ranges such as the Q.850 cause 1..127) in both directions, so whatever encodeBody() emits
// validates against the schema and decodeBody() never yields an Operation the schema would reject.
#pragma once

#include <libxml/tree.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/result.hpp"

namespace insip::scp {

inline constexpr const char* kInNamespace = "urn:insip:in:1";

/// INAP CS-1 EventTypeBCSM (Q.1218 §6.3; enumerated value in the comment). XML uses the names.
enum class EventTypeBcsm {
  OrigAttemptAuthorized = 1,
  CollectedInfo = 2,
  AnalysedInformation = 3,
  RouteSelectFailure = 4,
  OCalledPartyBusy = 5,
  ONoAnswer = 6,
  OAnswer = 7,
  OMidCall = 8,
  ODisconnect = 9,
  OAbandon = 10,
  TermAttemptAuthorized = 12,
  TBusy = 13,
  TNoAnswer = 14,
  TAnswer = 15,
  TMidCall = 16,
  TDisconnect = 17,
  TAbandon = 18,
};

enum class MonitorMode { Interrupted, NotifyAndContinue, Transparent };
enum class MessageType { Request, Notification };  // EventReportBCSM miscCallInfo
enum class RequestedInformationType {
  CallAttemptElapsedTime,
  CallStopTime,
  CallConnectedElapsedTime,
  CalledAddress,
  ReleaseCause,
};

std::string_view toString(EventTypeBcsm e) noexcept;
std::optional<EventTypeBcsm> parseEventTypeBcsm(std::string_view s) noexcept;
std::string_view toString(MonitorMode m) noexcept;
std::optional<MonitorMode> parseMonitorMode(std::string_view s) noexcept;
std::string_view toString(RequestedInformationType t) noexcept;
std::optional<RequestedInformationType> parseRequestedInformationType(std::string_view s) noexcept;

// Numbers are kept as the decimal/digit strings of the wire (E.164 with optional '+', or national
// digits; '*' and '#' allowed). destinationRoutingAddress may also be a sip:/sips: URI.

/// SSP -> SCP: a trigger detection point was met (the call's first message; opens the dialogue).
struct InitialDP {
  std::string call_id;
  std::string service_key;  // 0..2147483647
  std::string called_party_number;
  std::string calling_party_number;
  std::optional<std::string> calling_partys_category;  // Q.763 §3.11, 0..255
  EventTypeBcsm event_type_bcsm = EventTypeBcsm::CollectedInfo;
  std::optional<std::string> redirecting_party_id;
  std::optional<std::string> original_called_party_id;
  /// The UA's own signed+encrypted SOAP envelope, raw bytes (base64 on the wire), unopened.
  std::optional<std::string> user_service_request;
  bool operator==(const InitialDP&) const = default;
};

/// SCP -> SSP: route the call to destinationRoutingAddress, optionally rewriting identities.
struct Connect {
  std::string call_id;
  std::string destination_routing_address;
  std::optional<std::string> calling_party_number;
  std::optional<std::string> original_called_party_id;
  std::optional<std::string> redirecting_party_id;
  bool operator==(const Connect&) const = default;
};

/// SCP -> SSP: continue call processing unchanged.
struct Continue {
  std::string call_id;
  bool operator==(const Continue&) const = default;
};

/// SCP -> SSP: release the call with a Q.850 cause value (1..127).
struct ReleaseCall {
  std::string call_id;
  int cause = 16;  // normal call clearing
  bool operator==(const ReleaseCall&) const = default;
};

struct BcsmEvent {
  EventTypeBcsm event_type = EventTypeBcsm::OAnswer;
  MonitorMode monitor_mode = MonitorMode::NotifyAndContinue;
  std::optional<std::string> leg_id;  // "1" (calling) or "2" (called)
  bool operator==(const BcsmEvent&) const = default;
};

/// SCP -> SSP: arm event detection points (1..16 events).
struct RequestReportBcsmEvent {
  std::string call_id;
  std::vector<BcsmEvent> events;
  bool operator==(const RequestReportBcsmEvent&) const = default;
};

/// SSP -> SCP: an armed event occurred.
struct EventReportBcsm {
  std::string call_id;
  EventTypeBcsm event_type = EventTypeBcsm::OAnswer;
  std::optional<std::string> leg_id;
  MessageType message_type = MessageType::Notification;  // request = EDP-R (SSP waits)
  std::optional<int> cause;                               // Q.850, e.g. for busy / disconnect
  bool operator==(const EventReportBcsm&) const = default;
};

/// SCP -> SSP: limit the call period; report at the end or when the period expires.
struct ApplyCharging {
  std::string call_id;
  std::string max_call_period_duration;  // seconds, 1..864000
  bool release_if_duration_exceeded = true;
  bool operator==(const ApplyCharging&) const = default;
};

/// SSP -> SCP: time used in the period applied by ApplyCharging.
struct ApplyChargingReport {
  std::string call_id;
  std::string time_used;  // seconds, 0..864000
  bool call_active = false;
  bool operator==(const ApplyChargingReport&) const = default;
};

/// SCP -> SSP: ask for call information reported at the end of the call (1..5 types).
struct CallInformationRequest {
  std::string call_id;
  std::vector<RequestedInformationType> requested;
  bool operator==(const CallInformationRequest&) const = default;
};

struct RequestedInformation {
  RequestedInformationType type = RequestedInformationType::CallConnectedElapsedTime;
  std::string value;  // seconds, UTC dateTime, address or cause, as the type says
  bool operator==(const RequestedInformation&) const = default;
};

/// SSP -> SCP: the requested information.
struct CallInformationReport {
  std::string call_id;
  std::vector<RequestedInformation> information;
  bool operator==(const CallInformationReport&) const = default;
};

/// SCP -> SSP: charging data to put in the call detail record (opaque text, <= 1024 chars).
struct FurnishChargingInformation {
  std::string call_id;
  std::string billing_charging_characteristics;
  bool operator==(const FurnishChargingInformation&) const = default;
};

/// Either side: does the dialogue for call_id still exist?
struct ActivityTest {
  std::string call_id;
  bool operator==(const ActivityTest&) const = default;
};

struct ActivityTestResponse {
  std::string call_id;
  bool operator==(const ActivityTestResponse&) const = default;
};

using Operation =
    std::variant<InitialDP, Connect, Continue, ReleaseCall, RequestReportBcsmEvent, EventReportBcsm,
                 ApplyCharging, ApplyChargingReport, CallInformationRequest, CallInformationReport,
                 FurnishChargingInformation, ActivityTest, ActivityTestResponse>;

/// The local element name of the operation ("InitialDP", "RequestReportBCSMEvent", ...).
std::string_view operationName(const Operation& op) noexcept;
/// The dialogue key every operation carries.
const std::string& callIdOf(const Operation& op) noexcept;

/// Checks an Operation against in.xsd (the same checks decodeBody applies).
util::Result<void> validate(const Operation& op);

/// Serialises the operation as the Body child element, e.g.
/// `<in:InitialDP xmlns:in="urn:insip:in:1">...</in:InitialDP>`. Fails if validate() fails.
util::Result<std::string> encodeBody(const Operation& op);
/// A complete SOAP 1.2 envelope (no Header) carrying encodeBody(op).
util::Result<std::string> encodeEnvelope(const Operation& op);

/// Decodes the single child element of soap12:Body (already parsed, e.g. after WS-Security
/// verification and decryption).
util::Result<Operation> decodeBody(const xmlNode* body_child);
/// Parses `xml` (one operation element as a document) with the hardened parser and decodes it.
util::Result<Operation> decodeBody(std::string_view xml);
/// Parses a SOAP 1.2 envelope with the hardened parser and decodes its single Body child.
util::Result<Operation> decodeEnvelope(std::string_view xml);

}  // namespace insip::scp
