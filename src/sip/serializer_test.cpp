// SPDX-License-Identifier: Apache-2.0
//
// serializer_test.cpp — wire form of Message (RFC 3261 §7): header order, one line per Via /
// Route / Record-Route / Contact, CRLF line ends and a Content-Length equal to the body size.
#include <gtest/gtest.h>

#include "sip/parser.hpp"

namespace insip::sip {
namespace {

TEST(Serializer, WritesHeadersInTheDocumentedOrder) {
  std::string in =
      "INVITE sip:bob@example.test;transport=tcp SIP/2.0\r\n"
      "X-First: 1\r\n"
      "c: application/sdp\r\n"
      "Contact: <sip:alice@192.0.2.10>, <sip:alice@192.0.2.11>\r\n"
      "Expires: 60\r\n"
      "Max-Forwards: 70\r\n"
      "i: order@192.0.2.10\r\n"
      "CSeq: 7 INVITE\r\n"
      "t: Bob <sip:bob@example.test>\r\n"
      "f: \"Alice\" <sip:alice@example.test>;tag=a1\r\n"
      "Record-Route: <sip:p2.example.test;lr>,<sip:p1.example.test;lr>\r\n"
      "Route: <sip:p3.example.test;lr>\r\n"
      "v: SIP/2.0/UDP p1.example.test;branch=z9hG4bK-p1, SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ua\r\n"
      "X-Last: 2\r\n"
      "l: 5\r\n"
      "\r\n"
      "v=0\r\nEXTRA";
  auto m = parseMessage(in, ParseLimits{});
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(serialize(*m),
            "INVITE sip:bob@example.test;transport=tcp SIP/2.0\r\n"
            "Via: SIP/2.0/UDP p1.example.test;branch=z9hG4bK-p1\r\n"
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ua\r\n"
            "Route: <sip:p3.example.test;lr>\r\n"
            "Record-Route: <sip:p2.example.test;lr>\r\n"
            "Record-Route: <sip:p1.example.test;lr>\r\n"
            "From: \"Alice\" <sip:alice@example.test>;tag=a1\r\n"
            "To: Bob <sip:bob@example.test>\r\n"
            "Call-ID: order@192.0.2.10\r\n"
            "CSeq: 7 INVITE\r\n"
            "Max-Forwards: 70\r\n"
            "Contact: <sip:alice@192.0.2.10>\r\n"
            "Contact: <sip:alice@192.0.2.11>\r\n"
            "Expires: 60\r\n"
            "X-First: 1\r\n"
            "X-Last: 2\r\n"
            "Content-Type: application/sdp\r\n"
            "Content-Length: 5\r\n"
            "\r\n"
            "v=0\r\n");
}

TEST(Serializer, ContentLengthIsTheRealBodySize) {
  Message m;
  m.is_request = false;
  m.status = 200;
  m.reason = "OK";
  m.vias.push_back(*parseVia("SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKx;rport=5061"));
  m.from = *parseNameAddr("<sip:a@h>;tag=1");
  m.to = *parseNameAddr("sip:b@h;tag=2");
  m.call_id = "cid";
  m.cseq = CSeq{5, Method::Message, ""};
  m.body = std::string("ab\0c", 4);
  std::string wire = serialize(m);
  EXPECT_EQ(wire,
            std::string("SIP/2.0 200 OK\r\n"
                        "Via: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKx;rport=5061\r\n"
                        "From: <sip:a@h>;tag=1\r\n"
                        "To: sip:b@h;tag=2\r\n"
                        "Call-ID: cid\r\n"
                        "CSeq: 5 MESSAGE\r\n"
                        "Content-Length: 4\r\n\r\nab") +
                std::string("\0c", 2));
  std::string appended = "prefix";
  serializeTo(m, appended);
  EXPECT_EQ(appended, "prefix" + wire);
}

TEST(Serializer, WritesContactStar) {
  auto m = parseMessage(
      "REGISTER sip:h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
      "To: <sip:a@h>\r\nCall-ID: x\r\nCSeq: 2 REGISTER\r\nContact: *\r\nExpires: 0\r\n\r\n",
      ParseLimits{});
  ASSERT_TRUE(m);
  std::string w = serialize(*m);
  EXPECT_NE(w.find("\r\nContact: *\r\nExpires: 0\r\n"), std::string::npos) << w;
}

TEST(Serializer, FoldedAndOddlySpacedInputSerializesOnOneLinePerHeader) {
  std::string in =
      "OPTIONS sip:bob@example.test SIP/2.0\r\n"
      "Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw\r\n"
      "TO :\r\n sip:bob@example.test ;   tag    = 1918181833n\r\n"
      "from   : \"J R \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8\r\n"
      "Call-ID: x\r\ncseq: 0009\r\n  OPTIONS\r\n\r\n";
  auto m = parseMessage(in, ParseLimits{});
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(serialize(*m),
            "OPTIONS sip:bob@example.test SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 192.0.2.2;branch=390skdjuw\r\n"
            "From: \"J R \\\\\\\"\" <sip:jdrosen@example.com>;tag=98asjd8\r\n"
            "To: sip:bob@example.test;tag=1918181833n\r\n"
            "Call-ID: x\r\n"
            "CSeq: 9 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace insip::sip
