// QR codes for the C API: the module matrix, and PNG, SVG or terminal text (native/qr).
#include "c_internal.hpp"
#include "ssokit/native/qr.hpp"

using ssokit::ErrorCode;
using ssokit::c::fail;
using ssokit::c::ok;

extern "C" {

ssokit_code ssokit_qr_matrix(const char* text, unsigned char** modules_out, int* side_out, ssokit_error* err) {
  if (text == nullptr || modules_out == nullptr || side_out == nullptr) {
    return fail(err, ErrorCode::invalid_argument, "NULL argument");
  }
  *modules_out = nullptr;
  *side_out = 0;
  auto code = ssokit::native::qr_encode(text);
  if (!code.ok()) return fail(err, code.error());
  const auto& m = code.value().modules;
  *modules_out = static_cast<unsigned char*>(std::malloc(m.empty() ? 1 : m.size()));
  if (*modules_out == nullptr) return fail(err, ErrorCode::internal_error, "out of memory");
  std::memcpy(*modules_out, m.data(), m.size());
  *side_out = code.value().size;
  return ok(err);
}

ssokit_code ssokit_qr(const char* text, const char* format, const ssokit_qr_options* options, char** out,
                      size_t* length_out, ssokit_error* err) {
  if (text == nullptr || format == nullptr || out == nullptr) return fail(err, ErrorCode::invalid_argument, "NULL argument");
  *out = nullptr;
  if (length_out != nullptr) *length_out = 0;
  ssokit_qr_options o = SSOKIT_QR_OPTIONS_INIT;
  if (options != nullptr) {
    if (options->size < sizeof(size_t) || options->size > 4096) {
      return fail(err, ErrorCode::invalid_argument, "options->size must be sizeof(ssokit_qr_options)");
    }
    std::memcpy(&o, options, options->size < sizeof o ? options->size : sizeof o);
  }
  if (o.module_px < 0 || o.module_px > 64) return fail(err, ErrorCode::invalid_argument, "module_px must be from 1 to 64 (0: 8)");
  if (o.quiet_zone < -1 || o.quiet_zone > 16) return fail(err, ErrorCode::invalid_argument, "quiet_zone must be from 0 to 16 (-1: the default)");
  const std::string f = format;
  if (f != "png" && f != "svg" && f != "terminal") {
    return fail(err, ErrorCode::invalid_argument, "format must be \"png\", \"svg\" or \"terminal\"");
  }
  auto code = ssokit::native::qr_encode(text);
  if (!code.ok()) return fail(err, code.error());
  const int px = o.module_px == 0 ? 8 : o.module_px;
  std::string drawn;
  if (f == "terminal") {
    ssokit::native::TerminalQrOptions t;
    if (o.quiet_zone >= 0) t.quiet_zone = o.quiet_zone;
    drawn = ssokit::native::qr_terminal(code.value(), t);
  } else {
    const int quiet = o.quiet_zone < 0 ? 4 : o.quiet_zone;
    drawn = f == "png" ? ssokit::native::qr_png(code.value(), px, quiet) : ssokit::native::qr_svg(code.value(), px, quiet);
  }
  if (length_out != nullptr) *length_out = drawn.size();
  return ssokit::c::give_out(out, drawn, err);
}

}  // extern "C"
