// SPDX-License-Identifier: Apache-2.0
//
// parser.cpp — eager, bounded SIP message parser (RFC 3261 §7, §20, §25; RFC 4475 torture cases;
// RFC 5118 IPv6) and the multipart body splitter (RFC 2046 §5.1). Works on a string_view and
// never reads outside it; every failure is a ParseErrc, never an exception.
#include "sip/parser.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>

#include "sip/syntax.hpp"

namespace insip::sip {

using namespace detail;

namespace {

struct RawHeader {
  std::string_view name;   // as written (trimmed)
  std::string_view value;  // trimmed; only valid when !folded
  std::string folded;      // unfolded value when the header spans several lines
  bool is_folded = false;
  bool no_colon = false;
  std::string_view text() const { return is_folded ? std::string_view(folded) : value; }
};

// A control byte (HTAB aside) that is not the second byte of a quoted-pair in a quoted string.
// CR and LF cannot be quoted (RFC 3261 §25.1 quoted-pair excludes %x0A and %x0D).
bool hasBareControlByte(std::string_view v) {
  // Fast path, eight bytes at a time: most values hold no control byte at all. A byte is < 0x20
  // iff (b - 0x20) borrows into bit 7 while b's bit 7 is clear; 0x7f is a zero after XOR 0x7f.
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  std::size_t i = 0;
  bool any = false;
  for (; i + 8 <= v.size() && !any; i += 8) {
    std::uint64_t x;
    std::memcpy(&x, v.data() + i, 8);
    const std::uint64_t y = x ^ (kOnes * 0x7f);
    any = (((x - kOnes * 0x20) & ~x) | ((y - kOnes) & ~y)) & kHigh;
  }
  for (; i < v.size() && !any; ++i) any = isCtl(v[i]);
  if (!any) return false;
  bool quoted = false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (quoted && c == '\\' && i + 1 < v.size() && v[i + 1] != '\r' && v[i + 1] != '\n') {
      ++i;
      continue;
    }
    if (c == '"') {
      quoted = !quoted;
    } else if (isCtl(c) && c != '\t') {
      return true;
    }
  }
  return false;
}

struct Failure {
  ParseErrc code{};
  std::string_view header;
  bool set = false;
  void raise(ParseErrc c, std::string_view h = {}) {
    if (set) return;
    code = c;
    header = h;
    set = true;
  }
};

bool isSipVersionLike(std::string_view v) {
  // "SIP" "/" 1*DIGIT "." 1*DIGIT (case-insensitive "SIP")
  if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/")) return false;
  std::size_t dot = v.find('.', 4);
  if (dot == std::string_view::npos || dot == 4 || dot + 1 >= v.size()) return false;
  for (std::size_t i = 4; i < v.size(); ++i)
    if (i != dot && !isDigit(v[i])) return false;
  return true;
}

constexpr std::string_view kVersion = "SIP/2.0";

// Start line. Returns false (and sets the failure) when nothing of it is usable.
bool parseStartLine(std::string_view line, const ParseLimits& limits, Message& m, Failure& f,
                    bool& method_ok) {
  method_ok = false;
  if (line.size() >= 4 && iequals(line.substr(0, 4), "SIP/")) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    m.is_request = false;
    std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) {
      f.raise(ParseErrc::BadStartLine);
      return false;
    }
    std::string_view version = line.substr(0, sp);
    std::string_view rest = line.substr(sp + 1);
    if (rest.size() < 3 || !isDigit(rest[0]) || !isDigit(rest[1]) || !isDigit(rest[2]) ||
        (rest.size() > 3 && rest[3] != ' ')) {
      f.raise(ParseErrc::BadStartLine);
      return false;
    }
    int status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    if (status < 100 || status > 699) {
      f.raise(ParseErrc::BadStartLine);
      return false;
    }
    m.status = status;
    if (rest.size() > 4) m.reason.assign(rest.substr(4));
    for (char c : m.reason)
      if (isCtl(c) && c != '\t') {
        f.raise(ParseErrc::BadStartLine);
        return false;
      }
    if (!iequals(version, kVersion)) {
      f.raise(isSipVersionLike(version) ? ParseErrc::BadVersion : ParseErrc::BadStartLine);
      return isSipVersionLike(version);
    }
    return true;
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  m.is_request = true;
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2 || sp1 == 0) {
    f.raise(ParseErrc::BadStartLine);
    return false;
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!isToken(method) || uri.empty() || uri.find(' ') != std::string_view::npos) {
    f.raise(ParseErrc::BadStartLine);
    if (!isToken(method) || !iequals(version, kVersion)) return false;
    // Method and version are readable (e.g. RFC 4475 lwsstart, ltgtruri): keep reading the
    // headers so the request can still be answered 400; the Request-URI stays empty.
    m.method_text.assign(method);
    m.method = methodFromToken(method);
    method_ok = true;
    return true;
  }
  m.method_text.assign(method);
  m.method = methodFromToken(method);
  if (!iequals(version, kVersion)) {
    if (!isSipVersionLike(version)) {
      f.raise(ParseErrc::BadStartLine);
      return false;
    }
    f.raise(ParseErrc::BadVersion);
  }
  method_ok = true;
  if (uri.size() > limits.max_uri_bytes) {
    f.raise(ParseErrc::UriTooLong);
    return true;
  }
  auto u = parseUri(uri);
  if (!u) {
    f.raise(ParseErrc::BadUri);
    return true;
  }
  m.request_uri = std::move(*u);
  return true;
}

bool parseNameAddrList(std::string_view value, std::vector<NameAddr>& out) {
  std::vector<std::string_view> parts;
  if (!splitComma(value, parts)) return false;
  for (auto p : parts) {
    if (p.empty()) return false;
    auto na = parseNameAddr(p);
    if (!na) return false;
    out.push_back(std::move(*na));
  }
  return true;
}

bool validCallId(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (isCtl(c) || c == ' ' || static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool parseCSeq(std::string_view v, CSeq& out) {
  std::size_t i = 0;
  while (i < v.size() && isDigit(v[i])) ++i;
  std::string_view num = v.substr(0, i);
  if (num.empty() || i >= v.size() || !isWs(v[i])) return false;
  std::uint32_t seq = 0;
  if (!parseUnsigned(num, seq)) return false;
  std::string_view method = trim(v.substr(i));
  if (!isToken(method)) return false;
  out.seq = seq;
  out.method_text.assign(method);
  out.method = methodFromToken(method);
  return true;
}

util::Result<Message> parseImpl(std::string_view bytes, const ParseLimits& limits,
                                ParseFailure* failure) {
  auto fail = [&](ParseErrc c, std::string_view header = {}) -> util::Result<Message> {
    if (failure) {
      failure->code = make_error_code(c);
      failure->header.assign(header);
      failure->partial.reset();
    }
    return make_error_code(c);
  };
  if (bytes.size() > limits.max_message_bytes) return fail(ParseErrc::MessageTooLarge);

  std::size_t pos = 0;
  const std::size_t n = bytes.size();
  // Tolerate CRLFs before the start line (RFC 3261 §7.5).
  while (pos < n && (bytes[pos] == '\r' || bytes[pos] == '\n')) ++pos;
  if (pos == n) return fail(ParseErrc::Truncated);

  // --- split the header section into physical lines (CRLF or bare LF) ---
  std::string_view start_line;
  std::vector<RawHeader> raw;
  raw.reserve(24);
  bool truncated = true;
  bool have_start = false;
  bool bad_cr = false;
  std::size_t body_start = n;
  while (pos < n) {
    std::size_t lf = bytes.find('\n', pos);
    if (lf == std::string_view::npos) break;  // incomplete last line: dropped, message truncated
    std::size_t end = lf;
    if (end > pos && bytes[end - 1] == '\r') --end;
    std::string_view line = bytes.substr(pos, end - pos);
    pos = lf + 1;
    if (line.size() > limits.max_line_bytes) return fail(ParseErrc::HeaderTooLong);
    if (line.find('\r') != std::string_view::npos) bad_cr = true;
    if (!have_start) {
      start_line = line;
      have_start = true;
      continue;
    }
    if (line.empty()) {
      truncated = false;
      body_start = pos;
      break;
    }
    if (isWs(line.front())) {
      // continuation (LWS): unfold into the previous header
      if (raw.empty()) {
        bad_cr = true;  // folded start line: reported as header syntax below
        continue;
      }
      RawHeader& h = raw.back();
      std::string_view cont = trim(line);
      if (!h.is_folded) {
        h.folded.assign(h.value);
        h.is_folded = true;
      }
      if (!cont.empty()) {
        if (!h.folded.empty()) h.folded.push_back(' ');
        h.folded.append(cont);
      }
      if (h.folded.size() > limits.max_line_bytes) return fail(ParseErrc::HeaderTooLong);
      continue;
    }
    if (raw.size() >= limits.max_headers) return fail(ParseErrc::TooManyHeaders);
    RawHeader h;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      h.no_colon = true;
      h.value = line;
    } else {
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && isWs(name.back())) name.remove_suffix(1);
      h.name = name;
      h.value = trim(line.substr(colon + 1));
    }
    raw.push_back(std::move(h));
  }
  if (!have_start) return fail(ParseErrc::Truncated);

  Message m;
  Failure f;
  bool method_ok = false;
  if (!parseStartLine(start_line, limits, m, f, method_ok)) {
    return fail(f.code);
  }
  if (truncated) f.raise(ParseErrc::Truncated);
  if (bad_cr) f.raise(ParseErrc::BadHeaderSyntax);

  bool have_from = false, have_to = false, have_call_id = false, have_cseq = false;
  std::string_view first_via_text;  // for a lenient re-read when the Via header is broken
  std::optional<std::uint64_t> content_length;
  std::vector<std::string_view> parts;

  for (auto& h : raw) {
    if (h.no_colon || !isToken(h.name)) {
      // A name that is not a token is not named back: it may hold control bytes (corpus bug 15)
      // that would end up in a 400 reason phrase (found by tests/fuzz/fuzz_proxy).
      f.raise(ParseErrc::BadHeaderSyntax);
      continue;
    }
    HeaderId id = HeaderId::Other;
    std::string_view known = knownHeaderName(h.name, &id);
    std::string_view canon = known.empty() ? h.name : known;
    std::string_view value = h.text();
    // RFC 3261 §25.1: a header value holds no control bytes but HTAB (folding was undone above),
    // except as a quoted-pair inside a quoted string (RFC 4475 §3.1.1.4 escapes NUL, BEL, DEL
    // that way). Such a header is refused and not used, so nothing built from it (a From
    // display name in a stateless 400, say) carries the bytes on (found by tests/fuzz).
    if (hasBareControlByte(value)) {
      f.raise(ParseErrc::BadHeaderSyntax, canon);
      continue;
    }
    switch (id) {
      case HeaderId::Via: {
        if (first_via_text.empty()) first_via_text = value;
        parts.clear();
        if (!splitComma(value, parts)) {
          f.raise(ParseErrc::BadVia, canon);
          break;
        }
        for (auto p : parts) {
          if (p.empty()) {
            f.raise(ParseErrc::BadVia, canon);
            break;
          }
          if (m.vias.size() >= limits.max_vias) {
            f.raise(ParseErrc::TooManyVias, canon);
            break;
          }
          auto v = parseVia(p);
          if (!v) {
            f.raise(ParseErrc::BadVia, canon);
            break;
          }
          m.vias.push_back(std::move(*v));
        }
        break;
      }
      case HeaderId::From:
      case HeaderId::To: {
        bool& have = id == HeaderId::From ? have_from : have_to;
        if (have) {
          f.raise(ParseErrc::BadHeaderSyntax, canon);  // single-instance header repeated
          break;
        }
        auto na = parseNameAddr(value);
        if (!na) {
          f.raise(ParseErrc::BadNameAddr, canon);
          break;
        }
        have = true;
        (id == HeaderId::From ? m.from : m.to) = std::move(*na);
        break;
      }
      case HeaderId::CallId:
        if (have_call_id) {
          f.raise(ParseErrc::BadHeaderSyntax, canon);
          break;
        }
        if (!validCallId(value)) {
          f.raise(ParseErrc::BadHeaderSyntax, canon);
          break;
        }
        m.call_id.assign(value);
        have_call_id = true;
        break;
      case HeaderId::CSeq:
        if (have_cseq || !parseCSeq(value, m.cseq)) {
          f.raise(ParseErrc::BadCSeq, canon);
          break;
        }
        have_cseq = true;
        break;
      case HeaderId::MaxForwards: {
        unsigned mf = 0;
        if (m.max_forwards || !parseUnsigned(value, mf) || mf > 255) {
          f.raise(ParseErrc::BadMaxForwards, canon);
          break;
        }
        m.max_forwards = static_cast<int>(mf);
        break;
      }
      case HeaderId::Contact:
        if (value == "*") {
          if (m.contact_star || !m.contacts.empty()) f.raise(ParseErrc::BadNameAddr, canon);
          m.contact_star = true;
          break;
        }
        if (m.contact_star || !parseNameAddrList(value, m.contacts))
          f.raise(ParseErrc::BadNameAddr, canon);
        break;
      case HeaderId::Route:
        if (!parseNameAddrList(value, m.routes)) f.raise(ParseErrc::BadNameAddr, canon);
        break;
      case HeaderId::RecordRoute:
        if (!parseNameAddrList(value, m.record_routes)) f.raise(ParseErrc::BadNameAddr, canon);
        break;
      case HeaderId::Expires: {
        std::uint32_t e = 0;
        if (m.expires || !parseUnsigned(value, e)) {
          f.raise(ParseErrc::BadExpires, canon);
          break;
        }
        m.expires = e;
        break;
      }
      case HeaderId::ContentType:
        if (m.content_type || value.empty()) {
          f.raise(ParseErrc::BadHeaderSyntax, canon);
          break;
        }
        m.content_type.emplace(value);
        break;
      case HeaderId::ContentLength: {
        std::uint64_t cl = 0;
        if (!parseUnsigned(value, cl) || (content_length && *content_length != cl)) {
          f.raise(ParseErrc::BadContentLength, canon);
          break;
        }
        content_length = cl;
        break;
      }
      case HeaderId::Other:
        m.headers.push_back(HeaderField{std::string(canon), std::string(value)});
        break;
    }
  }

  // Mandatory headers (RFC 3261 §8.1.1) — the same set for requests and responses here.
  if (m.vias.empty()) f.raise(ParseErrc::MissingMandatoryHeader, "Via");
  if (!have_from) f.raise(ParseErrc::MissingMandatoryHeader, "From");
  if (!have_to) f.raise(ParseErrc::MissingMandatoryHeader, "To");
  if (!have_call_id) f.raise(ParseErrc::MissingMandatoryHeader, "Call-ID");
  if (!have_cseq) f.raise(ParseErrc::MissingMandatoryHeader, "CSeq");
  if (m.is_request && have_cseq && method_ok && m.cseq.method_text != m.method_text)
    f.raise(ParseErrc::BadCSeq, "CSeq");

  // Body (datagram semantics: everything after the empty line, cut to Content-Length).
  if (!truncated) {
    std::string_view avail = bytes.substr(body_start);
    if (content_length) {
      if (*content_length > limits.max_body_bytes)
        f.raise(ParseErrc::BodyTooLarge, "Content-Length");
      else if (*content_length > avail.size())
        f.raise(ParseErrc::BodyLengthMismatch, "Content-Length");
      else
        avail = avail.substr(0, static_cast<std::size_t>(*content_length));
    } else if (avail.size() > limits.max_body_bytes) {
      f.raise(ParseErrc::BodyTooLarge);
    }
    if (!f.set) m.body.assign(avail);
  }

  if (!f.set) return m;

  if (failure) {
    failure->code = make_error_code(f.code);
    failure->header.assign(f.header);
    failure->partial.reset();
    // A request whose method and top Via are readable can be answered statelessly (RFC 3261
    // §8.2.6, §16.3). Identity headers that are missing or unreadable are replaced by
    // placeholders (RFC 2606 .invalid; CSeq 0 with the request's method, which is what a client
    // matches on with the branch), so the answer is well-formed and names the fault; the
    // placeholders never leave this partial, which serves nothing but that answer.
    if (m.is_request && method_ok && m.vias.empty() && !first_via_text.empty()) {
      // The Via header is broken (RFC 4475 §3.1.2.1: "SIP/2.0/UDP 192.0.2.15;;,;,,"), but if its
      // first element names a transport and a sent-by once empty parameters are left out, the
      // 400 can still go back (§18.2.2: to the source address and that port). Only this
      // placeholder partial ever carries the re-read Via.
      std::string_view first = first_via_text.substr(0, first_via_text.find(','));
      std::string cleaned;
      for (std::size_t i = 0; i < first.size(); ++i) {
        if (first[i] == ';' && (i + 1 == first.size() || first[i + 1] == ';' ||
                                isWs(first[i + 1]))) {
          continue;  // an empty parameter
        }
        cleaned.push_back(first[i]);
      }
      if (auto v = parseVia(trim(cleaned))) m.vias.push_back(std::move(*v));
    }
    if (m.is_request && method_ok && !m.vias.empty()) {
      bool ok = true;
      for (auto [have, target] : {std::pair{have_from, &m.from}, std::pair{have_to, &m.to}}) {
        if (have) continue;
        auto na = parseNameAddr("<sip:anonymous@anonymous.invalid>");
        if (na) *target = std::move(*na);
        ok = ok && na.has_value();
      }
      if (!have_call_id) m.call_id = "invalid";
      if (!have_cseq) {
        m.cseq.seq = 0;
        m.cseq.method_text = m.method_text;
        m.cseq.method = m.method;
      }
      if (ok) failure->partial = std::make_shared<const Message>(std::move(m));
    }
  }
  return make_error_code(f.code);
}

}  // namespace

util::Result<Message> parseMessage(std::string_view bytes, const ParseLimits& limits,
                                   ParseFailure* failure) {
  try {
    return parseImpl(bytes, limits, failure);
  } catch (const std::exception&) {
    // Only allocation can throw in parseImpl; never let anything cross the data path.
    if (failure) {
      failure->code = make_error_code(ParseErrc::MessageTooLarge);
      failure->header.clear();
      failure->partial.reset();
    }
    return make_error_code(ParseErrc::MessageTooLarge);
  }
}

// ---------------------------------------------------------------- multipart

const std::string* BodyPart::header(std::string_view name) const {
  std::string canon = canonicalHeaderName(name);
  for (const auto& h : headers)
    if (iequals(h.name, canon)) return &h.value;
  return nullptr;
}

namespace {

util::Result<std::vector<BodyPart>> parseMultipartImpl(std::string_view content_type,
                                                       std::string_view body) {
  auto bad = [] { return make_error_code(ParseErrc::BadMultipart); };
  std::size_t semi = content_type.find(';');
  std::string_view media = trim(content_type.substr(0, semi));
  if (media.size() < 10 || !iequals(media.substr(0, 10), "multipart/")) return bad();
  if (semi == std::string_view::npos) return bad();
  Params params;
  if (!parseGenericParams(content_type.substr(semi), params)) return bad();
  auto b = paramValue(params, "boundary");
  if (!b || b->empty()) return bad();
  std::string boundary = unquote(*b);
  if (boundary.empty() || boundary.size() > 70) return bad();  // RFC 2046 §5.1.1
  std::string delim = "--" + boundary;

  // First delimiter: at the very start or after a line end (preamble is ignored).
  std::size_t pos;
  if (body.substr(0, delim.size()) == delim) {
    pos = 0;
  } else {
    std::size_t p = body.find("\n" + delim);
    if (p == std::string_view::npos) return bad();
    pos = p + 1;
  }
  std::vector<BodyPart> parts;
  for (;;) {
    pos += delim.size();
    if (body.substr(pos, 2) == "--") return parts.empty() ? util::Result<std::vector<BodyPart>>(bad())
                                                         : util::Result<std::vector<BodyPart>>(std::move(parts));
    // transport padding, then the line end
    while (pos < body.size() && isWs(body[pos])) ++pos;
    if (body.substr(pos, 2) == "\r\n") pos += 2;
    else if (body.substr(pos, 1) == "\n") pos += 1;
    else return bad();
    // The part ends at the next line end followed by the delimiter.
    std::size_t next = body.find("\n" + delim, pos);
    if (next == std::string_view::npos) return bad();
    std::size_t part_end = next;
    if (part_end > pos && body[part_end - 1] == '\r') --part_end;
    std::string_view part = body.substr(pos, part_end - pos);
    BodyPart bp;
    // Headers until the empty line; a part may start with the empty line (no headers).
    std::size_t p = 0;
    bool ended = false;
    while (p <= part.size()) {
      std::size_t lf = part.find('\n', p);
      if (lf == std::string_view::npos) break;
      std::size_t e = lf;
      if (e > p && part[e - 1] == '\r') --e;
      std::string_view ln = part.substr(p, e - p);
      p = lf + 1;
      if (ln.empty()) {
        ended = true;
        break;
      }
      if (isWs(ln.front()) && !bp.headers.empty()) {
        bp.headers.back().value.push_back(' ');
        bp.headers.back().value.append(trim(ln));
        continue;
      }
      std::size_t colon = ln.find(':');
      if (colon == std::string_view::npos) return bad();
      std::string_view name = trim(ln.substr(0, colon));
      if (!isToken(name)) return bad();
      bp.headers.push_back(HeaderField{canonicalHeaderName(name), std::string(trim(ln.substr(colon + 1)))});
    }
    if (!ended) {
      // The whole part is headers without the empty line: structure is broken.
      return bad();
    }
    bp.body.assign(part.substr(p));
    parts.push_back(std::move(bp));
    pos = next + 1;
  }
}

}  // namespace

util::Result<std::vector<BodyPart>> parseMultipart(std::string_view content_type,
                                                   std::string_view body) {
  try {
    return parseMultipartImpl(content_type, body);
  } catch (const std::exception&) {
    return make_error_code(ParseErrc::BadMultipart);
  }
}

}  // namespace insip::sip
