// SPDX-License-Identifier: Apache-2.0
#include "scp/operations.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <utility>

#include "scp/errors.hpp"
#include "wssec/xml.hpp"

namespace insip::scp {

namespace {

// ---------------------------------------------------------------- enum tables
constexpr std::array<std::pair<EventTypeBcsm, std::string_view>, 17> kEventNames{{
    {EventTypeBcsm::OrigAttemptAuthorized, "origAttemptAuthorized"},
    {EventTypeBcsm::CollectedInfo, "collectedInfo"},
    {EventTypeBcsm::AnalysedInformation, "analysedInformation"},
    {EventTypeBcsm::RouteSelectFailure, "routeSelectFailure"},
    {EventTypeBcsm::OCalledPartyBusy, "oCalledPartyBusy"},
    {EventTypeBcsm::ONoAnswer, "oNoAnswer"},
    {EventTypeBcsm::OAnswer, "oAnswer"},
    {EventTypeBcsm::OMidCall, "oMidCall"},
    {EventTypeBcsm::ODisconnect, "oDisconnect"},
    {EventTypeBcsm::OAbandon, "oAbandon"},
    {EventTypeBcsm::TermAttemptAuthorized, "termAttemptAuthorized"},
    {EventTypeBcsm::TBusy, "tBusy"},
    {EventTypeBcsm::TNoAnswer, "tNoAnswer"},
    {EventTypeBcsm::TAnswer, "tAnswer"},
    {EventTypeBcsm::TMidCall, "tMidCall"},
    {EventTypeBcsm::TDisconnect, "tDisconnect"},
    {EventTypeBcsm::TAbandon, "tAbandon"},
}};
constexpr std::array<std::pair<MonitorMode, std::string_view>, 3> kModeNames{{
    {MonitorMode::Interrupted, "interrupted"},
    {MonitorMode::NotifyAndContinue, "notifyAndContinue"},
    {MonitorMode::Transparent, "transparent"},
}};
constexpr std::array<std::pair<RequestedInformationType, std::string_view>, 5> kInfoNames{{
    {RequestedInformationType::CallAttemptElapsedTime, "callAttemptElapsedTime"},
    {RequestedInformationType::CallStopTime, "callStopTime"},
    {RequestedInformationType::CallConnectedElapsedTime, "callConnectedElapsedTime"},
    {RequestedInformationType::CalledAddress, "calledAddress"},
    {RequestedInformationType::ReleaseCause, "releaseCause"},
}};
constexpr std::array<std::pair<MessageType, std::string_view>, 2> kMessageTypeNames{{
    {MessageType::Request, "request"},
    {MessageType::Notification, "notification"},
}};

template <class E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& t, E e) noexcept {
  for (const auto& [v, n] : t) {
    if (v == e) return n;
  }
  return {};
}
template <class E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, std::string_view>, N>& t,
                         std::string_view s) noexcept {
  for (const auto& [v, n] : t) {
    if (n == s) return v;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- value checks (in.xsd types)
constexpr std::size_t kMaxUserServiceRequest = 262144;
constexpr std::uint64_t kMaxDuration = 864000;  // 10 days in seconds

bool isDigits(std::string_view s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::uint64_t digitsValue(std::string_view s) {  // caller checked isDigits, <= 19 digits
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

bool isPrintableAscii(std::string_view s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// CallIdType: [!-~]{1,128}
bool isCallId(std::string_view s) { return isPrintableAscii(s, 128); }

// PartyNumberType: \+?[0-9*#]{1,32}
bool isPartyNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '*' || c == '#')) return false;
  }
  return true;
}

// RoutingAddressType: PartyNumberType | sips?:[!-~]{1,250}
bool isRoutingAddress(std::string_view s) {
  if (isPartyNumber(s)) return true;
  std::string_view rest;
  if (s.starts_with("sip:")) {
    rest = s.substr(4);
  } else if (s.starts_with("sips:")) {
    rest = s.substr(5);
  } else {
    return false;
  }
  return isPrintableAscii(rest, 250);
}

// Free text (xs:string with minLength/maxLength in characters): valid UTF-8, XML 1.0 Char only.
bool isText(std::string_view s, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp;
    std::size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) return false;
    if (cp == 0xFFFE || cp == 0xFFFF) return false;
    i += len;
    ++chars;
  }
  return chars >= 1 && chars <= max_chars;
}

std::error_code checkCallId(const std::string& s) {
  return isCallId(s) ? std::error_code{} : util::fail(ScpErrc::InvalidValue);
}
std::error_code checkNumber(const std::string& s) {
  return isPartyNumber(s) ? std::error_code{} : util::fail(ScpErrc::InvalidValue);
}
std::error_code checkNumber(const std::optional<std::string>& s) {
  return s ? checkNumber(*s) : std::error_code{};
}
std::error_code checkUnsigned(const std::string& s, std::size_t max_digits, std::uint64_t lo,
                              std::uint64_t hi) {
  if (!isDigits(s, max_digits)) return util::fail(ScpErrc::InvalidValue);
  const auto v = digitsValue(s);
  return (v < lo || v > hi) ? util::fail(ScpErrc::OutOfRange) : std::error_code{};
}
std::error_code checkCause(int cause) {
  return (cause < 1 || cause > 127) ? util::fail(ScpErrc::OutOfRange) : std::error_code{};
}
std::error_code checkLeg(const std::optional<std::string>& leg) {
  return (!leg || *leg == "1" || *leg == "2") ? std::error_code{}
                                              : util::fail(ScpErrc::InvalidValue);
}
std::error_code checkEvent(EventTypeBcsm e) {
  return nameOf(kEventNames, e).empty() ? util::fail(ScpErrc::InvalidValue) : std::error_code{};
}

/// First non-empty error of the list.
std::error_code firstOf(std::initializer_list<std::error_code> errs) {
  for (const auto& e : errs) {
    if (e) return e;
  }
  return {};
}

std::error_code check(const InitialDP& o) {
  return firstOf({checkCallId(o.call_id), checkUnsigned(o.service_key, 10, 0, 2147483647),
                  checkNumber(o.called_party_number), checkNumber(o.calling_party_number),
                  o.calling_partys_category ? checkUnsigned(*o.calling_partys_category, 3, 0, 255)
                                            : std::error_code{},
                  checkEvent(o.event_type_bcsm), checkNumber(o.redirecting_party_id),
                  checkNumber(o.original_called_party_id),
                  (o.user_service_request && (o.user_service_request->empty() ||
                                              o.user_service_request->size() > kMaxUserServiceRequest))
                      ? util::fail(ScpErrc::InvalidValue)
                      : std::error_code{}});
}
std::error_code check(const Connect& o) {
  return firstOf({checkCallId(o.call_id),
                  isRoutingAddress(o.destination_routing_address) ? std::error_code{}
                                                                  : util::fail(ScpErrc::InvalidValue),
                  checkNumber(o.calling_party_number), checkNumber(o.original_called_party_id),
                  checkNumber(o.redirecting_party_id)});
}
std::error_code check(const Continue& o) { return checkCallId(o.call_id); }
std::error_code check(const ReleaseCall& o) {
  return firstOf({checkCallId(o.call_id), checkCause(o.cause)});
}
std::error_code check(const RequestReportBcsmEvent& o) {
  if (auto e = checkCallId(o.call_id)) return e;
  if (o.events.empty()) return util::fail(ScpErrc::MissingElement);
  if (o.events.size() > 16) return util::fail(ScpErrc::UnexpectedElement);
  for (const auto& ev : o.events) {
    if (auto e = firstOf({checkEvent(ev.event_type),
                          nameOf(kModeNames, ev.monitor_mode).empty()
                              ? util::fail(ScpErrc::InvalidValue)
                              : std::error_code{},
                          checkLeg(ev.leg_id)})) {
      return e;
    }
  }
  return {};
}
std::error_code check(const EventReportBcsm& o) {
  return firstOf({checkCallId(o.call_id), checkEvent(o.event_type), checkLeg(o.leg_id),
                  nameOf(kMessageTypeNames, o.message_type).empty()
                      ? util::fail(ScpErrc::InvalidValue)
                      : std::error_code{},
                  o.cause ? checkCause(*o.cause) : std::error_code{}});
}
std::error_code check(const ApplyCharging& o) {
  return firstOf({checkCallId(o.call_id), checkUnsigned(o.max_call_period_duration, 6, 1, kMaxDuration)});
}
std::error_code check(const ApplyChargingReport& o) {
  return firstOf({checkCallId(o.call_id), checkUnsigned(o.time_used, 6, 0, kMaxDuration)});
}
std::error_code check(const CallInformationRequest& o) {
  if (auto e = checkCallId(o.call_id)) return e;
  if (o.requested.empty()) return util::fail(ScpErrc::MissingElement);
  if (o.requested.size() > 5) return util::fail(ScpErrc::UnexpectedElement);
  for (auto t : o.requested) {
    if (nameOf(kInfoNames, t).empty()) return util::fail(ScpErrc::InvalidValue);
  }
  return {};
}
std::error_code check(const CallInformationReport& o) {
  if (auto e = checkCallId(o.call_id)) return e;
  if (o.information.empty()) return util::fail(ScpErrc::MissingElement);
  if (o.information.size() > 5) return util::fail(ScpErrc::UnexpectedElement);
  for (const auto& i : o.information) {
    if (nameOf(kInfoNames, i.type).empty() || !isText(i.value, 256)) {
      return util::fail(ScpErrc::InvalidValue);
    }
  }
  return {};
}
std::error_code check(const FurnishChargingInformation& o) {
  return firstOf({checkCallId(o.call_id), isText(o.billing_charging_characteristics, 1024)
                                              ? std::error_code{}
                                              : util::fail(ScpErrc::InvalidValue)});
}
std::error_code check(const ActivityTest& o) { return checkCallId(o.call_id); }
std::error_code check(const ActivityTestResponse& o) { return checkCallId(o.call_id); }

// ---------------------------------------------------------------- encoding
class Writer {
 public:
  explicit Writer(std::string_view op) : op_(op) {
    out_.reserve(512);
    out_ += "<in:";
    out_ += op_;
    out_ += " xmlns:in=\"";
    out_ += kInNamespace;
    out_ += "\">";
  }
  void el(std::string_view name, std::string_view value) {
    open(name);
    escape(value);
    close(name);
  }
  void opt(std::string_view name, const std::optional<std::string>& v) {
    if (v) el(name, *v);
  }
  void open(std::string_view name) {
    out_ += "<in:";
    out_ += name;
    out_ += '>';
  }
  void close(std::string_view name) {
    out_ += "</in:";
    out_ += name;
    out_ += '>';
  }
  std::string finish() && {
    close(op_);
    return std::move(out_);
  }

 private:
  void escape(std::string_view v) {
    for (char c : v) {
      switch (c) {
        case '&': out_ += "&amp;"; break;
        case '<': out_ += "&lt;"; break;
        case '>': out_ += "&gt;"; break;
        case '\r': out_ += "&#13;"; break;  // keep CR through end-of-line normalisation
        default: out_ += c;
      }
    }
  }
  std::string_view op_;
  std::string out_;
};

std::string_view boolText(bool b) { return b ? "true" : "false"; }

void write(Writer& w, const InitialDP& o) {
  w.el("callId", o.call_id);
  w.el("serviceKey", o.service_key);
  w.el("calledPartyNumber", o.called_party_number);
  w.el("callingPartyNumber", o.calling_party_number);
  w.opt("callingPartysCategory", o.calling_partys_category);
  w.el("eventTypeBCSM", nameOf(kEventNames, o.event_type_bcsm));
  w.opt("redirectingPartyID", o.redirecting_party_id);
  w.opt("originalCalledPartyID", o.original_called_party_id);
  if (o.user_service_request) w.el("userServiceRequest", wssec::base64Encode(*o.user_service_request));
}
void write(Writer& w, const Connect& o) {
  w.el("callId", o.call_id);
  w.el("destinationRoutingAddress", o.destination_routing_address);
  w.opt("callingPartyNumber", o.calling_party_number);
  w.opt("originalCalledPartyID", o.original_called_party_id);
  w.opt("redirectingPartyID", o.redirecting_party_id);
}
void write(Writer& w, const Continue& o) { w.el("callId", o.call_id); }
void write(Writer& w, const ReleaseCall& o) {
  w.el("callId", o.call_id);
  w.el("cause", std::to_string(o.cause));
}
void write(Writer& w, const RequestReportBcsmEvent& o) {
  w.el("callId", o.call_id);
  for (const auto& ev : o.events) {
    w.open("bcsmEvent");
    w.el("eventTypeBCSM", nameOf(kEventNames, ev.event_type));
    w.el("monitorMode", nameOf(kModeNames, ev.monitor_mode));
    w.opt("legID", ev.leg_id);
    w.close("bcsmEvent");
  }
}
void write(Writer& w, const EventReportBcsm& o) {
  w.el("callId", o.call_id);
  w.el("eventTypeBCSM", nameOf(kEventNames, o.event_type));
  w.opt("legID", o.leg_id);
  w.el("messageType", nameOf(kMessageTypeNames, o.message_type));
  if (o.cause) w.el("cause", std::to_string(*o.cause));
}
void write(Writer& w, const ApplyCharging& o) {
  w.el("callId", o.call_id);
  w.el("maxCallPeriodDuration", o.max_call_period_duration);
  w.el("releaseIfDurationExceeded", boolText(o.release_if_duration_exceeded));
}
void write(Writer& w, const ApplyChargingReport& o) {
  w.el("callId", o.call_id);
  w.el("timeUsed", o.time_used);
  w.el("callActive", boolText(o.call_active));
}
void write(Writer& w, const CallInformationRequest& o) {
  w.el("callId", o.call_id);
  for (auto t : o.requested) w.el("requestedInformationType", nameOf(kInfoNames, t));
}
void write(Writer& w, const CallInformationReport& o) {
  w.el("callId", o.call_id);
  for (const auto& i : o.information) {
    w.open("requestedInformation");
    w.el("requestedInformationType", nameOf(kInfoNames, i.type));
    w.el("requestedInformationValue", i.value);
    w.close("requestedInformation");
  }
}
void write(Writer& w, const FurnishChargingInformation& o) {
  w.el("callId", o.call_id);
  w.el("billingChargingCharacteristics", o.billing_charging_characteristics);
}
void write(Writer& w, const ActivityTest& o) { w.el("callId", o.call_id); }
void write(Writer& w, const ActivityTestResponse& o) { w.el("callId", o.call_id); }

// ---------------------------------------------------------------- decoding
bool isXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trimmed(std::string s) {
  std::size_t b = 0, e = s.size();
  while (b < e && isXmlSpace(s[b])) ++b;
  while (e > b && isXmlSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool inNs(const xmlNode* n) {
  return n->ns != nullptr && n->ns->href != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(n->ns->href), kInNamespace) == 0;
}

/// Element-only content: no non-whitespace text between the children (xs:sequence).
bool elementOnly(const xmlNode* n) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      for (const xmlChar* p = c->content; p && *p; ++p) {
        if (!isXmlSpace(static_cast<char>(*p))) return false;
      }
    }
  }
  return true;
}

/// Reads the children of one complex element in xs:sequence order; the first error sticks.
class Seq {
 public:
  explicit Seq(const xmlNode* parent) {
    if (parent == nullptr) {
      fail(ScpErrc::MissingElement);
      return;
    }
    if (!elementOnly(parent)) fail(ScpErrc::UnexpectedElement);
    kids_ = wssec::childElements(parent);
    for (const xmlNode* k : kids_) {
      if (!inNs(k)) fail(ScpErrc::WrongNamespace);
    }
  }

  bool next(const char* name) const {
    return !err_ && i_ < kids_.size() &&
           std::strcmp(reinterpret_cast<const char*>(kids_[i_]->name), name) == 0;
  }
  /// Mandatory complex child; nullptr (and MissingElement) if absent.
  const xmlNode* child(const char* name) {
    if (err_) return nullptr;
    if (!next(name)) {
      fail(ScpErrc::MissingElement);
      return nullptr;
    }
    return kids_[i_++];
  }
  std::string req(const char* name, bool trim = true) {
    const xmlNode* n = child(name);
    return n ? text(n, trim) : std::string();
  }
  std::optional<std::string> opt(const char* name, bool trim = true) {
    if (!next(name)) return std::nullopt;
    return text(kids_[i_++], trim);
  }
  template <class E, std::size_t N>
  E enumOf(const std::array<std::pair<E, std::string_view>, N>& table, std::string s) {
    if (err_) return E{};
    auto v = valueOf(table, s);
    if (!v) {
      fail(ScpErrc::InvalidValue);
      return E{};
    }
    return *v;
  }
  int intOf(const std::string& s) {
    if (err_) return 0;
    if (!isDigits(s, 3)) {
      fail(ScpErrc::InvalidValue);
      return 0;
    }
    return static_cast<int>(digitsValue(s));
  }
  bool boolOf(const std::string& s) {
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
    fail(ScpErrc::InvalidValue);
    return false;
  }
  std::error_code end() {
    if (!err_ && i_ != kids_.size()) fail(ScpErrc::UnexpectedElement);
    return err_;
  }
  void fail(ScpErrc e) {
    if (!err_) err_ = util::fail(e);
  }
  void adopt(std::error_code e) {
    if (!err_ && e) err_ = e;
  }
  std::error_code error() const { return err_; }

 private:
  std::string text(const xmlNode* n, bool trim) {
    if (n->properties != nullptr) fail(ScpErrc::UnexpectedElement);  // simple types: no attributes
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE) {
        fail(ScpErrc::NotSimpleContent);
        return {};
      }
    }
    std::string s = wssec::textContent(n);
    return trim ? trimmed(std::move(s)) : s;
  }

  std::vector<xmlNode*> kids_;
  std::size_t i_ = 0;
  std::error_code err_;
};

template <class T>
util::Result<Operation> finish(Seq& s, T&& op) {
  if (auto e = s.end()) return e;
  if (auto e = check(op)) return e;
  return Operation{std::forward<T>(op)};
}

util::Result<Operation> readInitialDp(Seq& s) {
  InitialDP o;
  o.call_id = s.req("callId");
  o.service_key = s.req("serviceKey");
  o.called_party_number = s.req("calledPartyNumber");
  o.calling_party_number = s.req("callingPartyNumber");
  o.calling_partys_category = s.opt("callingPartysCategory");
  o.event_type_bcsm = s.enumOf(kEventNames, s.req("eventTypeBCSM"));
  o.redirecting_party_id = s.opt("redirectingPartyID");
  o.original_called_party_id = s.opt("originalCalledPartyID");
  if (auto usr = s.opt("userServiceRequest")) {
    std::string raw;
    if (!wssec::base64Decode(*usr, raw)) s.fail(ScpErrc::InvalidValue);
    o.user_service_request = std::move(raw);
  }
  return finish(s, std::move(o));
}
util::Result<Operation> readConnect(Seq& s) {
  Connect o;
  o.call_id = s.req("callId");
  o.destination_routing_address = s.req("destinationRoutingAddress");
  o.calling_party_number = s.opt("callingPartyNumber");
  o.original_called_party_id = s.opt("originalCalledPartyID");
  o.redirecting_party_id = s.opt("redirectingPartyID");
  return finish(s, std::move(o));
}
template <class T>
util::Result<Operation> readCallIdOnly(Seq& s) {
  T o;
  o.call_id = s.req("callId");
  return finish(s, std::move(o));
}
util::Result<Operation> readReleaseCall(Seq& s) {
  ReleaseCall o;
  o.call_id = s.req("callId");
  o.cause = s.intOf(s.req("cause"));
  return finish(s, std::move(o));
}
util::Result<Operation> readRequestReport(Seq& s) {
  RequestReportBcsmEvent o;
  o.call_id = s.req("callId");
  if (!s.next("bcsmEvent")) s.fail(ScpErrc::MissingElement);
  while (s.next("bcsmEvent")) {
    Seq ev(s.child("bcsmEvent"));
    BcsmEvent e;
    e.event_type = ev.enumOf(kEventNames, ev.req("eventTypeBCSM"));
    e.monitor_mode = ev.enumOf(kModeNames, ev.req("monitorMode"));
    e.leg_id = ev.opt("legID");
    s.adopt(ev.end());
    o.events.push_back(std::move(e));
  }
  return finish(s, std::move(o));
}
util::Result<Operation> readEventReport(Seq& s) {
  EventReportBcsm o;
  o.call_id = s.req("callId");
  o.event_type = s.enumOf(kEventNames, s.req("eventTypeBCSM"));
  o.leg_id = s.opt("legID");
  o.message_type = s.enumOf(kMessageTypeNames, s.req("messageType"));
  if (auto c = s.opt("cause")) o.cause = s.intOf(*c);
  return finish(s, std::move(o));
}
util::Result<Operation> readApplyCharging(Seq& s) {
  ApplyCharging o;
  o.call_id = s.req("callId");
  o.max_call_period_duration = s.req("maxCallPeriodDuration");
  o.release_if_duration_exceeded = s.boolOf(s.req("releaseIfDurationExceeded"));
  return finish(s, std::move(o));
}
util::Result<Operation> readApplyChargingReport(Seq& s) {
  ApplyChargingReport o;
  o.call_id = s.req("callId");
  o.time_used = s.req("timeUsed");
  o.call_active = s.boolOf(s.req("callActive"));
  return finish(s, std::move(o));
}
util::Result<Operation> readCallInfoRequest(Seq& s) {
  CallInformationRequest o;
  o.call_id = s.req("callId");
  if (!s.next("requestedInformationType")) s.fail(ScpErrc::MissingElement);
  while (s.next("requestedInformationType")) {
    o.requested.push_back(s.enumOf(kInfoNames, s.req("requestedInformationType")));
  }
  return finish(s, std::move(o));
}
util::Result<Operation> readCallInfoReport(Seq& s) {
  CallInformationReport o;
  o.call_id = s.req("callId");
  if (!s.next("requestedInformation")) s.fail(ScpErrc::MissingElement);
  while (s.next("requestedInformation")) {
    Seq in(s.child("requestedInformation"));
    RequestedInformation ri;
    ri.type = in.enumOf(kInfoNames, in.req("requestedInformationType"));
    ri.value = in.req("requestedInformationValue", /*trim=*/false);
    s.adopt(in.end());
    o.information.push_back(std::move(ri));
  }
  return finish(s, std::move(o));
}
util::Result<Operation> readFci(Seq& s) {
  FurnishChargingInformation o;
  o.call_id = s.req("callId");
  o.billing_charging_characteristics = s.req("billingChargingCharacteristics", /*trim=*/false);
  return finish(s, std::move(o));
}

using Reader = util::Result<Operation> (*)(Seq&);
struct OpEntry {
  std::string_view name;
  Reader read;
};
constexpr OpEntry kOps[] = {
    {"InitialDP", readInitialDp},
    {"Connect", readConnect},
    {"Continue", readCallIdOnly<Continue>},
    {"ReleaseCall", readReleaseCall},
    {"RequestReportBCSMEvent", readRequestReport},
    {"EventReportBCSM", readEventReport},
    {"ApplyCharging", readApplyCharging},
    {"ApplyChargingReport", readApplyChargingReport},
    {"CallInformationRequest", readCallInfoRequest},
    {"CallInformationReport", readCallInfoReport},
    {"FurnishChargingInformation", readFci},
    {"ActivityTest", readCallIdOnly<ActivityTest>},
    {"ActivityTestResponse", readCallIdOnly<ActivityTestResponse>},
};
static_assert(std::size(kOps) == std::variant_size_v<Operation>);

}  // namespace

std::string_view toString(EventTypeBcsm e) noexcept { return nameOf(kEventNames, e); }
std::optional<EventTypeBcsm> parseEventTypeBcsm(std::string_view s) noexcept {
  return valueOf(kEventNames, s);
}
std::string_view toString(MonitorMode m) noexcept { return nameOf(kModeNames, m); }
std::optional<MonitorMode> parseMonitorMode(std::string_view s) noexcept {
  return valueOf(kModeNames, s);
}
std::string_view toString(RequestedInformationType t) noexcept { return nameOf(kInfoNames, t); }
std::optional<RequestedInformationType> parseRequestedInformationType(std::string_view s) noexcept {
  return valueOf(kInfoNames, s);
}

std::string_view operationName(const Operation& op) noexcept { return kOps[op.index()].name; }

const std::string& callIdOf(const Operation& op) noexcept {
  return std::visit([](const auto& o) -> const std::string& { return o.call_id; }, op);
}

util::Result<void> validate(const Operation& op) {
  if (auto e = std::visit([](const auto& o) { return check(o); }, op)) return e;
  return {};
}

util::Result<std::string> encodeBody(const Operation& op) {
  if (auto ok = validate(op); !ok) return ok.error();
  Writer w(operationName(op));
  std::visit([&w](const auto& o) { write(w, o); }, op);
  return std::move(w).finish();
}

util::Result<std::string> encodeEnvelope(const Operation& op) {
  auto body = encodeBody(op);
  if (!body) return body.error();
  std::string out = "<env:Envelope xmlns:env=\"";
  out += wssec::ns::kSoap12;
  out += "\"><env:Body>";
  out += *body;
  out += "</env:Body></env:Envelope>";
  return out;
}

util::Result<Operation> decodeBody(const xmlNode* body_child) {
  if (body_child == nullptr || body_child->type != XML_ELEMENT_NODE) {
    return util::fail(ScpErrc::BodyNotSingle);
  }
  if (!inNs(body_child)) return util::fail(ScpErrc::WrongNamespace);
  // Operation elements carry no attributes of our own (in.xsd: anyAttribute ##other, e.g. wsu:Id).
  for (const xmlAttr* a = body_child->properties; a != nullptr; a = a->next) {
    if (a->ns == nullptr || a->ns->href == nullptr ||
        std::strcmp(reinterpret_cast<const char*>(a->ns->href), kInNamespace) == 0) {
      return util::fail(ScpErrc::UnexpectedElement);
    }
  }
  const std::string_view name = reinterpret_cast<const char*>(body_child->name);
  for (const OpEntry& e : kOps) {
    if (e.name == name) {
      Seq s(body_child);
      if (auto err = s.error()) return err;
      return e.read(s);
    }
  }
  return util::fail(ScpErrc::UnknownOperation);
}

util::Result<Operation> decodeBody(std::string_view xml) {
  auto doc = wssec::parseXml(xml, wssec::ParseLimits{});
  if (!doc) return util::fail(ScpErrc::NotWellFormed);
  return decodeBody(xmlDocGetRootElement(doc->get()));
}

util::Result<Operation> decodeEnvelope(std::string_view xml) {
  auto doc = wssec::parseXml(xml, wssec::ParseLimits{});
  if (!doc) return util::fail(ScpErrc::NotWellFormed);
  const xmlNode* env = xmlDocGetRootElement(doc->get());
  if (!wssec::isElement(env, wssec::ns::kSoap12, "Envelope")) {
    return util::fail(ScpErrc::NotSoapEnvelope);
  }
  const xmlNode* body = nullptr;
  for (const xmlNode* c : wssec::childElements(env)) {
    if (wssec::isElement(c, wssec::ns::kSoap12, "Body")) body = c;
  }
  if (body == nullptr) return util::fail(ScpErrc::NotSoapEnvelope);
  const auto kids = wssec::childElements(body);
  if (kids.size() != 1 || !elementOnly(body)) return util::fail(ScpErrc::BodyNotSingle);
  return decodeBody(kids.front());
}

}  // namespace insip::scp
