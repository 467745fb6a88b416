// SPDX-License-Identifier: Apache-2.0
#include "registrar/registrar.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>
#include <optional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

namespace insip::registrar {

namespace {

using std::chrono::seconds;

constexpr std::uint32_t kMalformedExpires = 3600;  // RFC 3261 §20.19
constexpr std::uint32_t kOneHour = 3600;           // RFC 3261 §10.3 step 7 (423 condition)

/// delta-seconds (RFC 3261 §25.1); values beyond 2^32-1 saturate. nullopt when malformed.
std::optional<std::uint32_t> parseDeltaSeconds(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > std::numeric_limits<std::uint32_t>::max()) {
      v = std::numeric_limits<std::uint32_t>::max();
    }
  }
  return static_cast<std::uint32_t>(v);
}

/// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )  (RFC 3261 §25.1) -> q * 1000.
std::optional<std::uint16_t> parseQValue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) {
    return std::nullopt;
  }
  std::uint16_t whole = static_cast<std::uint16_t>(text[0] - '0');
  if (text.size() == 1) {
    return static_cast<std::uint16_t>(whole * 1000);
  }
  if (text[1] != '.' || text.size() > 5) {
    return std::nullopt;
  }
  std::uint16_t frac = 0;
  std::uint16_t scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9' || (whole == 1 && c != '0')) {
      return std::nullopt;
    }
    frac = static_cast<std::uint16_t>(frac + (c - '0') * scale);
    scale = static_cast<std::uint16_t>(scale / 10);
  }
  return static_cast<std::uint16_t>(whole * 1000 + frac);
}

/// q*1000 -> shortest qvalue text: 1000 "1", 500 "0.5", 50 "0.05", 0 "0".
std::string formatQValue(std::uint16_t q_milli) {
  if (q_milli >= 1000) {
    return "1";
  }
  if (q_milli == 0) {
    return "0";
  }
  std::string s = "0.";
  s += static_cast<char>('0' + q_milli / 100);
  s += static_cast<char>('0' + (q_milli / 10) % 10);
  s += static_cast<char>('0' + q_milli % 10);
  while (s.back() == '0') {
    s.pop_back();
  }
  return s;
}

/// RFC 3261 §20.17 / RFC 1123 date: "Thu, 03 Dec 2026 00:00:00 GMT".
std::string httpDate(util::SystemTime t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

/// Whole seconds left until `expires_at`, rounded up (a live binding never shows expires=0).
std::uint32_t secondsLeft(util::SystemTime expires_at, util::SystemTime now) {
  if (expires_at <= now) {
    return 0;
  }
  const auto left = std::chrono::ceil<seconds>(expires_at - now).count();
  return left > std::numeric_limits<std::uint32_t>::max()
             ? std::numeric_limits<std::uint32_t>::max()
             : static_cast<std::uint32_t>(left);
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

/// One binding of the AOR as this request would leave it (RFC 3261 §10.3 step 7: changes are
/// tentative until every contact has been processed).
struct Entry {
  Binding binding;
  std::optional<sip::Uri> uri;  // parsed lazily for existing bindings
  std::string stored_contact;   // key in the store ("" for a new binding)
  bool touched = false;         // written by this request
  bool removed = false;         // expires 0 in this request
};

}  // namespace

Registrar::Registrar(const config::Registrar& cfg, BindingStore& store, const util::Clock& clock)
    : min_expires_s_(cfg.min_expires_s),
      max_expires_s_(cfg.max_expires_s),
      default_expires_s_(cfg.default_expires_s),
      max_contacts_per_aor_(cfg.max_contacts_per_aor),
      store_(store),
      clock_(clock),
      tag_salt_(std::random_device{}() * 0x9E3779B97F4A7C15ULL ^ std::random_device{}()) {}

std::string Registrar::toTag(const sip::Message& request) const {
  // RFC 3261 §8.2.6.2: the UAS adds a To tag. Derived from the request (stable across
  // retransmissions of one REGISTER) and a per-process salt (not guessable across processes).
  std::uint64_t h = 14695981039346656037ULL ^ tag_salt_;
  h = fnv1a(h, request.call_id);
  h = fnv1a(h, request.from.tag().value_or(""));
  h = fnv1a(h, std::to_string(request.cseq.seq));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag(16, '0');
  for (int i = 15; i >= 0; --i) {
    tag[static_cast<std::size_t>(i)] = kHex[h & 0xF];
    h >>= 4;
  }
  return tag;
}

sip::Message Registrar::reply(const sip::Message& request, int status,
                              std::string_view reason) const {
  return sip::makeResponse(request, status, reason, toTag(request));
}

sip::Message Registrar::handle(const sip::Message& request, const std::string& aor,
                               const util::Flow& source) {
  BindingChanges changes;
  sip::Message response = decide(request, aor, source, changes);
  if ((!changes.removals.empty() || !changes.upserts.empty()) && !store_.apply(aor, changes)) {
    return reply(request, 500, "Binding Store Failure");
  }
  return response;
}

void Registrar::handleAsync(const sip::Message& request, const std::string& aor,
                            const util::Flow& source, std::function<void(sip::Message)> respond) {
  BindingChanges changes;
  sip::Message response = decide(request, aor, source, changes);
  if (changes.removals.empty() && changes.upserts.empty()) {
    respond(std::move(response));
    return;
  }
  auto r = store_.applyAsync(
      aor, changes,
      [respond, ok = std::move(response),
       failed = reply(request, 500, "Binding Store Failure")](util::Result<void> r) mutable {
        respond(r ? std::move(ok) : std::move(failed));
      });
  if (!r) {
    respond(reply(request, 500, "Binding Store Failure"));
  }
}

sip::Message Registrar::decide(const sip::Message& request, const std::string& aor,
                               const util::Flow& source, BindingChanges& out) {
  if (!request.is_request || request.method != sip::Method::Register || aor.empty()) {
    return reply(request, 500, "Not A Register Request");  // caller bug; answer, never crash
  }
  const util::SystemTime now = clock_.systemNow();
  std::vector<Binding> current = store_.lookup(aor);

  // RFC 3261 §10.3 step 6: "Contact: *" removes every binding, only with Expires: 0 and no other
  // Contact; otherwise 400.
  if (request.contact_star) {
    if (!request.contacts.empty() || !request.expires || *request.expires != 0) {
      return reply(request, 400, "Invalid Request: Contact * Needs Expires 0 And No Other Contact");
    }
    BindingChanges changes;
    for (const Binding& b : current) {
      // Same Call-ID: remove only if the request's CSeq is higher, else abort the whole update.
      if (b.call_id == request.call_id && request.cseq.seq <= b.cseq) {
        return reply(request, 500, "Out Of Order REGISTER");
      }
      changes.removals.push_back(b.contact);
    }
    out = std::move(changes);
    sip::Message ok = reply(request, 200, {});
    ok.addHeader("Date", httpDate(now));
    return ok;
  }

  std::vector<Entry> entries;
  entries.reserve(current.size() + request.contacts.size());
  for (Binding& b : current) {
    Entry e;
    e.stored_contact = b.contact;
    e.binding = std::move(b);
    entries.push_back(std::move(e));
  }

  // RFC 3261 §10.3 step 7, for each Contact in order. Nothing is stored until all succeed.
  bool added_new = false;
  std::string flow_text;
  std::string path_text;
  if (!request.contacts.empty()) {
    flow_text = source.str();
    for (const std::string* p : request.headerValues("Path")) {
      if (!path_text.empty()) {
        path_text += ", ";
      }
      path_text += *p;
    }
  }
  for (const sip::NameAddr& contact : request.contacts) {
    // Expiry: the contact's expires param, else the Expires header, else the default.
    std::uint32_t expires = default_expires_s_;
    if (auto p = sip::paramValue(contact.params, "expires")) {
      expires = parseDeltaSeconds(*p).value_or(kMalformedExpires);
    } else if (request.expires) {
      expires = *request.expires;
    }
    // 423 iff 0 < expires < one hour and < the configured minimum (§10.3 step 7).
    if (expires > 0 && expires < kOneHour && expires < min_expires_s_) {
      sip::Message brief = reply(request, 423, "Interval Too Brief");
      brief.addHeader("Min-Expires", std::to_string(min_expires_s_));
      return brief;
    }
    // The registrar may shorten but never lengthen the interval.
    expires = std::min(expires, max_expires_s_);

    std::uint16_t q_milli = 1000;
    if (auto p = sip::paramValue(contact.params, "q")) {
      auto q = parseQValue(*p);
      if (!q) {
        return reply(request, 400, "Invalid q-value");
      }
      q_milli = *q;
    }

    std::string contact_text = contact.uri.str();
    Entry* match = nullptr;
    for (Entry& e : entries) {
      if (e.binding.contact == contact_text) {
        match = &e;
        break;
      }
      if (!e.uri) {
        auto parsed = sip::parseUri(e.binding.contact);
        if (!parsed) {
          continue;  // unreadable stored contact: matches nothing (it will simply expire)
        }
        e.uri = std::move(*parsed);
      }
      if (e.uri->equivalent(contact.uri)) {  // RFC 3261 §19.1.4 comparison
        match = &e;
        break;
      }
    }
    if (match == nullptr) {
      if (expires == 0) {
        continue;  // removing a binding that does not exist: nothing to do
      }
      entries.emplace_back();
      match = &entries.back();
      added_new = true;
    } else if (!match->touched && match->binding.call_id == request.call_id &&
               request.cseq.seq <= match->binding.cseq) {
      // Same Call-ID and a CSeq not higher: an old or replayed request. RFC 3261 §10.3 step 7:
      // "the update MUST be aborted and the request fails" (500 as the brief of this module).
      return reply(request, 500, "Out Of Order REGISTER");
    }
    // A Contact repeated in one request (touched already) is not "out of order": last one wins.
    Binding& b = match->binding;
    b.aor = aor;
    b.contact = std::move(contact_text);
    b.call_id = request.call_id;
    b.cseq = request.cseq.seq;
    b.expires_at = now + seconds(expires);
    b.q_milli = q_milli;
    b.flow = flow_text;
    b.connection_id = source.connection_id;
    b.instance = std::string(sip::paramValue(contact.params, "+sip.instance").value_or(""));
    b.path = path_text;
    b.updated_at = now;
    match->uri = contact.uri;
    match->touched = true;
    match->removed = expires == 0;
  }

  std::size_t live = 0;
  for (const Entry& e : entries) {
    live += e.removed ? 0 : 1;
  }
  // Contact cap. 403, not 503: this is a policy refusal that retrying will not cure, and a 503
  // would make RFC 3263 clients fail over to another server and retry (§21.5.4), turning a
  // misconfigured phone into load. Refreshes and removals stay allowed above the cap (e.g. after
  // the cap was lowered); only requests adding a binding are refused.
  if (added_new && live > max_contacts_per_aor_) {
    return reply(request, 403, "Too Many Contacts");
  }

  BindingChanges changes;
  for (const Entry& e : entries) {
    if (!e.stored_contact.empty() && (e.removed || e.stored_contact != e.binding.contact)) {
      changes.removals.push_back(e.stored_contact);
    }
    if (e.touched && !e.removed) {
      changes.upserts.push_back(e.binding);
    }
  }
  out = std::move(changes);

  // RFC 3261 §10.3 step 8: 200 OK listing every current binding with its expires.
  std::erase_if(entries, [](const Entry& e) { return e.removed; });
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.binding.q_milli != b.binding.q_milli) {
      return a.binding.q_milli > b.binding.q_milli;
    }
    if (a.binding.updated_at != b.binding.updated_at) {
      return a.binding.updated_at > b.binding.updated_at;
    }
    return a.binding.contact < b.binding.contact;
  });
  sip::Message ok = reply(request, 200, {});
  ok.contacts.reserve(entries.size());
  for (Entry& e : entries) {
    if (!e.uri) {
      auto parsed = sip::parseUri(e.binding.contact);
      if (!parsed) {
        continue;
      }
      e.uri = std::move(*parsed);
    }
    sip::NameAddr na;
    na.uri = std::move(*e.uri);
    na.angle = true;
    na.params.push_back({"expires", std::to_string(secondsLeft(e.binding.expires_at, now))});
    if (e.binding.q_milli != 1000) {
      na.params.push_back({"q", formatQValue(e.binding.q_milli)});
    }
    if (!e.binding.instance.empty()) {
      na.params.push_back({"+sip.instance", e.binding.instance});
    }
    ok.contacts.push_back(std::move(na));
  }
  ok.addHeader("Date", httpDate(now));
  return ok;
}

}  // namespace insip::registrar
