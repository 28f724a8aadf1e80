#include "ssokit/native/qr.hpp"

#include <algorithm>

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
  return make_error(ErrorCode::unsupported, "this build of ssokit has no QR code support (built without libqrencode); show the URL as text");
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

std::string qr_svg(const QrCode& code, int module_px, int quiet_zone) {
  const int kQuiet = quiet_zone < 0 ? 0 : quiet_zone;
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

namespace {

std::uint32_t crc32(const std::string& data, std::size_t from) {
  std::uint32_t crc = 0xffffffffu;
  for (std::size_t i = from; i < data.size(); ++i) {
    crc ^= static_cast<unsigned char>(data[i]);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xffffffffu;
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

// One PNG chunk: length, type, data, CRC over type and data.
void chunk(std::string& png, const char* type, const std::string& data) {
  put32(png, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = png.size();
  png += type;
  png += data;
  put32(png, crc32(png, start));
}

}  // namespace

std::string qr_png(const QrCode& code, int module_px, int quiet_zone) {
  const int q = quiet_zone < 0 ? 0 : quiet_zone;
  const int px = module_px < 1 ? 1 : module_px;
  const auto side = static_cast<std::uint32_t>((code.size + 2 * q) * px);
  // The image: one filter byte (0, none) per row, then a gray byte per pixel (0 black, 255 white).
  std::string raw;
  raw.reserve(static_cast<std::size_t>(side) * (side + 1));
  for (std::uint32_t y = 0; y < side; ++y) {
    raw += '\0';
    for (std::uint32_t x = 0; x < side; ++x) {
      raw += code.dark(static_cast<int>(x) / px - q, static_cast<int>(y) / px - q) ? '\0' : '\xff';
    }
  }
  // zlib stream with stored (uncompressed) deflate blocks of at most 65535 bytes: no zlib needed,
  // and a QR code image is small. Adler-32 of the raw data at the end.
  std::string z = "\x78\x01";
  for (std::size_t at = 0; at < raw.size() || at == 0;) {
    const std::size_t n = std::min<std::size_t>(raw.size() - at, 65535);
    const bool last = at + n >= raw.size();
    z += static_cast<char>(last ? 1 : 0);
    z += static_cast<char>(n & 0xff);
    z += static_cast<char>(n >> 8);
    z += static_cast<char>(~n & 0xff);
    z += static_cast<char>((~n >> 8) & 0xff);
    z.append(raw, at, n);
    at += n;
    if (last) break;
  }
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  put32(z, (b << 16) | a);

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  put32(header, side);
  put32(header, side);
  header += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grayscale, deflate, filter 0, no interlace
  chunk(png, "IHDR", header);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", "");
  return png;
}

}  // namespace ssokit::native
