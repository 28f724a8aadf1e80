// QR codes for the device flow: the verification URL as a matrix (libqrencode), drawn for a
// terminal with half-block characters or as SVG for a screen. (No PNG: that would need a deflate
// implementation or zlib; SVG scales to any screen and every browser shows it.)
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
// internal_error when this build has no libqrencode.
Result<QrCode> qr_encode(std::string_view text);

struct TerminalQrOptions {
  int quiet_zone = 2;  // light modules around the code (the standard asks 4; 2 reads fine on screens)
  // false: for light-on-dark terminals, where a drawn block is light (most terminals); true for
  // dark-on-light ones. Either way the code's dark modules come out dark.
  bool dark_on_light = false;
};

// Two module rows per text line with ▀ ▄ █ and spaces; lines end with '\n'.
std::string qr_terminal(const QrCode& code, const TerminalQrOptions& options = {});

// A standalone SVG document: black modules on a white square with a 4-module quiet zone,
// `module_px` pixels per module.
std::string qr_svg(const QrCode& code, int module_px = 8);

}  // namespace ssokit::native
