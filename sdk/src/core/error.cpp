#include "ssokit/error.hpp"

#include <array>

namespace ssokit {
namespace {

// Same order as the enum: the names are the public contract.
constexpr std::array<const char*, static_cast<std::size_t>(ErrorCode::unsupported) + 1> kNames = {
    "invalid_argument",
    "invalid_url",
    "invalid_return_url",
    "state_missing",
    "state_mismatch",
    "transaction_not_found",
    "iss_mismatch",
    "authorization_error",
    "discovery_failed",
    "discovery_issuer_mismatch",
    "network_error",
    "timeout",
    "http_error",
    "invalid_response",
    "token_error",
    "id_token_missing",
    "id_token_malformed",
    "id_token_alg_not_allowed",
    "id_token_key_not_found",
    "id_token_signature_invalid",
    "id_token_iss_mismatch",
    "id_token_aud_mismatch",
    "id_token_azp_mismatch",
    "id_token_expired",
    "id_token_iat_invalid",
    "id_token_not_yet_valid",
    "id_token_nonce_mismatch",
    "id_token_sub_missing",
    "userinfo_sub_mismatch",
    "login_required",
    "refresh_failed",
    "device_code_expired",
    "access_denied",
    "storage_error",
    "storage_tampered",
    "platform_error",
    "sso_token_unknown",
    "cancelled",
    "internal_error",
    "server_only",
    "sso_test_failed",
    "rate_limited",
    "unsupported",
};

}  // namespace

const char* error_code_name(ErrorCode code) {
  auto i = static_cast<std::size_t>(code);
  return i < kNames.size() ? kNames[i] : "internal_error";
}

bool error_code_from_name(std::string_view name, ErrorCode* out) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) {
      *out = static_cast<ErrorCode>(i);
      return true;
    }
  }
  return false;
}

Json Error::to_json() const {
  Json j = Json::object();
  j.set("code", code_name());
  j.set("message", message);
  if (details.is_object() && !details.empty()) j["details"] = details;
  return j;
}

std::string Error::to_string() const { return std::string(code_name()) + ": " + message; }

Error make_error(ErrorCode code, const char* message) { return make_error(code, std::string(message)); }

Error make_error(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

Error make_error(ErrorCode code, std::string message, Json details) {
  Error e = make_error(code, std::move(message));
  if (details.is_object()) e.details = std::move(details);  // else the empty object it has
  return e;
}

}  // namespace ssokit
