// QR codes for the device flow: the verification URL as a matrix (libqrencode), drawn for a
// terminal with half-block characters, or as SVG or PNG for a screen.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ssokit/result.hpp"

namespace ssokit::native {

struct QrCode {
  int size = 0;                       // modules per side, without a quiet zone
  std::vector<std::uint8_t> modules;  // row-major, 1 = dark

  bool dark(int x, int y) const {
    return x >= 0 && y >= 0 && x < size && y < size && modules[static_cast<std::size_t>(y) * size + x] != 0;
  }
};

// Byte-mode QR code at error correction level M, the smallest version that fits.
// invalid_argument when the text is empty, too long for a QR code, or holds a NUL byte;
// unsupported when this build has no libqrencode.
Result<QrCode> qr_encode(std::string_view text);

struct TerminalQrOptions {
  int quiet_zone = 2;  // light modules around the code (the standard asks 4; 2 reads fine on screens)
  // false: for light-on-dark terminals, where a drawn block is light (most terminals); true for
  // dark-on-light ones. Either way the code's dark modules come out dark.
  bool dark_on_light = false;
};

// Two module rows per text line with ▀ ▄ █ and spaces; lines end with '\n'.
std::string qr_terminal(const QrCode& code, const TerminalQrOptions& options = {});

// A standalone SVG document: black modules on a white square with a `quiet_zone` of light
// modules around the code, `module_px` pixels per module.
std::string qr_svg(const QrCode& code, int module_px = 8, int quiet_zone = 4);

// The same as a PNG image (8-bit grayscale; zlib's stored blocks, so no compression library):
// (size + 2 * quiet_zone) * module_px pixels a side.
std::string qr_png(const QrCode& code, int module_px = 8, int quiet_zone = 4);

}  // namespace ssokit::native
