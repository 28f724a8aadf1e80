#include "qr/qr.hpp"

#include <cerrno>

#ifdef SSOKIT_WITH_QRENCODE
#include <qrencode.h>
#endif

namespace ssokit::native {

Result<QrCode> qr_encode(std::string_view text) {
  if (text.empty()) return make_error(ErrorCode::invalid_argument, "a QR code needs some text");
  if (text.find('\0') != std::string_view::npos) {
    return make_error(ErrorCode::invalid_argument, "the QR code text holds a NUL byte");
  }
#ifdef SSOKIT_WITH_QRENCODE
  const std::string input(text);
  // Version 0: the smallest that fits. Level M survives some glare on a TV screen.
  QRcode* qr = QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M);
  if (qr == nullptr) {
    if (errno == ERANGE) return make_error(ErrorCode::invalid_argument, "the text is too long for a QR code");
    return make_error(ErrorCode::internal_error, "libqrencode could not encode the text");
  }
  QrCode code;
  code.size = qr->width;
  code.modules.resize(static_cast<std::size_t>(qr->width) * qr->width);
  for (std::size_t i = 0; i < code.modules.size(); ++i) code.modules[i] = qr->data[i] & 1;  // bit 0: dark
  QRcode_free(qr);
  return code;
#else
  return make_error(ErrorCode::internal_error, "this build of ssokit has no QR code support (libqrencode)");
#endif
}

std::string qr_terminal(const QrCode& code, const TerminalQrOptions& options) {
  const int q = options.quiet_zone < 0 ? 0 : options.quiet_zone;
  const int side = code.size + 2 * q;
  // A character is "drawn" where the terminal's foreground shows: light modules on a dark
  // background, dark ones on a light background.
  auto drawn = [&](int x, int y) {
    const bool dark = code.dark(x - q, y - q);
    return options.dark_on_light ? dark : !dark;
  };
  std::string out;
  out.reserve(static_cast<std::size_t>((side + 1) / 2) * (side * 3 + 1));
  for (int y = 0; y < side; y += 2) {
    for (int x = 0; x < side; ++x) {
      const bool top = drawn(x, y);
      const bool bottom = y + 1 < side && drawn(x, y + 1);  // past an odd last row: background
      out += top ? (bottom ? "\u2588" : "\u2580") : (bottom ? "\u2584" : " ");
    }
    out += '\n';
  }
  return out;
}

std::string qr_svg(const QrCode& code, int module_px) {
  constexpr int kQuiet = 4;
  const int side = code.size + 2 * kQuiet;
  const int px = (module_px < 1 ? 1 : module_px) * side;
  std::string path;
  // One horizontal run per stretch of dark modules: a few KB for a URL-sized code.
  for (int y = 0; y < code.size; ++y) {
    for (int x = 0; x < code.size;) {
      if (!code.dark(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (code.dark(x + run, y)) ++run;
      path += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h" + std::to_string(run) +
              "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  const std::string n = std::to_string(side), p = std::to_string(px);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n + "\" width=\"" + p +
         "\" height=\"" + p + "\" shape-rendering=\"crispEdges\"><rect width=\"" + n + "\" height=\"" + n +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
}

}  // namespace ssokit::native
