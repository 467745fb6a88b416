// SPDX-License-Identifier: Apache-2.0
#include "sip/framer.hpp"

#include <algorithm>

namespace insip::sip {
namespace {

constexpr bool isWsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isWsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && isWsp(s.back())) s.remove_suffix(1);
  return s;
}

bool asciiIEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

void StreamFramer::feed(std::string_view bytes) {
  if (failed_) return;  // the connection is going away; do not grow
  if (head_ > 0) {
    buffer_.erase(0, head_);  // offsets of the message in progress are relative to head_
    head_ = 0;
  }
  buffer_.append(bytes);
}

std::string StreamFramer::currentLineName() const {
  const std::string_view rest(buffer_.data() + head_ + line_start_,
                              buffer_.size() - head_ - line_start_);
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) return {};
  const auto name = trim(rest.substr(0, colon));
  if (name.empty() || name.size() > 64) return {};
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '!' || c == '%' || c == '*' || c == '_' ||
                    c == '+' || c == '`' || c == '\'' || c == '~';
    if (!ok) return {};
  }
  if (asciiIEquals(name, "l")) return "Content-Length";
  return std::string(name);
}

StreamFramer::Event StreamFramer::fail(ParseErrc e, std::string header) {
  Event ev{Kind::Error, {}, make_error_code(e), std::move(header)};
  // Whole lines before the one at fault (the start line at least), for a 400 before closing.
  const std::size_t avail = buffer_.size() - head_;
  const std::size_t keep = header_end_ != 0 ? header_end_ : std::min(line_start_, avail);
  if (!in_start_line_ && keep > 0) ev.message.assign(buffer_.data() + head_, keep);
  failed_ = true;
  error_ = ev.error;
  buffer_.clear();
  buffer_.shrink_to_fit();
  head_ = 0;
  return ev;
}

void StreamFramer::resetMessageState() {
  scan_ = 0;
  line_start_ = 0;
  in_start_line_ = true;
  header_end_ = 0;
  cur_is_cl_ = false;
  cur_value_.clear();
  have_cl_ = false;
  content_length_ = 0;
}

void StreamFramer::startHeader(std::string_view line) {
  cur_is_cl_ = false;
  cur_value_.clear();
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return;  // not our business: the parser rejects it
  const auto name = trim(line.substr(0, colon));
  if (asciiIEquals(name, "content-length") || asciiIEquals(name, "l")) {
    cur_is_cl_ = true;
    cur_value_.assign(line.substr(colon + 1));
  }
}

std::error_code StreamFramer::finishHeader() {
  if (!cur_is_cl_) return {};
  cur_is_cl_ = false;
  const auto value = trim(cur_value_);
  if (value.empty()) return make_error_code(ParseErrc::BadContentLength);
  std::uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return make_error_code(ParseErrc::BadContentLength);
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
    if (n > kMaxContentLength) return make_error_code(ParseErrc::BadContentLength);
  }
  if (have_cl_ && n != content_length_) return make_error_code(ParseErrc::BadContentLength);
  have_cl_ = true;
  content_length_ = n;
  return {};
}

StreamFramer::Event StreamFramer::next() {
  if (failed_) return Event{Kind::Error, {}, error_};
  const char* data = buffer_.data() + head_;
  const std::size_t avail = buffer_.size() - head_;

  // Between messages: CRLF keep-alives (RFC 5626 §3.5.1; RFC 3261 §7.5 leading CRLFs).
  if (scan_ == 0 && avail > 0 && data[0] == '\r') {
    if (avail < 2) return {};
    if (data[1] == '\n') {
      if (avail < 3) return {};  // a ping may still be arriving
      if (data[2] == '\r') {
        if (avail < 4) return {};
        if (data[3] == '\n') {
          head_ += 4;
          return Event{Kind::Ping, {}, {}};
        }
      }
      head_ += 2;
      return Event{Kind::Pong, {}, {}};
    }
    // "\r" then something else: falls through and fails below as a bare CR.
  }

  // Header section: find CRLFCRLF, collecting Content-Length on the way.
  while (header_end_ == 0 && scan_ < avail) {
    const char c = data[scan_];
    // NUL is legal only as a quoted-pair (RFC 3261 §25.1, RFC 4475 intmeth); anywhere else a
    // C-string element downstream would see another message than we do.
    if (c == '\0' && !(scan_ > line_start_ && data[scan_ - 1] == '\\')) {
      return fail(ParseErrc::BadHeaderSyntax, currentLineName());
    }
    if (c == '\n') {
      if (scan_ == 0 || data[scan_ - 1] != '\r') {
        return fail(ParseErrc::BadHeaderSyntax, currentLineName());  // bare LF
      }
      const std::string_view line(data + line_start_, scan_ - 1 - line_start_);
      if (line.empty()) {
        if (in_start_line_) return fail(ParseErrc::BadStartLine);
        if (auto ec = finishHeader()) {
          return fail(static_cast<ParseErrc>(ec.value()), "Content-Length");
        }
        header_end_ = scan_ + 1;
      } else if (in_start_line_) {
        in_start_line_ = false;
      } else if (isWsp(line.front())) {
        if (cur_is_cl_) cur_value_.append(line);  // folded continuation (RFC 3261 §7.3.1)
      } else {
        if (auto ec = finishHeader()) {
          return fail(static_cast<ParseErrc>(ec.value()), "Content-Length");
        }
        startHeader(line);
      }
      line_start_ = scan_ + 1;
    } else if (scan_ > 0 && data[scan_ - 1] == '\r') {
      return fail(ParseErrc::BadHeaderSyntax, currentLineName());  // bare CR
    }
    ++scan_;
    if (header_end_ == 0 && scan_ > limits_.max_message_bytes) {
      return fail(ParseErrc::MessageTooLarge);  // no end of headers in sight (slowloris/oversize)
    }
  }
  if (header_end_ == 0) return {};

  if (!have_cl_) {
    return fail(ParseErrc::MissingMandatoryHeader, "Content-Length");  // mandatory on streams (§18.3)
  }
  if (content_length_ > limits_.max_body_bytes) return fail(ParseErrc::BodyTooLarge);
  const std::uint64_t total = header_end_ + content_length_;
  if (total > limits_.max_message_bytes) return fail(ParseErrc::MessageTooLarge);
  if (avail < total) return {};

  Event ev{Kind::Message, std::string(data, static_cast<std::size_t>(total)), {}};
  head_ += static_cast<std::size_t>(total);
  resetMessageState();
  return ev;
}

}  // namespace insip::sip
