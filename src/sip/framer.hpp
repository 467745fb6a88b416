// SPDX-License-Identifier: Apache-2.0
//
// framer.hpp — sans-I/O message framing for stream transports (RFC 3261 §18.3, RFC 5626 §3.5.1).
// Bytes go in with feed(); next() yields complete messages (by Content-Length, which is mandatory
// on streams), keep-alive pings (CRLFCRLF, to be answered with a single CRLF pong), or a framing
// error after which the connection must be closed (framing is lost: never guess).
//
// The framer scans header lines itself (it does not use the full parser) only to find
// Content-Length (long or compact `l`, case-insensitive). Strict on purpose: a bare LF or CR, a NUL
// byte, a missing / negative / non-numeric / oversize / conflicting Content-Length, or a header
// section over max_message_bytes is a framing error (corpus bugs 22, 26, 28). Scanning resumes
// where it stopped, so byte-by-byte delivery costs O(n) overall.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "sip/errors.hpp"
#include "sip/parser.hpp"

namespace insip::sip {

class StreamFramer {
 public:
  enum class Kind {
    NeedMore,   // wait for more bytes
    Message,    // `message` holds exactly one message's bytes (headers + body)
    Ping,       // a CRLFCRLF keep-alive: answer with CRLF
    Pong,       // a lone CRLF (a keep-alive answer): ignore
    Error       // framing lost (bad/missing Content-Length, oversize, NUL in headers): close
  };
  struct Event {
    Kind kind = Kind::NeedMore;
    /// Message: the message's bytes. Error: the complete header lines of the failing message
    /// read so far (CRLF-terminated, never the line at fault), so the caller can answer 400
    /// before closing; empty when not even the start line was complete. Never to be processed.
    std::string message;
    std::error_code error;
    /// Error: the header at fault ("Content-Length", or the name of the line holding a bare
    /// LF/CR or NUL when it is a token), for the 400 reason phrase; may be empty.
    std::string header;
  };

  /// Largest Content-Length ever accepted, whatever the limits say (2^31).
  static constexpr std::uint64_t kMaxContentLength = std::uint64_t{1} << 31;

  explicit StreamFramer(const ParseLimits& limits) : limits_(limits) {}
  /// Appends bytes. Cheap: consumed bytes are dropped lazily here, not in next().
  void feed(std::string_view bytes);
  /// Returns the next event; call until NeedMore (or Error, which is sticky).
  Event next();
  /// Bytes held and not yet returned as an event.
  std::size_t buffered() const { return buffer_.size() - head_; }
  bool failed() const { return failed_; }

 private:
  Event fail(ParseErrc e, std::string header = {});
  /// Name of the header line starting at `line_start_`, when it is a readable token.
  std::string currentLineName() const;
  void resetMessageState();
  /// Ends the header being accumulated; checks it if it is a Content-Length. Returns the error
  /// for a bad or conflicting value, else an empty code.
  std::error_code finishHeader();
  /// Starts a new header from one line (no CRLF).
  void startHeader(std::string_view line);

  ParseLimits limits_;
  std::string buffer_;
  std::size_t head_ = 0;  // start of the unconsumed bytes (and of the current message)
  bool failed_ = false;
  std::error_code error_;

  // Scan state of the message in progress (offsets relative to head_).
  std::size_t scan_ = 0;        // next byte to examine
  std::size_t line_start_ = 0;  // start of the current line
  bool in_start_line_ = true;
  std::size_t header_end_ = 0;  // offset just past CRLFCRLF, 0 = not found yet
  // The header currently being accumulated (folded lines are continuations).
  bool cur_is_cl_ = false;
  std::string cur_value_;
  bool have_cl_ = false;
  std::uint64_t content_length_ = 0;
};

}  // namespace insip::sip
