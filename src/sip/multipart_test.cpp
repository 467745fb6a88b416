// SPDX-License-Identifier: Apache-2.0
//
// multipart_test.cpp — multipart body splitting by boundary (RFC 2046 §5.1, RFC 5621).
#include <gtest/gtest.h>

#include "sip/parser.hpp"

namespace insip::sip {
namespace {

TEST(Multipart, SplitsPartsByBoundaryIgnoringPreambleAndEpilogue) {
  std::string body =
      "preamble\r\n"
      "--unique-boundary-1\r\n"
      "Content-Type: application/sdp\r\n"
      "Content-Disposition: session\r\n"
      "\r\n"
      "v=0\r\n"
      "\r\n--unique-boundary-1\r\n"
      "Content-Type: application/resource-lists+xml\r\n"
      "\r\n"
      "<list/>\r\n"
      "--unique-boundary-1--\r\n"
      "epilogue";
  auto parts = parseMultipart("multipart/mixed; boundary=\"unique-boundary-1\"", body);
  ASSERT_TRUE(parts) << parts.error().message();
  ASSERT_EQ(parts->size(), 2u);
  ASSERT_NE((*parts)[0].header("content-type"), nullptr);
  EXPECT_EQ(*(*parts)[0].header("c"), "application/sdp");
  EXPECT_EQ(*(*parts)[0].header("Content-Disposition"), "session");
  EXPECT_EQ((*parts)[0].body, "v=0\r\n");  // the CRLF before the delimiter belongs to it
  EXPECT_EQ(*(*parts)[1].header("Content-Type"), "application/resource-lists+xml");
  EXPECT_EQ((*parts)[1].body, "<list/>");
}

TEST(Multipart, AcceptsAPartWithoutHeadersAndBinaryContent) {
  std::string bin("\0\n\r\xff", 4);
  std::string body = "--b\r\n\r\nplain\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n" + bin +
                     "\r\n--b--";
  auto parts = parseMultipart("multipart/related;type=\"application/sdp\";boundary=b", body);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_TRUE((*parts)[0].headers.empty());
  EXPECT_EQ((*parts)[0].body, "plain");
  EXPECT_EQ((*parts)[1].body, bin);
}

TEST(Multipart, RejectsBrokenStructures) {
  auto bad = [](std::string_view ct, std::string_view body) {
    auto r = parseMultipart(ct, body);
    return !r && r.error() == make_error_code(ParseErrc::BadMultipart);
  };
  EXPECT_TRUE(bad("multipart/mixed", "--b\r\n\r\nx\r\n--b--"));             // no boundary
  EXPECT_TRUE(bad("application/sdp;boundary=b", "--b\r\n\r\nx\r\n--b--"));  // not multipart
  EXPECT_TRUE(bad("multipart/mixed;boundary=b", "no delimiter at all"));
  EXPECT_TRUE(bad("multipart/mixed;boundary=b", "--b\r\n\r\nx"));           // no close
  EXPECT_TRUE(bad("multipart/mixed;boundary=b", "--b\r\nContent-Type: text/plain\r\nhello\r\n--b--"));
  EXPECT_TRUE(bad("multipart/mixed;boundary=b", "--b--"));                   // no parts
  // RFC 2046 §5.1: the delimiter may not appear inside a part, not even as a line prefix.
  EXPECT_TRUE(bad("multipart/mixed;boundary=b", "--bX\r\n\r\nx\r\n--b--"));
  EXPECT_TRUE(bad("multipart/mixed;boundary=" + std::string(71, 'a'), "x"));
}

TEST(Multipart, NeverReadsPastATruncatedBody) {
  std::string body = "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--";
  for (std::size_t n = 0; n < body.size(); ++n) {
    std::string cut = body.substr(0, n);
    EXPECT_FALSE(parseMultipart("multipart/mixed;boundary=b", cut)) << n;
  }
  EXPECT_TRUE(parseMultipart("multipart/mixed;boundary=b", body));
}

}  // namespace
}  // namespace insip::sip
