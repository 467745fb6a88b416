// SPDX-License-Identifier: Apache-2.0
//
// message.cpp — Message accessors, method tokens, canonical header names (RFC 3261 §7.3.3 compact
// forms plus RFC 3515/3265/4028/3841/4474), Via (RFC 3261 §20.42, RFC 5118), makeResponse
// (RFC 3261 §8.2.6) and the default reason phrases (RFC 3261 §21 and later registrations).
#include "sip/message.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "sip/syntax.hpp"

namespace insip::sip {
namespace detail {

namespace {

struct KnownHeader {
  std::string_view name;
  HeaderId id;
};

// Canonical long names, as registered at IANA (case as in the defining RFC).
constexpr KnownHeader kKnown[] = {
    {"Accept", HeaderId::Other}, {"Accept-Contact", HeaderId::Other},
    {"Accept-Encoding", HeaderId::Other}, {"Accept-Language", HeaderId::Other},
    {"Accept-Resource-Priority", HeaderId::Other}, {"Alert-Info", HeaderId::Other},
    {"Allow", HeaderId::Other}, {"Allow-Events", HeaderId::Other},
    {"Answer-Mode", HeaderId::Other}, {"Authentication-Info", HeaderId::Other},
    {"Authorization", HeaderId::Other}, {"Call-ID", HeaderId::CallId},
    {"Call-Info", HeaderId::Other}, {"Contact", HeaderId::Contact},
    {"Content-Disposition", HeaderId::Other}, {"Content-Encoding", HeaderId::Other},
    {"Content-ID", HeaderId::Other}, {"Content-Language", HeaderId::Other},
    {"Content-Length", HeaderId::ContentLength}, {"Content-Type", HeaderId::ContentType},
    {"CSeq", HeaderId::CSeq}, {"Date", HeaderId::Other}, {"Diversion", HeaderId::Other},
    {"Error-Info", HeaderId::Other}, {"Event", HeaderId::Other},
    {"Expires", HeaderId::Expires}, {"Flow-Timer", HeaderId::Other},
    {"From", HeaderId::From}, {"Geolocation", HeaderId::Other},
    {"History-Info", HeaderId::Other}, {"Identity", HeaderId::Other},
    {"Identity-Info", HeaderId::Other}, {"In-Reply-To", HeaderId::Other},
    {"Join", HeaderId::Other}, {"Max-Breadth", HeaderId::Other},
    {"Max-Forwards", HeaderId::MaxForwards}, {"MIME-Version", HeaderId::Other},
    {"Min-Expires", HeaderId::Other}, {"Min-SE", HeaderId::Other},
    {"Organization", HeaderId::Other}, {"P-Asserted-Identity", HeaderId::Other},
    {"P-Charging-Vector", HeaderId::Other}, {"P-Preferred-Identity", HeaderId::Other},
    {"Path", HeaderId::Other}, {"Priority", HeaderId::Other},
    {"Priv-Answer-Mode", HeaderId::Other}, {"Privacy", HeaderId::Other},
    {"Proxy-Authenticate", HeaderId::Other}, {"Proxy-Authorization", HeaderId::Other},
    {"Proxy-Require", HeaderId::Other}, {"RAck", HeaderId::Other},
    {"Reason", HeaderId::Other}, {"Record-Route", HeaderId::RecordRoute},
    {"Refer-To", HeaderId::Other}, {"Referred-By", HeaderId::Other},
    {"Reject-Contact", HeaderId::Other}, {"Replaces", HeaderId::Other},
    {"Reply-To", HeaderId::Other}, {"Request-Disposition", HeaderId::Other},
    {"Require", HeaderId::Other}, {"Resource-Priority", HeaderId::Other},
    {"Retry-After", HeaderId::Other}, {"Route", HeaderId::Route}, {"RSeq", HeaderId::Other},
    {"Security-Client", HeaderId::Other}, {"Security-Server", HeaderId::Other},
    {"Security-Verify", HeaderId::Other}, {"Server", HeaderId::Other},
    {"Service-Route", HeaderId::Other}, {"Session-Expires", HeaderId::Other},
    {"SIP-ETag", HeaderId::Other}, {"SIP-If-Match", HeaderId::Other},
    {"Subject", HeaderId::Other}, {"Subscription-State", HeaderId::Other},
    {"Supported", HeaderId::Other}, {"Target-Dialog", HeaderId::Other},
    {"Timestamp", HeaderId::Other}, {"To", HeaderId::To}, {"Unsupported", HeaderId::Other},
    {"User-Agent", HeaderId::Other}, {"Via", HeaderId::Via}, {"Warning", HeaderId::Other},
    {"WWW-Authenticate", HeaderId::Other},
};

// RFC 3261 §7.3.3 and later registrations of compact forms.
struct Compact {
  char letter;
  std::string_view name;
  HeaderId id;
};
constexpr Compact kCompact[] = {
    {'a', "Accept-Contact", HeaderId::Other},     {'b', "Referred-By", HeaderId::Other},
    {'c', "Content-Type", HeaderId::ContentType}, {'d', "Request-Disposition", HeaderId::Other},
    {'e', "Content-Encoding", HeaderId::Other},   {'f', "From", HeaderId::From},
    {'i', "Call-ID", HeaderId::CallId},           {'j', "Reject-Contact", HeaderId::Other},
    {'k', "Supported", HeaderId::Other},          {'l', "Content-Length", HeaderId::ContentLength},
    {'m', "Contact", HeaderId::Contact},          {'n', "Identity-Info", HeaderId::Other},
    {'o', "Event", HeaderId::Other},              {'r', "Refer-To", HeaderId::Other},
    {'s', "Subject", HeaderId::Other},            {'t', "To", HeaderId::To},
    {'u', "Allow-Events", HeaderId::Other},       {'v', "Via", HeaderId::Via},
    {'x', "Session-Expires", HeaderId::Other},    {'y', "Identity", HeaderId::Other},
};

// Lookup index: names bucketed by (length, lower-case first letter); a bucket holds at most a
// few names, so a lookup is one index computation and one or two case-insensitive compares.
constexpr std::size_t kMaxKnownLength = 32;
struct KnownIndex {
  std::array<std::vector<const KnownHeader*>, kMaxKnownLength * 26> buckets;
  static std::size_t slot(std::size_t len, char first) {
    return len * 26 + static_cast<std::size_t>(toLower(first) - 'a');
  }
};

const KnownIndex& knownIndex() {
  static const KnownIndex index = [] {
    KnownIndex ix;
    for (const auto& k : kKnown) ix.buckets[KnownIndex::slot(k.name.size(), k.name[0])].push_back(&k);
    return ix;
  }();
  return index;
}

}  // namespace

std::string_view knownHeaderName(std::string_view name, HeaderId* id) {
  if (id) *id = HeaderId::Other;
  if (name.size() == 1) {
    char c = toLower(name[0]);
    for (const auto& k : kCompact) {
      if (k.letter == c) {
        if (id) *id = k.id;
        return k.name;
      }
    }
    return {};
  }
  if (name.size() >= kMaxKnownLength || name.empty()) return {};
  const char first = toLower(name[0]);
  if (first < 'a' || first > 'z') return {};
  for (const KnownHeader* k : knownIndex().buckets[KnownIndex::slot(name.size(), first)]) {
    if (iequals(k->name, name)) {
      if (id) *id = k->id;
      return k->name;
    }
  }
  return {};
}

void appendVia(std::string& out, const Via& via) {
  out.append(via.protocol);
  out.push_back('/');
  out.append(via.transport);
  out.push_back(' ');
  out.append(via.host);
  if (via.port) {
    out.push_back(':');
    appendUnsigned(out, *via.port);
  }
  appendParams(out, via.params);
}

}  // namespace detail

using namespace detail;

// ---------------------------------------------------------------- methods

namespace {
constexpr std::pair<Method, std::string_view> kMethods[] = {
    {Method::Invite, "INVITE"},   {Method::Ack, "ACK"},         {Method::Bye, "BYE"},
    {Method::Cancel, "CANCEL"},   {Method::Options, "OPTIONS"}, {Method::Register, "REGISTER"},
    {Method::Prack, "PRACK"},     {Method::Subscribe, "SUBSCRIBE"}, {Method::Notify, "NOTIFY"},
    {Method::Publish, "PUBLISH"}, {Method::Info, "INFO"},       {Method::Refer, "REFER"},
    {Method::Message, "MESSAGE"}, {Method::Update, "UPDATE"},
};
}  // namespace

std::string_view methodName(Method m) {
  for (const auto& [meth, name] : kMethods)
    if (meth == m) return name;
  return {};
}

Method methodFromToken(std::string_view token) {
  for (const auto& [meth, name] : kMethods)
    if (name == token) return meth;
  return Method::Unknown;
}

// ---------------------------------------------------------------- header names

std::string canonicalHeaderName(std::string_view name) {
  std::string_view known = knownHeaderName(name);
  return known.empty() ? std::string(name) : std::string(known);
}

namespace {
std::string_view canonicalView(std::string_view name) {
  std::string_view known = knownHeaderName(name);
  return known.empty() ? name : known;
}
}  // namespace

// ---------------------------------------------------------------- Message accessors

const std::string* Message::header(std::string_view name) const {
  std::string_view canon = canonicalView(name);
  for (const auto& h : headers)
    if (iequals(h.name, canon)) return &h.value;
  return nullptr;
}

std::vector<const std::string*> Message::headerValues(std::string_view name) const {
  std::string_view canon = canonicalView(name);
  std::vector<const std::string*> out;
  for (const auto& h : headers)
    if (iequals(h.name, canon)) out.push_back(&h.value);
  return out;
}

std::vector<std::string> Message::tokenList(std::string_view name) const {
  std::string_view canon = canonicalView(name);
  std::vector<std::string> out;
  for (const auto& h : headers) {
    if (!iequals(h.name, canon)) continue;
    std::vector<std::string_view> parts;
    if (!splitComma(h.value, parts)) {
      parts.clear();
      parts.push_back(trim(h.value));
    }
    for (auto p : parts)
      if (!p.empty()) out.emplace_back(p);
  }
  return out;
}

void Message::addHeader(std::string name, std::string value) {
  headers.push_back(HeaderField{canonicalHeaderName(name), std::move(value)});
}

void Message::setHeader(std::string_view name, std::string value) {
  std::string canon = canonicalHeaderName(name);
  bool replaced = false;
  for (auto it = headers.begin(); it != headers.end();) {
    if (iequals(it->name, canon)) {
      if (!replaced) {
        it->value = std::move(value);
        replaced = true;
        ++it;
      } else {
        it = headers.erase(it);
      }
    } else {
      ++it;
    }
  }
  if (!replaced) headers.push_back(HeaderField{std::move(canon), std::move(value)});
}

std::size_t Message::removeHeader(std::string_view name) {
  std::string_view canon = canonicalView(name);
  auto it = std::remove_if(headers.begin(), headers.end(),
                           [&](const HeaderField& h) { return iequals(h.name, canon); });
  auto n = static_cast<std::size_t>(headers.end() - it);
  headers.erase(it, headers.end());
  return n;
}

// ---------------------------------------------------------------- Via

util::Result<Via> parseVia(std::string_view text) {
  // sent-protocol LWS sent-by *( SEMI via-params ); LWS allowed around "/" and ":".
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto skip_ws = [&] {
    while (i < n && isWs(text[i])) ++i;
  };
  auto token = [&]() -> std::string_view {
    std::size_t s = i;
    while (i < n && isTokenChar(text[i])) ++i;
    return text.substr(s, i - s);
  };
  Via via;
  skip_ws();
  std::string_view name = token();
  skip_ws();
  if (name.empty() || i >= n || text[i] != '/') return util::fail(ParseErrc::BadVia);
  ++i;
  skip_ws();
  std::string_view version = token();
  skip_ws();
  if (version.empty() || i >= n || text[i] != '/') return util::fail(ParseErrc::BadVia);
  ++i;
  skip_ws();
  std::string_view transport = token();
  if (transport.empty()) return util::fail(ParseErrc::BadVia);
  std::size_t before_ws = i;
  skip_ws();
  if (i == before_ws) return util::fail(ParseErrc::BadVia);  // LWS required before sent-by
  via.protocol.clear();
  via.protocol.reserve(name.size() + version.size() + 1);
  for (char c : name) via.protocol.push_back(toUpper(c));
  via.protocol.push_back('/');
  via.protocol.append(version);
  via.transport.clear();
  for (char c : transport) via.transport.push_back(toUpper(c));

  // host
  std::size_t hs = i;
  if (i < n && text[i] == '[') {
    while (i < n && text[i] != ']') ++i;
    if (i >= n) return util::fail(ParseErrc::BadVia);
    ++i;
  } else {
    while (i < n && (isAlnum(text[i]) || text[i] == '-' || text[i] == '.' || text[i] == '_')) ++i;
  }
  std::string_view host = text.substr(hs, i - hs);
  if (!validHost(host)) return util::fail(ParseErrc::BadVia);
  via.host.assign(host);
  skip_ws();
  if (i < n && text[i] == ':') {
    ++i;
    skip_ws();
    std::size_t ps = i;
    while (i < n && isDigit(text[i])) ++i;
    std::uint16_t port = 0;
    if (!parsePort(text.substr(ps, i - ps), port)) return util::fail(ParseErrc::BadVia);
    via.port = port;
  }
  if (!parseGenericParams(text.substr(i), via.params)) return util::fail(ParseErrc::BadVia);
  return via;
}

std::string Via::str() const {
  std::string out;
  out.reserve(64);
  appendVia(out, *this);
  return out;
}

// ---------------------------------------------------------------- responses

Message makeResponse(const Message& request, int status, std::string_view reason,
                     std::string_view to_tag) {
  Message r;
  r.is_request = false;
  r.status = status;
  r.reason.assign(reason.empty() ? defaultReason(status) : reason);
  r.vias = request.vias;
  r.from = request.from;
  r.to = request.to;
  if (!to_tag.empty() && !findParam(r.to.params, "tag"))
    r.to.params.push_back(Param{"tag", std::string(to_tag)});
  r.call_id = request.call_id;
  r.cseq = request.cseq;
  return r;
}

std::string_view defaultReason(int status) {
  switch (status) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 199: return "Early Dialog Terminated";
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Notification";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 305: return "Use Proxy";
    case 380: return "Alternative Service";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 412: return "Conditional Request Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 417: return "Unknown Resource-Priority";
    case 420: return "Bad Extension";
    case 421: return "Extension Required";
    case 422: return "Session Interval Too Small";
    case 423: return "Interval Too Brief";
    case 424: return "Bad Location Information";
    case 428: return "Use Identity Header";
    case 429: return "Provide Referrer Identity";
    case 430: return "Flow Failed";
    case 433: return "Anonymity Disallowed";
    case 436: return "Bad Identity-Info";
    case 437: return "Unsupported Certificate";
    case 438: return "Invalid Identity Header";
    case 439: return "First Hop Lacks Outbound Support";
    case 440: return "Max-Breadth Exceeded";
    case 469: return "Bad Info Package";
    case 470: return "Consent Needed";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 484: return "Address Incomplete";
    case 485: return "Ambiguous";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 489: return "Bad Event";
    case 491: return "Request Pending";
    case 493: return "Undecipherable";
    case 494: return "Security Agreement Required";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 555: return "Push Notification Service Not Supported";
    case 580: return "Precondition Failure";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    case 604: return "Does Not Exist Anywhere";
    case 606: return "Not Acceptable";
    case 607: return "Unwanted";
    case 608: return "Rejected";
    default: break;
  }
  // RFC 3261 §8.1.3.2: an unknown code is treated as the x00 code of its class.
  if (status >= 100 && status < 700 && status % 100 != 0) return defaultReason(status / 100 * 100);
  if (status == 100) return "Trying";
  return "Unknown";
}

}  // namespace insip::sip
