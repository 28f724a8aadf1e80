// QR codes for the device flow (native/qr): the matrix from libqrencode, the terminal rendering
// with half blocks and the SVG.
#include <gtest/gtest.h>

#include <sstream>

#include "ssokit/native/qr.hpp"

namespace ssokit::native {
namespace {

#ifdef SSOKIT_TEST_HAS_QRENCODE
constexpr bool kHasQrencode = true;
#else
constexpr bool kHasQrencode = false;
#endif

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(Qr, EncodesAUrlWithFinderPatterns) {
  auto qr = qr_encode("https://id.example.com/device?user_code=WDJB-MJHT");
  if (!kHasQrencode) {
    ASSERT_FALSE(qr.ok());
    GTEST_SKIP() << "built without libqrencode";
  }
  ASSERT_TRUE(qr.ok()) << qr.error().to_string();
  EXPECT_GE(qr->size, 21);
  EXPECT_EQ((qr->size - 17) % 4, 0) << "a QR code is 17 + 4 * version modules wide";
  // The three finder patterns: dark corner, light separator ring at distance 1, dark 3x3 core.
  for (auto [ox, oy] : {std::pair{0, 0}, std::pair{qr->size - 7, 0}, std::pair{0, qr->size - 7}}) {
    EXPECT_TRUE(qr->dark(ox, oy));
    EXPECT_FALSE(qr->dark(ox + 1, oy + 1));
    EXPECT_TRUE(qr->dark(ox + 3, oy + 3));
  }
  EXPECT_FALSE(qr->dark(-1, 0));
  EXPECT_FALSE(qr->dark(qr->size, 0));
}

TEST(Qr, RefusesEmptyAndOversizedText) {
  auto empty = qr_encode("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
  if (!kHasQrencode) GTEST_SKIP() << "built without libqrencode";
  auto huge = qr_encode(std::string(5000, 'x'));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::invalid_argument);
}

TEST(Qr, TerminalRenderingUsesTwoRowsPerLineWithAQuietZone) {
  QrCode code;  // a hand-made 3x3 "code": dark diagonal
  code.size = 3;
  code.modules = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  const auto light_terminal = lines(qr_terminal(code, {1, true}));
  // 3 + 2 * 1 = 5 module rows -> 3 text lines of 5 characters; dark-on-light draws dark modules.
  ASSERT_EQ(light_terminal.size(), 3u);
  for (const auto& l : light_terminal) EXPECT_EQ(code_points(l), 5u);
  EXPECT_EQ(light_terminal[0], " \u2584   ");       // rows 0 (quiet) and 1 (module 0,0 dark below)
  EXPECT_EQ(light_terminal[1], "  \u2580\u2584 ");  // rows 2 and 3: modules (1,1) above, (2,2) below
  EXPECT_EQ(light_terminal[2], "     ");             // row 4 (quiet), nothing below
  // On a dark terminal the drawn blocks are the light modules: the quiet zone is full blocks.
  const auto dark_terminal = lines(qr_terminal(code, {1, false}));
  ASSERT_EQ(dark_terminal.size(), 3u);
  EXPECT_EQ(dark_terminal[0], "\u2588\u2580\u2588\u2588\u2588");
  EXPECT_EQ(dark_terminal[2], "\u2580\u2580\u2580\u2580\u2580");  // the odd last row over the background
}

TEST(Qr, SvgHasOneRunPerStretchOfDarkModules) {
  QrCode code;
  code.size = 2;
  code.modules = {1, 1, 0, 1};
  const std::string svg = qr_svg(code, 10);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\" width=\"100\"", 0), 0u) << svg;
  EXPECT_NE(svg.find("d=\"M4 4h2v1h-2zM5 5h1v1h-1z\""), std::string::npos) << svg;
}

}  // namespace
}  // namespace ssokit::native
