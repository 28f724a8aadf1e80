// printable_text (ssokit/display.hpp): provider text shown on a terminal cannot add lines,
// overwrite or hide what the program printed, or reorder it (issue 16 item 5).
#include <gtest/gtest.h>

#include "ssokit/display.hpp"

namespace ssokit {
namespace {

TEST(PrintableText, ControlsBecomeVisibleEscapes) {
  // The review's user_code: a second "Visit:" line and an SGR sequence that hides what follows.
  EXPECT_EQ(printable_text("WDJB-MJHT\nVisit: http://evil.example/activate\x1b[8m"),
            "WDJB-MJHT\\x0aVisit: http://evil.example/activate\\x1b[8m");
  // A carriage return and an OSC sequence in an error_description.
  EXPECT_EQ(printable_text("bad\r\x1b]0;title\x07ok"), "bad\\x0d\\x1b]0;title\\x07ok");
  EXPECT_EQ(printable_text(std::string("a\0b\x7f", 4)), "a\\x00b\\x7f");
  EXPECT_EQ(printable_text("\xc2\x9b" "2J"), "\\x9b2J");  // C1 CSI
}

TEST(PrintableText, BidiControlsAndBrokenUtf8AreEscapedTheRestStays) {
  EXPECT_EQ(printable_text("user\xe2\x80\xae" "gpj.exe"), "user\\u{202e}gpj.exe");
  EXPECT_EQ(printable_text("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u{2066}x\\u{2069}");
  EXPECT_EQ(printable_text("\xff\xc3"), "\\xff\\xc3");
  EXPECT_EQ(printable_text("caf\xc3\xa9 \xf0\x9f\x98\x80 https://id.example/device?user_code=WDJB-MJHT"),
            "caf\xc3\xa9 \xf0\x9f\x98\x80 https://id.example/device?user_code=WDJB-MJHT");
  // A backslash is doubled, so text cannot pass for one of our escapes.
  EXPECT_EQ(printable_text("\\x1b"), "\\\\x1b");
  EXPECT_EQ(printable_text(""), "");
}

}  // namespace
}  // namespace ssokit
